package dev.airlock.drop.snapshot;

import java.util.HashMap;
import java.util.Map;

/** Whole-manifest rules: no path goes through a symlink or a file, no duplicates or case collisions. */
final class SnapshotStructure {
    private SnapshotStructure() {
    }

    static Violation check(Manifest manifest) {
        Map<String, ManifestEntry> byPath = new HashMap<>();
        Map<String, String> folded = new HashMap<>();
        for (ManifestEntry e : manifest.entries()) {
            if (byPath.put(e.path(), e) != null) {
                return new Violation.DuplicatePath(e.path());
            }
            String previous = folded.putIfAbsent(SnapshotPaths.foldKey(e.path()), e.path());
            if (previous != null) {
                return new Violation.CaseCollision(previous, e.path());
            }
        }
        for (ManifestEntry e : manifest.entries()) {
            String path = e.path();
            for (int slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) {
                ManifestEntry ancestor = byPath.get(path.substring(0, slash));
                if (ancestor == null || ancestor.type() == EntryType.DIRECTORY) {
                    continue;
                }
                if (ancestor.type() == EntryType.SYMLINK) {
                    return new Violation.SymlinkEscape(ancestor.path(), ancestor.target());
                }
                return new Violation.BadManifest("file " + SnapshotPaths.printable(ancestor.path())
                        + " is also used as a directory");
            }
        }
        return null;
    }
}
