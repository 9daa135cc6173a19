package dev.airlock.cli.git;

import static dev.airlock.cli.git.GitCliHarness.git;
import static dev.airlock.cli.git.GitCliHarness.line;
import static dev.airlock.cli.git.GitCliHarness.originWithCommits;
import static dev.airlock.cli.git.GitCliHarness.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.airlock.cli.git.GitCliHarness.Run;
import dev.airlock.cli.Main;
import dev.airlock.drop.snapshot.DirectorySink;
import dev.airlock.drop.snapshot.DirectorySnapshot;
import dev.airlock.drop.snapshot.Manifest;
import dev.airlock.drop.snapshot.SnapshotLimits;
import dev.airlock.drop.snapshot.SnapshotReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `airlock git export` and `airlock git publish` end to end on a real local repository made with git. */
class GitCommandsTest {
    @TempDir
    Path tmp;


    @Test
    void exportWithHistoryWritesABundleWhoseHashItPrints() throws Exception {
        originWithCommits(tmp, 3);
        Path bundle = tmp.resolve("history.tar.zst");
        Run export = run("git", "export", "--remote", tmp.resolve("origin.git").toString(), "--cache",
                tmp.resolve("cache.git").toString(), "--out", tmp.resolve("in.tar.zst").toString(), "--history=2",
                "--history-out", bundle.toString());
        assertThat(export.code()).as(export.err()).isZero();
        assertThat(line(export.out(), "history ")).isEqualTo(
                dev.airlock.drop.snapshot.Sha256.hex(Files.readAllBytes(bundle)) + " commits 2");
        Run bad = run("git", "export", "--remote", tmp.resolve("origin.git").toString(), "--cache",
                tmp.resolve("cache.git").toString(), "--out", tmp.resolve("in2.tar.zst").toString(), "--history=0");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("--history depth must be 1..1000000");
    }

    @Test
    void exportThenPublishRejectsTamperingAndTheDefaultBranchAndPushesAValidOutput() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work"));
        Files.writeString(work.resolve("README.md"), "# cli\n");
        git(work, "init", "-q", "-b", "main");
        git(work, "add", ".");
        git(work, "commit", "-q", "-m", "init");
        git(tmp, "clone", "-q", "--bare", work.toString(), tmp.resolve("origin.git").toString());
        String origin = tmp.resolve("origin.git").toString();
        String cache = tmp.resolve("cache.git").toString();
        Path input = tmp.resolve("in.tar.zst");

        Run export = run("git", "export", "--remote", origin, "--cache", cache, "--out", input.toString());
        assertThat(export.code()).as(export.err()).isZero();
        String commit = line(export.out(), "commit ");
        String inputId = line(export.out(), "snapshot ");

        // The agent's side: unpack, edit, pack a delta.
        Path ws = Files.createDirectories(tmp.resolve("ws"));
        Manifest inputManifest;
        try (InputStream in = Files.newInputStream(input)) {
            inputManifest = SnapshotReader.create().expectedId(inputId).read(in, new DirectorySink(ws)).manifest();
        }
        Files.writeString(ws.resolve("README.md"), "# cli, edited\n");
        Path output = tmp.resolve("out.tar.zst");
        Manifest out;
        try (OutputStream o = Files.newOutputStream(output)) {
            out = DirectorySnapshot.write(ws, o, SnapshotLimits.DEFAULT, inputManifest);
        }

        Run tampered = run("git", "publish", "--remote", origin, "--cache", cache, "--in", output.toString(),
                "--base", commit, "--expected-output-id", "sha256:" + "0".repeat(64), "--run", "r1",
                "--branch", "airlock/r1");
        assertThat(tampered.code()).isEqualTo(1);
        assertThat(tampered.err()).contains("rejected").contains("is not the recorded");

        Run toMain = run("git", "publish", "--remote", origin, "--cache", cache, "--in", output.toString(),
                "--base", commit, "--expected-output-id", out.id(), "--run", "r1", "--branch", "main");
        assertThat(toMain.code()).isEqualTo(1);
        assertThat(toMain.err()).contains("refusing to push");

        Run ok = run("git", "publish", "--remote", origin, "--cache", cache, "--in", output.toString(),
                "--base", commit, "--expected-output-id", out.id(), "--run", "r1", "--branch", "airlock/r1");
        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("to refs/heads/airlock/r1");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Process p = new ProcessBuilder("git", "--git-dir", origin, "log", "-1", "--format=%an%n%B", "airlock/r1")
                .redirectErrorStream(true).start();
        p.getInputStream().transferTo(log);
        assertThat(p.waitFor()).isZero();
        assertThat(log.toString()).contains("airlock[bot]").contains("Airlock-Output-Snapshot: " + out.id());
    }

}
