package dev.airlock.cli.run;

import dev.airlock.orchestrator.EmbeddedDrop;
import dev.airlock.orchestrator.LocalRun;
import dev.airlock.orchestrator.RoleLauncher;
import dev.airlock.orchestrator.RunListener;
import dev.airlock.orchestrator.RunOutcome;
import dev.airlock.orchestrator.RunState;
import dev.airlock.orchestrator.RunStore;
import dev.airlock.orchestrator.github.IssueRunner;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** Runs one pipeline on embedded defaults: the drop store as a role process, the run database, the role launcher. */
public final class LocalPipeline {
    private final Path dataDir;
    private final PrintStream out;
    private RoleLauncher.Observer observer = RoleLauncher.Observer.NONE;
    private RunListener extraListener = RunListener.NONE;
    private Path guardPolicy;
    private Map<String, String> llmKeys;
    private final dev.airlock.orchestrator.Budgets budgets;
    private final Path sandboxPolicy;
    private final dev.airlock.orchestrator.DatabaseSettings database;
    private Duration roleTimeout;
    /** Where the LLM keys come from when {@link #llmKeys(Map)} gives none: read as the run starts. */
    private final dev.airlock.orchestrator.config.OperatorConfig config;
    private Preparation preparation = () -> { };
    private java.util.List<String> gitCredentialArgs = java.util.List.of();
    private int historyDepth;

    /** On the built-in defaults ({@link dev.airlock.orchestrator.config.OperatorConfig#defaults}) for {@code dataDir}. */
    public LocalPipeline(Path dataDir, PrintStream out) {
        this(dev.airlock.orchestrator.config.OperatorConfig.defaults(dataDir), out);
    }

    private LocalPipeline(dev.airlock.orchestrator.config.OperatorConfig cfg, PrintStream out) {
        this.config = cfg;
        this.dataDir = cfg.dataDir();
        this.out = out;
        this.budgets = cfg.budgets();
        this.sandboxPolicy = cfg.sandboxPolicy();
        this.guardPolicy = cfg.guardPolicy();
        this.roleTimeout = cfg.roleTimeout();
        this.database = cfg.databaseOrEmbedded();
    }

    /**
     * The pipeline as the operator configured it: data directory, run database, LLM keys (read from their sources
     * now), budgets, guard and sandbox policies, role timeout. Callers apply their flags over it.
     */
    public static LocalPipeline configured(dev.airlock.orchestrator.config.OperatorConfig cfg, PrintStream out)
            throws java.io.IOException {
        return new LocalPipeline(cfg, out).llmKeys(cfg.llmKeys(System::getenv));
    }

    /** Wall-clock limit of the export and publish roles (from the configuration; tests shorten it). */
    public LocalPipeline roleTimeout(Duration v) {
        roleTimeout = v;
        return this;
    }

    /** LLM API keys for the guard role; default: read from the configuration's credential sources as the run starts. */
    public LocalPipeline llmKeys(Map<String, String> v) {
        llmKeys = Map.copyOf(v);
        return this;
    }

    /** The operator's egress policy file for the guard role; null = the built-in LLM-APIs-only policy. */
    public LocalPipeline guardPolicy(Path v) {
        guardPolicy = v;
        return this;
    }

    /** Where the git role gets its own credential (names and paths only; see {@link LocalRun#gitCredentialArgs}). */
    public LocalPipeline gitCredentialArgs(java.util.List<String> v) {
        gitCredentialArgs = java.util.List.copyOf(v);
        return this;
    }

    /** Read-only git history for the agent, this many commits deep; 0 = none. */
    public LocalPipeline history(int depth) {
        historyDepth = depth;
        return this;
    }

    /** Work done while the drop store starts, before the run begins (the demo creates its repository here). */
    public LocalPipeline whileStarting(Preparation v) {
        preparation = java.util.Objects.requireNonNull(v);
        return this;
    }

    /** Something to do before the run that may fail (the run then does not start). */
    public interface Preparation {
        void run() throws Exception;
    }

    public LocalPipeline observer(RoleLauncher.Observer v) {
        observer = v;
        return this;
    }

    /** Also told of every phase (besides the plain progress lines), e.g. to edit a GitHub progress comment. */
    public LocalPipeline listener(RunListener v) {
        extraListener = v;
        return this;
    }

    public RunOutcome run(String repo, String ref, String task, String agent, String gitToken) throws Exception {
        return withRuntime(runs -> runs.get().repo(repo).ref(ref).task(task).agent(agent).gitToken(gitToken).call());
    }

    /** A revision of a run's pull request: one more commit on its branch (see {@link LocalRun#revise}). */
    public RunOutcome revise(String repo, IssueRunner.Revision revision, String agent, String gitToken)
            throws Exception {
        return withRuntime(runs -> runs.get().repo(repo).task(revision.task()).agent(agent).gitToken(gitToken)
                .revise(revision.run(), revision.branch(), revision.phase()).attachments(revision.attachments())
                .call());
    }

    /**
     * Continues runs whose orchestrator died ({@link LocalRun#resume}), one after the other on one drop store, each
     * outcome reported; the git token comes from the caller again. Runs that cannot be resumed (finished, still
     * driven by a live process) are refused with the reason before any process starts. Returns the exit code: 0 when
     * every run was resumed and pushed.
     */
    public int resume(List<String> runs, String gitToken, PrintStream err) throws Exception {
        List<String> resumable = new ArrayList<>();
        int code = 0;
        try (RunStore store = openStore()) {
            for (String run : runs) {
                Optional<String> why = LocalRun.notResumable(store, run);
                if (why.isPresent()) {
                    err.println("airlock resume: " + why.get());
                    code = 1;
                } else {
                    resumable.add(run);
                }
            }
        }
        if (resumable.isEmpty()) {
            return code;
        }
        int refused = code;
        return withRuntime(local -> {
            int worst = refused;
            for (String run : resumable) {
                try {
                    worst = Math.max(worst, report(local.get().gitToken(gitToken).resume(run), out, err));
                } catch (IllegalStateException e) {
                    err.println("airlock resume: " + e.getMessage());
                    worst = 1;
                }
            }
            return worst;
        });
    }

    /** What runs on the runtime: gets a fresh {@link LocalRun} (single use) from the supplier for each run. */
    private interface Drive<T> {
        T on(Supplier<LocalRun> runs) throws Exception;
    }

    private RunStore openStore() throws java.sql.SQLException {
        return RunStore.open(database);
    }

    private <T> T withRuntime(Drive<T> drive) throws Exception {
        RoleLauncher launcher = RoleLauncher.sameDistribution(dataDir.resolve("roles")).observer(observer);
        long t0 = System.nanoTime();
        // A person at a terminal sees the phase in flight tick; anything else (pipes, tests, CI logs) gets plain lines.
        TerminalProgress live = out == System.out && System.console() != null && System.console().isTerminal()
                ? TerminalProgress.ticking(out, Duration.ofMillis(200)) : null;
        RunListener progress = live != null ? live : new PlainProgress(out);
        // The drop store's JVM starts while this process prepares (the demo's repository) and opens the run
        // database (its migrations run meanwhile): they overlap instead of adding up.
        Map<String, String> keys = llmKeys != null ? llmKeys : config.llmKeys(System::getenv);
        try (EmbeddedDrop drop = EmbeddedDrop.launch(launcher, dataDir.resolve("drop"));
             RunStore store = prepareThenOpenStore()) {
            drop.awaitReady();
            out.println("drop store   ready at " + drop.endpoint() + " (" + millis(System.nanoTime() - t0) + ")");
            return drive.on(() -> new LocalRun(store, launcher, drop, dataDir).guardPolicy(guardPolicy)
                    .llmKeys(keys).gitCredentialArgs(gitCredentialArgs)
                    .budgets(budgets).sandboxPolicy(sandboxPolicy).roleTimeout(roleTimeout).history(historyDepth)
                    .listener(both(progress, extraListener)));
        } finally {
            if (live != null) {
                live.close();
            }
        }
    }

    private RunStore prepareThenOpenStore() throws Exception {
        preparation.run();
        return openStore();
    }

    /** Prints the outcome; returns the exit code (0 pushed, 1 refused or failed). */
    public static int report(RunOutcome outcome, PrintStream out, PrintStream err) {
        switch (outcome) {
            case RunOutcome.Published p -> {
                out.println();
                out.println("run       " + p.run() + ": done");
                out.println("branch    " + p.branch() + " (commit " + p.commit().substring(0, 12) + ")");
                out.println("changes   " + p.changes().describe());
                p.changes().added().forEach(f -> out.println("  A " + f));
                p.changes().modified().forEach(f -> out.println("  M " + f));
                p.changes().deleted().forEach(f -> out.println("  D " + f));
                printDenials(p.denials(), out);
                out.println("timing    " + timings(p.phases()) + "; agent " + p.agentTime().toMillis() + " ms");
                return 0;
            }
            case RunOutcome.Refused r -> {
                err.println();
                err.println("run       " + r.run() + ": refused in " + r.phase().label() + ", nothing pushed");
                err.println("reason    " + r.reason());
                printDenials(r.denials(), err);
                return 1;
            }
            case RunOutcome.Failed f -> {
                err.println();
                err.println("run       " + f.run() + ": failed in " + f.phase().label() + ", nothing pushed");
                err.println("reason    " + f.reason());
                return 1;
            }
            case RunOutcome.Cancelled c -> {
                err.println();
                err.println("run       " + c.run() + ": cancelled in " + c.phase().label() + ", nothing pushed");
                err.println("reason    " + c.reason());
                return 1;
            }
        }
    }

    private static void printDenials(java.util.List<String> denials, PrintStream out) {
        out.println("denials   " + (denials.isEmpty() ? "none" : denials.size()));
        denials.forEach(d -> out.println("  " + d));
    }

    static String timings(Map<RunState, Duration> phases) {
        StringBuilder sb = new StringBuilder();
        phases.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : ", ").append(k.label()).append(' ')
                .append(v.toMillis()).append(" ms"));
        return sb.toString();
    }

    static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
    }

    private static RunListener both(RunListener a, RunListener b) {
        return new RunListener() {
            @Override
            public void phaseStarted(String run, RunState phase) {
                a.phaseStarted(run, phase);
                b.phaseStarted(run, phase);
            }

            @Override
            public void phaseFinished(String run, RunState phase, Duration elapsed, String detail) {
                a.phaseFinished(run, phase, elapsed, detail);
                b.phaseFinished(run, phase, elapsed, detail);
            }
        };
    }

    /** One plain line per phase boundary: readable in a terminal, a CI log or a pipe. */
    record PlainProgress(PrintStream out) implements RunListener {
        @Override
        public void phaseStarted(String run, RunState phase) {
            out.printf(Locale.ROOT, "%-12s run %s%n", phase.label(), run);
        }

        @Override
        public void phaseFinished(String run, RunState phase, Duration elapsed, String detail) {
            out.printf(Locale.ROOT, "%-12s done in %s: %s%n", phase.label(), millis(elapsed.toNanos()), detail);
        }
    }
}
