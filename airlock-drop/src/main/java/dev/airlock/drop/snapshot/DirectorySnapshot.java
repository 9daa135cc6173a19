package dev.airlock.drop.snapshot;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;

/** Writes a snapshot of a directory tree: {@code .git} is skipped, anything but files, directories and in-tree
 * symlinks is refused. */
public final class DirectorySnapshot {
    private DirectorySnapshot() {
    }

    /** Snapshots {@code root} into {@code out} (closed afterwards); a delta if {@code base} is not null. */
    public static Manifest write(Path root, OutputStream out, SnapshotLimits limits, Manifest base)
            throws IOException, SnapshotException {
        return write(root, out, limits, base, new FileHashCache());
    }

    /**
     * As {@link #write(Path, OutputStream, SnapshotLimits, Manifest)}, reusing the hashes in {@code cache} for files
     * whose size, modification time and inode are unchanged (so an unchanged file in a delta is not even read).
     */
    public static Manifest write(Path root, OutputStream out, SnapshotLimits limits, Manifest base,
                                 FileHashCache cache) throws IOException, SnapshotException {
        List<Path> dirs = new ArrayList<>();
        List<Path> others = new ArrayList<>();
        java.util.Map<Path, BasicFileAttributes> seen = new java.util.HashMap<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                if (!dir.equals(root) && SnapshotPaths.isGitName(dir.getFileName().toString())) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                if (!dir.equals(root)) {
                    dirs.add(dir);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (!SnapshotPaths.isGitName(file.getFileName().toString())) {
                    others.add(file);
                    seen.put(file, attrs); // the walk's own lstat: no second system call per file
                }
                return FileVisitResult.CONTINUE;
            }
        });
        try (SnapshotWriter writer = SnapshotWriter.open(out, limits, base)) {
            for (Path dir : dirs) {
                writer.directory(relative(root, dir));
            }
            for (Path p : others) {
                String rel = relative(root, p);
                BasicFileAttributes attrs = seen.get(p);
                if (attrs.isSymbolicLink()) {
                    writer.symlink(rel, Files.readSymbolicLink(p).toString());
                } else if (attrs.isRegularFile()) {
                    if (attrs.size() > limits.maxFileBytes()) {
                        throw new SnapshotException(new Violation.LimitExceeded(Violation.Limit.FILE_SIZE,
                                attrs.size(), limits.maxFileBytes(), rel));
                    }
                    boolean exec = (attrs instanceof java.nio.file.attribute.PosixFileAttributes posix
                            ? posix.permissions() : Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS))
                            .contains(PosixFilePermission.OWNER_EXECUTE);
                    String known = cache.lookup(rel, attrs);
                    if (known != null && writer.canCarry(rel, known)) {
                        writer.carry(rel, exec, attrs.size(), known);
                    } else {
                        cache.remember(rel, attrs, writer.file(rel, exec, Files.readAllBytes(p)));
                    }
                } else {
                    throw new SnapshotException(new Violation.ForbiddenType(rel, "special file (device, FIFO or socket)"));
                }
            }
            return writer.finish();
        }
    }

    private static String relative(Path root, Path p) {
        return root.relativize(p).toString().replace(java.io.File.separatorChar, '/');
    }
}
