package dev.airlock.cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.airlock.cli.Main;
import dev.airlock.orchestrator.RunEvent;
import dev.airlock.orchestrator.RunRecord;
import dev.airlock.orchestrator.RunState;
import dev.airlock.orchestrator.RunStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.diff.DiffEntry;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.CanonicalTreeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Five {@code airlock run} processes at once on one fresh data directory (so the database, the drop's credentials
 * and the guard's CA are created concurrently too), three of them killed with SIGKILL at a deterministic point of
 * each phase: right after entering exporting, while the agent works, right after entering publishing. Then
 * {@code airlock resume --all}. Every run must end with exactly its own branch holding exactly its own change, the
 * killed orchestrators must leave no process behind, and a run whose orchestrator is alive is never resumed.
 */
class OrchestratorCrashTest {
    private static final int RUNS = 5;
    /** Generous: a bound against hangs, not a speed target (a loaded CI machine is many times slower). */
    private static final long TIMEOUT_SECONDS = 900;

    @TempDir
    Path tmp;

    /** Where each run's orchestrator is killed; null = left alone. */
    private static final RunState[] KILL = {null, RunState.EXPORTING, RunState.CODING, RunState.PUBLISHING, null};

    @Test
    void fiveConcurrentRunsWithTheOrchestratorKilledInEachPhaseEndWithExactlyTheirOwnBranch() throws Exception {
        Path data = tmp.resolve("data");
        Path repo = tmp.resolve("repo");
        DemoCommand.createRepository(repo);
        List<Orchestrator> runs = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            Path agent = tmp.resolve("agent-" + i + ".sh");
            String script = "printf 'change %s\\n' " + i + " > change-" + i + ".txt\n";
            Files.writeString(agent, KILL[i] == RunState.CODING ? script + RoleCrashTest.WAITING_AGENT : script);
            runs.add(Orchestrator.start(tmp, data, repo, agent, i));
        }
        List<CompletableFuture<Void>> watchers = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            Orchestrator o = runs.get(i);
            RunState kill = KILL[i];
            watchers.add(CompletableFuture.runAsync(() -> o.watch(kill, data)));
        }
        try {
            CompletableFuture.allOf(watchers.toArray(CompletableFuture[]::new)).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            runs.forEach(o -> o.process.descendants().forEach(ProcessHandle::destroyForcibly));
            runs.forEach(o -> o.process.destroyForcibly());
            throw new AssertionError("the runs did not reach their kill points: " + runs.stream().map(Orchestrator::log)
                    .toList(), e);
        }
        for (int i = 0; i < RUNS; i++) {
            Orchestrator o = runs.get(i);
            assertThat(o.process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
            if (KILL[i] == null) {
                assertThat(o.process.exitValue()).as("run %d: %s", i, o.log()).isZero();
            }
        }

        // Resume, with the coding run's new agent released as soon as it signals; the orphaned agent of the killed
        // orchestrator is still waiting in its own workspace and must be killed by the resume, not released.
        Orchestrator coding = runs.get(2);
        Path runDir = data.resolve("runs").resolve(coding.run);
        Path orphaned = AgentSignal.startedWorkspace(runDir);
        assertThat(orphaned).isNotNull();
        CompletableFuture<Integer> resumed = CompletableFuture.supplyAsync(() -> Main.commandLine()
                .execute("resume", "--all", "--data-dir", data.toString()));
        while (!resumed.isDone()) {
            Path w = AgentSignal.startedWorkspace(runDir, orphaned);
            if (w != null) {
                Files.writeString(w.resolve("go"), "");
            }
            Thread.sleep(20);
        }
        assertThat(resumed.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isZero();

        try (RunStore store = RunStore.open(data.resolve("db")); Git git = Git.open(repo.toFile())) {
            ObjectId main = git.getRepository().resolve("refs/heads/main");
            List<String> branches = git.branchList().call().stream().map(Ref::getName).toList();
            assertThat(branches).hasSize(RUNS + 1);
            for (int i = 0; i < RUNS; i++) {
                Orchestrator o = runs.get(i);
                RunRecord r = store.get(o.run).orElseThrow();
                assertThat(r.state()).as("run %d (%s)", i, r.reason()).isEqualTo(RunState.DONE);
                assertThat(branches).contains("refs/heads/airlock/" + o.run);
                List<String> changed = KILL[i] == RunState.CODING ? List.of("change-" + i + ".txt", "calc.sh")
                        : List.of("change-" + i + ".txt");
                assertOnlyChanges(git, main, "airlock/" + o.run, changed);
                assertThat(RoleCrashTest.read(git, "airlock/" + o.run, "change-" + i + ".txt")).isEqualTo("change " + i + "\n");
                assertThat(store.processes(o.run)).isEmpty();
                // Nothing the killed orchestrator started is left running: the drop store exits with it, its roles
                // are killed by the resume.
                for (ProcessHandle left : o.descendantsAtKill) {
                    RoleCrashTest.awaitGone(left);
                }
            }
            List<RunEvent> events = store.events(coding.run);
            assertThat(events).anySatisfy(e -> {
                assertThat(e.kind()).isEqualTo("resume");
                assertThat(e.message()).contains("killed stale role processes").contains("agent ");
            });
        }
    }

    private static void assertOnlyChanges(Git git, ObjectId main, String branch, List<String> paths) throws Exception {
        try (RevWalk walk = new RevWalk(git.getRepository())) {
            RevCommit tip = walk.parseCommit(git.getRepository().resolve("refs/heads/" + branch));
            assertThat(tip.getParentCount()).isEqualTo(1);
            assertThat(tip.getParent(0).getId()).isEqualTo(main);
            CanonicalTreeParser a = new CanonicalTreeParser(null, git.getRepository().newObjectReader(),
                    walk.parseCommit(main).getTree());
            CanonicalTreeParser b = new CanonicalTreeParser(null, git.getRepository().newObjectReader(), tip.getTree());
            List<DiffEntry> diff = git.diff().setOldTree(a).setNewTree(b).call();
            assertThat(diff).extracting(DiffEntry::getNewPath).as(branch).containsExactlyInAnyOrderElementsOf(paths);
        }
    }

    /** One {@code airlock run} process and what the test learned of it. */
    static final class Orchestrator {
        final Process process;
        final Path logFile;
        final List<String> lines = new ArrayList<>();
        volatile String run;
        List<ProcessHandle> descendantsAtKill = List.of();

        private Orchestrator(Process process, Path logFile) {
            this.process = process;
            this.logFile = logFile;
        }

        static Orchestrator start(Path tmp, Path data, Path repo, Path agent, int i) throws Exception {
            String java = ProcessHandle.current().info().command().orElseThrow();
            Path log = tmp.resolve("orchestrator-" + i + ".err");
            Process p = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC",
                    "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                    "run", "--repo", repo.toString(), "--task", DemoCommand.TASK, "--agent", "script:" + agent,
                    "--data-dir", data.toString())
                    .redirectError(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            return new Orchestrator(p, log);
        }

        /** Reads the progress lines; kills the process at {@code kill}'s point (null: lets it finish). */
        void watch(RunState kill, Path data) {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (lines) {
                        lines.add(line);
                    }
                    String[] words = line.trim().split("\\s+");
                    if (words.length == 3 && words[1].equals("run")) {
                        run = words[2];
                        RunState entered = RunState.valueOf(words[0].toUpperCase(java.util.Locale.ROOT));
                        if (entered == kill && kill != RunState.CODING) {
                            killNow();
                            return;
                        }
                        if (entered == RunState.CODING && kill == RunState.CODING) {
                            AgentSignal.awaitStarted(data.resolve("runs").resolve(run), process.onExit());
                            // Its orchestrator is alive: the run is not up for resuming.
                            assertThat(Main.commandLine().execute("resume", run, "--data-dir", data.toString()))
                                    .isEqualTo(1);
                            assertThat(process.isAlive()).isTrue();
                            killNow();
                            return;
                        }
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException(log(), e);
            }
        }

        private void killNow() throws InterruptedException {
            descendantsAtKill = process.descendants().toList();
            process.destroyForcibly();
            process.waitFor();
        }

        String log() {
            try {
                synchronized (lines) {
                    return String.join("\n", lines) + "\n" + Files.readString(logFile);
                }
            } catch (java.io.IOException e) {
                return e.toString();
            }
        }
    }

}
