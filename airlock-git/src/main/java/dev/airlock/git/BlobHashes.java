package dev.airlock.git;

import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jgit.lib.ObjectId;

/**
 * git blob id → SHA-256 of its content, so exporting a commit whose blobs were seen before reads none of them.
 * A blob id fixes the content, so an entry never goes stale. Bounded (LRU) and shared by the process.
 */
final class BlobHashes {
    private static final int MAX = 1_000_000;
    private static final Map<ObjectId, Known> CACHE = new LinkedHashMap<>(1 << 12, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ObjectId, Known> eldest) {
            return size() > MAX;
        }
    };

    private BlobHashes() {
    }

    /** Content hash and size of a blob. */
    record Known(String sha256, long size) {
    }

    static synchronized Known get(ObjectId blob) {
        return CACHE.get(blob);
    }

    static synchronized void put(ObjectId blob, String sha256, long size) {
        CACHE.put(blob.copy(), new Known(sha256, size));
    }
}
