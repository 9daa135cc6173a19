package dev.airlock.scan;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Up to 16 base64 quads decoded and judged in one step on 64-byte vectors ({@code jdk.incubator.vector}), for
 * {@link Base64Decoder} when the JVM runs the {@link VectorPrefilter}: one table lookup gives the sextets and the
 * alphabet of 64 characters, shifts on 16 int lanes and one byte permutation give the 48 decoded bytes, and
 * compares turn them into bit masks from which the control bytes and the byte pairs that cannot be UTF-8 are
 * counted with the same definitions as the scalar loop. Almost every base64 run in ordinary traffic is random
 * binary, a hash or a hex id that the scalar loop gives up on after 10 to 20 quads; this does those in one or two
 * steps.
 */
final class VectorBase64Block {
    private static final VectorSpecies<Byte> BYTES = ByteVector.SPECIES_512;
    /** Characters read per step; the quads used are the first {@code 4 * quads} of them. */
    static final int CHARS = 64;
    /** Bytes written per step; the decoded ones are the first {@code 3 * quads}, the rest is garbage. */
    static final int WRITES = 64;
    /** Lookup results: the sextet, and these flags for the characters only one alphabet has. */
    private static final int STANDARD_ONLY = 0x40;
    private static final int URL_ONLY = 0x80;
    private static final ByteVector VALUE_LOW;
    private static final ByteVector VALUE_HIGH;
    private static final ByteVector CONTROL_LOW;
    private static final ByteVector CONTROL_HIGH;
    /** Byte {@code 3k + r} of the output is byte {@code 2 - r} (big-endian order) of int lane {@code k}. */
    private static final VectorShuffle<Byte> PACK;

    static {
        byte[] value = new byte[128];
        byte[] control = new byte[128];
        for (int c = 0; c < 128; c++) {
            int v = Base64Decoder.value(c);
            // Outside the alphabet: both flags, which rejects the region as mixing alphabets does (the scalar
            // loop rejects it as not base64: the same -1).
            value[c] = (byte) (v < 0 ? STANDARD_ONLY | URL_ONLY
                    : (v & 63) | ((v & Base64Decoder.STANDARD_ONLY) != 0 ? STANDARD_ONLY : 0)
                    | ((v & Base64Decoder.URL_ONLY) != 0 ? URL_ONLY : 0));
            control[c] = (byte) Base64Decoder.nonText(c);
        }
        VALUE_LOW = ByteVector.fromArray(BYTES, value, 0);
        VALUE_HIGH = ByteVector.fromArray(BYTES, value, 64);
        CONTROL_LOW = ByteVector.fromArray(BYTES, control, 0);
        CONTROL_HIGH = ByteVector.fromArray(BYTES, control, 64);
        int[] pack = new int[64];
        for (int j = 0; j < 64; j++) {
            pack[j] = j < 48 ? 4 * (j / 3) + 2 - j % 3 : 63;
        }
        PACK = VectorShuffle.fromArray(BYTES, pack, 0);
    }

    private VectorBase64Block() {
    }

    /**
     * Decodes the {@code quads} (1 to 16) quads at {@code data[i]} into {@code o[d, d + 3 * quads)}, given the
     * decoded byte before them ({@code previous}, 0x80 for none). Reads {@code data[i, i + 64)} and writes
     * {@code o[d, d + 64)}: the caller makes sure both exist. Returns the count of control bytes, plus the count
     * of byte pairs that cannot be UTF-8 times 2^8, plus {@link Base64Decoder#STANDARD_ONLY} and/or
     * {@link Base64Decoder#URL_ONLY} times 2^16 for the alphabets the characters need (both for a character
     * outside either).
     */
    static int decode(byte[] data, int i, byte[] o, int d, int quads, int previous) {
        ByteVector chars = ByteVector.fromArray(BYTES, data, i);
        // Indices wrap to the low 7 bits: a character >= 0x80 looks up garbage and is flagged on its own.
        ByteVector looked = chars.selectFrom(VALUE_LOW, VALUE_HIGH);
        long nonAscii = chars.compare(VectorOperators.LT, (byte) 0).toLong();
        long standard = looked.and((byte) STANDARD_ONLY).compare(VectorOperators.NE, (byte) 0).toLong() | nonAscii;
        long url = looked.compare(VectorOperators.LT, (byte) 0).toLong() | nonAscii;
        long charLanes = -1L >>> (64 - 4 * quads);
        int kinds = ((standard & charLanes) != 0 ? Base64Decoder.STANDARD_ONLY : 0)
                | ((url & charLanes) != 0 ? Base64Decoder.URL_ONLY : 0);

        // Int lane k holds the sextets s0..s3 of quad k in its bytes 0..3; the decoded 24 bits are
        // s0 << 18 | s1 << 12 | s2 << 6 | s3.
        IntVector x = looked.and((byte) 63).reinterpretAsInts();
        IntVector bits = x.lanewise(VectorOperators.LSHL, 18).and(0xFC0000)
                .or(x.lanewise(VectorOperators.LSHL, 4).and(0x3F000))
                .or(x.lanewise(VectorOperators.LSHR, 10).and(0xFC0))
                .or(x.lanewise(VectorOperators.LSHR, 24));
        ByteVector decoded = bits.reinterpretAsBytes().rearrange(PACK);
        decoded.intoArray(o, d);

        long outLanes = -1L >>> (64 - 3 * quads);
        long ascii = decoded.compare(VectorOperators.GE, (byte) 0).toLong();
        long continuation = decoded.compare(VectorOperators.LT, (byte) -64).toLong(); // 0x80-0xBF
        long lead = ~(ascii | continuation);                                          // 0xC0-0xFF
        long controls = decoded.selectFrom(CONTROL_LOW, CONTROL_HIGH).compare(VectorOperators.NE, (byte) 0).toLong()
                & ascii;
        // As Base64Decoder's NOT_UTF8_PAIRS: a continuation byte after ASCII, or a lead byte before anything but
        // a continuation byte; each byte paired with its predecessor.
        long asciiBefore = ascii << 1 | (previous < 0x80 ? 1 : 0);
        long leadBefore = lead << 1 | (previous >= 0xC0 ? 1 : 0);
        long pairs = (continuation & asciiBefore) | (leadBefore & ~continuation);
        return Long.bitCount(controls & outLanes) | Long.bitCount(pairs & outLanes) << 8 | kinds << 16;
    }
}
