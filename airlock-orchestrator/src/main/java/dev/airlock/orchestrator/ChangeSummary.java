package dev.airlock.orchestrator;

import dev.airlock.drop.snapshot.EntryType;
import dev.airlock.drop.snapshot.Manifest;
import dev.airlock.drop.snapshot.ManifestEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Which files the output adds, modifies or deletes relative to the input, from the two manifests alone. */
public record ChangeSummary(List<String> added, List<String> modified, List<String> deleted) {
    public ChangeSummary {
        added = List.copyOf(added);
        modified = List.copyOf(modified);
        deleted = List.copyOf(deleted);
    }

    public static ChangeSummary between(Manifest input, Manifest output) {
        Map<String, ManifestEntry> before = input.byPath();
        Map<String, ManifestEntry> after = output.byPath();
        List<String> added = new ArrayList<>();
        List<String> modified = new ArrayList<>();
        List<String> deleted = new ArrayList<>();
        for (ManifestEntry e : output.entries()) {
            if (e.type() == EntryType.DIRECTORY) {
                continue;
            }
            ManifestEntry old = before.get(e.path());
            if (old == null || old.type() == EntryType.DIRECTORY) {
                added.add(e.path());
            } else if (!Objects.equals(old.sha256(), e.sha256()) || old.mode() != e.mode() || old.type() != e.type()) {
                modified.add(e.path());
            }
        }
        for (ManifestEntry e : input.entries()) {
            if (e.type() != EntryType.DIRECTORY && !after.containsKey(e.path())) {
                deleted.add(e.path());
            }
        }
        return new ChangeSummary(added, modified, deleted);
    }

    public boolean empty() {
        return added.isEmpty() && modified.isEmpty() && deleted.isEmpty();
    }

    /** E.g. {@code 2 files changed (1 added, 1 modified, 0 deleted)}. */
    public String describe() {
        int n = added.size() + modified.size() + deleted.size();
        return n + (n == 1 ? " file" : " files") + " changed (" + added.size() + " added, " + modified.size()
                + " modified, " + deleted.size() + " deleted)";
    }
}
