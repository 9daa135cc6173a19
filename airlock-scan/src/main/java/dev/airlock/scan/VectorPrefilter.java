package dev.airlock.scan;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The prefilter on 64-byte vectors ({@code jdk.incubator.vector}, AVX-512 on x86). Per block of 64 input bytes:
 * for each of the two sets of 8 buckets, four two-table byte lookups ({@code vpermi2b}) ANDed, then the two
 * ORed, give the keyword-anchor candidates ({@link KeywordAnchors}); two compares give the backslash/percent triggers; one lookup and a sign test give
 * the base64-alphabet mask, from which runs of at least {@link Base64Decoder#MIN_RUN} bytes are found with
 * shift-and on the 64-bit mask. Only candidates, triggers and long runs are touched one by one, so the cost per
 * byte of ordinary source code is a fraction of a table load.
 *
 * <p>The lookups index 128-entry tables with the byte's low 7 bits; each entry is the union over the bytes that
 * share those bits, so non-ASCII bytes can only add candidates (every candidate is verified in full), and the
 * alphabet mask is cleared for bytes with the top bit set, so runs are exact.
 */
final class VectorPrefilter implements Prefilter {
    private static final VectorSpecies<Byte> SPECIES = ByteVector.SPECIES_512;
    private static final int LANES = 64;
    private static final int WIDTH = KeywordAnchors.WIDTH;
    /** Blocks per chunk: 8 KiB of input, its three masks per block in {@link LayerEvents#blockMasks}. */
    static final int CHUNK = 128;

    private final KeywordAnchors anchors;
    /** Per anchor position, the tables of buckets 0-7 ({@code low}/{@code high}: bytes 0-63/64-127) and 8-15. */
    private final ByteVector[] low = new ByteVector[WIDTH];
    private final ByteVector[] high = new ByteVector[WIDTH];
    private final ByteVector[] lowB = new ByteVector[WIDTH];
    private final ByteVector[] highB = new ByteVector[WIDTH];
    private final ByteVector alphabetLow;
    private final ByteVector alphabetHigh;

    VectorPrefilter(KeywordAnchors anchors) {
        this.anchors = anchors;
        for (int p = 0; p < WIDTH; p++) {
            byte[] wrapped = new byte[128];
            byte[] wrapped2 = new byte[128];
            for (int v = 0; v < 256; v++) {
                wrapped[v & 127] |= (byte) anchors.table[p][v];
                wrapped2[v & 127] |= (byte) (anchors.table[p][v] >>> 8);
            }
            low[p] = ByteVector.fromArray(SPECIES, wrapped, 0);
            high[p] = ByteVector.fromArray(SPECIES, wrapped, 64);
            lowB[p] = ByteVector.fromArray(SPECIES, wrapped2, 0);
            highB[p] = ByteVector.fromArray(SPECIES, wrapped2, 64);
        }
        byte[] alphabet = new byte[128];
        for (int v = 0; v < 128; v++) {
            alphabet[v] = (byte) (Base64Decoder.inAlphabet((byte) v) ? 1 : 0);
        }
        alphabetLow = ByteVector.fromArray(SPECIES, alphabet, 0);
        alphabetHigh = ByteVector.fromArray(SPECIES, alphabet, 64);
    }

    /** True when this JVM's preferred vectors are 512 bits (two-table byte lookups are single instructions). */
    static boolean supported() {
        return ByteVector.SPECIES_PREFERRED.vectorBitSize() >= 512;
    }

    @Override
    public void scan(byte[] data, int lower, int from, int len, LayerEvents out) {
        out.clear();
        int carry = 0;
        final ByteVector low0 = low[0], low1 = low[1], low2 = low[2], low3 = low[3];
        final ByteVector high0 = high[0], high1 = high[1], high2 = high[2], high3 = high[3];
        final ByteVector lowB0 = lowB[0], lowB1 = lowB[1], lowB2 = lowB[2], lowB3 = lowB[3];
        final ByteVector highB0 = highB[0], highB1 = highB[1], highB2 = highB[2], highB3 = highB[3];
        final ByteVector alphaLow = alphabetLow, alphaHigh = alphabetHigh;
        // In chunks, the vector work for every block first, its masks kept, then the scalar passes over the masks.
        // Interleaved per block, every mispredicted branch on the data (does this block end a run, hold a
        // candidate?) also threw away the vector work issued ahead for the next blocks, and every candidate's
        // call spilled the sixteen table vectors: the scalar part cost several times its own instructions.
        final int chunk = out.maskChunk(Math.max(0, (len - from - (WIDTH - 1)) / LANES));
        final long[] masks = out.blockMasks;
        int i = from;
        for (int blocks; (blocks = Math.min(chunk, (len - i - (WIDTH - 1)) / LANES)) > 0; i += blocks * LANES) {
            for (int b = 0; b < blocks; b++) {
                // The candidate expression is written out again in tail(): a shared helper taking sixteen table
                // vectors is not reliably inlined by C2, and an uninlined vector call boxes every vector. Change both.
                int at = i + b * LANES;
                ByteVector v0 = ByteVector.fromArray(SPECIES, data, at);
                ByteVector v1 = ByteVector.fromArray(SPECIES, data, at + 1);
                ByteVector v2 = ByteVector.fromArray(SPECIES, data, at + 2);
                ByteVector v3 = ByteVector.fromArray(SPECIES, data, at + 3);
                ByteVector candidates = v0.selectFrom(low0, high0).and(v1.selectFrom(low1, high1))
                        .and(v2.selectFrom(low2, high2)).and(v3.selectFrom(low3, high3))
                        .or(v0.selectFrom(lowB0, highB0).and(v1.selectFrom(lowB1, highB1))
                                .and(v2.selectFrom(lowB2, highB2)).and(v3.selectFrom(lowB3, highB3)));
                masks[b] = candidates.compare(VectorOperators.NE, 0).toLong();
                masks[chunk + b] = triggers(v0);
                masks[2 * chunk + b] = alphabet(v0, alphaLow, alphaHigh);
            }
            for (int b = 0; b < blocks; b++) {
                long candidateBits = masks[b];
                long triggerBits = masks[chunk + b];
                if ((candidateBits | triggerBits) != 0) { // most blocks of text have neither
                    emit(data, i + b * LANES, candidateBits, triggerBits, from, len, out);
                }
            }
            for (int b = 0; b < blocks; b++) {
                carry = runs(masks[2 * chunk + b], i + b * LANES, carry, out);
            }
        }
        // The last bytes (fewer than a block plus the anchor width; all of a short decoded layer): the same steps
        // on a copy followed by zeros, so loads past the end read 0 (masked loads would do the same, but their
        // range checks take a branch that depends on how much array lies beyond the layer, and the first time it
        // goes the other way C2 throws away this whole method: seconds of unintrinsified vector code per event).
        // A 0 there can only drop candidates whose anchor would reach past the end (at anchor positions beyond an
        // anchor's length every byte is allowed), and is neither a trigger nor in the alphabet, so runs end at the
        // layer's end.
        if (i < len) {
            tail(data, i, from, len, carry, out);
        }
    }

    /**
     * The steps of {@link #scan} for the bytes from {@code i} to {@code len}, fewer than a block plus the anchor
     * width (all of a short decoded layer: on the synthetic mix, ~125k layers of a few dozen bytes per 100 MB).
     * A method of its own, so C2 compiles it with its own inlining budget: inside {@code scan} (with a second set
     * of tables and the chunked loop) C2 at times stopped inlining the vector helpers here at its node count
     * cut-off, and each then boxed its vectors: 125k short layers cost 46 ms instead of 11 ms in 2 of 5 JVMs.
     */
    private void tail(byte[] data, int i, int from, int len, int carry, LayerEvents out) {
        final ByteVector low0 = low[0], low1 = low[1], low2 = low[2], low3 = low[3];
        final ByteVector high0 = high[0], high1 = high[1], high2 = high[2], high3 = high[3];
        final ByteVector lowB0 = lowB[0], lowB1 = lowB[1], lowB2 = lowB[2], lowB3 = lowB[3];
        final ByteVector highB0 = highB[0], highB1 = highB[1], highB2 = highB[2], highB3 = highB[3];
        final ByteVector alphaLow = alphabetLow, alphaHigh = alphabetHigh;
        int rest = len - i; // < LANES + WIDTH - 1: the loop in scan stopped
        byte[] block = out.tailBlock;
        System.arraycopy(data, i, block, 0, rest);
        java.util.Arrays.fill(block, rest, block.length, (byte) 0);
        for (int j = 0; j < rest; j += LANES) { // the same candidate expression as in scan's chunk loop
            int n = Math.min(LANES, rest - j);
            long lanes = n == LANES ? -1L : (1L << n) - 1;
            ByteVector v0 = ByteVector.fromArray(SPECIES, block, j);
            ByteVector v1 = ByteVector.fromArray(SPECIES, block, j + 1);
            ByteVector v2 = ByteVector.fromArray(SPECIES, block, j + 2);
            ByteVector v3 = ByteVector.fromArray(SPECIES, block, j + 3);
            ByteVector candidates = v0.selectFrom(low0, high0).and(v1.selectFrom(low1, high1))
                    .and(v2.selectFrom(low2, high2)).and(v3.selectFrom(low3, high3))
                    .or(v0.selectFrom(lowB0, highB0).and(v1.selectFrom(lowB1, highB1))
                            .and(v2.selectFrom(lowB2, highB2)).and(v3.selectFrom(lowB3, highB3)));
            emit(data, i + j, candidates.compare(VectorOperators.NE, 0).toLong() & lanes, triggers(v0) & lanes,
                    from, len, out);
            carry = lastRuns(alphabet(v0, alphaLow, alphaHigh) & lanes, i + j, n, carry, len, out);
        }
    }

    private static long triggers(ByteVector v) {
        return v.compare(VectorOperators.EQ, (byte) '\\').or(v.compare(VectorOperators.EQ, (byte) '%')).toLong();
    }

    private static long alphabet(ByteVector v, ByteVector alphaLow, ByteVector alphaHigh) {
        return v.selectFrom(alphaLow, alphaHigh).compare(VectorOperators.NE, 0).and(v.compare(VectorOperators.GE, (byte) 0))
                .toLong();
    }

    /** The keyword hits at the block's candidate positions and its triggers. */
    private void emit(byte[] data, int base, long candidateBits, long triggerBits, int from, int len, LayerEvents out) {
        while (candidateBits != 0) {
            anchors.hitsAt(data, base + Long.numberOfTrailingZeros(candidateBits), from, len, out);
            candidateBits &= candidateBits - 1;
        }
        while (triggerBits != 0) {
            out.trigger(base + Long.numberOfTrailingZeros(triggerBits));
            triggerBits &= triggerBits - 1;
        }
    }

    /**
     * Like {@link #runs} for a block of which only the first {@code n} lanes are input, near the layer's end: a
     * run is emitted if it is long enough or ends at {@code len - 2} or later; returns the length of a run that
     * reaches the block's last valid lane without reaching the layer's end.
     */
    private static int lastRuns(long bits, int base, int n, int carry, int len, LayerEvents out) {
        int s = 0;
        int start = base - carry;
        boolean open = carry > 0;
        while (s < n) {
            if (!open) {
                long rest = bits >>> s;
                if (rest == 0) {
                    return 0;
                }
                s += Long.numberOfTrailingZeros(rest);
                start = base + s;
                open = true;
            }
            long rest = ~(bits >>> s);
            int e = Math.min(n, s + (rest == 0 ? LANES - s : Long.numberOfTrailingZeros(rest)));
            if (e == n && base + n < len) {
                return base + n - start; // continues in the next block
            }
            ScalarPrefilter.run(start, base + e, len, out);
            open = false;
            s = e;
        }
        return 0;
    }

    @Override
    public int countLineFeeds(byte[] data, int from, int to) {
        int n = 0;
        int i = from;
        for (; i + LANES <= to; i += LANES) {
            n += ByteVector.fromArray(SPECIES, data, i).compare(VectorOperators.EQ, (byte) '\n').trueCount();
        }
        for (; i < to; i++) {
            n += data[i] == '\n' ? 1 : 0;
        }
        return n;
    }

    /**
     * Emits the runs that end inside the block at {@code base} whose alphabet mask is {@code bits}, given the
     * length {@code carry} of the run reaching the block's start; returns the length of the run reaching its end.
     * Blocks end at least 3 bytes before the layer's end, so only runs of at least MIN_RUN bytes matter here.
     */
    private static int runs(long bits, int base, int carry, LayerEvents out) {
        if (bits == -1L) {
            return carry + LANES;
        }
        int lead = Long.numberOfTrailingZeros(~bits);
        if (carry + lead >= Base64Decoder.MIN_RUN) {
            out.run(base - carry, base + lead);
        }
        int trail = Long.numberOfLeadingZeros(~bits);
        long inner = bits & (-1L << lead) & (-1L >>> trail);
        // Bit i survives iff bits i .. i+23 are all set: doubling shifts, then one more shift of 8.
        long x = inner & (inner >>> 1);
        x &= x >>> 2;
        x &= x >>> 4;
        x &= x >>> 8;
        x &= x >>> 8;
        while (x != 0) {
            // The lowest set bit of x is a run's start: were the bit before it in the run, x would have that bit too.
            int s = Long.numberOfTrailingZeros(x);
            int e = s + Long.numberOfTrailingZeros(~(inner >>> s));
            out.run(base + s, base + e);
            x &= -1L << e;
        }
        return trail;
    }
}
