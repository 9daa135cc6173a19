package dev.airlock.drop.snapshot;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How a delta snapshot carries its manifest: the entries that differ from the base manifest and the paths the base
 * had and this one lacks, instead of every entry. The manifest itself (and so its id) is unchanged: the receiver,
 * which holds the base, rebuilds it with {@link #applyTo}. A phase that changes ten files of four thousand then
 * writes, sends and parses ten entries instead of four thousand.
 */
@JsonPropertyOrder({"version", "base", "changed", "removed"})
record ManifestDelta(@JsonProperty("version") int version, @JsonProperty("base") String base,
                     @JsonProperty("changed") List<ManifestEntry> changed,
                     @JsonProperty("removed") List<String> removed) {

    @JsonCreator
    ManifestDelta {
    }

    /** The delta that turns {@code base} into {@code manifest}. */
    static ManifestDelta between(Manifest base, Manifest manifest) {
        // Both entry lists are sorted by path: one merge pass, no hashing.
        List<ManifestEntry> before = base.entries();
        List<ManifestEntry> after = manifest.entries();
        List<ManifestEntry> changed = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < before.size() || j < after.size()) {
            int c = i == before.size() ? 1 : j == after.size() ? -1
                    : Manifest.PATH_ORDER.compare(before.get(i).path(), after.get(j).path());
            if (c < 0) {
                removed.add(before.get(i++).path());
            } else if (c > 0) {
                changed.add(after.get(j++));
            } else {
                if (!before.get(i++).equals(after.get(j))) {
                    changed.add(after.get(j));
                }
                j++;
            }
        }
        return new ManifestDelta(Manifest.VERSION, base.id(), changed, removed);
    }

    /**
     * Rebuilds the manifest from {@code base}, refusing a delta against another base, one that removes what the
     * base lacks, names a path twice, or lists more entries than {@code maxEntries}.
     */
    Manifest applyTo(Manifest base, int maxEntries) throws SnapshotException {
        if (version != Manifest.VERSION) {
            throw new SnapshotException(new Violation.BadManifest("unsupported version " + version));
        }
        if (changed == null || removed == null) {
            throw new SnapshotException(new Violation.BadManifest("delta manifest without changed or removed"));
        }
        if (!base.id().equals(this.base)) {
            throw new SnapshotException(new Violation.BadManifest("delta against " + this.base + ", expected "
                    + base.id()));
        }
        if ((long) changed.size() + removed.size() > maxEntries) {
            throw new SnapshotException(new Violation.LimitExceeded(Violation.Limit.FILE_COUNT,
                    (long) changed.size() + removed.size(), maxEntries, null));
        }
        Map<String, ManifestEntry> before = base.byPath();
        Set<String> gone = new HashSet<>();
        for (String path : removed) {
            if (path == null || !before.containsKey(path) || !gone.add(path)) {
                throw new SnapshotException(new Violation.BadManifest("delta removes "
                        + SnapshotPaths.printable(path) + ", which the base does not list (or twice)"));
            }
        }
        Set<String> touched = new HashSet<>();
        for (ManifestEntry e : changed) {
            if (e == null) {
                throw new SnapshotException(new Violation.BadManifest("delta lists a null entry"));
            }
            if (!touched.add(e.path()) || gone.contains(e.path())) {
                throw new SnapshotException(new Violation.DuplicatePath(e.path()));
            }
        }
        // Merge the base's entries (in path order, kept as the same objects) with the sorted changes, so the result
        // needs no sort and its canonical form copies the base's bytes for every unchanged entry.
        List<ManifestEntry> added = new ArrayList<>(changed);
        added.sort(java.util.Comparator.comparing(ManifestEntry::path, Manifest.PATH_ORDER));
        List<ManifestEntry> entries = new ArrayList<>(base.entries().size() + added.size());
        int next = 0;
        for (ManifestEntry e : base.entries()) {
            if (gone.contains(e.path()) || touched.contains(e.path())) {
                continue;
            }
            while (next < added.size() && Manifest.PATH_ORDER.compare(added.get(next).path(), e.path()) < 0) {
                entries.add(added.get(next++));
            }
            entries.add(e);
        }
        entries.addAll(added.subList(next, added.size()));
        if (entries.size() > maxEntries) {
            throw new SnapshotException(new Violation.LimitExceeded(Violation.Limit.FILE_COUNT, entries.size(),
                    maxEntries, null));
        }
        return Manifest.derived(this.base, entries, base);
    }
}
