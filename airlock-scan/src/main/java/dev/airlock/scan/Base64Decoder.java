package dev.airlock.scan;

import java.util.Arrays;

/**
 * Base64 blobs, standard or URL-safe alphabet, padded or not. Only runs of at least {@value #MIN_RUN} characters
 * that mix character classes are decoded, and the result is scanned only if it looks like text or is compressed:
 * random binary cannot hold a textual credential, and skipping it keeps source code cheap to scan.
 */
final class Base64Decoder implements LayerDecoder {
    static final int MIN_RUN = 24;
    private static final boolean[] ALPHABET = new boolean[256];
    /** Bits 0-5 the sextet; {@link #STANDARD_ONLY} for {@code +/}, {@link #URL_ONLY} for {@code -_}; -1 outside. */
    private static final int[] VALUE = new int[256];
    private static final int STANDARD_ONLY = 64;
    private static final int URL_ONLY = 128;
    /** 1 upper case, 2 lower case, 4 digit. */
    private static final byte[] CLASS = new byte[256];
    /** 1 for bytes that are not text: controls other than tab and line ends, and DEL. */
    private static final byte[] NON_TEXT = new byte[256];

    static {
        Arrays.fill(VALUE, -1);
        String standard = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int v = 0; v < 64; v++) {
            VALUE[standard.charAt(v)] = v | (v >= 62 ? STANDARD_ONLY : 0);
            ALPHABET[standard.charAt(v)] = true;
        }
        VALUE['-'] = 62 | URL_ONLY;
        VALUE['_'] = 63 | URL_ONLY;
        ALPHABET['-'] = true;
        ALPHABET['_'] = true;
        for (int c = 0; c < 26; c++) {
            CLASS['A' + c] = 1;
            CLASS['a' + c] = 2;
        }
        for (int c = '0'; c <= '9'; c++) {
            CLASS[c] = 4;
        }
        for (int c = 0; c < 256; c++) {
            NON_TEXT[c] = (byte) ((c >= 0x20 && c < 0x7f) || c == '\n' || c == '\r' || c == '\t' || c >= 0x80 ? 0 : 1);
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
        int end = at;
        while (end < limit && ALPHABET[data[end] & 0xFF]) {
            end++;
        }
        return regionOfRun(data, at, end, limit);
    }

    /**
     * The region of the maximal alphabet run {@code data[start, end)} (the prefilter found it) with its padding,
     * if the run is long enough and mixes at least two of upper case, lower case and digits; else -1.
     */
    static long regionOfRun(byte[] data, int start, int end, int limit) {
        if (end - start < MIN_RUN) {
            return -1;
        }
        int classes = 0;
        for (int i = start; i < end && Integer.bitCount(classes) < 2; i++) {
            classes |= CLASS[data[i] & 0xFF];
        }
        if (Integer.bitCount(classes) < 2) {
            return -1;
        }
        int i = end;
        while (i < limit && i < end + 2 && data[i] == '=') {
            i++;
        }
        return LayerDecoder.pack(start, i);
    }

    /**
     * Decodes as {@code java.util.Base64} would (trailing {@code =} dropped, a dangling last character ignored,
     * one alphabet per region) and keeps the result only if it is compressed or {@link #looksLikeText}. That test
     * compares the count of non-text bytes with the decoded length, which is known before decoding, so random
     * binary is given up as soon as more than a tenth of its length is non-text, usually well before its end.
     */
    @Override
    public int decode(byte[] data, int start, int end, int maxOutput, LayerBuffer out) {
        int n = end;
        while (n > start && data[n - 1] == '=') {
            n--;
        }
        int len = n - start;
        len -= len % 4 == 1 ? 1 : 0;
        len = (int) Math.min(len, (maxOutput / 3) * 4L);
        int length = len / 4 * 3 + (len % 4 == 0 ? 0 : len % 4 - 1);
        byte[] o = out.ensure(length);
        int stop = start + len / 4 * 4;
        int kinds = 0;
        long nonText = 0;
        int d = 0;
        long giveUp = length; // past a tenth of the length in non-text bytes, only a compressed region is kept
        for (int i = start; i < stop; i += 4) {
            int a = VALUE[data[i] & 0xFF];
            int b = VALUE[data[i + 1] & 0xFF];
            int c = VALUE[data[i + 2] & 0xFF];
            int e = VALUE[data[i + 3] & 0xFF];
            kinds |= a | b | c | e;
            int bits = (a & 63) << 18 | (b & 63) << 12 | (c & 63) << 6 | (e & 63);
            o[d] = (byte) (bits >> 16);
            o[d + 1] = (byte) (bits >> 8);
            o[d + 2] = (byte) bits;
            d += 3;
            nonText += NON_TEXT[bits >>> 16] + NON_TEXT[(bits >>> 8) & 0xFF] + NON_TEXT[bits & 0xFF];
            if (nonText * 10 > giveUp) {
                if (!CompressedDecoder.isCompressed(o, 0, length)) {
                    return -1;
                }
                giveUp = Long.MAX_VALUE;
            }
        }
        if (len % 4 != 0) {
            int bits = 0;
            for (int k = 0; k < len % 4; k++) {
                int v = VALUE[data[stop + k] & 0xFF];
                kinds |= v;
                bits |= (v & 63) << (18 - 6 * k);
            }
            o[d++] = (byte) (bits >> 16);
            nonText += NON_TEXT[o[d - 1] & 0xFF];
            if (len % 4 == 3) {
                o[d++] = (byte) (bits >> 8);
                nonText += NON_TEXT[o[d - 1] & 0xFF];
            }
        }
        if (kinds < 0 || (kinds & (STANDARD_ONLY | URL_ONLY)) == (STANDARD_ONLY | URL_ONLY)) {
            return -1; // not base64, or both alphabets mixed
        }
        return nonText * 10 <= length || CompressedDecoder.isCompressed(o, 0, length) ? length : -1;
    }

    /** At least 90 % of the bytes are printable ASCII, tab, line ends or non-ASCII (UTF-8 text). */
    static boolean looksLikeText(byte[] b, int length) {
        long nonText = 0;
        for (int i = 0; i < length; i++) {
            nonText += NON_TEXT[b[i] & 0xFF];
        }
        return nonText * 10 <= length;
    }

    @Override
    public int alignment() {
        return 4;
    }
}
