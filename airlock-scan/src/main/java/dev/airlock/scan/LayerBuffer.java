package dev.airlock.scan;

import java.util.Arrays;

/**
 * The reusable array a decoder writes a decoded layer into. One per decode depth and scan, so unwrapping the
 * hundreds of thousands of small encoded regions of ordinary traffic allocates nothing per region.
 */
final class LayerBuffer {
    byte[] bytes = new byte[256];

    /** The array, grown to hold at least {@code n} bytes; its content up to the old length is kept. */
    byte[] ensure(int n) {
        if (n > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(n, (int) Math.min(Integer.MAX_VALUE - 16, 2L * bytes.length)));
        }
        return bytes;
    }
}
