package dev.airlock.scan;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;

/**
 * gzip members and zlib (deflate) streams, recognised by their magic bytes. Output is capped by the scan's
 * decode budget, so a decompression bomb costs at most that budget.
 */
final class CompressedDecoder implements LayerDecoder {
    @Override
    public String name() {
        return "gzip";
    }

    /** Whether {@code d[i, limit)} starts with gzip or zlib magic. */
    static boolean isCompressed(byte[] d, int i, int limit) {
        return isGzip(d, i, limit) || isZlib(d, i, limit);
    }

    private static boolean isGzip(byte[] d, int i, int limit) {
        return i + 3 <= limit && (d[i] & 0xFF) == 0x1f && (d[i + 1] & 0xFF) == 0x8b && d[i + 2] == 8;
    }

    private static boolean isZlib(byte[] d, int i, int limit) {
        if (i + 2 > limit) {
            return false;
        }
        int cmf = d[i] & 0xFF;
        int flg = d[i + 1] & 0xFF;
        return cmf == 0x78 && (cmf * 256 + flg) % 31 == 0 && (flg & 0x20) == 0;
    }

    /** Only tried at the start of a layer: a compressed body, or the decoded bytes of a base64 blob. */
    @Override
    public long regionAround(byte[] data, int at, int floor, int limit) {
        // The member's end is unknown until inflated; claim everything available.
        return isCompressed(data, at, limit) ? LayerDecoder.pack(at, limit) : -1;
    }

    @Override
    public int decode(byte[] data, int start, int end, int maxOutput, LayerBuffer out) {
        int size = 0;
        try (InputStream in = isGzip(data, start, end)
                ? new GZIPInputStream(new ByteArrayInputStream(data, start, end - start))
                : new InflaterInputStream(new ByteArrayInputStream(data, start, end - start))) {
            int n;
            do {
                byte[] o = out.ensure((int) Math.min(maxOutput, size + 8192L));
                n = in.read(o, size, Math.min(o.length, maxOutput) - size);
                size += Math.max(n, 0);
            } while (n > 0 && size < maxOutput);
        } catch (IOException | RuntimeException e) {
            // Magic bytes by coincidence give nothing; a truncated stream still gives what inflated so far.
        }
        return size == 0 ? -1 : size;
    }

    @Override
    public int alignment() {
        return 1;
    }
}
