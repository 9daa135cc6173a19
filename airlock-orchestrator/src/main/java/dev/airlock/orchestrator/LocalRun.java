package dev.airlock.orchestrator;

import dev.airlock.drop.s3.DropSigner;
import dev.airlock.drop.s3.S3ObjectStore;
import dev.airlock.drop.snapshot.Manifest;
import dev.airlock.drop.snapshot.SnapshotException;
import dev.airlock.drop.snapshot.SnapshotReader;
import dev.airlock.drop.snapshot.SnapshotSink;
import dev.airlock.drop.store.DropKeys;
import dev.airlock.drop.transfer.PresignedUrl;
import java.io.ByteArrayOutputStream;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One run on the local runtime: export (git role) → code (agent role, sandboxed) → validate and publish (git role),
 * each role a separate process with only its own credentials, everything moving through the dead drop.
 *
 * <p>The orchestrator itself holds the drop's keys (to presign and to hash what the agent uploaded) and nothing
 * else. The output id it records is computed here from the stored object, not taken from the agent's word, and the
 * git role refuses any archive that does not hash to it (chain of custody). Every failure is recorded with its
 * reason and nothing is pushed unless the git role accepted the output.
 */
public final class LocalRun {
    public static final String GIT_TOKEN_VARIABLE = "AIRLOCK_GIT_TOKEN";
    public static final String INPUT_URL_VARIABLE = "AIRLOCK_INPUT_URL";
    public static final String OUTPUT_URL_VARIABLE = "AIRLOCK_OUTPUT_URL";
    public static final String HISTORY_URL_VARIABLE = "AIRLOCK_HISTORY_URL";
    private static final Duration URL_EXPIRY = Duration.ofMinutes(60);
    private static final int MAX_ROLE_OUTPUT = 1 << 20;

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
    private Budgets budgets = Budgets.DEFAULT;
    private Path sandboxPolicy;
    private List<String> gitCredentialArgs = List.of();
    private String revisedRun;
    private String revisedBranch;
    private int phase;
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

    /**
     * Arguments telling the git role where to get its own credential — {@code --token-file FILE} or {@code --app-id N
     * --app-key FILE …} — names and paths only: the git role reads the secret itself, so it never passes through this
     * process or its environment.
     */
    public LocalRun gitCredentialArgs(List<String> v) {
        gitCredentialArgs = List.copyOf(v);
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
        this.phase = phase;
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

    public RunOutcome call() throws IOException, SQLException {
        if (repo == null || task == null || agent == null) {
            throw new IllegalStateException("repo, task and agent are required");
        }
        boolean revising = revisedRun != null;
        String run = revising ? revisedRun : newRunId();
        String taskHash = sha256(task.getBytes(StandardCharsets.UTF_8));
        if (revising) {
            store.transition(run, RunState.PR_OPENED, RunState.REVISING, "revision " + phase);
            store.event(run, RunState.REVISING, "task", null, "revision " + phase + " task sha256 " + taskHash);
        } else {
            store.create(run, repo, ref, agent, taskHash);
        }
        Map<RunState, Duration> phases = new LinkedHashMap<>();
        Path runDir = dataDir.resolve("runs").resolve(run);
        Files.createDirectories(runDir);
        Path cache = dataDir.resolve("git-cache").resolve(sha256(repo.getBytes(StandardCharsets.UTF_8)).substring(0, 16));
        String branch = revising ? revisedBranch : branchPrefix + run;
        String phaseNo = Integer.toString(phase);

        // Exporting: the git role fetches and uploads the input snapshot.
        enter(run, RunState.QUEUED, RunState.EXPORTING);
        List<String> exportArgs = new ArrayList<>(List.of("--ref", revising ? branch : ref, "--run", run, "--phase",
                phaseNo));
        if (historyDepth > 0) {
            exportArgs.add("--history=" + historyDepth);
        }
        RoleResult export = runRole(Role.GIT, gitArgs(List.of("git", "export"), cache, exportArgs), gitEnv());
        String base = export.field("commit");
        if (export.exitCode() != 0 || base == null) {
            return fail(run, RunState.EXPORTING, "export failed: " + export.reason(), phases, export);
        }
        store.record(run, RunStore.Field.BASE_COMMIT, base);
        store.record(run, RunStore.Field.INPUT_ID, export.field("snapshot"));
        // The history bundle's hash, as the git role computed it over what it uploaded; the agent checks it.
        String history = historyDepth > 0 ? export.field("history") : null;
        if (historyDepth > 0 && history == null) {
            return fail(run, RunState.EXPORTING, "export wrote no history bundle: " + export.reason(), phases, export);
        }
        if (history != null) {
            history = history.split(" ", 2)[0];
            store.event(run, RunState.EXPORTING, "history", null, "sha256 " + history);
        }
        finish(run, RunState.EXPORTING, phases, export.elapsed(), "commit " + base.substring(0, 12));

        // Coding: the agent role gets two presigned URLs and the task file, nothing else.
        enter(run, RunState.EXPORTING, RunState.CODING);
        long codingStart = System.nanoTime();
        Path taskFile = runDir.resolve(revising ? "task-" + phase + ".md" : "task.md");
        Files.writeString(taskFile, task, StandardCharsets.UTF_8);
        Map<String, String> agentEnv = new LinkedHashMap<>();
        try (DropSigner signer = DropSigner.open(drop.settings())) {
            PresignedUrl in = signer.get(DropKeys.input(run, phase), URL_EXPIRY);
            PresignedUrl out = signer.put(DropKeys.output(run, phase), URL_EXPIRY);
            agentEnv.put(INPUT_URL_VARIABLE, in.uri().toString());
            agentEnv.put(OUTPUT_URL_VARIABLE, out.uri().toString());
            if (history != null) {
                agentEnv.put(HISTORY_URL_VARIABLE, signer.get(DropKeys.history(run, phase), URL_EXPIRY).uri().toString());
            }
        }
        List<String> agentArgs = new ArrayList<>(List.of("agent", "run", "--task-file", taskFile.toString(),
                "--agent", agent, "--work-dir", runDir.resolve(revising ? "agent-" + phase : "agent").toString(),
                // The sandbox's own limit is a backstop; the budget watch below stops the agent at the budget.
                "--timeout", budgets.wallTime().plusSeconds(30).toString()));
        if (sandboxPolicy != null) {
            agentArgs.addAll(List.of("--sandbox-policy", sandboxPolicy.toString()));
        }
        if (!attachments.isEmpty()) {
            Path dir = runDir.resolve("attachments-" + phase);
            for (Map.Entry<String, String> a : attachments.entrySet()) {
                Path file = dir.resolve(a.getKey()).normalize();
                if (!file.startsWith(dir) || file.equals(dir) || a.getKey().contains("\0")) {
                    throw new IllegalArgumentException("attachment name " + a.getKey() + " leaves its directory");
                }
                Files.createDirectories(file.getParent());
                Files.writeString(file, a.getValue(), StandardCharsets.UTF_8);
            }
            agentArgs.addAll(List.of("--attachments", dir.toString()));
        }
        if (history != null) {
            agentArgs.addAll(List.of("--history-sha256", history));
        }
        GuardRole guard = null;
        if (guarded) {
            try {
                guard = GuardRole.start(launcher, runDir, dataDir.resolve("guard-ca"), guardPolicy, llmKeys,
                        budgets.tokens());
            } catch (IOException e) {
                phases.put(RunState.CODING, Duration.ofNanos(System.nanoTime() - codingStart));
                end(run, RunState.CODING, e.getMessage());
                return new RunOutcome.Failed(run, RunState.CODING, e.getMessage(), phases);
            }
            agentArgs.addAll(List.of("--guard-control", guard.control().toString(),
                    "--guard-ca", guard.caCertificate().toString()));
        }
        RoleResult coding;
        List<String> guardDenials = List.of();
        BudgetWatch watch = new BudgetWatch(budgets, guard == null ? null : guard::usage);
        try {
            coding = runRole(Role.AGENT, agentArgs, agentEnv, watch::watch);
        } finally {
            watch.close();
            if (guard != null) {
                guardDenials = guard.stop();
            }
        }
        BudgetUsage used = watch.used();
        store.recordBudget(run, used);
        store.event(run, RunState.CODING, "budget", used.wallTime().toMillis(), used.describe());
        // The agent's own output (bounded) stays on disk for `airlock show`; it may quote the task, never a credential
        // (the worker holds none).
        Files.writeString(runDir.resolve("agent.log"), coding.stderr(), StandardCharsets.UTF_8);
        List<String> denials = new ArrayList<>(coding.stdout().lines().filter(l -> l.startsWith("denial "))
                .map(l -> l.substring("denial ".length())).toList());
        // The guard's denials come from the guard process itself, not from the agent's word.
        guardDenials.forEach(d -> denials.add("egress guard: " + d));
        for (String d : denials) {
            store.event(run, RunState.CODING, "denial", null, d);
        }
        if (used.exceeded() != null) {
            return fail(run, RunState.CODING, "budget exceeded: " + used.exceeded() + " (" + used.describe() + ")",
                    phases, coding);
        }
        if (coding.exitCode() != 0) {
            return fail(run, RunState.CODING, "agent worker failed: " + coding.reason(), phases, coding);
        }
        String agentExit = coding.field("exit");
        if (!"0".equals(agentExit)) {
            return fail(run, RunState.CODING, "the agent exited with status " + agentExit, phases, coding);
        }
        Manifest inputManifest;
        Manifest outputManifest;
        try (S3ObjectStore objects = S3ObjectStore.open(drop.settings())) {
            inputManifest = manifestOf(objects, DropKeys.input(run, phase));
            // The worker packs its output as a delta against its input: files it did not change are listed by hash
            // only, and may only name content the input holds.
            java.util.Set<String> inputHashes = new java.util.HashSet<>();
            inputManifest.entries().forEach(e -> inputHashes.add(e.sha256()));
            try (InputStream in = objects.get(DropKeys.output(run, phase))) {
                outputManifest = SnapshotReader.create().base(inputManifest, inputHashes::contains)
                        .read(in, SnapshotSink.discarding()).manifest();
            }
        } catch (SnapshotException e) {
            return refuse(run, RunState.CODING, "output snapshot refused: " + e.getMessage(), denials, phases);
        }
        String outputId = outputManifest.id();
        store.record(run, RunStore.Field.OUTPUT_ID, outputId);
        ChangeSummary changes = ChangeSummary.between(inputManifest, outputManifest);
        Duration agentTime = parseMillis(coding.field("agent-millis"));
        finish(run, RunState.CODING, phases, Duration.ofNanos(System.nanoTime() - codingStart),
                changes.describe() + ", agent " + agentTime.toMillis() + " ms");
        if (changes.empty()) {
            return fail(run, RunState.CODING, "the agent changed nothing", phases, coding);
        }

        // Publishing: the git role validates the output against the recorded id and pushes the branch.
        enter(run, RunState.CODING, RunState.PUBLISHING);
        RoleResult publish = runRole(Role.GIT, gitArgs(List.of("git", "publish"), cache,
                List.of("--base", base, "--expected-output-id", outputId, "--run", run, "--phase", phaseNo,
                        "--branch", branch, "--message", "Airlock run " + run
                                + (revising ? ", revision " + phase : ""))), gitEnv());
        if (publish.exitCode() == 1 && publish.stderr().contains("rejected:")
                || publish.exitCode() == 3) {
            phases.put(RunState.PUBLISHING, publish.elapsed());
            return refuse(run, RunState.PUBLISHING, publish.reason(), denials, phases);
        }
        String pushed = publish.field("pushed");
        if (publish.exitCode() != 0 || pushed == null) {
            return fail(run, RunState.PUBLISHING, "publish failed: " + publish.reason(), phases, publish);
        }
        String commit = pushed.split(" ", 2)[0];
        store.record(run, RunStore.Field.BRANCH, branch);
        finish(run, RunState.PUBLISHING, phases, publish.elapsed(), "pushed " + branch);
        if (revising) {
            store.transition(run, RunState.REVISING, RunState.PR_OPENED, "revision " + phase + " pushed " + commit);
        } else {
            store.transition(run, RunState.PUBLISHING, RunState.DONE, null);
        }
        return new RunOutcome.Published(run, branch, commit, changes, denials, phases, agentTime);
    }

    private List<String> gitArgs(List<String> verb, Path cache, List<String> rest) {
        List<String> args = new ArrayList<>(verb);
        args.addAll(List.of("--remote", repo, "--cache", cache.toString(),
                "--drop-endpoint", drop.endpoint().toString(), "--drop-credentials", drop.credentials().toString()));
        if (gitToken != null) {
            args.addAll(List.of("--token-env", GIT_TOKEN_VARIABLE));
        }
        args.addAll(gitCredentialArgs);
        args.addAll(rest);
        return args;
    }

    private Map<String, String> gitEnv() {
        return gitToken == null ? Map.of() : Map.of(GIT_TOKEN_VARIABLE, gitToken);
    }

    private void enter(String run, RunState from, RunState to) throws SQLException {
        if (revisedRun == null) {
            store.transition(run, from, to, null);
        } else {
            // A revision's phases run while the run stays `revising`; each is still an event of its own.
            store.event(run, RunState.REVISING, "state", null, to.label() + " (revision " + phase + ")");
        }
        listener.phaseStarted(run, to);
    }

    /** Ends the run in {@code phase} without a push: failed, or — for a revision — back to its open pull request. */
    private void end(String run, RunState phase, String reason) throws SQLException {
        if (revisedRun == null) {
            store.transition(run, phase, RunState.FAILED, reason);
        } else {
            store.transition(run, RunState.REVISING, RunState.PR_OPENED, "revision " + this.phase + " pushed "
                    + "nothing: " + reason);
        }
    }

    private void finish(String run, RunState phase, Map<RunState, Duration> phases, Duration elapsed, String detail)
            throws SQLException {
        phases.put(phase, elapsed);
        store.event(run, phase, "phase", elapsed.toMillis(), detail);
        listener.phaseFinished(run, phase, elapsed, detail);
    }

    private RunOutcome fail(String run, RunState phase, String reason, Map<RunState, Duration> phases, RoleResult role)
            throws SQLException {
        phases.putIfAbsent(phase, role.elapsed());
        end(run, phase, reason);
        return new RunOutcome.Failed(run, phase, reason, phases);
    }

    private RunOutcome refuse(String run, RunState phase, String reason, List<String> denials,
                              Map<RunState, Duration> phases) throws SQLException {
        store.event(run, phase, "refusal", null, reason);
        end(run, phase, "refused: " + reason);
        return new RunOutcome.Refused(run, phase, reason, denials, phases);
    }

    private static Manifest manifestOf(S3ObjectStore objects, String key) throws IOException, SnapshotException {
        try (InputStream in = objects.get(key)) {
            return SnapshotReader.create().read(in, SnapshotSink.discarding()).manifest();
        }
    }

    private RoleResult runRole(Role role, List<String> args, Map<String, String> env) throws IOException {
        return runRole(role, args, env, p -> { });
    }

    private RoleResult runRole(Role role, List<String> args, Map<String, String> env,
                               java.util.function.Consumer<Process> started) throws IOException {
        long start = System.nanoTime();
        Process p = launcher.start(role, args, env);
        started.accept(p);
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> drain(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()));
        // The agent role lives as long as its wall-time budget allows (plus unpacking and uploading).
        Duration limit = role == Role.AGENT && budgets.wallTime().plusMinutes(2).compareTo(roleTimeout) > 0
                ? budgets.wallTime().plusMinutes(2) : roleTimeout;
        try {
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor();
                return new RoleResult(role, -1, out.join(), err.join() + "\n" + role.label() + " role timed out after "
                        + limit, Duration.ofNanos(System.nanoTime() - start));
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the " + role.label() + " role ran", e);
        }
        return new RoleResult(role, p.exitValue(), out.join(), err.join(), Duration.ofNanos(System.nanoTime() - start));
    }

    /** Reads all of a role's stream, keeping at most {@value #MAX_ROLE_OUTPUT} bytes. */
    private static String drain(InputStream in) {
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buf)) > 0) {
                int room = MAX_ROLE_OUTPUT - kept.size();
                if (room > 0) {
                    kept.write(buf, 0, Math.min(room, n));
                }
            }
        } catch (IOException ignored) {
            // the process ended; what we have is what it said
        }
        return kept.toString(StandardCharsets.UTF_8);
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
