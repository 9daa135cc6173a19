package dev.airlock.drop.snapshot;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
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
 * paths, modes and contents.
 *
 * @param version format version, currently 1
 * @param base    id of the snapshot this one is a delta against (entries whose content is not in the archive
 *                are taken from it by hash), or null for a full snapshot
 * @param entries every entry of the workspace, including those carried over from {@code base}
 */
@JsonPropertyOrder({"version", "base", "entries"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Manifest(int version, String base, List<ManifestEntry> entries) {
    public static final int VERSION = 1;
    static final Comparator<String> PATH_ORDER = Comparator.comparing(SnapshotPaths::utf8, java.util.Arrays::compareUnsigned);

    public Manifest {
        List<ManifestEntry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparing(ManifestEntry::path, PATH_ORDER));
        entries = List.copyOf(sorted);
    }

    /** The canonical bytes the id is computed over. */
    public byte[] canonicalJson() {
        try {
            return Json.mapper().writeValueAsBytes(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("manifest is not serialisable", e);
        }
    }

    /** {@code sha256:<hex>} of {@link #canonicalJson()}. */
    @JsonIgnore
    public String id() {
        return "sha256:" + Sha256.hex(canonicalJson());
    }

    /** Entries by path. */
    public Map<String, ManifestEntry> byPath() {
        Map<String, ManifestEntry> map = new HashMap<>();
        for (ManifestEntry e : entries) {
            map.put(e.path(), e);
        }
        return map;
    }
}
