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
    static final int STANDARD_ONLY = 64;
    static final int URL_ONLY = 128;
    /** 1 upper case, 2 lower case, 4 digit. */
    private static final byte[] CLASS = new byte[256];
    /**
     * Bit {@code (a >> 6) << 2 | b >> 6} set when the byte pair {@code a b} proves one byte outside UTF-8: a
     * continuation byte ({@code 80-BF}) after ASCII, or a lead byte ({@code C0-FF}) before anything but a
     * continuation byte. Each byte is judged once (as a continuation by its predecessor or as a lead by its
     * successor), so the pairs of a layer count at most {@link #notUtf8} of it: a lower bound to give up early on.
     */
    private static final int NOT_UTF8_PAIRS = 1 << 2 | 1 << 6 | 1 << 12 | 1 << 13 | 1 << 15;
    /** 1 for controls other than tab and line ends, and DEL; bytes {@code >= 0x80}: see {@link #notUtf8}. */
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

    /** Fewer quads than this left to decode are not worth a vector step. */
    private static final int MIN_VECTOR_QUADS = 4;

    /** Whether to decode 16 quads at a time with {@link VectorBase64Block}: only if the vector module is usable. */
    private final boolean vector;

    Base64Decoder() {
        this(false);
    }

    Base64Decoder(boolean vector) {
        this.vector = vector;
    }

    @Override
    public String name() {
        return "base64";
    }

    /** The sextet of character {@code c} with {@link #STANDARD_ONLY} or {@link #URL_ONLY}, or -1 outside the alphabet. */
    static int value(int c) {
        return VALUE[c & 0xFF];
    }

    /** 1 for a decoded byte that is a control other than tab and line ends, or DEL; else 0. */
    static int nonText(int b) {
        return NON_TEXT[b & 0xFF];
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
     * one alphabet per region) and keeps the result only if it is compressed or at least 90 % text: printable
     * ASCII, tab, line ends and UTF-8 sequences ({@link #notUtf8}). That test compares the count of non-text bytes
     * with the decoded length, which is known before decoding, so random binary is given up as soon as more than a
     * tenth of its length is control bytes or byte pairs that cannot be UTF-8, usually well before its end.
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
        byte[] o = out.ensure(vector ? length + VectorBase64Block.WRITES : length);
        int stop = start + len / 4 * 4;
        int kinds = 0;
        long controls = 0; // NON_TEXT bytes: an exact count
        long pairs = 0;    // byte pairs that cannot be UTF-8: a lower bound of notUtf8

        int d = 0;
        long giveUp = length; // past a tenth of the length in non-text bytes, only a compressed region is kept
        int previous = 0x80; // a continuation byte: neither a stray one nor a lead for what follows
        int i = start;
        if (vector) {
            // The same counts, 16 quads a step; giving up is checked per step instead of per quad, which decides
            // the same, as the counts only grow and the compressed test reads the first bytes only.
            while (stop - i >= 4 * MIN_VECTOR_QUADS && i <= data.length - VectorBase64Block.CHARS
                    && d <= o.length - VectorBase64Block.WRITES) {
                int quads = Math.min(16, (stop - i) >> 2);
                int r = VectorBase64Block.decode(data, i, o, d, quads, previous);
                controls += r & 0xFF;
                pairs += r >>> 8 & 0xFF;
                kinds |= r >>> 16;
                i += 4 * quads;
                d += 3 * quads;
                previous = o[d - 1] & 0xFF;
                if ((controls + pairs) * 10 > giveUp) {
                    if (!CompressedDecoder.isCompressed(o, 0, length)) {
                        return -1;
                    }
                    giveUp = Long.MAX_VALUE;
                }
            }
        }
        for (; i < stop; i += 4) {
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
            int x = bits >>> 16;
            int y = (bits >>> 8) & 0xFF;
            int z = bits & 0xFF;
            controls += NON_TEXT[x] + NON_TEXT[y] + NON_TEXT[z];
            pairs += (NOT_UTF8_PAIRS >>> ((previous >> 6) << 2 | x >> 6) & 1)
                    + (NOT_UTF8_PAIRS >>> ((x >> 6) << 2 | y >> 6) & 1)
                    + (NOT_UTF8_PAIRS >>> ((y >> 6) << 2 | z >> 6) & 1);
            previous = z;
            if ((controls + pairs) * 10 > giveUp) {
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
            controls += NON_TEXT[o[d - 1] & 0xFF];
            if (len % 4 == 3) {
                o[d++] = (byte) (bits >> 8);
                controls += NON_TEXT[o[d - 1] & 0xFF];
            }
        }
        if (kinds < 0 || (kinds & (STANDARD_ONLY | URL_ONLY)) == (STANDARD_ONLY | URL_ONLY)) {
            return -1; // not base64, or both alphabets mixed
        }
        // Text: at most a tenth of the bytes are controls or outside UTF-8 sequences. The controls are counted
        // exactly above, so only the UTF-8 count is left, and it stops as soon as the tenth is exceeded.
        return (controls + pairs) * 10 <= length && notUtf8(o, length, length / 10 - controls) <= length / 10 - controls
                || CompressedDecoder.isCompressed(o, 0, length) ? length : -1;
    }

    /**
     * The count of bytes >= 0x80 that are not part of a UTF-8 sequence: a lead byte {@code C2-F4} followed by as
     * many continuation bytes {@code 80-BF} as it announces (overlong and surrogate forms are accepted: erring
     * towards text only costs a scan). A layer may be a piece of a longer region, cut anywhere: continuation
     * bytes at its start and a sequence cut by its end are counted as text. Stops counting once past
     * {@code stopAbove}.
     */
    static int notUtf8(byte[] b, int length, long stopAbove) {
        int bad = 0;
        int i = 0;
        while (i < length && i < 3 && (b[i] & 0xC0) == 0x80) {
            i++;
        }
        while (i < length) {
            int c = b[i] & 0xFF;
            if (c < 0x80) {
                i++;
                continue;
            }
            int need = c >= 0xC2 && c <= 0xDF ? 1 : c >= 0xE0 && c <= 0xEF ? 2 : c >= 0xF0 && c <= 0xF4 ? 3 : -1;
            int k = 1;
            while (k <= need && i + k < length && (b[i + k] & 0xC0) == 0x80) {
                k++;
            }
            if (need > 0 && (k > need || i + k == length)) {
                i += k; // a whole sequence, or one cut by the layer's end
            } else {
                if (++bad > stopAbove) {
                    return bad; // the caller only needs to know the count exceeds this
                }
                i++;
            }
        }
        return bad;
    }

    @Override
    public int alignment() {
        return 4;
    }
}
