package dev.airlock.cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.airlock.cli.Main;
import dev.airlock.orchestrator.EmbeddedDrop;
import dev.airlock.orchestrator.LocalRun;
import dev.airlock.orchestrator.Role;
import dev.airlock.orchestrator.RoleLauncher;
import dev.airlock.orchestrator.RunListener;
import dev.airlock.orchestrator.RunOutcome;
import dev.airlock.orchestrator.RunState;
import dev.airlock.orchestrator.RunStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.Ref;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash injection, in process (the orchestrator's own crash is {@link OrchestratorCrashTest}): each role process is
 * killed in the middle of each phase it takes part in, at a deterministic point (a role's start, or a scripted agent
 * that signals through its workspace and waits), and the run must fail cleanly with the reason while the remote
 * gains no branch. One drop store, run database and repository serve the whole class.
 */
class RoleCrashTest {
    /** Fixes the demo, signals "started" through its workspace (visible on the host) and waits for "go". */
    static final String WAITING_AGENT = """
            sed -i 's/\\$1 - \\$2/$1 + $2/' calc.sh
            touch started
            while [ ! -e go ]; do sleep 0.05; done
            rm -f started go
            """;

    @TempDir
    static Path tmp;
    static Path data;
    static Path repo;
    static Path waitingAgent;
    static RunStore store;
    static RoleLauncher launcher;
    static EmbeddedDrop drop;
    /** What the current test does when a role starts. */
    static volatile BiConsumer<Role, ProcessHandle> onStart = (r, p) -> { };
    static final Map<Role, List<ProcessHandle>> started = new ConcurrentHashMap<>();

    @BeforeAll
    static void startOnce() throws Exception {
        data = tmp.resolve("data");
        repo = tmp.resolve("repo");
        DemoCommand.createRepository(repo);
        waitingAgent = tmp.resolve("waiting-agent.sh");
        Files.writeString(waitingAgent, WAITING_AGENT);
        store = RunStore.open(data.resolve("db"));
        launcher = RoleLauncher.sameDistribution(data.resolve("roles")).observer((role, p) -> {
            started.computeIfAbsent(role, r -> new CopyOnWriteArrayList<>()).add(p);
            onStart.accept(role, p);
        });
        drop = EmbeddedDrop.start(launcher, data.resolve("drop"));
    }

    @AfterAll
    static void stopOnce() {
        if (drop != null) {
            drop.close();
        }
        if (store != null) {
            store.close();
        }
    }

    @Test
    void agentWorkerKilledWhileCodingFailsTheRunAndPushesNothing() throws Exception {
        started.clear();
        Running r = start(localRun(drop));
        Path workspace = r.awaitAgentStarted();
        kill(started.get(Role.AGENT).getFirst());
        RunOutcome outcome = r.outcome();
        assertThat(outcome).isInstanceOfSatisfying(RunOutcome.Failed.class, f -> {
            assertThat(f.phase()).isEqualTo(RunState.CODING);
            assertThat(f.reason()).startsWith("agent worker failed");
        });
        assertFailedAndNothingPushed(outcome.run(), "agent worker failed");
        assertThat(Files.exists(workspace)).isTrue();
        // The guard of the run is stopped, not left behind.
        assertThat(started.get(Role.GUARD).getFirst().isAlive()).isFalse();
    }

    @Test
    void guardKilledWhileCodingFailsTheRunClosedAndPushesNothing() throws Exception {
        started.clear();
        Running r = start(localRun(drop));
        Path workspace = r.awaitAgentStarted();
        kill(started.get(Role.GUARD).getFirst());
        // The agent then finishes its work normally: without the guard's complete record the run still fails.
        Files.writeString(workspace.resolve("go"), "");
        RunOutcome outcome = r.outcome();
        assertThat(outcome).isInstanceOfSatisfying(RunOutcome.Failed.class, f -> {
            assertThat(f.phase()).isEqualTo(RunState.CODING);
            assertThat(f.reason()).contains("the egress guard exited during the coding phase");
        });
        assertFailedAndNothingPushed(outcome.run(), "the egress guard exited");
    }

    @Test
    void gitRoleKilledWhileExportingFailsTheRunAndPushesNothing() throws Exception {
        started.clear();
        onStart = (role, p) -> {
            if (role == Role.GIT) {
                p.destroyForcibly();
            }
        };
        try {
            // The guard plays no part in exporting or publishing: left out to save a process start.
            RunOutcome outcome = localRun(drop).agent("script:" + fixAgent()).guarded(false).call();
            assertThat(outcome).isInstanceOfSatisfying(RunOutcome.Failed.class, f -> {
                assertThat(f.phase()).isEqualTo(RunState.EXPORTING);
                assertThat(f.reason()).startsWith("export failed");
            });
            assertFailedAndNothingPushed(outcome.run(), "export failed");
            // The agent worker started ahead of the coding phase was ended unstarted: gone, and no workspace made.
            assertThat(started.get(Role.AGENT)).singleElement().satisfies(RoleCrashTest::awaitGone);
            assertThat(data.resolve("runs").resolve(outcome.run()).resolve("agent")).doesNotExist();
        } finally {
            onStart = (r, p) -> { };
        }
    }

    /**
     * A git role killed while publishing may or may not have pushed: the orchestrator publishes once more (in a new
     * git worker, the run's first one being dead), which makes the identical commit (recorded commit time), so the
     * branch ends up pushed exactly once either way.
     */
    @Test
    void gitRoleKilledWhilePublishingIsPublishedAgainAsTheIdenticalCommit() throws Exception {
        started.clear();
        RunOutcome outcome = localRun(drop).agent("script:" + fixAgent()).guarded(false)
                .listener(onPhase(RunState.PUBLISHING, () -> kill(started.get(Role.GIT).getFirst()))).call();
        assertThat(outcome).isInstanceOf(RunOutcome.Published.class);
        // The run's git worker (export, then the publish it died in), and the one that published again.
        assertThat(started.get(Role.GIT)).hasSize(2);
        String branch = ((RunOutcome.Published) outcome).branch();
        assertThat(store.events(outcome.run())).anySatisfy(e -> assertThat(e.message())
                .startsWith("git role killed by signal 9; publishing again"));
        try (Git git = Git.open(repo.toFile())) {
            assertThat(git.branchList().call()).extracting(Ref::getName)
                    .containsExactlyInAnyOrder("refs/heads/main", "refs/heads/" + branch);
            assertThat(read(git, branch, "calc.sh")).contains("$1 + $2");
            git.branchDelete().setBranchNames(branch).setForce(true).call();
        }
    }

    /** Runs {@code action} as the run enters {@code phase} (before the phase's role gets its request). */
    private static RunListener onPhase(RunState phase, Runnable action) {
        return new RunListener() {
            @Override
            public void phaseStarted(String run, RunState started) {
                if (started == phase) {
                    action.run();
                }
            }

            @Override
            public void phaseFinished(String run, RunState done, Duration elapsed, String detail) {
            }
        };
    }

    /** The drop store killed while the git role exports, while the agent works, while the git role publishes. */
    @Test
    void dropStoreKilledInEachPhaseFailsTheRunAndPushesNothing() throws Exception {
        for (RunState phase : List.of(RunState.EXPORTING, RunState.CODING, RunState.PUBLISHING)) {
            started.clear();
            try (EmbeddedDrop own = EmbeddedDrop.start(launcher, data.resolve("drop"))) {
                RunOutcome outcome;
                if (phase == RunState.CODING) {
                    Running r = start(localRun(own));
                    Path workspace = r.awaitAgentStarted();
                    kill(own.process());
                    Files.writeString(workspace.resolve("go"), "");
                    outcome = r.outcome();
                } else {
                    outcome = localRun(own).agent("script:" + fixAgent()).guarded(false)
                            .listener(onPhase(phase, () -> kill(own.process()))).call();
                }
                assertThat(outcome).as(phase.label()).isInstanceOfSatisfying(RunOutcome.Failed.class,
                        f -> assertThat(f.phase()).isEqualTo(phase));
                assertFailedAndNothingPushed(outcome.run(), "");
            }
        }
    }

    @Test
    void cancelWhileCodingKillsTheRolesAndPushesNothing() throws Exception {
        started.clear();
        Running r = start(localRun(drop));
        r.awaitAgentStarted();
        ProcessHandle agent = started.get(Role.AGENT).getFirst();
        ProcessHandle guard = started.get(Role.GUARD).getFirst();
        List<ProcessHandle> sandbox = agent.descendants().toList();
        assertThat(sandbox).as("the agent's sandbox processes").isNotEmpty();
        int code = Main.commandLine().execute("cancel", r.run(), "--reason", "wrong task", "--data-dir",
                data.toString());
        assertThat(code).isZero();
        RunOutcome outcome = r.outcome();
        assertThat(outcome).isInstanceOfSatisfying(RunOutcome.Cancelled.class, c -> {
            assertThat(c.phase()).isEqualTo(RunState.CODING);
            assertThat(c.reason()).isEqualTo("wrong task");
        });
        assertThat(agent.isAlive()).isFalse();
        assertThat(guard.isAlive()).isFalse();
        assertThat(sandbox).noneMatch(ProcessHandle::isAlive);
        assertThat(store.get(r.run()).orElseThrow().state()).isEqualTo(RunState.CANCELLED);
        assertThat(store.get(r.run()).orElseThrow().reason()).isEqualTo("wrong task");
        assertThat(store.processes(r.run())).isEmpty();
        assertNoBranch();
        // A finished run is not cancelled again, and says so.
        assertThat(Main.commandLine().execute("cancel", r.run(), "--data-dir", data.toString())).isEqualTo(1);
    }

    @Test
    void aRevisionWhoseOrchestratorDiedGoesBackToItsPullRequestOnResumeWithoutStartingAnything() throws Exception {
        String run = "20261207-000000-abcdef";
        store.create(run, repo.toString(), "main", "cmd:true", "ab".repeat(32));
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        assertThat(store.claim(run, null, new dev.airlock.orchestrator.RunOwner(gone.pid(), 1L))).isTrue();
        RunState[] path = {RunState.QUEUED, RunState.EXPORTING, RunState.CODING, RunState.PUBLISHING, RunState.DONE,
                RunState.PR_OPENED, RunState.REVISING};
        for (int i = 1; i < path.length; i++) {
            store.transition(run, path[i - 1], path[i], null);
        }
        int rolesBefore = started.values().stream().mapToInt(List::size).sum();

        RunOutcome outcome = localRun(drop).resume(run);

        assertThat(outcome).isInstanceOf(RunOutcome.Failed.class);
        assertThat(((RunOutcome.Failed) outcome).reason()).contains("revision interrupted");
        assertThat(store.get(run).orElseThrow().state()).isEqualTo(RunState.PR_OPENED);
        assertThat(started.values().stream().mapToInt(List::size).sum()).isEqualTo(rolesBefore);
    }

    private static LocalRun localRun(EmbeddedDrop with) {
        return new LocalRun(store, launcher, with, data).repo(repo.toString()).ref("main")
                .task(DemoCommand.TASK).agent("script:" + waitingAgent).llmKeys(Map.of())
                .roleTimeout(Duration.ofMinutes(10));
    }

    private static Path fixAgent() throws IOException {
        Path agent = tmp.resolve("fix-agent.sh");
        if (!Files.exists(agent)) {
            Files.writeString(agent, "sed -i 's/\\$1 - \\$2/$1 + $2/' calc.sh\n");
        }
        return agent;
    }

    private static void kill(ProcessHandle p) {
        p.destroyForcibly();
        awaitGone(p);
    }

    /**
     * Polls rather than joins {@code onExit()}: for a child already reaped by its {@code Process}, the handle's exit
     * future was seen to never complete on a loaded machine. {@code isAlive()} checks pid and start time.
     */
    static void awaitGone(ProcessHandle p) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (p.isAlive() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        assertThat(p.isAlive()).as("process " + p.pid() + " still alive").isFalse();
    }

    private static void assertFailedAndNothingPushed(String run, String reason) throws Exception {
        assertThat(store.get(run).orElseThrow().state()).isEqualTo(RunState.FAILED);
        assertThat(store.get(run).orElseThrow().reason()).contains(reason);
        assertThat(store.processes(run)).as("role processes still recorded").isEmpty();
        assertNoBranch();
    }

    static void assertNoBranch() throws Exception {
        try (Git git = Git.open(repo.toFile())) {
            assertThat(git.branchList().call()).extracting(Ref::getName).containsExactly("refs/heads/main");
        }
    }

    static String read(Git git, String branch, String path) throws IOException {
        try (org.eclipse.jgit.revwalk.RevWalk walk = new org.eclipse.jgit.revwalk.RevWalk(git.getRepository());
             org.eclipse.jgit.treewalk.TreeWalk tw = org.eclipse.jgit.treewalk.TreeWalk.forPath(git.getRepository(),
                     path, walk.parseCommit(git.getRepository().resolve("refs/heads/" + branch)).getTree())) {
            return new String(git.getRepository().open(tw.getObjectId(0)).getBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private static Running start(LocalRun run) {
        CompletableFuture<String> id = new CompletableFuture<>();
        run.listener(new RunListener() {
            @Override
            public void phaseStarted(String r, RunState phase) {
                id.complete(r);
            }

            @Override
            public void phaseFinished(String r, RunState phase, Duration elapsed, String detail) {
            }
        });
        CompletableFuture<RunOutcome> outcome = CompletableFuture.supplyAsync(() -> {
            try {
                return run.call();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        return new Running(id, outcome);
    }

    record Running(CompletableFuture<String> id, CompletableFuture<RunOutcome> future) {
        String run() throws Exception {
            return id.get(60, TimeUnit.SECONDS);
        }

        Path awaitAgentStarted() throws Exception {
            return AgentSignal.awaitStarted(data.resolve("runs").resolve(run()), future);
        }

        RunOutcome outcome() throws Exception {
            return future.get(600, TimeUnit.SECONDS);
        }
    }
}
