package dev.airlock.drop.snapshot;

import java.io.IOException;
import java.io.InputStream;

/**
 * Receives the entries of a snapshot as {@link SnapshotReader} streams them. Entries arrive before the manifest
 * (which travels last) has been checked: a sink must treat what it received as untrusted until
 * {@link SnapshotReader#read} returns, and discard it if that throws.
 */
public interface SnapshotSink {

    void directory(String path) throws IOException;

    /** {@code content} is bounded to the entry; the sink need not read it all and must not close it. */
    void file(String path, boolean executable, InputStream content) throws IOException;

    void symlink(String path, String target) throws IOException;

    /**
     * Called after {@link #file} with the SHA-256 of all the bytes the entry carried (hashed by the reader while
     * streaming; not yet checked against the manifest). Lets a sink remember what it wrote without hashing again.
     */
    default void fileHashed(String path, String sha256) throws IOException {
    }

    /** A sink that keeps nothing (used to verify a snapshot). */
    static SnapshotSink discarding() {
        return new SnapshotSink() {
            public void directory(String path) {
            }

            public void file(String path, boolean executable, InputStream content) {
            }

            public void symlink(String path, String target) {
            }
        };
    }
}
