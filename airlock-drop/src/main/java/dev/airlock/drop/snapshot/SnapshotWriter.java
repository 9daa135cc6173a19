package dev.airlock.drop.snapshot;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Writes a snapshot: a zstd-compressed PAX tar whose last entry is the manifest. Entries are validated as they are
 * added, so a writer never produces an archive its reader would refuse. Not thread-safe; single use.
 *
 * <p>Given a {@code base} manifest, the writer produces a delta: a file whose path and content hash are unchanged
 * from the base is listed in the manifest but its bytes are not written, so a phase moves only what changed (and
 * the receiver, which holds the base, finds the content at the same path).
 *
 * <pre>{@code
 * try (SnapshotWriter w = SnapshotWriter.open(out, SnapshotLimits.DEFAULT, null)) {
 *     w.file("src/App.java", false, bytes);
 *     Manifest m = w.finish();
 * }
 * }</pre>
 */
public final class SnapshotWriter implements AutoCloseable {
    private final TarArchiveOutputStream tar;
    private final SnapshotLimits limits;
    private final Manifest base;
    /** The base's entries by path (empty without a base): carried entries are those very objects. */
    private final Map<String, ManifestEntry> baseEntries;
    private final List<ManifestEntry> entries = new ArrayList<>();
    private final Map<String, String> folded = new HashMap<>();
    private long totalBytes;
    private long bytesWritten;
    private boolean finished;

    private SnapshotWriter(OutputStream out, SnapshotLimits limits, Manifest base, int level) throws IOException {
        this.limits = limits;
        this.base = base;
        this.baseEntries = base == null ? Map.of() : base.byPath();
        ZstdOutputStream zstd = new ZstdOutputStream(out, level);
        this.tar = new TarArchiveOutputStream(zstd, StandardCharsets.UTF_8.name());
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        tar.setAddPaxHeadersForNonAsciiNames(true);
    }

    /** A writer of a full snapshot ({@code base == null}) or of a delta against {@code base}; zstd level 1. */
    public static SnapshotWriter open(OutputStream out, SnapshotLimits limits, Manifest base) throws IOException {
        return new SnapshotWriter(out, limits, base, 1);
    }

    public void directory(String path) throws IOException, SnapshotException {
        admit(path);
        TarArchiveEntry e = new TarArchiveEntry(path + "/", TarConstants.LF_DIR, true);
        e.setMode(040755);
        stamp(e);
        tar.putArchiveEntry(e);
        tar.closeArchiveEntry();
        entries.add(fromBase(ManifestEntry.directory(path)));
    }

    /** True if {@code path} with content {@code sha256} is in the base, so {@link #carry} may be used. */
    public boolean canCarry(String path, String sha256) {
        ManifestEntry b = baseEntries.get(path);
        return sha256 != null && b != null && b.type() == EntryType.FILE && sha256.equals(b.sha256());
    }

    /** The base's own entry object if it equals {@code e} (so the manifest reuses its canonical bytes), else e. */
    private ManifestEntry fromBase(ManifestEntry e) {
        ManifestEntry b = baseEntries.get(e.path());
        return e.equals(b) ? b : e;
    }

    /**
     * Lists a file the receiver already holds at the same path with the same content (see {@link #canCarry}),
     * without reading or writing its bytes.
     */
    public void carry(String path, boolean executable, long size, String sha256) throws SnapshotException {
        if (!canCarry(path, sha256)) {
            throw new IllegalStateException("not in the base with this content: " + SnapshotPaths.printable(path));
        }
        // A base path: its path rules were checked when the base was written or read, and a case collision or
        // duplicate with a path added here is caught by the whole-manifest check in finish().
        admitCount(path);
        totalBytes += size;
        if (totalBytes > limits.maxTotalBytes()) {
            throw new SnapshotException(new Violation.LimitExceeded(Violation.Limit.TOTAL_SIZE, totalBytes,
                    limits.maxTotalBytes(), path));
        }
        entries.add(fromBase(ManifestEntry.file(path, executable, size, sha256)));
    }

    /** Adds a file and returns its SHA-256 (hex). */
    public String file(String path, boolean executable, byte[] content) throws IOException, SnapshotException {
        return file(path, executable, content, null);
    }

    /**
     * Adds a file whose SHA-256 the caller already knows from a content-addressed source it trusts (the git
     * service's blob id → SHA-256 cache), sparing a second hashing pass; {@code null} hashes here. A wrong hash
     * only yields an archive every reader refuses (readers hash what they receive).
     */
    public String file(String path, boolean executable, byte[] content, String knownSha256)
            throws IOException, SnapshotException {
        if (knownSha256 != null && !Sha256.isHex(knownSha256)) {
            throw new IllegalArgumentException("not a SHA-256: " + knownSha256);
        }
        admit(path);
        if (content.length > limits.maxFileBytes()) {
            throw new SnapshotException(new Violation.LimitExceeded(Violation.Limit.FILE_SIZE, content.length,
                    limits.maxFileBytes(), path));
        }
        totalBytes += content.length;
        if (totalBytes > limits.maxTotalBytes()) {
            throw new SnapshotException(new Violation.LimitExceeded(Violation.Limit.TOTAL_SIZE, totalBytes,
                    limits.maxTotalBytes(), path));
        }
        String sha = knownSha256 != null ? knownSha256 : Sha256.hex(content);
        entries.add(fromBase(ManifestEntry.file(path, executable, content.length, sha)));
        if (canCarry(path, sha)) {
            return sha;
        }
        TarArchiveEntry e = new TarArchiveEntry(path, TarConstants.LF_NORMAL, true);
        e.setMode(executable ? 0100755 : 0100644);
        e.setSize(content.length);
        stamp(e);
        tar.putArchiveEntry(e);
        tar.write(content);
        tar.closeArchiveEntry();
        bytesWritten += content.length;
        return sha;
    }

    public void symlink(String path, String target) throws IOException, SnapshotException {
        if (!limits.allowSymlinks()) {
            throw new SnapshotException(new Violation.ForbiddenType(path, "symlink"));
        }
        admit(path);
        if (SnapshotPaths.resolveInside(path, target) == null) {
            throw new SnapshotException(new Violation.SymlinkEscape(path, target));
        }
        TarArchiveEntry e = new TarArchiveEntry(path, TarConstants.LF_SYMLINK, true);
        e.setLinkName(target);
        e.setMode(0120777);
        stamp(e);
        tar.putArchiveEntry(e);
        tar.closeArchiveEntry();
        entries.add(fromBase(ManifestEntry.symlink(path, target,
                Sha256.hex(target.getBytes(StandardCharsets.UTF_8)))));
    }

    /** Writes the manifest entry, closes the archive (and the underlying stream) and returns the manifest. */
    public Manifest finish() throws IOException, SnapshotException {
        Manifest manifest = base == null ? new Manifest(Manifest.VERSION, null, entries)
                : Manifest.derived(base.id(), sortedByPath(entries), base);
        Violation structural = SnapshotStructure.check(manifest);
        if (structural != null) {
            throw new SnapshotException(structural);
        }
        // A delta carries only what differs from the base; the receiver holds the base and rebuilds the manifest.
        byte[] json = base == null ? manifest.canonicalJson()
                : dev.airlock.core.json.Json.mapper().writeValueAsBytes(ManifestDelta.between(base, manifest));
        TarArchiveEntry e = new TarArchiveEntry(base == null ? SnapshotPaths.MANIFEST_ENTRY
                : SnapshotPaths.MANIFEST_DELTA_ENTRY, TarConstants.LF_NORMAL, true);
        e.setMode(0100644);
        e.setSize(json.length);
        stamp(e);
        tar.putArchiveEntry(e);
        tar.write(json);
        tar.closeArchiveEntry();
        tar.finish();
        tar.close();
        finished = true;
        return manifest;
    }

    private static List<ManifestEntry> sortedByPath(List<ManifestEntry> entries) {
        List<ManifestEntry> sorted = new ArrayList<>(entries);
        sorted.sort(java.util.Comparator.comparing(ManifestEntry::path, Manifest.PATH_ORDER));
        return sorted;
    }

    /** Content bytes actually written (less than the workspace size for a delta). */
    public long contentBytesWritten() {
        return bytesWritten;
    }

    private void admit(String path) throws SnapshotException {
        admitCount(path);
        Violation v = SnapshotPaths.check(path, limits.maxPathBytes());
        if (v != null) {
            throw new SnapshotException(v);
        }
        String previous = folded.putIfAbsent(SnapshotPaths.foldKey(path), path);
        if (previous != null) {
            throw new SnapshotException(previous.equals(path) ? new Violation.DuplicatePath(path)
                    : new Violation.CaseCollision(previous, path));
        }
    }

    private void admitCount(String path) throws SnapshotException {
        if (finished) {
            throw new IllegalStateException("writer already finished");
        }
        if (entries.size() + 1 > limits.maxEntries()) {
            throw new SnapshotException(new Violation.LimitExceeded(Violation.Limit.FILE_COUNT, entries.size() + 1L,
                    limits.maxEntries(), path));
        }
    }

    private static void stamp(TarArchiveEntry e) {
        // Reproducible archives: no times, owners or names from the machine that wrote them.
        e.setModTime(0);
        e.setUserId(0);
        e.setGroupId(0);
        e.setUserName("");
        e.setGroupName("");
    }

    @Override
    public void close() throws IOException {
        if (!finished) {
            finished = true;
            tar.close();
        }
    }
}
