package dev.airlock.git;

import dev.airlock.drop.snapshot.SnapshotPaths;
import org.eclipse.jgit.lib.FileMode;

/**
 * Which tree entries travel to the agent. Submodules (gitlinks) and symlinks leaving the workspace stay behind and
 * are carried over unchanged when the output is applied, so the agent can neither see nor alter them.
 */
final class Exportability {
    private Exportability() {
    }

    enum Kind { FILE, EXECUTABLE, SYMLINK, KEEP_BEHIND }

    static Kind of(String path, FileMode mode, String symlinkTarget) {
        if (mode == FileMode.REGULAR_FILE) {
            return Kind.FILE;
        }
        if (mode == FileMode.EXECUTABLE_FILE) {
            return Kind.EXECUTABLE;
        }
        if (mode == FileMode.SYMLINK && symlinkTarget != null
                && SnapshotPaths.resolveInside(path, symlinkTarget) != null) {
            return Kind.SYMLINK;
        }
        return Kind.KEEP_BEHIND;
    }
}
