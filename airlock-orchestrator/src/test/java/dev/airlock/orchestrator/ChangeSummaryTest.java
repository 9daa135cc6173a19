package dev.airlock.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.airlock.drop.snapshot.Manifest;
import dev.airlock.drop.snapshot.ManifestEntry;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChangeSummaryTest {
    @Test
    void comparesContentModeAndPresence() {
        Manifest in = new Manifest(Manifest.VERSION, null, List.of(ManifestEntry.directory("src"),
                ManifestEntry.file("src/a", false, 1, "a".repeat(64)), ManifestEntry.file("b", false, 1, "b".repeat(64)),
                ManifestEntry.file("c", false, 1, "c".repeat(64)), ManifestEntry.file("d", false, 1, "d".repeat(64))));
        Manifest out = new Manifest(Manifest.VERSION, null, List.of(ManifestEntry.directory("src"),
                ManifestEntry.file("src/a", false, 1, "a".repeat(64)), ManifestEntry.file("b", false, 1, "e".repeat(64)),
                ManifestEntry.file("c", true, 1, "c".repeat(64)), ManifestEntry.file("new", false, 1, "f".repeat(64))));
        ChangeSummary s = ChangeSummary.between(in, out);
        assertThat(s.added()).containsExactly("new");
        assertThat(s.modified()).containsExactly("b", "c");
        assertThat(s.deleted()).containsExactly("d");
        assertThat(s.describe()).isEqualTo("4 files changed (1 added, 2 modified, 1 deleted)");
        assertThat(ChangeSummary.between(in, in).empty()).isTrue();
    }
}
