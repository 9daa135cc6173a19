package dev.airlock.scan;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * The keyword tables of the vector prefilter: for each keyword an <em>anchor</em> (its least common substring of
 * up to {@value #WIDTH} bytes) and for each anchor byte position a table from byte value to a bitmask of the
 * {@value #BUCKETS} buckets whose anchors allow that byte there.
 *
 * <p>Design notes. A position {@code j} is a candidate when the AND over {@code p < WIDTH} of
 * {@code table[p][data[j + p]]} is non-zero. The bits only say "some anchor may be here" (on the benchmark's synthetic
 * mix 0.33 % of positions pass, 0.26 % being real keywords; on {@code java.base} sources 0.19 %), so a candidate's case-folded bytes are then looked up, once per anchor length, in a hash of
 * the anchors, and only keywords whose anchor is exactly there are compared in full at {@code j - anchorOffset}.
 * Tables hold both ASCII cases of every letter, so the filter is case-insensitive exactly like the keyword match
 * ({@link #matchesAt}). The filter only has to be a necessary condition: a keyword occurrence always sets its
 * bucket's bit at its anchor. Which substring is the anchor and which bucket it joins only changes how often the
 * filter passes, so both are chosen by a fixed estimate of byte frequencies in source code and text (rare bytes
 * first, buckets grown greedily by the smallest increase in estimated pass rate), never by the scanned data.
 */
final class KeywordAnchors {
    static final int WIDTH = 4;
    /**
     * Two sets of 8 (a vector lookup yields a byte): with 8 buckets of ~12 anchors each, bytes of different anchors
     * of one bucket side by side passed 4x as often as real anchors on the benchmark's text (1.2 % of positions,
     * each a hash probe), with 16 the tables cost four more lookups per 64 bytes and pass ~0.3 %.
     */
    static final int BUCKETS = 16;

    /** {@code table[p][b]}: buckets whose anchor allows byte {@code b} at anchor position {@code p}. */
    final short[][] table = new short[WIDTH][256];
    /** Lower-case bytes of each keyword. */
    final byte[][] keywords;
    /** Offset of each keyword's anchor inside the keyword. */
    final int[] anchorOffset;
    /** Each anchor's bytes, little-endian in an int (first byte lowest). */
    final int[] anchorWord;

    KeywordAnchors(List<String> keywords) {
        int n = keywords.size();
        this.keywords = new byte[n][];
        this.anchorOffset = new int[n];
        this.anchorWord = new int[n];
        int[] anchorLength = new int[n];
        double[] weight = new double[n];
        for (int k = 0; k < n; k++) {
            byte[] kw = keywords.get(k).toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
            this.keywords[k] = kw;
            int width = Math.min(WIDTH, kw.length);
            double best = Double.MAX_VALUE;
            for (int o = 0; o + width <= kw.length; o++) {
                double f = 1;
                for (int p = 0; p < width; p++) {
                    f *= frequency(kw[o + p]);
                }
                if (f < best) {
                    best = f;
                    anchorOffset[k] = o;
                }
            }
            anchorLength[k] = width;
            weight[k] = best;
            for (int p = 0; p < width; p++) {
                anchorWord[k] |= (kw[anchorOffset[k] + p] & 0xFF) << (8 * p);
            }
        }
        // Greedy bucketing: most frequent anchors first, each into the bucket whose estimated pass rate grows least.
        double[][] allowed = new double[BUCKETS][WIDTH];
        boolean[][][] member = new boolean[BUCKETS][WIDTH][256];
        List<List<Integer>> buckets = new ArrayList<>();
        for (int b = 0; b < BUCKETS; b++) {
            buckets.add(new ArrayList<>());
        }
        Integer[] order = IntStream.range(0, n).boxed().sorted(Comparator.comparingDouble(k -> -weight[k]))
                .toArray(Integer[]::new);
        for (int k : order) {
            int bestBucket = 0;
            double bestCost = Double.MAX_VALUE;
            for (int b = 0; b < BUCKETS; b++) {
                double before = buckets.get(b).isEmpty() ? 0 : product(allowed[b]);
                double[] after = allowed[b].clone();
                for (int p = 0; p < WIDTH; p++) {
                    after[p] = p < anchorLength[k] ? after[p] + addedFrequency(member[b][p], this.keywords[k][anchorOffset[k] + p])
                            : 1;
                }
                double cost = product(after) - before;
                if (cost < bestCost) {
                    bestCost = cost;
                    bestBucket = b;
                }
            }
            buckets.get(bestBucket).add(k);
            for (int p = 0; p < WIDTH; p++) {
                if (p < anchorLength[k]) {
                    byte c = this.keywords[k][anchorOffset[k] + p];
                    allowed[bestBucket][p] += addedFrequency(member[bestBucket][p], c);
                    allow(member[bestBucket][p], c);
                } else {
                    allowed[bestBucket][p] = 1;
                }
            }
        }
        indexAnchors(anchorLength);
        for (int b = 0; b < BUCKETS; b++) {
            for (int k : buckets.get(b)) {
                for (int p = 0; p < WIDTH; p++) {
                    for (int v = 0; v < 256; v++) {
                        if (p >= anchorLength[k] || fold(v) == (this.keywords[k][anchorOffset[k] + p] & 0xFF)) {
                            table[p][v] |= (short) (1 << b);
                        }
                    }
                }
            }
        }
    }

    /**
     * Per first (case-folded) anchor byte, triples (mask of the anchor's bytes in a word, anchor word, keyword),
     * longest anchors first, then by keyword: the order in which hits at one position are reported.
     */
    private final int[][] byFirstByte = new int[256][];

    /**
     * Bit {@code b0 | b1 << 8} set when some anchor's first two (case-folded) bytes are {@code b0 b1}; null when an
     * anchor is shorter than two bytes. Most candidates that are not keywords are bucket mixing (bytes of
     * different anchors side by side), and one bit test in this 8 KiB table turns them away.
     */
    private long[] firstPairs;

    private void indexAnchors(int[] anchorLength) {
        int n = keywords.length;
        if (java.util.Arrays.stream(anchorLength).allMatch(l -> l >= 2)) {
            firstPairs = new long[65536 / 64];
            for (int k = 0; k < n; k++) {
                int pair = anchorWord[k] & 0xFFFF;
                firstPairs[pair >>> 6] |= 1L << pair;
            }
        }
        Integer[] order = IntStream.range(0, n).boxed()
                .sorted(Comparator.<Integer>comparingInt(k -> -anchorLength[k]).thenComparingInt(k -> k))
                .toArray(Integer[]::new);
        for (int first = 0; first < 256; first++) {
            int f = first;
            byFirstByte[f] = java.util.Arrays.stream(order).filter(k -> (anchorWord[k] & 0xFF) == f)
                    .flatMapToInt(k -> IntStream.of((int) ((1L << (8 * anchorLength[k])) - 1), anchorWord[k], k))
                    .toArray();
        }
    }

    /**
     * Every occurrence of a keyword whose anchor is at {@code at}, starting at or after {@code from} and ending by
     * {@code limit}, into {@code out}: the bytes here are compared as one word with each anchor that starts with
     * the same byte, and only keywords whose anchor is exactly here are compared in full (a keyword's anchor
     * equal to the bytes here implies its bucket's bit is set here).
     */
    void hitsAt(byte[] data, int at, int from, int limit, LayerEvents out) {
        int word = foldedWord(data, at, limit);
        long[] pairs = firstPairs;
        if (pairs != null && (pairs[(word & 0xFFFF) >>> 6] & (1L << word)) == 0) {
            return;
        }
        int[] anchors = byFirstByte[word & 0xFF];
        for (int e = 0; e + 2 < anchors.length; e += 3) {
            if ((word & anchors[e]) == anchors[e + 1]) {
                int k = anchors[e + 2];
                int start = at - anchorOffset[k];
                if (start >= from && matchesAt(data, start, limit, k)) {
                    out.hit(k, start);
                }
            }
        }
    }

    /** True if keyword {@code k} occurs at {@code start} (ASCII case-insensitive, as the keyword automaton). */
    boolean matchesAt(byte[] data, int start, int limit, int k) {
        byte[] kw = keywords[k];
        if (start + kw.length > limit) {
            return false;
        }
        for (int i = 0; i < kw.length; i++) {
            if (fold(data[start + i] & 0xFF) != (kw[i] & 0xFF)) {
                return false;
            }
        }
        return true;
    }

    /** The (case-folded) bytes at {@code at}, little-endian as {@link #anchorWord}; 0 past {@code limit}. */
    static int foldedWord(byte[] data, int at, int limit) {
        if (at + WIDTH <= limit) {
            return foldWord((int) INT_LE.get(data, at));
        }
        int w = 0;
        for (int p = 0; p < WIDTH && at + p < limit; p++) {
            w |= fold(data[at + p] & 0xFF) << (8 * p);
        }
        return w;
    }

    private static final java.lang.invoke.VarHandle INT_LE = java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
            int[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    /** {@link #fold} on each of the four bytes of {@code x} at once: bytes 'A'..'Z' get bit 5 set. */
    static int foldWord(int x) {
        int low7 = x & 0x7F7F7F7F;
        int atLeastA = low7 + 0x3F3F3F3F;   // bit 7 of a byte set iff its low 7 bits >= 0x41
        int pastZ = low7 + 0x25252525;      // bit 7 set iff >= 0x5B
        int upper = atLeastA & ~pastZ & ~x & 0x80808080;
        return x | (upper >>> 2);
    }

    static int fold(int b) {
        return b >= 'A' && b <= 'Z' ? b + 32 : b;
    }

    private static double product(double[] xs) {
        double p = 1;
        for (double x : xs) {
            p *= Math.min(1, x);
        }
        return p;
    }

    private static double addedFrequency(boolean[] member, byte c) {
        double added = 0;
        for (int v = 0; v < 256; v++) {
            if (!member[v] && fold(v) == (c & 0xFF)) {
                added += frequency((byte) v);
            }
        }
        return added;
    }

    private static void allow(boolean[] member, byte c) {
        for (int v = 0; v < 256; v++) {
            if (fold(v) == (c & 0xFF)) {
                member[v] = true;
            }
        }
    }

    /** A rough share of each byte in source code and prose (either case of a letter counted under lower case). */
    private static double frequency(byte b) {
        int c = fold(b & 0xFF);
        String common = "etaoinsrlcdhumpfgybwvkxjqz"; // most to least frequent
        int rank = common.indexOf(c);
        if (rank >= 0) {
            return 0.09 * Math.pow(0.85, rank);
        }
        return switch (c) {
            case ' ' -> 0.15;
            case '\n', '.', '(', ')', ';', ',', '"', '=' -> 0.02;
            case '_', '/', '*', '-', ':', '<', '>', '{', '}', '[', ']' -> 0.008;
            default -> c >= '0' && c <= '9' ? 0.004 : 0.002;
        };
    }
}
