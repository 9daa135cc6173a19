package dev.airlock.scan;

/**
 * One encoding the scanner unwraps (JSON string escapes, percent-encoding, base64, gzip/deflate). The engine finds
 * trigger positions in one table-driven pass over the layer (a backslash, a {@code %}, the start of a run of
 * base64 characters, the start of the layer); the decoder turns a trigger into a region and decodes the region
 * into a new layer, which the engine scans with the same rules, one level deeper. Decoders are stateless and
 * only ever run over bounded regions.
 */
interface LayerDecoder {

    /** The name used in {@link Finding#encoding()} chains, e.g. {@code base64}. */
    String name();

    /**
     * The encoded region around the trigger at {@code at}, packed as {@code start << 32 | end}, or -1 if there is
     * none. The region starts no earlier than {@code floor}; a region that reaches {@code limit} may continue.
     */
    long regionAround(byte[] data, int at, int floor, int limit);

    /**
     * Decodes {@code data[start, end)} into {@code out} (from index 0), at most {@code maxOutput} bytes; returns
     * the decoded length, or -1 when the region does not decode to something worth scanning.
     */
    int decode(byte[] data, int start, int end, int maxOutput, LayerBuffer out);

    /** Granularity at which an over-long region may be cut into pieces. */
    int alignment();

    static long pack(int start, int end) {
        return ((long) start << 32) | (end & 0xFFFFFFFFL);
    }
}
