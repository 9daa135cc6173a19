package dev.airlock.drop.snapshot;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Extracts into an empty directory. Never follows a link: every parent is created or checked with NOFOLLOW, files
 * are created with CREATE_NEW, so neither a symlink in the archive nor one planted beforehand can redirect a write.
 */
public final class DirectorySink implements SnapshotSink {
    private final Path root;
    private final boolean replace;
    private final FileHashCache hashes;
    /**
     * Parents already checked (or created) as real directories during this extraction. This sink never turns a
     * directory into anything else, so each is checked once instead of twice per file below it (four thousand
     * files eight levels deep cost sixty thousand system calls otherwise).
     */
    private final java.util.Set<Path> realDirectories = new java.util.HashSet<>();

    /** Extracts into an empty directory; an existing file is an error. */
    public DirectorySink(Path root) {
        this(root, false);
    }

    private DirectorySink(Path root, boolean replace) {
        this(root, replace, null);
    }

    private DirectorySink(Path root, boolean replace, FileHashCache hashes) {
        this.root = root.toAbsolutePath().normalize();
        this.replace = replace;
        this.hashes = hashes;
    }

    /**
     * The same sink, also recording each written file's SHA-256 (computed by the reader while streaming) in
     * {@code cache} under the file's new stamp, so that packing the workspace later need not read unchanged files.
     */
    public DirectorySink recordingHashes(FileHashCache cache) {
        return new DirectorySink(root, replace, java.util.Objects.requireNonNull(cache));
    }

    /**
     * Applies a delta onto a workspace that holds the base: delivered files replace what is there (the old entry is
     * unlinked, never written through). Call {@link #prune} after a successful read to delete what the manifest
     * no longer lists.
     */
    public static DirectorySink updating(Path root) {
        return new DirectorySink(root, true);
    }

    /** Deletes files, links and empty directories under {@code root} that {@code manifest} does not list. */
    public static void prune(Path root, Manifest manifest, Manifest base) throws IOException {
        java.util.Set<String> keep = manifest.byPath().keySet();
        if (base != null && keep.equals(base.byPath().keySet())) {
            return; // same paths as the workspace already holds: nothing to delete, no walk needed
        }
        java.util.List<Path> doomed = new java.util.ArrayList<>();
        Files.walkFileTree(root, new java.nio.file.SimpleFileVisitor<>() {
            @Override
            public java.nio.file.FileVisitResult preVisitDirectory(Path dir,
                    java.nio.file.attribute.BasicFileAttributes attrs) {
                if (!dir.equals(root) && SnapshotPaths.isGitName(dir.getFileName().toString())) {
                    return java.nio.file.FileVisitResult.SKIP_SUBTREE;
                }
                return java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult visitFile(Path file, java.nio.file.attribute.BasicFileAttributes a) {
                if (!keep.contains(root.relativize(file).toString())) {
                    doomed.add(file);
                }
                return java.nio.file.FileVisitResult.CONTINUE;
            }
        });
        for (Path p : doomed) {
            Files.deleteIfExists(p);
        }
    }

    @Override
    public void directory(String path) throws IOException {
        Path dir = target(path);
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectory(dir);
        }
        realDirectories.add(dir);
    }

    @Override
    public void file(String path, boolean executable, InputStream content) throws IOException {
        Path file = target(path);
        if (replace && Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
            Files.delete(file);
        }
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)) {
            content.transferTo(out);
        }
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
    }

    @Override
    public void fileHashed(String path, String sha256) throws IOException {
        if (hashes != null) {
            Path file = root.resolve(path);
            hashes.remember(path, Files.readAttributes(file, java.nio.file.attribute.PosixFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS), sha256);
        }
    }

    @Override
    public void symlink(String path, String target) throws IOException {
        if (replace && Files.isSymbolicLink(target(path))) {
            Files.delete(target(path));
        }
        Files.createSymbolicLink(target(path), Path.of(target));
    }

    /** Creates the parents of {@code path} as real directories and returns where it goes. */
    private Path target(String path) throws IOException {
        Path resolved = root.resolve(path).normalize();
        if (!resolved.startsWith(root) || resolved.equals(root)) {
            throw new IOException("refusing to write outside " + root + ": " + SnapshotPaths.printable(path));
        }
        Path dir = root;
        Path rel = root.relativize(resolved);
        for (int i = 0; i < rel.getNameCount() - 1; i++) {
            dir = dir.resolve(rel.getName(i));
            if (realDirectories.contains(dir)) {
                continue;
            }
            if (Files.isSymbolicLink(dir)) {
                throw new IOException("refusing to write through symlink " + dir);
            }
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectory(dir);
            }
            realDirectories.add(dir);
        }
        return resolved;
    }
}
