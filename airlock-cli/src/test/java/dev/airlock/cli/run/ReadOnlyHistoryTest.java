package dev.airlock.cli.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.airlock.agent.AgentException;
import dev.airlock.agent.AgentReport;
import dev.airlock.agent.AgentSpec;
import dev.airlock.agent.AgentWorker;
import dev.airlock.drop.s3.DropSigner;
import dev.airlock.drop.s3.S3ObjectStore;
import dev.airlock.drop.s3.S3Settings;
import dev.airlock.drop.server.EmbeddedS3Server;
import dev.airlock.drop.snapshot.Manifest;
import dev.airlock.drop.snapshot.ManifestEntry;
import dev.airlock.drop.snapshot.Sha256;
import dev.airlock.drop.snapshot.SnapshotReader;
import dev.airlock.drop.snapshot.SnapshotSink;
import dev.airlock.drop.store.DropKeys;
import dev.airlock.git.ExportCommand;
import dev.airlock.git.GitRemote;
import dev.airlock.git.HistoryCommand;
import dev.airlock.git.IsolatedGit;
import dev.airlock.git.MirrorCommand;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.jgit.lib.Repository;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Read-only history with real parts: a repository built by the git CLI, the git service's {@link HistoryCommand},
 * the embedded S3 store (s3proxy) with presigned URLs, and the agent worker running git inside bubblewrap.
 */
class ReadOnlyHistoryTest {
    @TempDir
    static Path tmp;
    private static EmbeddedS3Server s3;
    private static S3Settings settings;
    private static byte[] input;
    private static byte[] history;
    private static HistoryCommand.Result historyResult;

    @BeforeAll
    static void exportWithHistory() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("origin-work"));
        git(work, "init", "-q", "-b", "main");
        for (int i = 1; i <= 5; i++) {
            Files.writeString(work.resolve("notes.txt"), "line " + i + "\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            git(work, "add", "notes.txt");
            git(work, "commit", "-q", "-m", "commit " + i);
        }
        Path origin = tmp.resolve("origin.git");
        git(tmp, "clone", "-q", "--bare", work.toString(), origin.toString());
        // Config, a hook and another branch in the source that must not travel into the bundle.
        git(origin, "config", "remote.origin.url", "https://user:hunter2@example.invalid/secret.git");
        git(origin, "branch", "other", "main~1");
        Files.writeString(origin.resolve("hooks/post-checkout"), "#!/bin/sh\ntouch /tmp/airlock-pwned\n");
        IsolatedGit.install();
        try (Repository service = IsolatedGit.openBare(tmp.resolve("service.git"))) {
            new MirrorCommand(service).remote(GitRemote.parse(origin.toString())).call();
            ByteArrayOutputStream in = new ByteArrayOutputStream();
            ExportCommand.Result exported = new ExportCommand(service).revision("refs/remotes/origin/main").output(in)
                    .call();
            input = in.toByteArray();
            ByteArrayOutputStream h = new ByteArrayOutputStream();
            historyResult = new HistoryCommand(service).revision(exported.commit().name()).branch("main").depth(3)
                    .output(h).call();
            history = h.toByteArray();
        }
        s3 = EmbeddedS3Server.start(tmp.resolve("drop"), 0);
        settings = new S3Settings(s3.endpoint(), "us-east-1", "airlock", true, s3.accessKey(), s3.secretKey());
        try (S3ObjectStore store = S3ObjectStore.open(settings).ensureBucket()) {
            store.put(DropKeys.input("good", 0), input);
            store.put(DropKeys.history("good", 0), history);
            store.put(DropKeys.input("tampered", 0), input);
            byte[] bad = history.clone();
            bad[bad.length / 2] ^= 1;
            store.put(DropKeys.history("tampered", 0), bad);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    void bundleHoldsOnlyObjectsHeadOneBranchAndDefaultConfig() throws Exception {
        assertThat(historyResult.commits()).isEqualTo(3);
        assertThat(historyResult.shallowCommits()).isEqualTo(1);
        Set<String> paths = historyResult.manifest().entries().stream().map(ManifestEntry::path)
                .collect(Collectors.toSet());
        assertThat(paths).allMatch(p -> Set.of("HEAD", "config", "shallow", "objects", "objects/info", "objects/pack",
                "refs", "refs/heads", "refs/heads/main", "refs/tags").contains(p)
                || p.matches("objects/pack/pack-[0-9a-f]{40}\\.(pack|idx)"));
        assertThat(paths).doesNotContain("hooks", "logs", "packed-refs", "index", "FETCH_HEAD");
        java.util.Map<String, String> text = new java.util.HashMap<>();
        SnapshotReader.create().limits(dev.airlock.drop.snapshot.SnapshotLimits.HISTORY)
                .expectedId(historyResult.manifest().id()).read(new java.io.ByteArrayInputStream(history),
                        new SnapshotSink() {
                            public void directory(String path) {
                            }

                            public void file(String path, boolean executable, InputStream content)
                                    throws java.io.IOException {
                                if (!path.startsWith("objects/")) {
                                    text.put(path, new String(content.readAllBytes(), StandardCharsets.UTF_8));
                                }
                            }

                            public void symlink(String path, String target) {
                                throw new AssertionError("no symlinks in a history bundle");
                            }
                        });
        assertThat(text.get("config")).isEqualTo("[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n"
                + "\tbare = false\n");
        assertThat(text.get("HEAD")).isEqualTo("ref: refs/heads/main\n");
        assertThat(text.keySet()).containsExactlyInAnyOrder("HEAD", "config", "shallow", "refs/heads/main");
        assertThat(String.join("", text.values())).doesNotContain("hunter2", "example.invalid", "other", "hooks");
    }

    @Test
    void gitLogAndBlameWorkInsideWritesAreRefusedAndNothingComesBack() throws Exception {
        String script = "git log --format=%s > log.txt 2>&1; git blame -s notes.txt > blame.txt 2>&1; "
                + "(echo x >> .git/HEAD) 2> head-write.txt; touch .git/planted 2>> head-write.txt; "
                + "echo 'ref: refs/heads/evil' > notes-edit.txt; true";
        Path workDir = tmp.resolve("agent-good");
        AgentReport report = worker("good", AgentSpec.parse("cmd:" + script), workDir)
                .history(get(DropKeys.history("good", 0)), Sha256.hex(history)).call();
        assertThat(report.exitCode()).isZero();

        Path ws = workDir.resolve("workspace");
        assertThat(Files.readString(ws.resolve("log.txt"))).isEqualTo("commit 5\ncommit 4\ncommit 3\n");
        List<String> blame = Files.readAllLines(ws.resolve("blame.txt"));
        assertThat(blame).hasSize(5);
        assertThat(blame.get(4)).contains("line 5");
        assertThat(Files.readString(ws.resolve("head-write.txt"))).contains("Read-only file system");
        assertThat(Files.readString(ws.resolve(".git/HEAD"))).isEqualTo("ref: refs/heads/main\n");
        assertThat(ws.resolve(".git/planted")).doesNotExist();

        Manifest output;
        try (S3ObjectStore store = S3ObjectStore.open(settings); InputStream in = store.get(DropKeys.output("good", 0))) {
            Manifest given = SnapshotReader.create().read(new java.io.ByteArrayInputStream(input),
                    SnapshotSink.discarding()).manifest();
            Set<String> hashes = given.entries().stream().map(ManifestEntry::sha256).collect(Collectors.toSet());
            output = SnapshotReader.create().base(given, hashes::contains).read(in, SnapshotSink.discarding())
                    .manifest();
        }
        assertThat(output.entries()).extracting(ManifestEntry::path).contains("log.txt", "blame.txt")
                .noneMatch(p -> p.equals(".git") || p.startsWith(".git/"));
    }

    @Test
    void aTamperedBundleIsRefusedBeforeAnythingIsUnpacked() {
        Path workDir = tmp.resolve("agent-tampered");
        AgentWorker worker = worker("tampered", AgentSpec.parse("cmd:true"), workDir)
                .history(get(DropKeys.history("tampered", 0)), Sha256.hex(history));
        assertThatThrownBy(worker::call).isInstanceOf(AgentException.class)
                .hasMessageContaining("history bundle refused").hasMessageContaining(Sha256.hex(history));
        assertThat(workDir.resolve("workspace/.git")).doesNotExist();
    }

    @Test
    void airlockRunWithHistoryGivesTheAgentTheBranchLogAndRecordsTheBundleHash() throws Exception {
        Path repo = tmp.resolve("run-repo");
        DemoCommand.createRepository(repo);
        Path data = tmp.resolve("run-data");
        dev.airlock.orchestrator.RunOutcome outcome = new LocalPipeline(data,
                new java.io.PrintStream(java.io.OutputStream.nullOutputStream())).history(5)
                .run(repo.toString(), "main", "read the log", "cmd:git log --format=%s > history.txt", null);
        assertThat(outcome).isInstanceOf(dev.airlock.orchestrator.RunOutcome.Published.class);
        var published = (dev.airlock.orchestrator.RunOutcome.Published) outcome;
        try (org.eclipse.jgit.api.Git git = org.eclipse.jgit.api.Git.open(repo.toFile());
             org.eclipse.jgit.revwalk.RevWalk walk = new org.eclipse.jgit.revwalk.RevWalk(git.getRepository())) {
            var main = walk.parseCommit(git.getRepository().resolve("refs/heads/main"));
            var tw = org.eclipse.jgit.treewalk.TreeWalk.forPath(git.getRepository(), "history.txt",
                    walk.parseCommit(git.getRepository().resolve(published.commit())).getTree());
            String log = new String(git.getRepository().open(tw.getObjectId(0)).getBytes(), StandardCharsets.UTF_8);
            assertThat(log).startsWith(main.getShortMessage() + "\n");
        }
        try (dev.airlock.orchestrator.RunStore store = dev.airlock.orchestrator.RunStore.open(data.resolve("db"))) {
            assertThat(store.events(outcome.run())).anySatisfy(e -> {
                assertThat(e.kind()).isEqualTo("history");
                assertThat(e.message()).matches("sha256 [0-9a-f]{64}");
            });
        }
    }

    private static AgentWorker worker(String run, AgentSpec agent, Path workDir) {
        try (DropSigner signer = DropSigner.open(settings)) {
            return new AgentWorker(signer.get(DropKeys.input(run, 0), Duration.ofMinutes(5)),
                    signer.put(DropKeys.output(run, 0), Duration.ofMinutes(5)), agent, "read the history", workDir)
                    .agentTimeout(Duration.ofSeconds(60));
        }
    }

    private static dev.airlock.drop.transfer.PresignedUrl get(String key) {
        try (DropSigner signer = DropSigner.open(settings)) {
            return signer.get(key, Duration.ofMinutes(5));
        }
    }

    private static void git(Path dir, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("git", "-c", "user.name=Dev",
                "-c", "user.email=dev@example.invalid", "-c", "core.hooksPath=/dev/null", "-c", "commit.gpgsign=false"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
        }
    }
}
