package dev.airlock.drop.snapshot;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/**
 * One entry of a snapshot manifest.
 *
 * @param path   relative, '/'-separated, NFC-normalised path (validated by {@link SnapshotPaths})
 * @param type   file, directory or symlink
 * @param mode   {@code 0644} or {@code 0755} for files, {@code 0755} for directories, {@code 0777} for symlinks
 * @param size   content length in bytes (0 for directories; target length for symlinks)
 * @param sha256 lowercase hex SHA-256 of the content (of the target for symlinks); null for directories
 * @param target symlink target, null otherwise
 */
@JsonPropertyOrder({"path", "type", "mode", "size", "sha256", "target"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ManifestEntry(String path, EntryType type, int mode, long size, String sha256, String target) {

    public ManifestEntry {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(type, "type");
    }

    public static ManifestEntry file(String path, boolean executable, long size, String sha256) {
        return new ManifestEntry(path, EntryType.FILE, executable ? 0755 : 0644, size, sha256, null);
    }

    public static ManifestEntry directory(String path) {
        return new ManifestEntry(path, EntryType.DIRECTORY, 0755, 0, null, null);
    }

    public static ManifestEntry symlink(String path, String target, String sha256) {
        return new ManifestEntry(path, EntryType.SYMLINK, 0777, target.length(), sha256, target);
    }

    public boolean executable() {
        return type == EntryType.FILE && mode == 0755;
    }

    // Written out: compared a few thousand times per phase, and the same object (the common case) is equal at once.
    @Override
    public boolean equals(Object o) {
        return this == o || o instanceof ManifestEntry e && mode == e.mode && size == e.size && type == e.type
                && path.equals(e.path) && Objects.equals(sha256, e.sha256) && Objects.equals(target, e.target);
    }

    @Override
    public int hashCode() {
        return 31 * path.hashCode() + Objects.hashCode(sha256);
    }
}
