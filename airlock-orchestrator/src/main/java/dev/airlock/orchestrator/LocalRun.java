package dev.airlock.orchestrator;

import dev.airlock.drop.s3.DropSigner;
import dev.airlock.drop.snapshot.Manifest;
import dev.airlock.drop.snapshot.SnapshotException;
import dev.airlock.drop.snapshot.SnapshotLimits;
import dev.airlock.drop.snapshot.SnapshotReader;
import dev.airlock.drop.snapshot.SnapshotSink;
import dev.airlock.drop.store.DropKeys;
import dev.airlock.drop.transfer.PresignedTransfer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One run on the local runtime: export (git role) → code (agent role, sandboxed) → validate and publish (git role),
 * each role a separate process with only its own credentials, everything moving through the dead drop.
 *
 * <p>The orchestrator itself holds the drop's keys (to presign and to hash what the agent uploaded) and nothing
 * else; the git role and the agent role each get presigned URLs for exactly the objects of their phase. The output
 * id it records is computed here from the stored object, not taken from the agent's word, and the git role refuses
 * any archive that does not hash to it (chain of custody). Every failure is recorded with its reason and nothing is
 * pushed unless the git role accepted the output.
 */
public final class LocalRun {
    public static final String GIT_TOKEN_VARIABLE = "AIRLOCK_GIT_TOKEN";
    public static final String INPUT_URL_VARIABLE = "AIRLOCK_INPUT_URL";
    public static final String OUTPUT_URL_VARIABLE = "AIRLOCK_OUTPUT_URL";
    public static final String HISTORY_URL_VARIABLE = "AIRLOCK_HISTORY_URL";
    private static final Duration URL_EXPIRY = Duration.ofMinutes(60);
    /** The orchestrator's own reads: used at once, never leaving this process; long enough for a slow disk. */
    private static final Duration OWN_READ_EXPIRY = Duration.ofMinutes(10);
    private static final PresignedTransfer DROP_READS = new PresignedTransfer(Duration.ofMinutes(2));

    private final RunStore store;
    private final RoleLauncher launcher;
    private final EmbeddedDrop drop;
    private final Path dataDir;
    private String repo;
    private String ref = "main";
    private String task;
    private String agent;
    private String gitToken;
    private String branchPrefix = "airlock/";
    private Duration roleTimeout = Duration.ofMinutes(30);
    private RunListener listener = RunListener.NONE;
    private boolean guarded = true;
    private Path guardPolicy;
    private Map<String, String> llmKeys = Map.of();
    private RunOwner owner = RunOwner.current();
    private Budgets budgets = Budgets.DEFAULT;
    private Path sandboxPolicy;
    private List<String> gitCredentialArgs = List.of();
    private String revisedRun;
    private String revisedBranch;
    private int revision;
    private Map<String, String> attachments = Map.of();
    private int historyDepth;

    public LocalRun(RunStore store, RoleLauncher launcher, EmbeddedDrop drop, Path dataDir) {
        this.store = Objects.requireNonNull(store);
        this.launcher = Objects.requireNonNull(launcher);
        this.drop = Objects.requireNonNull(drop);
        this.dataDir = Objects.requireNonNull(dataDir);
    }

    /** An absolute local path or an https URL. */
    public LocalRun repo(String v) {
        repo = Objects.requireNonNull(v);
        return this;
    }

    public LocalRun ref(String v) {
        ref = Objects.requireNonNull(v);
        return this;
    }

    /** Untrusted text; it reaches the agent only as a file in its workspace. */
    public LocalRun task(String v) {
        task = Objects.requireNonNull(v);
        return this;
    }

    /** {@code script:FILE} or {@code cmd:COMMAND}. */
    public LocalRun agent(String v) {
        agent = Objects.requireNonNull(v);
        return this;
    }

    /** The push token, handed to the git role's environment only (null for local repositories). */
    public LocalRun gitToken(String v) {
        gitToken = v;
        return this;
    }

    public LocalRun roleTimeout(Duration v) {
        roleTimeout = Objects.requireNonNull(v);
        return this;
    }

    /**
     * Whether the agent reaches the network through the egress guard role (default) or has loopback only. The guard
     * is a process of its own; the agent worker never holds its keys.
     */
    public LocalRun guarded(boolean v) {
        guarded = v;
        return this;
    }

    /** The operator's egress policy file; null = the built-in one (only the LLM API hosts). */
    public LocalRun guardPolicy(Path v) {
        guardPolicy = v;
        return this;
    }

    /** LLM API keys ({@link GuardRole#KEY_VARIABLES}), handed to the guard role's environment only. */
    public LocalRun llmKeys(Map<String, String> v) {
        llmKeys = Map.copyOf(v);
        return this;
    }

    /**
     * Arguments telling the git role where to get its own credential — {@code --token-file FILE} or {@code --app-id N
     * --app-key FILE …} — names and paths only: the git role reads the secret itself, so it never passes through this
     * process or its environment.
     */
    public LocalRun gitCredentialArgs(List<String> v) {
        gitCredentialArgs = List.copyOf(v);
        return this;
    }

    /**
     * The run's budgets, enforced outside the agent: the guard refuses LLM requests once the tokens are spent, and the
     * orchestrator stops the agent role and fails the run when either budget is exceeded.
     */
    public LocalRun budgets(Budgets v) {
        budgets = Objects.requireNonNull(v);
        return this;
    }

    /** The sandbox policy file for the agent's session (JSON, {@code SandboxPolicy}); null = the isolating defaults. */
    public LocalRun sandboxPolicy(Path v) {
        sandboxPolicy = v;
        return this;
    }

    /**
     * Makes this a revision of {@code run} (state {@code pr-opened}) instead of a new run: phase {@code phase} (1, 2,
     * …) exports the tip of {@code branch}, codes on it, and the git role pushes one new commit on top of it — a
     * fast-forward, never a forced update. The run goes {@code pr-opened → revising → pr-opened}, whatever the outcome
     * (the pull request and its last pushed commit stay as they were when nothing is pushed).
     */
    public LocalRun revise(String run, String branch, int phase) {
        if (phase < 1) {
            throw new IllegalArgumentException("a revision is phase 1 or later");
        }
        revisedRun = Objects.requireNonNull(run);
        revisedBranch = Objects.requireNonNull(branch);
        revision = phase;
        return this;
    }

    /**
     * Further task files (relative name → untrusted text: review comments, CI logs), handed to the agent as files next
     * to its task, never on a command line.
     */
    public LocalRun attachments(Map<String, String> v) {
        attachments = Map.copyOf(v);
        return this;
    }

    /** Give the agent a read-only, shallow git history this many commits deep (0 = none, the default). */
    public LocalRun history(int depth) {
        if (depth < 0) {
            throw new IllegalArgumentException("history depth must be >= 0");
        }
        historyDepth = depth;
        return this;
    }

    public LocalRun listener(RunListener v) {
        listener = Objects.requireNonNull(v);
        return this;
    }

    /** Starts a new run and drives it to its end. */
    public RunOutcome call() throws IOException, SQLException {
        if (repo == null || task == null || agent == null) {
            throw new IllegalStateException("repo, task and agent are required");
        }
        if (revisedRun != null) {
            return reviseRun();
        }
        String run = newRunId();
        Path runDir = dataDir.resolve("runs").resolve(run);
        Files.createDirectories(runDir);
        // Kept with the run before it starts: a resumed run hands the agent the same text, checked against the hash.
        Files.writeString(runDir.resolve("task.md"), task, StandardCharsets.UTF_8);
        store.create(run, repo, ref, agent, sha256(task.getBytes(StandardCharsets.UTF_8)));
        if (guardPolicy != null) {
            store.record(run, RunStore.Field.GUARD_POLICY, guardPolicy.toString());
        }
        if (!store.claim(run, null, owner)) {
            throw new IllegalStateException("run " + run + " was claimed by another orchestrator as it was created");
        }
        return new Drive(run, 0).from(store.get(run).orElseThrow());
    }

    /**
     * A revision: the run stays {@code revising} while its phases run (each is an event) and goes back to
     * {@code pr-opened} whatever the outcome; its input is the tip of the pull request's branch.
     */
    private RunOutcome reviseRun() throws IOException, SQLException {
        String run = revisedRun;
        Path runDir = dataDir.resolve("runs").resolve(run);
        Files.createDirectories(runDir);
        Files.writeString(runDir.resolve("task-" + revision + ".md"), task, StandardCharsets.UTF_8);
        String taskHash = sha256(task.getBytes(StandardCharsets.UTF_8));
        store.transition(run, RunState.PR_OPENED, RunState.REVISING, "revision " + revision);
        store.event(run, RunState.REVISING, "task", null, "revision " + revision + " task sha256 " + taskHash);
        return new Drive(run, revision).from(store.get(run).orElseThrow());
    }

    /**
     * Continues a run whose orchestrator died: claims it (compare-and-set on the recorded owner, refused while that
     * owner is alive), kills the role processes it left behind, and goes on from the last recorded fact (phases
     * already done are not repeated; a phase cut short is done again from its recorded input).
     *
     * @throws IllegalStateException with the reason when the run cannot be resumed (unknown, finished, still owned)
     */
    public RunOutcome resume(String run) throws IOException, SQLException {
        Optional<String> why = notResumable(store, run);
        if (why.isPresent()) {
            throw new IllegalStateException(why.get());
        }
        RunRecord r = store.get(run).orElseThrow();
        RunOwner previous = r.owner() == null ? null : RunOwner.parse(r.owner());
        if (!store.claim(run, previous, owner)) {
            throw new IllegalStateException("run " + run + " was resumed or finished by another process just now");
        }
        List<RoleProcess> stale = new RoleProcesses(store, run).killAll();
        store.event(run, r.state(), "resume", null, "resumed by process " + owner.pid() + (stale.isEmpty() ? ""
                : "; killed stale role processes " + stale.stream().map(p -> p.role().label() + " " + p.pid()).toList()));
        if (r.state() == RunState.REVISING) {
            // A revision is not driven again (its review comments and logs came with a delivery that is gone): the
            // run goes back to its open pull request, which keeps whatever the revision had pushed, if anything.
            String reason = "revision interrupted (its orchestrator died); the pull request keeps what was pushed";
            store.transition(run, RunState.REVISING, RunState.PR_OPENED, reason);
            return new RunOutcome.Failed(run, RunState.REVISING, reason, Map.of());
        }
        repo = r.repo();
        ref = r.ref();
        agent = r.agent();
        guardPolicy = r.guardPolicy() == null ? null : Path.of(r.guardPolicy());
        Path taskFile = dataDir.resolve("runs").resolve(run).resolve("task.md");
        Drive drive = new Drive(run, 0);
        task = Files.isRegularFile(taskFile) ? Files.readString(taskFile, StandardCharsets.UTF_8) : null;
        if (task == null || !sha256(task.getBytes(StandardCharsets.UTF_8)).equals(r.taskSha256())) {
            return drive.fail(r.state(), "cannot resume: the task file " + taskFile + " is missing or does not match "
                    + "the recorded task hash");
        }
        return drive.from(r);
    }

    /** Why {@code run} cannot be resumed now (unknown, finished, or its owner is alive); empty if it can. */
    public static Optional<String> notResumable(RunStore store, String run) throws SQLException {
        Optional<RunRecord> found = store.get(run);
        if (found.isEmpty()) {
            return Optional.of("no run " + run + " (see 'airlock runs')");
        }
        RunRecord r = found.get();
        if (r.state().terminal()) {
            return Optional.of("run " + run + " is " + r.state().label() + "; there is nothing to resume");
        }
        RunOwner previous = r.owner() == null ? null : RunOwner.parse(r.owner());
        if (previous != null && previous.alive()) {
            return Optional.of("run " + run + " is being driven by process " + previous.pid()
                    + "; resume it only once that process is gone, or cancel it with 'airlock cancel " + run + "'");
        }
        return Optional.empty();
    }

    /**
     * One run being driven by this process: each phase is skipped when its result is already recorded, and every
     * transition is a compare-and-set on (state, owner), so an operator's cancel or a lost claim stops the drive at
     * the next step instead of being overwritten.
     */
    private final class Drive {
        private final String run;
        private final Path runDir;
        private final Path cache;
        private final String branch;
        /** 0 for the run's first phase; 1, 2, … for revisions of its pull request. */
        private final int revision;
        private final Map<RunState, Duration> phases = new LinkedHashMap<>();
        private final RoleProcesses roles;
        private final RoleLauncher tracked;
        private RunState phase = RunState.QUEUED;
        /** Started ahead of the coding phase (see {@link #startAhead()}); null once used or ended. */
        private GuardRole guardAhead;
        private CompletableFuture<WaitingRole> agentAhead;
        /** Serves this drive's export and publish in one process; see {@link #gitRole()}. */
        private GitWorker git;
        /** Presigns every URL of this drive (git role, agent role, its own reads); opened as the drive starts. */
        private CompletableFuture<DropSigner> signerAhead;
        private ChangeSummary changes;
        private Duration agentTime = Duration.ZERO;
        private String history;

        Drive(String run, int revision) {
            this.run = run;
            this.revision = revision;
            this.runDir = dataDir.resolve("runs").resolve(run);
            this.cache = dataDir.resolve("git-cache").resolve(sha256(repo.getBytes(StandardCharsets.UTF_8)).substring(0, 16));
            this.branch = revision > 0 ? revisedBranch : branchPrefix + run;
            this.roles = new RoleProcesses(store, run);
            this.tracked = launcher.observedFirstBy(roles.observer());
        }

        RunOutcome from(RunRecord start) throws IOException, SQLException {
            try {
                return drive(start);
            } catch (IllegalTransitionException e) {
                RunRecord now = store.get(run).orElseThrow();
                if (now.state() == RunState.CANCELLED) {
                    return new RunOutcome.Cancelled(run, phase, now.reason(), phases);
                }
                throw e;
            } finally {
                endAhead();
            }
        }

        /**
         * Starts the egress guard and the agent worker while the export runs, when this drive will code: their JVM
         * starts (and the guard's CA) overlap the export instead of following it. Each is still its own process with
         * only its own grant; the agent waits for {@link WaitingRole#go()} before it touches its URLs or the guard,
         * which it gets only once the export succeeded and the guard accepts sessions. Whatever cannot be started
         * ahead is started in its phase as before (and fails there, with its reason).
         */
        private void startAhead() {
            if (guarded) {
                try {
                    guardAhead = GuardRole.launch(tracked, runDir, dataDir.resolve("guard-ca"), guardPolicy, llmKeys,
                            budgets.tokens());
                } catch (IOException e) {
                    return; // started again in the coding phase, which fails with the reason
                }
            }
            if (historyDepth > 0) {
                return; // the agent's arguments name the history bundle's hash, which only the export tells
            }
            GuardRole guard = guardAhead;
            // Signing waits for the drop store and loads the presigner: off the export's critical path.
            agentAhead = CompletableFuture.supplyAsync(() -> {
                try {
                    return new WaitingRole(tracked.startWithInput(Role.AGENT, agentArgs(freshWorkDir(), guard, true),
                            agentEnv()));
                } catch (IOException | RuntimeException e) {
                    return null; // started in the coding phase instead, which fails there with the reason
                }
            }, RoleOutput::ownThread);
        }

        /** Waits for the drop store, then loads the presigner: the git role's first URLs are made with it. */
        private DropSigner openSigner() {
            try {
                return DropSigner.open(drop.settings());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        /** The drive's presigner; the drop store's failure to start, if that is why there is none. */
        private DropSigner signer() throws IOException {
            if (signerAhead == null) {
                signerAhead = CompletableFuture.completedFuture(DropSigner.open(drop.settings()));
            }
            try {
                return signerAhead.join();
            } catch (java.util.concurrent.CompletionException e) {
                Throwable cause = e.getCause() instanceof java.io.UncheckedIOException u ? u.getCause() : e.getCause();
                throw new IOException("cannot presign the drop's URLs: " + cause.getMessage(), cause);
            }
        }

        /**
         * How long the git role's URLs live: its transfer starts only after the fetch, and the request ends within
         * the role timeout, so a URL outliving that is of no use to the role (capped at the signer's hour).
         */
        private Duration gitUrlExpiry() {
            return roleTimeout.compareTo(DropSigner.MAX_EXPIRY) < 0 ? roleTimeout : DropSigner.MAX_EXPIRY;
        }

        /**
         * Streams one snapshot of this run from the drop through a GET the orchestrator presigns for itself (no S3
         * client: the presigner is open anyway); at most the snapshot limit's bytes, which the reader refuses too.
         */
        private InputStream read(String key) throws IOException {
            return DROP_READS.open(signer().get(key, OWN_READ_EXPIRY), SnapshotLimits.DEFAULT.maxCompressedBytes() + 1);
        }

        /** The agent worker started ahead, or null if there is none (any more). */
        private WaitingRole takeAgentAhead() {
            WaitingRole agent = agentAhead == null ? null : agentAhead.join();
            agentAhead = null;
            return agent;
        }

        /**
         * The drive's git worker, started on first use (as the drive starts, so that its JVM is up when the export
         * comes). A worker that died answers its next request with its exit status, as a killed one-shot git process
         * would have: the export fails, the publish is done once more in a new worker.
         */
        private GitWorker gitRole() throws IOException, SQLException {
            if (git == null) {
                git = GitWorker.start(tracked, gitEnv());
            }
            return git;
        }

        private void endGit() throws SQLException {
            if (git != null) {
                git.close();
                roles.forget(git.process().pid());
                git = null;
            }
        }

        /**
         * Ends the git worker, and what was started ahead and not used: the run ended before its coding phase, or
         * failed in it.
         */
        private void endAhead() throws SQLException {
            endGit();
            WaitingRole agentRole = takeAgentAhead();
            if (agentRole != null) {
                agentRole.endUnstarted();
                roles.forget(agentRole.process().pid());
            }
            if (guardAhead != null) {
                guardAhead.close();
                roles.forget(guardAhead.pid());
                guardAhead = null;
            }
            // Last: the agent started ahead signs its URLs with it on its own thread (joined just above).
            if (signerAhead != null) {
                try {
                    signerAhead.join().close();
                } catch (java.util.concurrent.CompletionException e) {
                    // never opened; the phase that needed it failed with the reason
                }
                signerAhead = null;
            }
        }

        private RunOutcome drive(RunRecord r) throws IOException, SQLException {
            boolean revising = revision > 0;
            // A revision starts from nothing recorded: the run's own facts are those of its earlier phases.
            phase = revising ? RunState.QUEUED : r.state();
            gitRole(); // its JVM starts now and is warm when the export comes, and still when the publish comes
            signerAhead = CompletableFuture.supplyAsync(this::openSigner, RoleOutput::ownThread);
            if (phase == RunState.QUEUED || phase == RunState.EXPORTING
                    || phase == RunState.CODING && r.outputId() == null) {
                startAhead();
            }
            if (phase == RunState.QUEUED) {
                enter(RunState.QUEUED, RunState.EXPORTING);
            }
            if (phase == RunState.EXPORTING) {
                if (revising || r.baseCommit() == null || r.inputId() == null) {
                    RunOutcome stopped = export();
                    if (stopped != null) {
                        return stopped;
                    }
                }
                enter(RunState.EXPORTING, RunState.CODING);
            }
            r = store.get(run).orElseThrow();
            if (phase == RunState.CODING) {
                RunOutcome stopped = revising || r.outputId() == null ? code() : readOutput(r.outputId());
                if (stopped != null) {
                    return stopped;
                }
                if (changes.empty()) {
                    return fail(RunState.CODING, "the agent changed nothing");
                }
                if (revising || r.commitTime() == null) {
                    // Chosen once, before the git role runs: a publish done again makes the identical commit.
                    store.record(run, RunStore.Field.COMMIT_TIME, Long.toString(Instant.now().getEpochSecond()));
                }
                enter(RunState.CODING, RunState.PUBLISHING);
            } else if (phase == RunState.PUBLISHING) {
                RunOutcome stopped = readOutput(r.outputId());
                if (stopped != null) {
                    return stopped;
                }
            }
            return publish(store.get(run).orElseThrow());
        }

        /** Exporting: the git role fetches and uploads the input snapshot. */
        private RunOutcome export() throws IOException, SQLException {
            List<String> exportArgs = new ArrayList<>(List.of("--ref", revision > 0 ? branch : ref));
            GitWorker worker = gitRole();
            try {
                // The role's whole drop grant for this request: PUT for the input (and the history bundle) of this
                // phase, nothing to read and no other key.
                DropSigner signer = signer();
                exportArgs.addAll(List.of("--input-url", signer.put(DropKeys.input(run, revision), gitUrlExpiry())
                        .uri().toString()));
                if (historyDepth > 0) {
                    exportArgs.addAll(List.of("--history=" + historyDepth, "--history-url",
                            signer.put(DropKeys.history(run, revision), gitUrlExpiry()).uri().toString()));
                }
            } catch (IOException e) {
                return fail(RunState.EXPORTING, e.getMessage(), Duration.ZERO);
            }
            RoleResult export = worker.call(gitArgs(List.of("export"), cache, exportArgs), roleTimeout);
            String base = export.field("commit");
            String snapshot = export.field("snapshot");
            if (export.exitCode() != 0 || base == null || snapshot == null) {
                return fail(RunState.EXPORTING, "export failed: " + export.reason(), export.elapsed());
            }
            store.record(run, RunStore.Field.BASE_COMMIT, base);
            store.record(run, RunStore.Field.INPUT_ID, snapshot);
            // The history bundle's hash, as the git role computed it over what it uploaded; the agent checks it.
            if (historyDepth > 0) {
                String bundle = export.field("history");
                if (bundle == null) {
                    return fail(RunState.EXPORTING, "export wrote no history bundle: " + export.reason(),
                            export.elapsed());
                }
                history = bundle.split(" ", 2)[0];
                store.event(run, RunState.EXPORTING, "history", null, "sha256 " + history);
            }
            finish(RunState.EXPORTING, export.elapsed(), "commit " + base.substring(0, 12));
            return null;
        }

        /** Coding: the agent role gets two (or three) presigned URLs and the task file, nothing else. */
        private RunOutcome code() throws IOException, SQLException {
            long codingStart = System.nanoTime();
            GuardRole guard = null;
            if (guarded) {
                try {
                    guard = guardAhead != null ? guardAhead.awaitReady() : GuardRole.start(tracked, runDir,
                            dataDir.resolve("guard-ca"), guardPolicy, llmKeys, budgets.tokens());
                } catch (IOException e) {
                    return fail(RunState.CODING, e.getMessage(), Duration.ofNanos(System.nanoTime() - codingStart));
                } finally {
                    if (guardAhead != null && guard == null) {
                        roles.forget(guardAhead.pid());
                    }
                    guardAhead = null;
                }
            }
            RoleResult coding;
            List<String> guardDenials = List.of();
            String guardFailure = null;
            BudgetWatch watch = new BudgetWatch(budgets, guard == null ? null : guard::usage);
            try {
                WaitingRole agentRole = takeAgentAhead();
                if (agentRole != null) {
                    agentRole.go();
                    watch.watch(agentRole.process());
                    try {
                        coding = LocalRun.this.await(Role.AGENT, agentRole.process(), agentRole.output(), codingStart);
                    } finally {
                        roles.forget(agentRole.process().pid());
                    }
                } else {
                    coding = runRole(Role.AGENT, agentArgs(freshWorkDir(), guard, false), agentEnv(), watch::watch);
                }
            } finally {
                watch.close();
                if (guard != null) {
                    try {
                        guardDenials = guard.stop();
                    } catch (IOException e) {
                        guardFailure = e.getMessage();
                    }
                    roles.forget(guard.pid());
                }
            }
            BudgetUsage used = watch.used();
            store.recordBudget(run, used);
            store.event(run, RunState.CODING, "budget", used.wallTime().toMillis(), used.describe());
            // The agent's own output (bounded) stays on disk for `airlock show`; it may quote the task, never a
            // credential (the worker holds none).
            Files.writeString(runDir.resolve("agent.log"), coding.stderr(), StandardCharsets.UTF_8);
            List<String> denials = new ArrayList<>(coding.stdout().lines().filter(l -> l.startsWith("denial "))
                    .map(l -> l.substring("denial ".length())).toList());
            // The guard's denials come from the guard process itself, not from the agent's word.
            guardDenials.forEach(d -> denials.add("egress guard: " + d));
            for (String d : denials) {
                store.event(run, RunState.CODING, "denial", null, d);
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - codingStart);
            if (used.exceeded() != null) {
                return fail(RunState.CODING, "budget exceeded: " + used.exceeded() + " (" + used.describe() + ")",
                        elapsed);
            }
            if (guardFailure != null) {
                return fail(RunState.CODING, guardFailure, elapsed);
            }
            if (coding.exitCode() != 0) {
                return fail(RunState.CODING, "agent worker failed: " + coding.reason(), elapsed);
            }
            String agentExit = coding.field("exit");
            if (!"0".equals(agentExit)) {
                return fail(RunState.CODING, "the agent exited with status " + agentExit, elapsed);
            }
            RunOutcome stopped = readOutput(null);
            if (stopped != null) {
                return stopped;
            }
            agentTime = parseMillis(coding.field("agent-millis"));
            finish(RunState.CODING, Duration.ofNanos(System.nanoTime() - codingStart),
                    changes.describe() + ", agent " + agentTime.toMillis() + " ms");
            return null;
        }

        /** The agent role's two (or, with history, three) presigned URLs: its whole grant. */
        private Map<String, String> agentEnv() throws IOException {
            Map<String, String> env = new LinkedHashMap<>();
            DropSigner signer = signer();
            env.put(INPUT_URL_VARIABLE, signer.get(DropKeys.input(run, revision), URL_EXPIRY).uri().toString());
            env.put(OUTPUT_URL_VARIABLE, signer.put(DropKeys.output(run, revision), URL_EXPIRY).uri().toString());
            if (history != null) {
                env.put(HISTORY_URL_VARIABLE, signer.get(DropKeys.history(run, revision), URL_EXPIRY).uri()
                        .toString());
            }
            return env;
        }

        private List<String> agentArgs(Path workDir, GuardRole guard, boolean waitForGo) throws IOException {
            Path taskFile = runDir.resolve(revision > 0 ? "task-" + revision + ".md" : "task.md");
            List<String> args = new ArrayList<>(List.of("agent", "run", "--task-file", taskFile.toString(),
                    "--agent", agent, "--work-dir", workDir.toString(),
                    // The sandbox's own limit is a backstop; the budget watch stops the agent at the budget.
                    "--timeout", budgets.wallTime().plusSeconds(30).toString()));
            if (sandboxPolicy != null) {
                args.addAll(List.of("--sandbox-policy", sandboxPolicy.toString()));
            }
            if (!attachments.isEmpty()) {
                args.addAll(List.of("--attachments", writeAttachments().toString()));
            }
            if (history != null) {
                args.addAll(List.of("--history-sha256", history));
            }
            if (guard != null) {
                args.addAll(List.of("--guard-control", guard.control().toString(),
                        "--guard-ca", guard.caCertificate().toString()));
            }
            if (waitForGo) {
                args.add("--wait-for-go");
            }
            return args;
        }

        /**
         * Reads the stored output against the stored input, computing its id here (chain of custody: not the agent's
         * word). With {@code expectedId}, the output must be the one already recorded; without, its id is recorded.
         */
        private RunOutcome readOutput(String expectedId) throws SQLException {
            Manifest inputManifest;
            Manifest outputManifest;
            try {
                inputManifest = manifestOf(read(DropKeys.input(run, revision)));
            } catch (SnapshotException | PresignedTransfer.TooLarge e) {
                return fail(phase, "the input snapshot in the drop is unreadable: " + e.getMessage(), Duration.ZERO);
            } catch (IOException e) {
                return fail(phase, "the drop store could not be read: " + e.getMessage(), Duration.ZERO);
            }
            // The git role uploaded the input itself (through its presigned PUT): it must be what it reported.
            String exported = store.get(run).orElseThrow().inputId();
            if (!inputManifest.id().equals(exported)) {
                return fail(phase, "the input in the drop (" + inputManifest.id() + ") is not the one the git role "
                        + "exported (" + exported + ")", Duration.ZERO);
            }
            try {
                // The worker packs its output as a delta against its input: files it did not change are listed by
                // hash only, and may only name content the input holds.
                java.util.Set<String> inputHashes = new java.util.HashSet<>();
                inputManifest.entries().forEach(e -> inputHashes.add(e.sha256()));
                try (InputStream in = read(DropKeys.output(run, revision))) {
                    outputManifest = SnapshotReader.create().base(inputManifest, inputHashes::contains)
                            .read(in, SnapshotSink.discarding()).manifest();
                }
            } catch (SnapshotException | PresignedTransfer.TooLarge e) {
                return refuse(phase, "output snapshot refused: " + e.getMessage());
            } catch (IOException e) {
                return fail(phase, "the drop store could not be read: " + e.getMessage(), Duration.ZERO);
            }
            if (expectedId == null) {
                store.record(run, RunStore.Field.OUTPUT_ID, outputManifest.id());
            } else if (!expectedId.equals(outputManifest.id())) {
                return fail(phase, "the output in the drop (" + outputManifest.id() + ") is not the recorded one ("
                        + expectedId + ")", Duration.ZERO);
            }
            changes = ChangeSummary.between(inputManifest, outputManifest);
            return null;
        }

        /**
         * Publishing: the git role validates the output against the recorded id and pushes the branch. With the
         * recorded commit time the commit is the same every time, so a publish done again after a crash (even one
         * whose push had reached the remote) updates nothing or exactly what the first would have.
         */
        private RunOutcome publish(RunRecord recorded) throws IOException, SQLException {
            RunRecord r = recorded;
            if (r.commitTime() == null) {
                store.record(run, RunStore.Field.COMMIT_TIME, Long.toString(Instant.now().getEpochSecond()));
                r = store.get(run).orElseThrow();
            }
            String outputUrl;
            try {
                // The role's whole drop grant for this request: GET for this phase's output, nothing else.
                outputUrl = signer().get(DropKeys.output(run, revision), gitUrlExpiry()).uri().toString();
            } catch (IOException e) {
                return fail(RunState.PUBLISHING, e.getMessage(), Duration.ZERO);
            }
            List<String> args = gitArgs(List.of("publish"), cache,
                    List.of("--base", r.baseCommit(), "--expected-output-id", r.outputId(), "--run", run,
                            "--output-url", outputUrl, "--branch", branch, "--message", "Airlock run " + run
                                    + (revision > 0 ? ", revision " + revision : ""),
                            "--commit-time", Long.toString(r.commitTime())));
            RoleResult publish = gitRole().call(args, roleTimeout);
            if (publish.exitCode() > 128) {
                // Killed by a signal: its push may or may not have reached the remote. Publishing again makes the
                // identical commit, so once more settles it either way instead of failing with a branch maybe there.
                store.event(run, RunState.PUBLISHING, "retry", publish.elapsed().toMillis(),
                        "git role killed by signal " + (publish.exitCode() - 128) + "; publishing again");
                endGit();
                publish = gitRole().call(args, roleTimeout);
            }
            if (publish.exitCode() == 1 && publish.stderr().contains("rejected:") || publish.exitCode() == 3) {
                phases.put(RunState.PUBLISHING, publish.elapsed());
                return refuse(RunState.PUBLISHING, publish.reason());
            }
            String pushed = publish.field("pushed");
            if (publish.exitCode() != 0 || pushed == null) {
                return fail(RunState.PUBLISHING, "publish failed: " + publish.reason(), publish.elapsed());
            }
            String commit = pushed.split(" ", 2)[0];
            store.record(run, RunStore.Field.BRANCH, branch);
            finish(RunState.PUBLISHING, publish.elapsed(), "pushed " + branch);
            if (revision > 0) {
                store.transition(run, RunState.REVISING, RunState.PR_OPENED, "revision " + revision + " pushed "
                        + commit);
            } else {
                store.transition(run, owner, RunState.PUBLISHING, RunState.DONE, null);
            }
            return new RunOutcome.Published(run, branch, commit, changes, denials(), phases, agentTime);
        }

        /** Each attempt at coding gets a fresh workspace (the worker refuses to reuse one). */
        private Path freshWorkDir() {
            Path dir = runDir.resolve("agent");
            for (int attempt = 2; Files.exists(dir); attempt++) {
                dir = runDir.resolve("agent-" + attempt);
            }
            return dir;
        }

        /** Review comments and CI logs for a revision, as files next to the task (never on a command line). */
        private Path writeAttachments() throws IOException {
            Path dir = runDir.resolve("attachments-" + revision);
            for (Map.Entry<String, String> a : attachments.entrySet()) {
                Path file = dir.resolve(a.getKey()).normalize();
                if (!file.startsWith(dir) || file.equals(dir) || a.getKey().contains("\0")) {
                    throw new IllegalArgumentException("attachment name " + a.getKey() + " leaves its directory");
                }
                Files.createDirectories(file.getParent());
                Files.writeString(file, a.getValue(), StandardCharsets.UTF_8);
            }
            return dir;
        }

        private void enter(RunState from, RunState to) throws SQLException {
            if (revision > 0) {
                // A revision's phases run while the run stays `revising`; each is still an event of its own.
                store.event(run, RunState.REVISING, "state", null, to.label() + " (revision " + revision + ")");
            } else {
                store.transition(run, owner, from, to, null);
            }
            phase = to;
            listener.phaseStarted(run, to);
        }

        private void finish(RunState done, Duration elapsed, String detail) throws SQLException {
            phases.put(done, elapsed);
            store.event(run, done, "phase", elapsed.toMillis(), detail);
            listener.phaseFinished(run, done, elapsed, detail);
        }

        RunOutcome fail(RunState in, String reason) throws SQLException {
            return fail(in, reason, Duration.ZERO);
        }

        private RunOutcome fail(RunState in, String reason, Duration elapsed) throws SQLException {
            if (RunState.PHASES.contains(in)) {
                phases.putIfAbsent(in, elapsed);
            }
            end(in, reason);
            return new RunOutcome.Failed(run, in, reason, phases);
        }

        private RunOutcome refuse(RunState in, String reason) throws SQLException {
            store.event(run, in, "refusal", null, reason);
            end(in, "refused: " + reason);
            return new RunOutcome.Refused(run, in, reason, denials(), phases);
        }

        /** Ends the run in {@code in} without a push: failed, or — for a revision — back to its open pull request. */
        private void end(RunState in, String reason) throws SQLException {
            if (revision > 0) {
                store.transition(run, RunState.REVISING, RunState.PR_OPENED, "revision " + revision
                        + " pushed nothing: " + reason);
            } else {
                store.transition(run, owner, in, RunState.FAILED, reason);
            }
        }

        /** Every denial recorded for the run, from every coding attempt (an abandoned attempt's denials happened). */
        private List<String> denials() throws SQLException {
            return store.events(run).stream().filter(e -> "denial".equals(e.kind())).map(RunEvent::message).toList();
        }

        private RoleResult runRole(Role role, List<String> args, Map<String, String> env,
                                   java.util.function.Consumer<Process> started) throws IOException, SQLException {
            long start = System.nanoTime();
            Process p = tracked.start(role, args, env);
            RoleOutput output = new RoleOutput(p);
            started.accept(p);
            try {
                return LocalRun.this.await(role, p, output, start);
            } finally {
                roles.forget(p.pid());
            }
        }
    }

    private List<String> gitArgs(List<String> verb, Path cache, List<String> rest) {
        List<String> args = new ArrayList<>(verb);
        args.addAll(List.of("--remote", repo, "--cache", cache.toString()));
        args.addAll(gitCredentialArgs);
        if (tokenInEnvironment()) {
            args.addAll(List.of("--token-env", GIT_TOKEN_VARIABLE));
        }
        args.addAll(rest);
        return args;
    }

    private Map<String, String> gitEnv() {
        return tokenInEnvironment() ? Map.of(GIT_TOKEN_VARIABLE, gitToken) : Map.of();
    }

    /**
     * A credential the git role reads itself (its token file or App key, named in {@code gitCredentialArgs}) wins: the
     * token from the orchestrator's environment would otherwise reach the role too, which refuses two credentials.
     */
    private boolean tokenInEnvironment() {
        return gitToken != null && gitCredentialArgs.isEmpty();
    }

    private static Manifest manifestOf(InputStream snapshot) throws IOException, SnapshotException {
        try (InputStream in = snapshot) {
            return SnapshotReader.create().read(in, SnapshotSink.discarding()).manifest();
        }
    }

    private RoleResult await(Role role, Process p, RoleOutput output, long start) throws IOException {
        // The agent role lives as long as its wall-time budget allows (plus unpacking and uploading).
        Duration limit = role == Role.AGENT && budgets.wallTime().plusMinutes(2).compareTo(roleTimeout) > 0
                ? budgets.wallTime().plusMinutes(2) : roleTimeout;
        try {
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                ProcessTree.kill(p);
                p.waitFor();
                return new RoleResult(role, -1, output.stdout(), output.stderr() + "\n" + role.label() + " role timed out after "
                        + limit, Duration.ofNanos(System.nanoTime() - start));
            }
        } catch (InterruptedException e) {
            ProcessTree.kill(p);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the " + role.label() + " role ran", e);
        }
        return new RoleResult(role, p.exitValue(), output.stdout(), output.stderr(),
                Duration.ofNanos(System.nanoTime() - start));
    }

    private static Duration parseMillis(String v) {
        try {
            return v == null ? Duration.ZERO : Duration.ofMillis(Long.parseLong(v));
        } catch (NumberFormatException e) {
            return Duration.ZERO;
        }
    }

    static String newRunId() {
        String time = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
        byte[] r = new byte[3];
        new java.security.SecureRandom().nextBytes(r);
        return time + "-" + HexFormat.of().formatHex(r);
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
