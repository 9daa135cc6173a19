package dev.airlock.git;

import java.util.HashMap;
import java.util.Map;
import org.eclipse.jgit.lib.ObjectId;

/**
 * SHA-256 of content → git blob id, for the files of an exported snapshot. Lets a delta output (which names
 * unchanged files only by SHA-256) be applied without the agent resending them.
 */
public final class ContentIndex {
    private final Map<String, ObjectId> blobs = new HashMap<>();

    void add(String sha256, ObjectId blob) {
        blobs.put(sha256, blob);
    }

    public boolean has(String sha256) {
        return blobs.containsKey(sha256);
    }

    ObjectId blob(String sha256) {
        return blobs.get(sha256);
    }

    public int size() {
        return blobs.size();
    }
}
