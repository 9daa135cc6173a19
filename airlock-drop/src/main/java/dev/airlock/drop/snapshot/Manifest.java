package dev.airlock.drop.snapshot;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.airlock.core.json.Json;
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
    static final Comparator<String> PATH_ORDER = Comparator.comparing(SnapshotPaths::utf8, java.util.Arrays::compareUnsigned);

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
        if (canonical == null) {
            try {
                canonical = Json.mapper().writeValueAsBytes(this);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("manifest is not serialisable", e);
            }
        }
        return canonical.clone();
    }

    /** {@code sha256:<hex>} of {@link #canonicalJson()}. */
    @JsonIgnore
    public synchronized String id() {
        if (id == null) {
            id = "sha256:" + Sha256.hex(canonicalJson());
        }
        return id;
    }

    /** Entries by path. */
    public synchronized Map<String, ManifestEntry> byPath() {
        if (byPath == null) {
            Map<String, ManifestEntry> map = new HashMap<>();
            for (ManifestEntry e : entries) {
                map.put(e.path(), e);
            }
            byPath = Map.copyOf(map);
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
