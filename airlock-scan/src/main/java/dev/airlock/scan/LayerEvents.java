package dev.airlock.scan;

import java.util.Arrays;

/**
 * What the prefilter found in one layer, in position order per kind: keyword occurrences, backslash and percent
 * bytes (decoder triggers), and runs of base64-alphabet bytes long enough to matter. Reused across layers of the
 * same depth, so a scan allocates nothing per hit.
 */
final class LayerEvents {
    /** Pairs (keyword id, start). */
    int[] hits = new int[64];
    int hitCount;
    /** Positions of {@code \} and {@code %}. */
    int[] triggers = new int[64];
    int triggerCount;
    /** Pairs (start, end) of maximal base64-alphabet runs (clipped to the scanned range). */
    int[] runs = new int[64];
    int runCount;
    /**
     * The vector prefilter's copy of a layer's last bytes followed by zeros: two blocks and the anchor width
     * ({@code VectorPrefilter} reads 64-byte blocks at offsets up to 3 past each block start).
     */
    final byte[] tailBlock = new byte[2 * 64 + KeywordAnchors.WIDTH];
    /**
     * The vector prefilter's per-block candidate, trigger and alphabet masks of one chunk of blocks, a third of the
     * array each. Grown to the layers actually seen: a stream is opened per request or file, and a full chunk's
     * 3 KiB for every 1 KB request body was most of what a scan allocated.
     */
    long[] blockMasks = new long[0];

    /** Makes room for a chunk of up to {@code blocks} blocks (at most a full chunk); returns the chunk length. */
    int maskChunk(int blocks) {
        int want = Math.min(VectorPrefilter.CHUNK, blocks);
        if (3 * want > blockMasks.length) {
            blockMasks = new long[3 * Math.min(VectorPrefilter.CHUNK, Math.max(want, 2 * (blockMasks.length / 3)))];
        }
        return blockMasks.length / 3;
    }

    void clear() {
        hitCount = 0;
        triggerCount = 0;
        runCount = 0;
    }

    void hit(int keyword, int start) {
        hits = appendPair(hits, hitCount, keyword, start);
        hitCount += 2;
    }

    void trigger(int at) {
        if (triggerCount == triggers.length) {
            triggers = Arrays.copyOf(triggers, triggers.length * 2);
        }
        triggers[triggerCount++] = at;
    }

    void run(int start, int end) {
        runs = appendPair(runs, runCount, start, end);
        runCount += 2;
    }

    private static int[] appendPair(int[] array, int count, int first, int second) {
        int[] a = count + 2 > array.length ? Arrays.copyOf(array, array.length * 2) : array;
        a[count] = first;
        a[count + 1] = second;
        return a;
    }
}
