package dev.airlock.drop.snapshot;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Whole-manifest rules: no path goes through a symlink or a file, no duplicates or case collisions. */
final class SnapshotStructure {
    private SnapshotStructure() {
    }

    static Violation check(Manifest manifest) {
        List<ManifestEntry> entries = manifest.entries();
        // Entries are sorted by path, so a duplicate sits next to its twin.
        for (int i = 1; i < entries.size(); i++) {
            if (entries.get(i).path().equals(entries.get(i - 1).path())) {
                return new Violation.DuplicatePath(entries.get(i).path());
            }
        }
        Map<String, ManifestEntry> byPath = manifest.byPath();
        // A path that folds to itself (lower-case ASCII, the common case) can only collide with one that does not,
        // so only those are folded and compared.
        Map<String, String> folded = new HashMap<>();
        for (ManifestEntry e : entries) {
            String key = SnapshotPaths.foldKey(e.path());
            if (key == e.path()) {
                continue;
            }
            ManifestEntry plain = byPath.get(key);
            String previous = plain != null && plain != e ? plain.path() : folded.putIfAbsent(key, e.path());
            if (previous != null) {
                // named in manifest order, as the two would be met when extracting
                return Manifest.PATH_ORDER.compare(previous, e.path()) < 0
                        ? new Violation.CaseCollision(previous, e.path())
                        : new Violation.CaseCollision(e.path(), previous);
            }
        }
        // Every ancestor path is looked at once: the walk up from an entry stops at an ancestor already looked at
        // (its own ancestors were looked at then), so implied directories (a git export lists none) cost one
        // lookup per entry instead of one per level.
        java.util.Set<String> ancestors = java.util.HashSet.newHashSet(entries.size());
        for (ManifestEntry e : entries) {
            String path = e.path();
            for (int slash = path.lastIndexOf('/'); slash > 0; slash = path.lastIndexOf('/', slash - 1)) {
                String at = path.substring(0, slash);
                if (!ancestors.add(at)) {
                    break;
                }
                ManifestEntry ancestor = byPath.get(at);
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
