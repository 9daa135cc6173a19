package dev.airlock.drop.snapshot;

import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Remembers the SHA-256 of workspace files by (size, modification time, inode), like git's index, so that packing
 * a delta does not re-read unchanged files. A stale hit can only make the agent's own output wrong (the git service
 * re-hashes everything it receives), never unsafe. Not thread-safe.
 */
public final class FileHashCache {
    private final Map<String, Stamp> stamps = new HashMap<>();

    private record Stamp(long size, long mtimeNanos, Object fileKey, String sha256) {
    }

    String lookup(String path, BasicFileAttributes attrs) {
        Stamp s = stamps.get(path);
        if (s == null || s.size != attrs.size() || s.mtimeNanos != nanos(attrs)
                || !Objects.equals(s.fileKey, attrs.fileKey())) {
            return null;
        }
        return s.sha256;
    }

    void remember(String path, BasicFileAttributes attrs, String sha256) {
        stamps.put(path, new Stamp(attrs.size(), nanos(attrs), attrs.fileKey(), sha256));
    }

    private static long nanos(BasicFileAttributes attrs) {
        return attrs.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS);
    }
}
