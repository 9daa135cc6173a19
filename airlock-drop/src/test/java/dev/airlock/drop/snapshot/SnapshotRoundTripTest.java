package dev.airlock.drop.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotRoundTripTest {
    @TempDir
    Path tmp;

    @Test
    void directoryRoundTripsWithoutGitAndWithStableId() throws Exception {
        Path ws = Files.createDirectories(tmp.resolve("ws"));
        Files.createDirectories(ws.resolve("src/main"));
        Files.writeString(ws.resolve("src/main/App.java"), "class App {}");
        Files.writeString(ws.resolve("run.sh"), "#!/bin/sh\necho hi\n");
        Files.setPosixFilePermissions(ws.resolve("run.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createDirectories(ws.resolve(".git/objects"));
        Files.writeString(ws.resolve(".git/config"), "[core]\n");
        Files.createDirectories(ws.resolve("empty"));
        Files.createSymbolicLink(ws.resolve("link"), Path.of("src/main/App.java"));

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Manifest written = DirectorySnapshot.write(ws, out, SnapshotLimits.DEFAULT, null);
        // Only the empty directory is listed: src and src/main are implied by src/main/App.java, as in a git tree.
        assertThat(written.entries()).extracting(ManifestEntry::path)
                .containsExactly("empty", "link", "run.sh", "src/main/App.java");

        ByteArrayOutputStream again = new ByteArrayOutputStream();
        assertThat(DirectorySnapshot.write(ws, again, SnapshotLimits.DEFAULT, null).id()).isEqualTo(written.id());

        Path dest = tmp.resolve("dest");
        Files.createDirectories(dest);
        SnapshotReader.ReadResult result = SnapshotReader.create().expectedId(written.id())
                .read(new ByteArrayInputStream(out.toByteArray()), new DirectorySink(dest));
        assertThat(result.manifest()).isEqualTo(written);
        assertThat(Files.readString(dest.resolve("src/main/App.java"))).isEqualTo("class App {}");
        assertThat(dest.resolve("empty")).isEmptyDirectory();
        assertThat(Files.isExecutable(dest.resolve("run.sh"))).isTrue();
        assertThat(Files.readSymbolicLink(dest.resolve("link"))).isEqualTo(Path.of("src/main/App.java"));
        assertThat(dest.resolve(".git")).doesNotExist();
    }

    @Test
    void deltaCarriesUnchangedFilesByHashOnly() throws Exception {
        ByteArrayOutputStream fullOut = new ByteArrayOutputStream();
        Manifest full;
        try (SnapshotWriter w = SnapshotWriter.open(fullOut, SnapshotLimits.DEFAULT, null)) {
            w.file("a.txt", false, "same".repeat(1000).getBytes(StandardCharsets.UTF_8));
            w.file("b.txt", false, "old".getBytes(StandardCharsets.UTF_8));
            full = w.finish();
        }
        ByteArrayOutputStream deltaOut = new ByteArrayOutputStream();
        Manifest delta;
        long written;
        try (SnapshotWriter w = SnapshotWriter.open(deltaOut, SnapshotLimits.DEFAULT, full)) {
            w.file("a.txt", false, "same".repeat(1000).getBytes(StandardCharsets.UTF_8));
            w.file("b.txt", false, "new".getBytes(StandardCharsets.UTF_8));
            delta = w.finish();
            written = w.contentBytesWritten();
        }
        assertThat(written).isEqualTo(3);
        assertThat(delta.base()).isEqualTo(full.id());

        var baseHashes = full.entries().stream().map(ManifestEntry::sha256).toList();
        SnapshotReader.ReadResult r = SnapshotReader.create().expectedId(delta.id())
                .base(full, baseHashes::contains)
                .read(new ByteArrayInputStream(deltaOut.toByteArray()), SnapshotSink.discarding());
        assertThat(r.carriedFromBase()).containsExactly("a.txt");

        // Without the base the same delta is refused: content would be missing.
        assertThatThrownBy(() -> SnapshotReader.create().expectedId(delta.id())
                .read(new ByteArrayInputStream(deltaOut.toByteArray()), SnapshotSink.discarding()))
                .isInstanceOf(SnapshotException.class)
                .satisfies(e -> assertThat(((SnapshotException) e).violation()).isInstanceOf(Violation.BadManifest.class));
    }

    @Test
    void writerRefusesSymlinkLeavingWorkspaceAndSpecialNames() throws Exception {
        try (SnapshotWriter w = SnapshotWriter.open(new ByteArrayOutputStream(), SnapshotLimits.DEFAULT, null)) {
            assertThatThrownBy(() -> w.symlink("evil", "../../etc/passwd"))
                    .isInstanceOf(SnapshotException.class).hasMessageContaining("leaves the workspace");
            assertThatThrownBy(() -> w.file(".git/config", false, new byte[0]))
                    .hasMessageContaining("'.git' component");
            assertThatThrownBy(() -> w.file("a/../b", false, new byte[0])).hasMessageContaining("'..'");
            w.file("Readme", false, new byte[0]);
            assertThatThrownBy(() -> w.file("README", false, new byte[0])).hasMessageContaining("case is folded");
        }
    }

    @Test
    void writerRefusesFifo() throws Exception {
        Path ws = Files.createDirectories(tmp.resolve("fifo"));
        Process p = new ProcessBuilder("mkfifo", ws.resolve("pipe").toString()).start();
        assertThat(p.waitFor()).isZero();
        assertThatThrownBy(() -> DirectorySnapshot.write(ws, new ByteArrayOutputStream(), SnapshotLimits.DEFAULT, null))
                .isInstanceOf(SnapshotException.class).hasMessageContaining("special file");
    }
}
