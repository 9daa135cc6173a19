package dev.airlock.drop.snapshot;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The few JSON tokens a manifest's canonical form needs, written byte for byte as the shared mapper writes them:
 * strings as UTF-8 with {@code "} and {@code \} escaped, backspace, tab, newline, form feed and carriage return as two-character escapes, other control characters and
 * both halves of a surrogate pair as backslash-u escapes with four upper-case hex digits, nothing else escaped.
 */
final class CanonicalJson {
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
    private final ByteArrayOutputStream out;

    CanonicalJson(int sizeHint) {
        out = new ByteArrayOutputStream(sizeHint);
    }

    CanonicalJson raw(String ascii) {
        for (int i = 0; i < ascii.length(); i++) {
            out.write(ascii.charAt(i));
        }
        return this;
    }

    CanonicalJson number(long n) {
        return raw(Long.toString(n));
    }

    CanonicalJson string(String s) {
        out.write('"');
        int plain = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1)))
                    && !(Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(s.charAt(i - 1)))) {
                throw new IllegalStateException("manifest is not serialisable: unpaired surrogate");
            }
            if (c >= 0x20 && c != '"' && c != '\\' && !Character.isSurrogate(c)) {
                continue;
            }
            out.writeBytes(s.substring(plain, i).getBytes(StandardCharsets.UTF_8));
            plain = i + 1;
            out.write('\\');
            switch (c) {
                case '"', '\\' -> out.write(c);
                case '\b' -> out.write('b');
                case '\t' -> out.write('t');
                case '\n' -> out.write('n');
                case '\f' -> out.write('f');
                case '\r' -> out.write('r');
                default -> {
                    out.write('u');
                    out.write(HEX[c >> 12]);
                    out.write(HEX[(c >> 8) & 0xF]);
                    out.write(HEX[(c >> 4) & 0xF]);
                    out.write(HEX[c & 0xF]);
                }
            }
        }
        out.writeBytes(s.substring(plain).getBytes(StandardCharsets.UTF_8));
        out.write('"');
        return this;
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }
}
