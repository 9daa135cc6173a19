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
    private byte[] canonical;
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
            CanonicalJson out = new CanonicalJson(64 + 160 * entries.size());
            out.raw("{\"version\":").number(version);
            if (base != null) {
                out.raw(",\"base\":").string(base);
            }
            out.raw(",\"entries\":[");
            for (int i = 0; i < entries.size(); i++) {
                ManifestEntry e = entries.get(i);
                out.raw(i == 0 ? "{\"path\":" : ",{\"path\":").string(e.path())
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
            canonical = out.raw("]}").toByteArray();
        }
        return canonical;
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
