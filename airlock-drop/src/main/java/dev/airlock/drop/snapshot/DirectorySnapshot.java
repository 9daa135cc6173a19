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

/**
 * Writes a snapshot of a directory tree: {@code .git} is skipped, anything but files, directories and in-tree
 * symlinks is refused. A directory is listed only when it is empty: the others are implied by the paths below them,
 * as in a git tree, so a workspace snapshot and a git export of the same content have the same entries and a
 * delta between them lists only the files that changed (not every directory of the workspace).
 */
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
        List<String> emptyDirs = new ArrayList<>();
        List<Found> found = new ArrayList<>();
        // One lstat per entry, read as POSIX attributes: Files.walkFileTree's attributes lack the permission bits,
        // which cost a second system call per file. .git is never entered; links are never followed. Relative
        // paths are built from the names listed, not by relativising each absolute path. Siblings are visited in
        // git's tree order (a directory's name compared as if it ended in '/'), which makes the depth-first order
        // the manifest's path order: the writer's sort then finds the entries already sorted.
        java.util.ArrayDeque<Found> pending = new java.util.ArrayDeque<>();
        pending.push(new Found(root, "", "", null));
        while (!pending.isEmpty()) {
            Found next = pending.pop();
            if (next.attrs() != null && !next.attrs().isDirectory()) {
                found.add(next);
                continue;
            }
            List<Found> children = new ArrayList<>();
            try (java.nio.file.DirectoryStream<Path> listing = Files.newDirectoryStream(next.path())) {
                for (Path child : listing) {
                    String name = child.getFileName().toString();
                    if (SnapshotPaths.isGitName(name)) {
                        continue;
                    }
                    PosixFileAttributes attrs = Files.readAttributes(child, PosixFileAttributes.class,
                            LinkOption.NOFOLLOW_LINKS);
                    children.add(new Found(child, attrs.isDirectory() ? name + "/" : name,
                            next.relative().isEmpty() ? name : next.relative() + "/" + name, attrs));
                }
            }
            if (children.isEmpty() && !next.relative().isEmpty()) {
                emptyDirs.add(next.relative());
            }
            children.sort(Found.TREE_ORDER);
            for (int i = children.size() - 1; i >= 0; i--) {
                pending.push(children.get(i));
            }
        }
        try (SnapshotWriter writer = SnapshotWriter.open(out, limits, base)) {
            for (String dir : emptyDirs) {
                writer.directory(dir);
            }
            for (Found f : found) {
                String rel = f.relative();
                PosixFileAttributes attrs = f.attrs();
                if (attrs.isSymbolicLink()) {
                    writer.symlink(rel, Files.readSymbolicLink(f.path()).toString());
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
                        cache.remember(rel, attrs, writer.file(rel, exec, Files.readAllBytes(f.path())));
                    }
                } else {
                    throw new SnapshotException(new Violation.ForbiddenType(rel, "special file (device, FIFO or socket)"));
                }
            }
            return writer.finish();
        }
    }

    /**
     * A directory entry met by the walk: where it is, its name as git's tree order sorts it (a directory's with a
     * trailing '/'), its workspace-relative path, and its lstat.
     */
    private record Found(Path path, String treeKey, String relative, PosixFileAttributes attrs) {
        /** Siblings in git's tree order: names in the manifest's path order, a directory's as if it ended in '/'. */
        static final java.util.Comparator<Found> TREE_ORDER = (a, b) -> Manifest.PATH_ORDER.compare(a.treeKey(),
                b.treeKey());
    }
}
