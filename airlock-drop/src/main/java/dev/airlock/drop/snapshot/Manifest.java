package dev.airlock.drop.snapshot;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a snapshot contains. Its id is {@code sha256:} plus the SHA-256 of its canonical JSON: entries sorted by
 * path (byte order of UTF-8), fields in a fixed order, no whitespace. Two snapshots with the same id have the same
 * paths, modes and contents. Immutable; the canonical form and id are computed once.
 */
@JsonPropertyOrder({"version", "base", "entries"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class Manifest {
    public static final int VERSION = 1;
    /** Byte order of UTF-8, which is code point order: UTF-16 order except that surrogates sort above U+FFFF's BMP. */
    static final Comparator<String> PATH_ORDER = Manifest::compareCodePoints;

    private final int version;
    private final String base;
    private final List<ManifestEntry> entries;
    /** The manifest this one was derived from, until the canonical form is built from its bytes (then dropped). */
    private Manifest derivedFrom;
    private byte[] canonical;
    /** Where each entry's object starts in {@link #canonical}, plus where the entries end. */
    private int[] entryOffsets;
    private String id;
    private Map<String, ManifestEntry> byPath;

    /**
     * @param version format version, currently 1
     * @param base    id of the snapshot this one is a delta against (entries whose content is not in the archive
     *                are taken from it), or null for a full snapshot
     * @param entries every entry of the workspace, including those carried over from {@code base}
     */
    @JsonCreator
    public Manifest(@JsonProperty("version") int version, @JsonProperty("base") String base,
                    @JsonProperty("entries") List<ManifestEntry> entries) {
        if (entries == null) {
            throw new IllegalArgumentException("manifest has no entries");
        }
        List<ManifestEntry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparing(ManifestEntry::path, PATH_ORDER));
        this.version = version;
        this.base = base;
        this.entries = List.copyOf(sorted);
    }

    /**
     * A manifest whose {@code entries} are already in path order and mostly the very entry objects of
     * {@code derivedFrom} (a delta applied to it, or a delta written against it): the canonical form then copies
     * those entries' bytes from {@code derivedFrom}'s instead of serialising them again. Callers guarantee the
     * order; {@link SnapshotStructure#check} still runs on the result wherever a manifest is accepted.
     */
    static Manifest derived(String base, List<ManifestEntry> sortedEntries, Manifest derivedFrom) {
        return new Manifest(base, List.copyOf(sortedEntries), derivedFrom);
    }

    private Manifest(String base, List<ManifestEntry> sortedEntries, Manifest derivedFrom) {
        this.version = VERSION;
        this.base = base;
        this.entries = sortedEntries;
        this.derivedFrom = derivedFrom;
    }

    @JsonProperty("version")
    public int version() {
        return version;
    }

    @JsonProperty("base")
    public String base() {
        return base;
    }

    @JsonProperty("entries")
    public List<ManifestEntry> entries() {
        return entries;
    }

    /** The canonical bytes the id is computed over (a copy). */
    public synchronized byte[] canonicalJson() {
        return canonical().clone();
    }

    /**
     * Written by hand rather than by the mapper (a few thousand entries per phase, several times per phase): the
     * same bytes Jackson writes for this class, which {@code ManifestCanonicalJsonTest} checks.
     */
    private byte[] canonical() {
        if (canonical == null) {
            Manifest from = derivedFrom;
            derivedFrom = null; // never keep a chain of earlier manifests alive
            byte[] fromBytes = null;
            int[] fromOffsets = null;
            if (from != null) {
                synchronized (from) { // lock order: derived before source; a source never locks what derives from it
                    fromBytes = from.canonical();
                    fromOffsets = from.entryOffsets;
                }
            }
            List<ManifestEntry> fromEntries = from == null ? List.of() : from.entries;
            int[] offsets = new int[entries.size() + 1];
            CanonicalJson out = new CanonicalJson(64 + (fromBytes != null ? fromBytes.length : 160 * entries.size()));
            out.raw("{\"version\":").number(version);
            if (base != null) {
                out.raw(",\"base\":").string(base);
            }
            out.raw(",\"entries\":[");
            int j = 0;
            for (int i = 0; i < entries.size(); i++) {
                ManifestEntry e = entries.get(i);
                if (i > 0) {
                    out.raw(",");
                }
                offsets[i] = out.size();
                // Both lists are in path order: skip what the source had before this path (compared only around
                // changes), then copy the entry's bytes if it is the same entry object, else serialise it.
                while (j < fromEntries.size() && fromEntries.get(j) != e
                        && PATH_ORDER.compare(fromEntries.get(j).path(), e.path()) < 0) {
                    j++;
                }
                if (j < fromEntries.size() && fromEntries.get(j) == e) {
                    int end = j + 1 < fromEntries.size() ? fromOffsets[j + 1] - 1 : fromOffsets[fromEntries.size()];
                    out.bytes(fromBytes, fromOffsets[j], end);
                    j++;
                } else {
                    entry(out, e);
                }
            }
            offsets[entries.size()] = out.size();
            canonical = out.raw("]}").toByteArray();
            entryOffsets = offsets;
        }
        return canonical;
    }

    private static void entry(CanonicalJson out, ManifestEntry e) {
        out.raw("{\"path\":").string(e.path())
                .raw(",\"type\":").string(e.type().name())
                .raw(",\"mode\":").number(e.mode())
                .raw(",\"size\":").number(e.size());
        if (e.sha256() != null) {
            out.raw(",\"sha256\":").string(e.sha256());
        }
        if (e.target() != null) {
            out.raw(",\"target\":").string(e.target());
        }
        out.raw("}");
    }

    private static int compareCodePoints(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                // Surrogates (U+D800..DFFF) encode code points above U+FFFF, so they sort after U+E000..FFFF.
                boolean xs = Character.isSurrogate(x);
                boolean ys = Character.isSurrogate(y);
                if (xs != ys && (x >= 0xE000 || y >= 0xE000)) {
                    return xs ? 1 : -1;
                }
                return Character.compare(x, y);
            }
        }
        return Integer.compare(a.length(), b.length());
    }

    /** {@code sha256:<hex>} of {@link #canonicalJson()}. */
    @JsonIgnore
    public synchronized String id() {
        if (id == null) {
            id = "sha256:" + Sha256.hex(canonical());
        }
        return id;
    }

    /** Entries by path. */
    public synchronized Map<String, ManifestEntry> byPath() {
        if (byPath == null) {
            Map<String, ManifestEntry> map = HashMap.newHashMap(entries.size());
            for (ManifestEntry e : entries) {
                map.put(e.path(), e);
            }
            byPath = java.util.Collections.unmodifiableMap(map);
        }
        return byPath;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Manifest m && m.id().equals(id());
    }

    @Override
    public int hashCode() {
        return id().hashCode();
    }

    @Override
    public String toString() {
        return "Manifest[" + id() + ", " + entries.size() + " entries" + (base == null ? "" : ", delta against " + base)
                + "]";
    }
}
