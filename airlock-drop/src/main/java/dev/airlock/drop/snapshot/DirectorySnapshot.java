package dev.airlock.drop.snapshot;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
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
        java.util.Map<Path, PosixFileAttributes> seen = new java.util.HashMap<>();
        // One lstat per entry, read as POSIX attributes: Files.walkFileTree's attributes lack the permission bits,
        // which cost a second system call per file. .git is never entered; links are never followed.
        java.util.ArrayDeque<Path> pending = new java.util.ArrayDeque<>(List.of(root));
        while (!pending.isEmpty()) {
            Path dir = pending.pop();
            List<Path> children = new ArrayList<>();
            try (java.nio.file.DirectoryStream<Path> listing = Files.newDirectoryStream(dir)) {
                listing.forEach(children::add);
            }
            for (Path child : children) {
                if (SnapshotPaths.isGitName(child.getFileName().toString())) {
                    continue;
                }
                PosixFileAttributes attrs = Files.readAttributes(child, PosixFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS);
                if (attrs.isDirectory()) {
                    dirs.add(child);
                    pending.push(child);
                } else {
                    others.add(child);
                    seen.put(child, attrs);
                }
            }
        }
        try (SnapshotWriter writer = SnapshotWriter.open(out, limits, base)) {
            for (Path dir : dirs) {
                writer.directory(relative(root, dir));
            }
            for (Path p : others) {
                String rel = relative(root, p);
                PosixFileAttributes attrs = seen.get(p);
                if (attrs.isSymbolicLink()) {
                    writer.symlink(rel, Files.readSymbolicLink(p).toString());
                } else if (attrs.isRegularFile()) {
                    if (attrs.size() > limits.maxFileBytes()) {
                        throw new SnapshotException(new Violation.LimitExceeded(Violation.Limit.FILE_SIZE,
                                attrs.size(), limits.maxFileBytes(), rel));
                    }
                    boolean exec = attrs.permissions().contains(PosixFilePermission.OWNER_EXECUTE);
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
