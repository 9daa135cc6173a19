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

    void clear() {
        hitCount = 0;
        triggerCount = 0;
        runCount = 0;
    }

    void hit(int keyword, int start) {
        if (hitCount + 2 > hits.length) {
            hits = Arrays.copyOf(hits, hits.length * 2);
        }
        hits[hitCount] = keyword;
        hits[hitCount + 1] = start;
        hitCount += 2;
    }

    void trigger(int at) {
        if (triggerCount == triggers.length) {
            triggers = Arrays.copyOf(triggers, triggers.length * 2);
        }
        triggers[triggerCount++] = at;
    }

    void run(int start, int end) {
        if (runCount + 2 > runs.length) {
            runs = Arrays.copyOf(runs, runs.length * 2);
        }
        runs[runCount] = start;
        runs[runCount + 1] = end;
        runCount += 2;
    }
}
