package dev.airlock.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.airlock.drop.snapshot.Manifest;
import dev.airlock.drop.snapshot.Violation;
import dev.airlock.scan.Scanner;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole phase against real local repositories: export, agent edits, validate, publish. */
class GitServiceTest {
    static final Scanner SCANNER = Scanner.builder().build();

    @TempDir
    Path tmp;
    Path origin;
    Repository service;
    GitRemote remote;
    ExportCommand.Result input;
    byte[] inputArchive;

    @BeforeEach
    void setUp() throws Exception {
        origin = Workspaces.origin(tmp, Map.of(
                "README.md", "# demo\n",
                "src/App.java", "class App {\n  int x = 1;\n}\n",
                "old.txt", "to be deleted\n",
                ".github/workflows/ci.yml", "on: push\n"));
        service = IsolatedGit.openBare(tmp.resolve("service.git"));
        remote = GitRemote.parse(origin.toString());
        MirrorCommand.Result mirror = new MirrorCommand(service).remote(remote).call();
        assertThat(mirror.defaultBranch()).isEqualTo("main");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        input = new ExportCommand(service).revision("refs/remotes/origin/main").output(out).call();
        inputArchive = out.toByteArray();
    }

    @AfterEach
    void tearDown() {
        service.close();
    }

    /** The agent's phase: unpack, apply {@code edit}, pack a delta. Returns archive and manifest. */
    private Object[] agentPhase(AgentEdit edit) throws Exception {
        Path ws = Workspaces.unpack(inputArchive, tmp.resolve("agent-" + System.nanoTime()));
        edit.apply(ws);
        Manifest[] m = new Manifest[1];
        byte[] archive = Workspaces.pack(ws, input.manifest(), m);
        return new Object[] {archive, m[0]};
    }

    interface AgentEdit {
        void apply(Path ws) throws Exception;
    }

    private OutputVerdict validate(Object[] phase, OutputPolicy policy) throws Exception {
        return new ValidateOutputCommand(service).input(input)
                .archive(new ByteArrayInputStream((byte[]) phase[0]))
                .expectedOutputId(((Manifest) phase[1]).id())
                .policy(policy).scanner(SCANNER).call();
    }

    @Test
    void exportHasNoGitMetadataAndMatchesTheCommit() throws Exception {
        Manifest m = Workspaces.verify(inputArchive);
        assertThat(m.id()).isEqualTo(input.snapshotId());
        assertThat(m.entries()).extracting(e -> e.path())
                .containsExactly(".github/workflows/ci.yml", "README.md", "old.txt", "src/App.java");
    }

    @Test
    void fullPhasePublishesABotCommitWithTrailersOnTheBaseCommit() throws Exception {
        Object[] phase = agentPhase(ws -> {
            Workspaces.write(ws, "src/App.java", "class App {\n  int x = 2;\n}\n");
            Workspaces.write(ws, "src/New.java", "class New {}\n");
            Files.delete(ws.resolve("old.txt"));
        });
        OutputVerdict verdict = validate(phase, OutputPolicy.DEFAULT);
        ValidatedOutput out = switch (verdict) {
            case OutputVerdict.Accepted a -> a.output();
            case OutputVerdict.NeedsReview r -> throw new AssertionError("unexpected review: " + r.protectedPaths());
            case OutputVerdict.Rejected r -> throw new AssertionError("unexpected rejection: " + r.reason().describe());
        };
        assertThat(out.changes()).containsExactlyInAnyOrder(
                new Change("src/App.java", Change.Kind.MODIFIED), new Change("src/New.java", Change.Kind.ADDED),
                new Change("old.txt", Change.Kind.DELETED));

        PublishCommand.Result pushed = new PublishCommand(service).output(out).runId("run-1")
                .branch("airlock/run-1").remote(remote).call();
        assertThat(pushed.ref()).isEqualTo("refs/heads/airlock/run-1");

        try (Repository o = new FileRepositoryBuilder().setGitDir(origin.toFile()).build();
             RevWalk walk = new RevWalk(o)) {
            RevCommit c = walk.parseCommit(o.resolve("refs/heads/airlock/run-1"));
            assertThat(c.getParent(0).getId()).isEqualTo(input.commit());
            assertThat(c.getAuthorIdent().getName()).isEqualTo("airlock[bot]");
            assertThat(c.getFullMessage())
                    .contains("Airlock-Run: run-1\n")
                    .contains("Airlock-Input-Snapshot: " + input.snapshotId() + "\n")
                    .contains("Airlock-Output-Snapshot: " + ((Manifest) phase[1]).id() + "\n");
            assertThat(read(o, c, "src/App.java")).contains("int x = 2;");
            assertThat(read(o, c, "src/New.java")).isEqualTo("class New {}\n");
            assertThat(TreeWalk.forPath(o, "old.txt", c.getTree())).isNull();
            // main untouched
            assertThat(o.resolve("refs/heads/main")).isEqualTo(input.commit());
        }
    }

    @Test
    void pushToDefaultOrUnprefixedBranchIsRefusedBeforeSending() throws Exception {
        Object[] phase = agentPhase(ws -> Workspaces.write(ws, "README.md", "# changed\n"));
        ValidatedOutput out = ((OutputVerdict.Accepted) validate(phase, OutputPolicy.DEFAULT)).output();
        assertThatThrownBy(() -> new PublishCommand(service).output(out).runId("run-2").branch("main")
                .remote(remote).call()).isInstanceOf(PushRefusedException.class).hasMessageContaining("default");
        assertThatThrownBy(() -> new PublishCommand(service).output(out).runId("run-2").branch("feature/x")
                .remote(remote).call()).isInstanceOf(PushRefusedException.class).hasMessageContaining("airlock/");
        // Even with an empty prefix and no configured protected names, the remote's HEAD stays off limits.
        assertThatThrownBy(() -> new PublishCommand(service).output(out).runId("run-2").branch("main")
                .policy(new BranchPolicy("", Set.of())).remote(remote).call())
                .isInstanceOf(PushRefusedException.class).hasMessageContaining("default");
        assertThatThrownBy(() -> new PublishCommand(service).output(out).runId("run-2").branch("airlock/../main")
                .remote(remote).call()).isInstanceOf(PushRefusedException.class);
        try (Repository o = new FileRepositoryBuilder().setGitDir(origin.toFile()).build()) {
            assertThat(o.resolve("refs/heads/main")).isEqualTo(input.commit());
            assertThat(o.getRefDatabase().getRefsByPrefix("refs/heads/")).hasSize(1);
        }
    }

    @Test
    void secretInTheOutputRejectsItWithoutPrintingTheSecret() throws Exception {
        String key = "AKIAZ3MSJV4WWNKWW5FG";
        Object[] phase = agentPhase(ws -> Workspaces.write(ws, "config/app.properties",
                "aws_access_key_id = " + key + "\n"));
        OutputVerdict v = validate(phase, OutputPolicy.DEFAULT);
        assertThat(v).isInstanceOfSatisfying(OutputVerdict.Rejected.class, r -> {
            assertThat(r.reason()).isInstanceOf(Rejection.SecretFound.class);
            assertThat(r.reason().describe()).contains("config/app.properties").contains("aws-access-key-id")
                    .doesNotContain(key);
        });
    }

    @Test
    void protectedPathsRejectOrRequireReviewPerPolicy() throws Exception {
        Object[] phase = agentPhase(ws -> Workspaces.write(ws, ".github/workflows/ci.yml", "on: push\nrun: curl evil\n"));
        assertThat(validate(phase, OutputPolicy.DEFAULT)).isEqualTo(new OutputVerdict.Rejected(
                new Rejection.ProtectedPathChanged(java.util.List.of(".github/workflows/ci.yml"))));

        OutputPolicy review = new OutputPolicy(ProtectedPaths.DEFAULT, OutputPolicy.OnProtected.REVIEW);
        OutputVerdict v = validate(phase, review);
        assertThat(v).isInstanceOf(OutputVerdict.NeedsReview.class);
        ValidatedOutput out = ((OutputVerdict.NeedsReview) v).output();
        assertThatThrownBy(() -> new PublishCommand(service).output(out).runId("run-3").branch("airlock/run-3")
                .remote(remote).call()).isInstanceOf(PushRefusedException.class).hasMessageContaining("review");
        assertThat(new PublishCommand(service).output(out).runId("run-3").branch("airlock/run-3")
                .reviewApproved(true).remote(remote).call().ref()).isEqualTo("refs/heads/airlock/run-3");

        Object[] gitmodules = agentPhase(ws -> Workspaces.write(ws, ".gitmodules", "[submodule \"x\"]\n"));
        assertThat(validate(gitmodules, OutputPolicy.DEFAULT)).isInstanceOf(OutputVerdict.Rejected.class);
    }

    @Test
    void chainOfCustodyAnOutputOtherThanTheRecordedOneIsRefused() throws Exception {
        Object[] recorded = agentPhase(ws -> Workspaces.write(ws, "README.md", "# recorded\n"));
        Object[] swapped = agentPhase(ws -> Workspaces.write(ws, "README.md", "# swapped later\n"));
        OutputVerdict v = new ValidateOutputCommand(service).input(input)
                .archive(new ByteArrayInputStream((byte[]) swapped[0]))
                .expectedOutputId(((Manifest) recorded[1]).id()).scanner(SCANNER).call();
        assertThat(v).isInstanceOfSatisfying(OutputVerdict.Rejected.class, r -> assertThat(r.reason())
                .isInstanceOfSatisfying(Rejection.ArchiveRefused.class,
                        a -> assertThat(a.violation()).isInstanceOf(Violation.IdMismatch.class)));
    }

    @Test
    void deltaReferringToContentNotInTheInputIsRefused() throws Exception {
        // A delta whose manifest claims a file by a hash the service never exported (e.g. a file from another run).
        Manifest fakeBase = new Manifest(1, null, java.util.List.of(dev.airlock.drop.snapshot.ManifestEntry.file(
                "secret.txt", false, 5, dev.airlock.drop.snapshot.Sha256.hex("other".getBytes()))));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Manifest m;
        try (var w = dev.airlock.drop.snapshot.SnapshotWriter.open(out, dev.airlock.drop.snapshot.SnapshotLimits.DEFAULT, fakeBase)) {
            w.file("secret.txt", false, "other".getBytes());
            m = w.finish();
        }
        OutputVerdict v = new ValidateOutputCommand(service).input(input).archive(new ByteArrayInputStream(out.toByteArray()))
                .expectedOutputId(m.id()).scanner(SCANNER).call();
        assertThat(v).isInstanceOf(OutputVerdict.Rejected.class);
        assertThat(((OutputVerdict.Rejected) v).reason().describe()).contains("delta against");
    }

    @Test
    void hooksAndFiltersFromRepositoriesNeverRun() throws Exception {
        Path marker = tmp.resolve("pwned");
        String script = "#!/bin/sh\ntouch " + marker + "\n";
        for (Path hooks : new Path[] {tmp.resolve("service.git/hooks"), origin.resolve("hooks"),
                tmp.resolve("service.git/airlock-no-hooks")}) {
            Files.createDirectories(hooks);
            for (String name : new String[] {"pre-commit", "commit-msg", "post-commit", "pre-push", "pre-receive",
                    "update", "post-receive", "post-update", "reference-transaction"}) {
                Path h = hooks.resolve(name);
                Files.writeString(h, script + "echo " + hooks + "/" + name + " >> " + marker + ".log\n");
                h.toFile().setExecutable(true);
            }
        }
        // A smudge/clean filter and fsmonitor configured in the origin repository.
        Files.writeString(origin.resolve("config"), Files.readString(origin.resolve("config"))
                + "[filter \"evil\"]\n\tsmudge = touch " + marker + "\n\tclean = touch " + marker + "\n"
                + "[core]\n\tfsmonitor = touch " + marker + "\n");
        Object[] phase = agentPhase(ws -> {
            Workspaces.write(ws, ".gitattributes.txt", "not attributes\n");
            Workspaces.write(ws, "README.md", "# hooks?\n");
        });
        ValidatedOutput out = ((OutputVerdict.Accepted) validate(phase, OutputPolicy.DEFAULT)).output();
        new PublishCommand(service).output(out).runId("run-4").branch("airlock/run-4").remote(remote).call();
        new MirrorCommand(service).remote(remote).call();
        Path log = marker.resolveSibling("pwned.log");
        assertThat(log).withFailMessage(() -> "hooks ran: " + readQuietly(log)).doesNotExist();
        assertThat(marker).doesNotExist();
    }

    @Test
    void remotesWithOtherSchemesOrEmbeddedCredentialsAreRefused() {
        assertThatThrownBy(() -> GitRemote.parse("ext::sh -c touch% /tmp/x")).isInstanceOf(GitServiceException.class);
        assertThatThrownBy(() -> GitRemote.parse("ssh://git@example.invalid/x.git")).isInstanceOf(GitServiceException.class);
        assertThatThrownBy(() -> GitRemote.parse("https://user:pass@example.invalid/x.git"))
                .hasMessageContaining("credentials in the remote URL");
    }

    @Test
    void zipSlipOutputIsRefusedWithItsReason() throws Exception {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        try (var tar = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(
                new com.github.luben.zstd.ZstdOutputStream(raw))) {
            var e = new org.apache.commons.compress.archivers.tar.TarArchiveEntry("../../../etc/cron.d/x",
                    org.apache.commons.compress.archivers.tar.TarConstants.LF_NORMAL, true);
            e.setSize(1);
            e.setMode(0100644);
            tar.putArchiveEntry(e);
            tar.write('x');
            tar.closeArchiveEntry();
        }
        OutputVerdict v = new ValidateOutputCommand(service).input(input)
                .archive(new ByteArrayInputStream(raw.toByteArray())).expectedOutputId("sha256:" + "1".repeat(64))
                .scanner(SCANNER).call();
        assertThat(v).isInstanceOfSatisfying(OutputVerdict.Rejected.class,
                r -> assertThat(r.reason().describe()).contains("unsafe path").contains("'..'"));
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    private static String read(Repository repo, RevCommit c, String path) throws Exception {
        try (TreeWalk tw = TreeWalk.forPath(repo, path, c.getTree())) {
            ObjectId id = tw.getObjectId(0);
            return new String(repo.open(id, Constants.OBJ_BLOB).getBytes(), StandardCharsets.UTF_8);
        }
    }
}
