package dev.airlock.drop.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Later phases: deltas applied in place, only changed files moved. */
class WorkspaceDeltaTest {
    @TempDir
    Path tmp;

    @Test
    void deltaAppliedInPlaceReproducesTheSourceWorkspace() throws Exception {
        Path a = Files.createDirectories(tmp.resolve("a"));
        for (int i = 0; i < 50; i++) {
            byte[] noise = new byte[8192];
            new java.util.Random(i).nextBytes(noise);
            Files.writeString(a.resolve("f" + i + ".txt"), java.util.HexFormat.of().formatHex(noise));
        }
        FileHashCache cache = new FileHashCache();
        ByteArrayOutputStream full = new ByteArrayOutputStream();
        Manifest m1 = DirectorySnapshot.write(a, full, SnapshotLimits.DEFAULT, null, cache);
        Path b = Files.createDirectories(tmp.resolve("b"));
        SnapshotReader.create().read(new ByteArrayInputStream(full.toByteArray()), new DirectorySink(b));

        Files.writeString(a.resolve("f3.txt"), "changed");
        Files.delete(a.resolve("f4.txt"));
        Files.writeString(a.resolve("new.txt"), "new");
        ByteArrayOutputStream delta = new ByteArrayOutputStream();
        Manifest m2 = DirectorySnapshot.write(a, delta, SnapshotLimits.DEFAULT, m1, cache);
        assertThat(delta.size()).isLessThan(full.size() / 3);

        Set<String> held = m1.entries().stream().map(ManifestEntry::sha256).collect(Collectors.toSet());
        var r = SnapshotReader.create().expectedId(m2.id()).base(m1, held::contains)
                .read(new ByteArrayInputStream(delta.toByteArray()), DirectorySink.updating(b));
        DirectorySink.prune(b, r.manifest(), m1);
        assertThat(r.carriedFromBase()).hasSize(48);

        ByteArrayOutputStream again = new ByteArrayOutputStream();
        assertThat(DirectorySnapshot.write(b, again, SnapshotLimits.DEFAULT, null).entries())
                .isEqualTo(DirectorySnapshot.write(a, new ByteArrayOutputStream(), SnapshotLimits.DEFAULT, null).entries());
        assertThat(b.resolve("f4.txt")).doesNotExist();
        assertThat(Files.readString(b.resolve("f3.txt"))).isEqualTo("changed");
    }

    @Test
    void hashesRecordedWhileUnpackingLetTheOutputBeADeltaAgainstTheInput() throws Exception {
        Path source = Files.createDirectories(tmp.resolve("source"));
        for (int i = 0; i < 20; i++) {
            byte[] noise = new byte[8192];
            new java.util.Random(i).nextBytes(noise);
            Files.writeString(source.resolve("f" + i + ".txt"), java.util.HexFormat.of().formatHex(noise));
        }
        ByteArrayOutputStream input = new ByteArrayOutputStream();
        Manifest in = DirectorySnapshot.write(source, input, SnapshotLimits.DEFAULT, null);

        Path workspace = Files.createDirectories(tmp.resolve("workspace"));
        FileHashCache cache = new FileHashCache();
        SnapshotReader.create().expectedId(in.id()).read(new ByteArrayInputStream(input.toByteArray()),
                new DirectorySink(workspace).recordingHashes(cache));
        Files.writeString(workspace.resolve("f7.txt"), "edited by the agent");

        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Manifest out = DirectorySnapshot.write(workspace, output, SnapshotLimits.DEFAULT, in, cache);
        assertThat(output.size()).isLessThan(input.size() / 10);
        assertThat(out.entries()).isEqualTo(
                DirectorySnapshot.write(workspace, new ByteArrayOutputStream(), SnapshotLimits.DEFAULT, null).entries());

        Set<String> held = in.entries().stream().map(ManifestEntry::sha256).collect(Collectors.toSet());
        Path service = Files.createDirectories(tmp.resolve("service"));
        var r = SnapshotReader.create().expectedId(out.id()).base(in, held::contains)
                .read(new ByteArrayInputStream(output.toByteArray()), DirectorySink.updating(service));
        assertThat(r.carriedFromBase()).hasSize(19).doesNotContain("f7.txt");
        assertThat(Files.readString(service.resolve("f7.txt"))).isEqualTo("edited by the agent");
    }
}
