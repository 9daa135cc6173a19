package dev.airlock.scan;

/**
 * An incremental scan over a sequence of chunks, for inputs that should not be held in memory (request bodies,
 * files). A secret split across chunk boundaries is still found. Not thread-safe; single use.
 *
 * <pre>{@code
 * try (ScanStream s = scanner.open("request-body")) {
 *     s.write(chunk, 0, n);  // any number of times
 *     ScanResult r = s.finish();
 * }
 * }</pre>
 */
public interface ScanStream extends AutoCloseable {

    /** Feeds the next chunk. Bytes past the scan's byte limit are not examined and make the result incomplete. */
    void write(byte[] chunk, int offset, int length);

    /** Ends the input and returns the result. Calling it twice is an error. */
    ScanResult finish();

    /** Releases buffers; a stream closed before {@link #finish()} produced no result. */
    @Override
    void close();
}
