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
import java.util.Optional;
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
    private RunOwner owner = RunOwner.current();

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

    public LocalRun listener(RunListener v) {
        listener = Objects.requireNonNull(v);
        return this;
    }

    /** Starts a new run and drives it to its end. */
    public RunOutcome call() throws IOException, SQLException {
        if (repo == null || task == null || agent == null) {
            throw new IllegalStateException("repo, task and agent are required");
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
        return new Drive(run).from(store.get(run).orElseThrow());
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
        repo = r.repo();
        ref = r.ref();
        agent = r.agent();
        guardPolicy = r.guardPolicy() == null ? null : Path.of(r.guardPolicy());
        Path taskFile = dataDir.resolve("runs").resolve(run).resolve("task.md");
        Drive drive = new Drive(run);
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
        private final Map<RunState, Duration> phases = new LinkedHashMap<>();
        private final RoleProcesses roles;
        private final RoleLauncher tracked;
        private RunState phase = RunState.QUEUED;
        private ChangeSummary changes;
        private Duration agentTime = Duration.ZERO;

        Drive(String run) {
            this.run = run;
            this.runDir = dataDir.resolve("runs").resolve(run);
            this.cache = dataDir.resolve("git-cache").resolve(sha256(repo.getBytes(StandardCharsets.UTF_8)).substring(0, 16));
            this.branch = branchPrefix + run;
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
            }
        }

        private RunOutcome drive(RunRecord r) throws IOException, SQLException {
            phase = r.state();
            if (phase == RunState.QUEUED) {
                enter(RunState.QUEUED, RunState.EXPORTING);
            }
            if (phase == RunState.EXPORTING) {
                if (r.baseCommit() == null || r.inputId() == null) {
                    RunOutcome stopped = export();
                    if (stopped != null) {
                        return stopped;
                    }
                }
                enter(RunState.EXPORTING, RunState.CODING);
            }
            r = store.get(run).orElseThrow();
            if (phase == RunState.CODING) {
                RunOutcome stopped = r.outputId() == null ? code() : readOutput(r.outputId());
                if (stopped != null) {
                    return stopped;
                }
                if (changes.empty()) {
                    return fail(RunState.CODING, "the agent changed nothing");
                }
                if (r.commitTime() == null) {
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
            RoleResult export = runRole(Role.GIT, gitArgs(List.of("git", "export"), cache,
                    List.of("--ref", ref, "--run", run, "--phase", "0")), gitEnv());
            String base = export.field("commit");
            String snapshot = export.field("snapshot");
            if (export.exitCode() != 0 || base == null || snapshot == null) {
                return fail(RunState.EXPORTING, "export failed: " + export.reason(), export.elapsed());
            }
            store.record(run, RunStore.Field.BASE_COMMIT, base);
            store.record(run, RunStore.Field.INPUT_ID, snapshot);
            finish(RunState.EXPORTING, export.elapsed(), "commit " + base.substring(0, 12));
            return null;
        }

        /** Coding: the agent role gets two presigned URLs and the task file, nothing else. */
        private RunOutcome code() throws IOException, SQLException {
            long codingStart = System.nanoTime();
            Path taskFile = runDir.resolve("task.md");
            Map<String, String> agentEnv = new LinkedHashMap<>();
            try (DropSigner signer = DropSigner.open(drop.settings())) {
                PresignedUrl in = signer.get(DropKeys.input(run, 0), URL_EXPIRY);
                PresignedUrl out = signer.put(DropKeys.output(run, 0), URL_EXPIRY);
                agentEnv.put(INPUT_URL_VARIABLE, in.uri().toString());
                agentEnv.put(OUTPUT_URL_VARIABLE, out.uri().toString());
            }
            List<String> agentArgs = new ArrayList<>(List.of("agent", "run", "--task-file", taskFile.toString(),
                    "--agent", agent, "--work-dir", freshWorkDir().toString()));
            GuardRole guard = null;
            if (guarded) {
                try {
                    guard = GuardRole.start(tracked, runDir, dataDir.resolve("guard-ca"), guardPolicy, llmKeys);
                } catch (IOException e) {
                    return fail(RunState.CODING, e.getMessage(), Duration.ofNanos(System.nanoTime() - codingStart));
                }
                agentArgs.addAll(List.of("--guard-control", guard.control().toString(),
                        "--guard-ca", guard.caCertificate().toString()));
            }
            RoleResult coding;
            List<String> guardDenials = List.of();
            String guardFailure = null;
            try {
                coding = runRole(Role.AGENT, agentArgs, agentEnv);
            } finally {
                if (guard != null) {
                    try {
                        guardDenials = guard.stop();
                    } catch (IOException e) {
                        guardFailure = e.getMessage();
                    }
                    roles.forget(guard.pid());
                }
            }
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

        /**
         * Reads the stored output against the stored input, computing its id here (chain of custody: not the agent's
         * word). With {@code expectedId}, the output must be the one already recorded; without, its id is recorded.
         */
        private RunOutcome readOutput(String expectedId) throws SQLException {
            Manifest inputManifest;
            Manifest outputManifest;
            try (S3ObjectStore objects = S3ObjectStore.open(drop.settings())) {
                inputManifest = manifestOf(objects, DropKeys.input(run, 0));
                // The worker packs its output as a delta against its input: files it did not change are listed by
                // hash only, and may only name content the input holds.
                java.util.Set<String> inputHashes = new java.util.HashSet<>();
                inputManifest.entries().forEach(e -> inputHashes.add(e.sha256()));
                try (InputStream in = objects.get(DropKeys.output(run, 0))) {
                    outputManifest = SnapshotReader.create().base(inputManifest.id(), inputHashes::contains)
                            .read(in, SnapshotSink.discarding()).manifest();
                }
            } catch (SnapshotException e) {
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
            List<String> args = gitArgs(List.of("git", "publish"), cache,
                    List.of("--base", r.baseCommit(), "--expected-output-id", r.outputId(), "--run", run,
                            "--phase", "0", "--branch", branch, "--message", "Airlock run " + run,
                            "--commit-time", Long.toString(r.commitTime())));
            RoleResult publish = runRole(Role.GIT, args, gitEnv());
            if (publish.exitCode() > 128) {
                // Killed by a signal: its push may or may not have reached the remote. Publishing again makes the
                // identical commit, so once more settles it either way instead of failing with a branch maybe there.
                store.event(run, RunState.PUBLISHING, "retry", publish.elapsed().toMillis(),
                        "git role killed by signal " + (publish.exitCode() - 128) + "; publishing again");
                publish = runRole(Role.GIT, args, gitEnv());
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
            store.transition(run, owner, RunState.PUBLISHING, RunState.DONE, null);
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

        private void enter(RunState from, RunState to) throws SQLException {
            store.transition(run, owner, from, to, null);
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
            store.transition(run, owner, in, RunState.FAILED, reason);
            return new RunOutcome.Failed(run, in, reason, phases);
        }

        private RunOutcome refuse(RunState in, String reason) throws SQLException {
            store.event(run, in, "refusal", null, reason);
            store.transition(run, owner, in, RunState.FAILED, "refused: " + reason);
            return new RunOutcome.Refused(run, in, reason, denials(), phases);
        }

        /** Every denial recorded for the run, from every coding attempt (an abandoned attempt's denials happened). */
        private List<String> denials() throws SQLException {
            return store.events(run).stream().filter(e -> "denial".equals(e.kind())).map(RunEvent::message).toList();
        }

        private RoleResult runRole(Role role, List<String> args, Map<String, String> env) throws IOException, SQLException {
            long start = System.nanoTime();
            Process p = tracked.start(role, args, env);
            try {
                return LocalRun.this.await(role, p, start);
            } finally {
                roles.forget(p.pid());
            }
        }
    }

    private List<String> gitArgs(List<String> verb, Path cache, List<String> rest) {
        List<String> args = new ArrayList<>(verb);
        args.addAll(List.of("--remote", repo, "--cache", cache.toString(),
                "--drop-endpoint", drop.endpoint().toString(), "--drop-credentials", drop.credentials().toString()));
        if (gitToken != null) {
            args.addAll(List.of("--token-env", GIT_TOKEN_VARIABLE));
        }
        args.addAll(rest);
        return args;
    }

    private Map<String, String> gitEnv() {
        return gitToken == null ? Map.of() : Map.of(GIT_TOKEN_VARIABLE, gitToken);
    }

    private static Manifest manifestOf(S3ObjectStore objects, String key) throws IOException, SnapshotException {
        try (InputStream in = objects.get(key)) {
            return SnapshotReader.create().read(in, SnapshotSink.discarding()).manifest();
        }
    }

    private RoleResult await(Role role, Process p, long start) throws IOException {
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> drain(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()));
        try {
            if (!p.waitFor(roleTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor();
                return new RoleResult(role, -1, out.join(), err.join() + "\n" + role.label() + " role timed out after "
                        + roleTimeout, Duration.ofNanos(System.nanoTime() - start));
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
