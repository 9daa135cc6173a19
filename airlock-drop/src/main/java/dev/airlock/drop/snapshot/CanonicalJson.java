package dev.airlock.drop.snapshot;

import java.nio.charset.StandardCharsets;

/**
 * The few JSON tokens a manifest's canonical form needs, written byte for byte as the shared mapper writes them:
 * strings as UTF-8 with {@code "} and {@code \} escaped, backspace, tab, newline, form feed and carriage return as two-character escapes, other control characters and
 * both halves of a surrogate pair as backslash-u escapes with four upper-case hex digits, nothing else escaped.
 */
final class CanonicalJson {
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
    private byte[] buf;
    private int size;

    CanonicalJson(int sizeHint) {
        buf = new byte[Math.max(64, sizeHint)];
    }

    CanonicalJson raw(String ascii) {
        room(ascii.length());
        for (int i = 0; i < ascii.length(); i++) {
            buf[size++] = (byte) ascii.charAt(i);
        }
        return this;
    }

    CanonicalJson number(long n) {
        return raw(Long.toString(n));
    }

    @SuppressWarnings("deprecation")
    CanonicalJson string(String s) {
        room(s.length() + 2);
        buf[size++] = '"';
        if (plainAscii(s)) {
            s.getBytes(0, s.length(), buf, size); // low byte of each char: exact for ASCII
            size += s.length();
            buf[size++] = '"';
            return this;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
                room(1);
                buf[size++] = (byte) c;
            } else if (c >= 0x80 && !Character.isSurrogate(c)) {
                bytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            } else {
                if (Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < s.length()
                        && Character.isLowSurrogate(s.charAt(i + 1)))
                        && !(Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(s.charAt(i - 1)))) {
                    throw new IllegalStateException("manifest is not serialisable: unpaired surrogate");
                }
                escape(c);
            }
        }
        room(1);
        buf[size++] = '"';
        return this;
    }

    private static boolean plainAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    private void escape(char c) {
        room(6);
        buf[size++] = '\\';
        switch (c) {
            case '"', '\\' -> buf[size++] = (byte) c;
            case '\b' -> buf[size++] = 'b';
            case '\t' -> buf[size++] = 't';
            case '\n' -> buf[size++] = 'n';
            case '\f' -> buf[size++] = 'f';
            case '\r' -> buf[size++] = 'r';
            default -> {
                buf[size++] = 'u';
                buf[size++] = HEX[c >> 12];
                buf[size++] = HEX[(c >> 8) & 0xF];
                buf[size++] = HEX[(c >> 4) & 0xF];
                buf[size++] = HEX[c & 0xF];
            }
        }
    }

    private void bytes(byte[] b) {
        bytes(b, 0, b.length);
    }

    /** Copies {@code b[from, to)}: bytes this class wrote before, for the same token. */
    CanonicalJson bytes(byte[] b, int from, int to) {
        room(to - from);
        System.arraycopy(b, from, buf, size, to - from);
        size += to - from;
        return this;
    }

    int size() {
        return size;
    }

    private void room(int n) {
        if (size + n > buf.length) {
            buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
        }
    }

    byte[] toByteArray() {
        return java.util.Arrays.copyOf(buf, size);
    }
}
