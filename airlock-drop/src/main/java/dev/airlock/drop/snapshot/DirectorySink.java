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

    public DirectorySink(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public void directory(String path) throws IOException {
        Path dir = target(path);
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectory(dir);
        }
    }

    @Override
    public void file(String path, boolean executable, InputStream content) throws IOException {
        Path file = target(path);
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)) {
            content.transferTo(out);
        }
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
    }

    @Override
    public void symlink(String path, String target) throws IOException {
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
            if (Files.isSymbolicLink(dir)) {
                throw new IOException("refusing to write through symlink " + dir);
            }
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectory(dir);
            }
        }
        return resolved;
    }
}
