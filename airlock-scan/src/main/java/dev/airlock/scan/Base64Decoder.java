package dev.airlock.scan;

import java.util.Base64;

/**
 * Base64 blobs, standard or URL-safe alphabet, padded or not. Only runs of at least {@value #MIN_RUN} characters
 * that mix character classes are decoded, and the result is scanned only if it looks like text or is compressed:
 * random binary cannot hold a textual credential, and skipping it keeps source code cheap to scan.
 */
final class Base64Decoder implements LayerDecoder {
    static final int MIN_RUN = 24;
    private static final boolean[] ALPHABET = new boolean[256];

    static {
        for (char c : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_".toCharArray()) {
            ALPHABET[c] = true;
        }
    }

    @Override
    public String name() {
        return "base64";
    }

    static boolean inAlphabet(byte b) {
        return ALPHABET[b & 0xFF];
    }

    /** {@code at} is the start of a run of alphabet characters. */
    @Override
    public long regionAround(byte[] data, int at, int floor, int limit) {
        int i = at;
        boolean upper = false, lower = false, digit = false;
        while (i < limit && ALPHABET[data[i] & 0xFF]) {
            byte b = data[i];
            upper |= b >= 'A' && b <= 'Z';
            lower |= b >= 'a' && b <= 'z';
            digit |= b >= '0' && b <= '9';
            i++;
        }
        int end = i;
        while (i < limit && i < end + 2 && data[i] == '=') {
            i++;
        }
        int classes = (upper ? 1 : 0) + (lower ? 1 : 0) + (digit ? 1 : 0);
        return end - at >= MIN_RUN && classes >= 2 ? LayerDecoder.pack(at, i) : -1;
    }

    @Override
    public byte[] decode(byte[] data, int start, int end, int maxOutput) {
        int n = end;
        while (n > start && data[n - 1] == '=') {
            n--;
        }
        int len = n - start;
        len -= len % 4 == 1 ? 1 : 0;
        len = Math.min(len, (maxOutput / 3) * 4);
        boolean url = false;
        for (int i = start; i < start + len; i++) {
            if (data[i] == '-' || data[i] == '_') {
                url = true;
            } else if (data[i] == '+' || data[i] == '/') {
                if (url) {
                    return null; // mixed alphabets: not base64
                }
            }
        }
        if (url) {
            for (int i = start; i < start + len; i++) {
                if (data[i] == '+' || data[i] == '/') {
                    return null;
                }
            }
        }
        byte[] decoded;
        try {
            byte[] slice = java.util.Arrays.copyOfRange(data, start, start + len);
            decoded = (url ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(slice);
        } catch (IllegalArgumentException e) {
            return null;
        }
        return CompressedDecoder.isCompressed(decoded, 0) || looksLikeText(decoded) ? decoded : null;
    }

    static boolean looksLikeText(byte[] b) {
        int printable = 0;
        for (byte x : b) {
            int c = x & 0xFF;
            if ((c >= 0x20 && c < 0x7f) || c == '\n' || c == '\r' || c == '\t' || c >= 0x80) {
                printable++;
            }
        }
        return printable * 10 >= b.length * 9;
    }

    @Override
    public int alignment() {
        return 4;
    }
}
