package dev.airlock.drop.snapshot;

/**
 * Caps applied when writing and when reading a snapshot. Reading enforces them on attacker-written bytes, so each
 * one bounds memory, disk or time.
 *
 * @param maxEntries         files + directories + symlinks
 * @param maxFileBytes       one file's size
 * @param maxTotalBytes      decompressed bytes of the whole archive (tar headers included)
 * @param maxCompressedBytes bytes of the compressed object
 * @param maxRatio           decompressed / compressed, checked once {@code ratioGraceBytes} have been decompressed
 * @param ratioGraceBytes    decompressed bytes below which the ratio is not checked
 * @param maxPathBytes       UTF-8 length of a path
 * @param maxManifestBytes   the manifest JSON
 * @param allowSymlinks      whether symlinks (resolving inside the workspace) may appear at all
 */
public record SnapshotLimits(
        int maxEntries,
        long maxFileBytes,
        long maxTotalBytes,
        long maxCompressedBytes,
        long maxRatio,
        long ratioGraceBytes,
        int maxPathBytes,
        int maxManifestBytes,
        boolean allowSymlinks) {

    public static final SnapshotLimits DEFAULT = new SnapshotLimits(
            100_000, 64L << 20, 1L << 30, 512L << 20, 100, 16L << 20, 1024, 32 << 20, true);

    /**
     * A history bundle (the contents of a read-only {@code .git}): one pack may exceed a workspace file's cap, but
     * it holds a few dozen entries at most and no symlinks.
     */
    public static final SnapshotLimits HISTORY = DEFAULT.withMaxFileBytes(512L << 20).withMaxEntries(64)
            .withSymlinks(false);

    public SnapshotLimits {
        if (maxEntries <= 0 || maxFileBytes <= 0 || maxTotalBytes <= 0 || maxCompressedBytes <= 0 || maxRatio <= 0
                || ratioGraceBytes < 0 || maxPathBytes <= 0 || maxManifestBytes <= 0) {
            throw new IllegalArgumentException("snapshot limits must be positive");
        }
    }

    public SnapshotLimits withMaxFileBytes(long v) {
        return new SnapshotLimits(maxEntries, v, maxTotalBytes, maxCompressedBytes, maxRatio, ratioGraceBytes,
                maxPathBytes, maxManifestBytes, allowSymlinks);
    }

    public SnapshotLimits withMaxTotalBytes(long v) {
        return new SnapshotLimits(maxEntries, maxFileBytes, v, maxCompressedBytes, maxRatio, ratioGraceBytes,
                maxPathBytes, maxManifestBytes, allowSymlinks);
    }

    public SnapshotLimits withMaxEntries(int v) {
        return new SnapshotLimits(v, maxFileBytes, maxTotalBytes, maxCompressedBytes, maxRatio, ratioGraceBytes,
                maxPathBytes, maxManifestBytes, allowSymlinks);
    }

    public SnapshotLimits withRatio(long max, long graceBytes) {
        return new SnapshotLimits(maxEntries, maxFileBytes, maxTotalBytes, maxCompressedBytes, max, graceBytes,
                maxPathBytes, maxManifestBytes, allowSymlinks);
    }

    public SnapshotLimits withSymlinks(boolean allow) {
        return new SnapshotLimits(maxEntries, maxFileBytes, maxTotalBytes, maxCompressedBytes, maxRatio,
                ratioGraceBytes, maxPathBytes, maxManifestBytes, allow);
    }
}
