package dev.airlock.scan;

/**
 * One encoding the scanner unwraps (JSON string escapes, percent-encoding, base64, gzip/deflate). A decoder finds
 * candidate encoded regions in a layer and decodes one region into a new layer, which the engine scans with the
 * same rules, one level deeper. Decoders are stateless and run only over bounded regions.
 */
interface LayerDecoder {

    /** The name used in {@link Finding#encoding()} chains, e.g. {@code base64}. */
    String name();

    /**
     * Returns the end (exclusive) of the encoded region starting exactly at {@code start}, or -1 if no region of
     * this encoding starts there. A region that runs to {@code limit} may continue past it.
     */
    int regionEnd(byte[] data, int start, int limit);

    /** True when {@code data[start]} cannot begin a region; lets the engine skip bytes cheaply. */
    boolean cannotStart(byte b, byte previous);

    /** Decodes {@code data[start, end)}; returns null when the region does not decode to something worth scanning. */
    byte[] decode(byte[] data, int start, int end, int maxOutput);

    /** Whether a region may be cut into pieces of at most this granularity when it is too long to hold. */
    int alignment();
}
