package dev.airlock.drop.snapshot;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.github.luben.zstd.ZstdInputStream;
import dev.airlock.core.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Reads an attacker-written snapshot and refuses anything unsafe, with the precise {@link Violation}.
 *
 * <p>Design notes (attack analysis). The archive comes from the sandbox, so every field is hostile:
 * <ul>
 *   <li>decompression bombs: compressed bytes, decompressed bytes and their ratio are counted on the raw streams,
 *       below the tar parser; the zstd window is capped at 8 MiB so a frame header cannot make us allocate more;</li>
 *   <li>path tricks (zip-slip, absolute, NUL, non-NFC, case aliases, {@code .git}): {@link SnapshotPaths};</li>
 *   <li>symlink swap (a link followed by an entry through it): rejected as the second entry arrives, before the
 *       sink sees it, and again over the whole manifest;</li>
 *   <li>hardlinks, devices, FIFOs, odd modes: rejected by header type and mode;</li>
 *   <li>content substitution: every file is hashed while streamed and compared with the manifest; the manifest's id
 *       is compared with the one the orchestrator recorded.</li>
 * </ul>
 * Single use; configure with the fluent setters and call {@link #read}.
 */
public final class SnapshotReader {
    private static final int ZSTD_WINDOW_LOG_MAX = 23;

    private SnapshotLimits limits = SnapshotLimits.DEFAULT;
    private String expectedId;
    private Manifest baseManifest;
    private Predicate<String> baseHasContent = sha -> false;
    private boolean used;

    public static SnapshotReader create() {
        return new SnapshotReader();
    }

    public SnapshotReader limits(SnapshotLimits limits) {
        this.limits = Objects.requireNonNull(limits);
        return this;
    }

    /** The id the orchestrator recorded; the snapshot is refused unless its manifest hashes to it. */
    public SnapshotReader expectedId(String id) {
        this.expectedId = id;
        return this;
    }

    /**
     * Allows a delta against {@code base}, a manifest the caller already verified (it wrote it, or read it): files
     * whose bytes are absent must have a hash for which {@code hasContent} is true (the caller then supplies the
     * content from the base). The archive may carry its manifest whole or as a {@link ManifestDelta} against it.
     */
    public SnapshotReader base(Manifest base, Predicate<String> hasContent) {
        this.baseManifest = Objects.requireNonNull(base);
        this.baseHasContent = Objects.requireNonNull(hasContent);
        return this;
    }

    /** Streams the snapshot into {@code sink} and returns its verified manifest. */
    public ReadResult read(InputStream compressed, SnapshotSink sink) throws SnapshotException, IOException {
        if (used) {
            throw new IllegalStateException("SnapshotReader is single use");
        }
        used = true;
        Counter raw = new Counter(compressed, null);
        try (ZstdInputStream zstd = new ZstdInputStream(raw)) {
            zstd.setLongMax(ZSTD_WINDOW_LOG_MAX);
            Counter inflated = new Counter(zstd, raw);
            TarArchiveInputStream tar = new TarArchiveInputStream(inflated, StandardCharsets.UTF_8.name());
            return readEntries(tar, sink);
        } catch (ViolationIOException e) {
            throw new SnapshotException(e.violation);
        } catch (IOException | RuntimeException e) {
            ViolationIOException cause = findViolation(e);
            if (cause != null) {
                throw new SnapshotException(cause.violation);
            }
            if (e instanceof IOException io && isSinkFailure(io)) {
                throw io;
            }
            throw new SnapshotException(new Violation.CorruptArchive(String.valueOf(e.getMessage())), e);
        }
    }

    private ReadResult readEntries(TarArchiveInputStream tar, SnapshotSink sink)
            throws IOException, SnapshotException {
        Map<String, Delivered> delivered = new HashMap<>();
        Set<String> impliedDirs = new HashSet<>();
        Set<String> symlinks = new HashSet<>();
        byte[] manifestJson = null;
        boolean delta = false;
        TarArchiveEntry entry;
        int count = 0;
        while ((entry = tar.getNextEntry()) != null) {
            if (manifestJson != null) {
                throw new SnapshotException(new Violation.BadManifest("entries after the manifest"));
            }
            if (++count > limits.maxEntries() + 1) {
                throw new SnapshotException(new Violation.LimitExceeded(Violation.Limit.FILE_COUNT, count,
                        limits.maxEntries(), null));
            }
            String name = entry.getName();
            if (entry.isDirectory() && name.endsWith("/")) {
                name = name.substring(0, name.length() - 1);
            }
            if ((name.equals(SnapshotPaths.MANIFEST_ENTRY) || name.equals(SnapshotPaths.MANIFEST_DELTA_ENTRY))
                    && isRegular(entry)) {
                manifestJson = readManifestBytes(tar, entry);
                delta = name.equals(SnapshotPaths.MANIFEST_DELTA_ENTRY);
                continue;
            }
            Violation bad = SnapshotPaths.check(name, limits.maxPathBytes());
            if (bad != null) {
                throw new SnapshotException(bad);
            }
            if (delivered.containsKey(name)) {
                throw new SnapshotException(new Violation.DuplicatePath(name));
            }
            checkAncestors(name, delivered, symlinks);
            if (entry.isDirectory()) {
                requireMode(entry, name, 0755);
                sink.directory(name);
                delivered.put(name, new Delivered(EntryType.DIRECTORY, 0, null, false, null));
            } else if (entry.isSymbolicLink()) {
                if (!limits.allowSymlinks()) {
                    throw new SnapshotException(new Violation.ForbiddenType(name, "symlink"));
                }
                String target = entry.getLinkName();
                if (impliedDirs.contains(name) || SnapshotPaths.resolveInside(name, target) == null) {
                    throw new SnapshotException(new Violation.SymlinkEscape(name, target));
                }
                sink.symlink(name, target);
                symlinks.add(name);
                delivered.put(name, new Delivered(EntryType.SYMLINK, target.length(),
                        Sha256.hex(target.getBytes(StandardCharsets.UTF_8)), false, target));
            } else if (isRegular(entry)) {
                if (impliedDirs.contains(name)) {
                    throw new SnapshotException(new Violation.BadManifest(
                            "file " + SnapshotPaths.printable(name) + " is also used as a directory"));
                }
                int mode = entry.getMode() & 07777;
                if (mode != 0644 && mode != 0755) {
                    throw new SnapshotException(new Violation.ForbiddenType(name,
                            "file with mode " + Integer.toOctalString(mode)));
                }
                if (entry.getSize() > limits.maxFileBytes()) {
                    throw new SnapshotException(new Violation.LimitExceeded(Violation.Limit.FILE_SIZE,
                            entry.getSize(), limits.maxFileBytes(), name));
                }
                MessageDigest digest = Sha256.digest();
                HashingEntryStream content = new HashingEntryStream(tar, digest);
                try {
                    sink.file(name, mode == 0755, content);
                } catch (IOException e) {
                    throw new SinkIOException(e);
                }
                content.drain();
                String sha = Sha256.hex(digest);
                try {
                    sink.fileHashed(name, sha);
                } catch (IOException e) {
                    throw new SinkIOException(e);
                }
                delivered.put(name, new Delivered(EntryType.FILE, content.count, sha, mode == 0755, null));
            } else {
                throw new SnapshotException(new Violation.ForbiddenType(name, describeType(entry)));
            }
            for (int slash = name.indexOf('/'); slash > 0; slash = name.indexOf('/', slash + 1)) {
                impliedDirs.add(name.substring(0, slash));
            }
        }
        if (manifestJson == null) {
            throw new SnapshotException(new Violation.BadManifest("no manifest entry"));
        }
        if (delta && baseManifest == null) {
            throw new SnapshotException(new Violation.BadManifest(
                    "a delta manifest, but this reader was given no base snapshot to apply it to"));
        }
        Manifest manifest = delta ? parse(manifestJson, ManifestDelta.class).applyTo(baseManifest, limits.maxEntries())
                : parse(manifestJson, Manifest.class);
        return verify(manifest, delivered);
    }

    private static void checkAncestors(String name, Map<String, Delivered> delivered, Set<String> symlinks)
            throws SnapshotException {
        for (int slash = name.indexOf('/'); slash > 0; slash = name.indexOf('/', slash + 1)) {
            String ancestor = name.substring(0, slash);
            if (symlinks.contains(ancestor)) {
                throw new SnapshotException(new Violation.SymlinkEscape(ancestor, delivered.get(ancestor).target));
            }
            Delivered d = delivered.get(ancestor);
            if (d != null && d.type == EntryType.FILE) {
                throw new SnapshotException(new Violation.BadManifest(
                        "file " + SnapshotPaths.printable(ancestor) + " is also used as a directory"));
            }
        }
    }

    private ReadResult verify(Manifest manifest, Map<String, Delivered> delivered) throws SnapshotException {
        if (manifest.version() != Manifest.VERSION) {
            throw new SnapshotException(new Violation.BadManifest("unsupported version " + manifest.version()));
        }
        if (manifest.entries().size() > limits.maxEntries()) {
            throw new SnapshotException(new Violation.LimitExceeded(Violation.Limit.FILE_COUNT,
                    manifest.entries().size(), limits.maxEntries(), null));
        }
        String id = manifest.id();
        if (expectedId != null && !expectedId.equals(id)) {
            throw new SnapshotException(new Violation.IdMismatch(expectedId, id));
        }
        String expectedBase = baseManifest == null ? null : baseManifest.id();
        if (manifest.base() != null && !manifest.base().equals(expectedBase)) {
            throw new SnapshotException(new Violation.BadManifest("delta against " + manifest.base()
                    + ", expected " + (expectedBase == null ? "a full snapshot" : expectedBase)));
        }
        Map<String, ManifestEntry> inBase = manifest.base() == null ? Map.of() : baseManifest.byPath();
        long total = 0;
        Set<String> carried = new HashSet<>();
        for (ManifestEntry e : manifest.entries()) {
            // An entry equal to the verified base's at the same path passed these checks when the base was read.
            boolean known = e.equals(inBase.get(e.path()));
            Violation bad = known ? null : SnapshotPaths.check(e.path(), limits.maxPathBytes());
            if (bad != null) {
                throw new SnapshotException(bad);
            }
            Delivered d = delivered.get(e.path());
            switch (e.type()) {
                case DIRECTORY -> {
                    if (d == null || d.type != EntryType.DIRECTORY || e.mode() != 0755) {
                        throw mismatch(e, "directory not in archive or not matching");
                    }
                }
                case SYMLINK -> {
                    if (d == null || d.type != EntryType.SYMLINK || !Objects.equals(d.target, e.target())
                            || !Objects.equals(d.sha256, e.sha256())) {
                        throw mismatch(e, "symlink not in archive or not matching");
                    }
                }
                case FILE -> {
                    if (e.size() < 0 || e.size() > limits.maxFileBytes()) {
                        throw new SnapshotException(new Violation.LimitExceeded(Violation.Limit.FILE_SIZE, e.size(),
                                limits.maxFileBytes(), e.path()));
                    }
                    if (!known && (!Sha256.isHex(e.sha256()) || (e.mode() != 0644 && e.mode() != 0755))) {
                        throw mismatch(e, "bad hash or mode");
                    }
                    total += e.size();
                    if (d == null) {
                        if (manifest.base() == null || !baseHasContent.test(e.sha256())) {
                            throw mismatch(e, "file content neither in the archive nor in the base snapshot");
                        }
                        carried.add(e.path());
                    } else if (d.type != EntryType.FILE) {
                        throw mismatch(e, "type differs from archive");
                    } else if (!d.sha256.equals(e.sha256())) {
                        throw new SnapshotException(new Violation.HashMismatch(e.path(), e.sha256(), d.sha256));
                    } else if (d.size != e.size() || d.executable != e.executable()) {
                        throw mismatch(e, "size or mode differs from archive");
                    }
                }
            }
        }
        if (total > limits.maxTotalBytes()) {
            throw new SnapshotException(new Violation.LimitExceeded(Violation.Limit.TOTAL_SIZE, total,
                    limits.maxTotalBytes(), null));
        }
        Map<String, ManifestEntry> byPath = manifest.byPath();
        for (String path : delivered.keySet()) {
            if (!byPath.containsKey(path)) {
                throw new SnapshotException(new Violation.BadManifest("archive entry "
                        + SnapshotPaths.printable(path) + " is not in the manifest"));
            }
        }
        Violation structural = SnapshotStructure.check(manifest);
        if (structural != null) {
            throw new SnapshotException(structural);
        }
        return new ReadResult(manifest, id, java.util.Collections.unmodifiableSet(carried));
    }

    private static SnapshotException mismatch(ManifestEntry e, String what) {
        return new SnapshotException(new Violation.BadManifest(SnapshotPaths.printable(e.path()) + ": " + what));
    }

    private byte[] readManifestBytes(TarArchiveInputStream tar, TarArchiveEntry entry)
            throws IOException, SnapshotException {
        if (entry.getSize() > limits.maxManifestBytes()) {
            throw new SnapshotException(new Violation.LimitExceeded(Violation.Limit.MANIFEST_SIZE, entry.getSize(),
                    limits.maxManifestBytes(), null));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) entry.getSize());
        tar.transferTo(out);
        return out.toByteArray();
    }

    private static <T> T parse(byte[] json, Class<T> type) throws SnapshotException {
        try {
            T m = Json.mapper().readValue(json, type);
            if (m == null || m instanceof Manifest full && full.entries() == null) {
                throw new SnapshotException(new Violation.BadManifest("no entries"));
            }
            return m;
        } catch (JsonProcessingException e) {
            throw new SnapshotException(new Violation.BadManifest("unparsable: " + e.getOriginalMessage()));
        } catch (IOException | IllegalArgumentException | NullPointerException e) {
            throw new SnapshotException(new Violation.BadManifest("unparsable: " + e.getMessage()));
        }
    }

    private static boolean isRegular(TarArchiveEntry e) {
        return e.isFile() && !e.isLink() && !e.isSymbolicLink() && !e.isCharacterDevice() && !e.isBlockDevice()
                && !e.isFIFO() && !e.isSparse();
    }

    private static void requireMode(TarArchiveEntry entry, String name, int mode) throws SnapshotException {
        if ((entry.getMode() & 07777) != mode) {
            throw new SnapshotException(new Violation.ForbiddenType(name,
                    "directory with mode " + Integer.toOctalString(entry.getMode() & 07777)));
        }
    }

    private static String describeType(TarArchiveEntry e) {
        if (e.isLink()) {
            return "hardlink";
        }
        if (e.isCharacterDevice()) {
            return "character device";
        }
        if (e.isBlockDevice()) {
            return "block device";
        }
        if (e.isFIFO()) {
            return "FIFO";
        }
        if (e.isSparse()) {
            return "sparse file";
        }
        return "tar entry of type '" + (char) e.getLinkFlag() + "'";
    }

    private static ViolationIOException findViolation(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ViolationIOException v) {
                return v;
            }
        }
        return null;
    }

    private static boolean isSinkFailure(IOException e) {
        return e instanceof SinkIOException;
    }

    /** The verified manifest, its id, and the file paths whose content must come from the base snapshot. */
    public record ReadResult(Manifest manifest, String id, Set<String> carriedFromBase) {
    }

    private record Delivered(EntryType type, long size, String sha256, boolean executable, String target) {
    }

    /** Counts bytes; on the decompressed side also enforces total and ratio caps against the raw side. */
    private final class Counter extends FilterInputStream {
        private final Counter compressed;
        long count;

        Counter(InputStream in, Counter compressed) {
            super(in);
            this.compressed = compressed;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                add(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                add(n);
            }
            return n;
        }

        private void add(long n) throws ViolationIOException {
            count += n;
            if (compressed == null) {
                if (count > limits.maxCompressedBytes()) {
                    throw new ViolationIOException(new Violation.LimitExceeded(Violation.Limit.COMPRESSED_SIZE,
                            count, limits.maxCompressedBytes(), null));
                }
                return;
            }
            // Tar framing adds up to 1 KiB per entry on top of content; allow for it in the total.
            long cap = limits.maxTotalBytes() + 1024L * (limits.maxEntries() + 2) + limits.maxManifestBytes();
            if (count > cap) {
                throw new ViolationIOException(new Violation.LimitExceeded(Violation.Limit.TOTAL_SIZE, count, cap,
                        null));
            }
            if (count > limits.ratioGraceBytes() && count > limits.maxRatio() * Math.max(1, compressed.count)) {
                throw new ViolationIOException(new Violation.LimitExceeded(Violation.Limit.RATIO,
                        count / Math.max(1, compressed.count), limits.maxRatio(), null));
            }
        }
    }

    /** Hashes what the sink reads of one entry; {@link #drain} hashes the rest. Closing it does nothing. */
    private static final class HashingEntryStream extends InputStream {
        private final InputStream in;
        private final MessageDigest digest;
        long count;

        HashingEntryStream(InputStream in, MessageDigest digest) {
            this.in = in;
            this.digest = digest;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                digest.update((byte) b);
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                digest.update(b, off, n);
                count += n;
            }
            return n;
        }

        void drain() throws IOException {
            byte[] buffer = new byte[64 * 1024];
            while (read(buffer, 0, buffer.length) > 0) {
                // hashing the rest
            }
        }

        @Override
        public void close() {
        }
    }

    private static final class ViolationIOException extends IOException {
        final transient Violation violation;

        ViolationIOException(Violation violation) {
            super(violation.describe());
            this.violation = violation;
        }
    }

    private static final class SinkIOException extends IOException {
        SinkIOException(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }
}
