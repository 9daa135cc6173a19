package dev.airlock.orchestrator.github;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The end of a CI log, where the failure usually is: reads at most {@code maxRead} bytes of an untrusted stream and
 * keeps the last {@code keep} of them in a ring, so neither a huge log nor a slow one holds more than that in memory.
 */
final class LogTail {
    private LogTail() {
    }

    static String read(InputStream in, long maxRead, int keep) throws IOException {
        byte[] ring = new byte[keep];
        long total = 0;
        byte[] buf = new byte[8192];
        int n;
        while (total < maxRead && (n = in.read(buf, 0, (int) Math.min(buf.length, maxRead - total))) > 0) {
            for (int i = 0; i < n; i++) {
                ring[(int) ((total + i) % keep)] = buf[i];
            }
            total += n;
        }
        boolean more = total >= maxRead && in.read() >= 0;
        int kept = (int) Math.min(total, keep);
        byte[] tail = new byte[kept];
        long start = total - kept;
        for (int i = 0; i < kept; i++) {
            tail[i] = ring[(int) ((start + i) % keep)];
        }
        String text = new String(tail, StandardCharsets.UTF_8);
        String head = total > keep || more ? "[… " + (more ? "more than " : "") + (total - kept) + " earlier bytes "
                + "omitted; the last " + kept + " follow]\n" : "";
        return head + text;
    }
}
