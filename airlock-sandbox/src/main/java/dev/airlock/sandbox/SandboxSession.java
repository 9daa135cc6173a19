package dev.airlock.sandbox;

import static dev.airlock.sandbox.SupervisorChannel.text;
import static dev.airlock.sandbox.SupervisorChannel.utf8;

import dev.airlock.core.SessionId;
import dev.airlock.core.event.DenialEvent;
import dev.airlock.core.event.DenialKind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * One agent session's isolation context: a single bubblewrap sandbox (user, pid, mount, network, ipc, uts and cgroup
 * namespaces; new session; dies with the JVM) holding a native supervisor that runs every call and every file tool
 * inside the boundary. Built once by {@link #open}, so a call costs a fork/exec inside plus one pipe round trip.
 *
 * <p>Calls are serialised: a session is one agent's tool loop. Every method may throw {@link SandboxException} when
 * the sandbox has died (a resource limit, a killed supervisor); the session is then closed and must be reopened.
 */
public final class SandboxSession implements AutoCloseable {
    static final String HOME = "/home/agent";
    static final int SANDBOX_UID = 1000;
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "airlock-sandbox-watchdog");
        t.setDaemon(true);
        return t;
    });

    private final SessionId id;
    private final SandboxPolicy policy;
    private final Path workspace;
    private final Process process;
    private final SupervisorChannel channel;
    private final CgroupLimits cgroups;
    private final Path sessionDir;
    private final List<Path> placeholders;
    private final SessionEventLog log;
    private final CapabilityGrants grants;
    private final GrantDecider decider;
    private final GuardEndpoint guard;
    private final Canaries canaries;
    private final java.util.concurrent.ConcurrentLinkedQueue<DenialEvent> external = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicInteger externalPending = new java.util.concurrent.atomic.AtomicInteger();
    private final int landlockAbi;
    private final Clock clock = Clock.systemUTC();
    private final AtomicLong calls = new AtomicLong();
    private final ByteArrayOutputStream bwrapStderr;
    private volatile boolean closed;
    private Duration extraTime = Duration.ZERO;
    /** The fs:write directories the supervisor currently lets calls write (empty: calls get no extra work). */
    private List<String> fsGranted = List.of();

    private SandboxSession(Builder b, Process process, SupervisorChannel channel, CgroupLimits cgroups, Path sessionDir,
                           List<Path> placeholders, int landlockAbi, ByteArrayOutputStream bwrapStderr) {
        this.id = b.id;
        this.policy = b.policy;
        this.workspace = b.workspace;
        this.process = process;
        this.channel = channel;
        this.cgroups = cgroups;
        this.sessionDir = sessionDir;
        this.placeholders = placeholders;
        this.log = b.log;
        this.grants = new CapabilityGrants(log, clock);
        this.decider = b.decider;
        this.guard = b.guard;
        this.canaries = b.canaries;
        this.landlockAbi = landlockAbi;
        this.bwrapStderr = bwrapStderr;
    }

    /** Opens a session with the default id, event log and grant decider. */
    public static SandboxSession open(SandboxPolicy policy, Path workspace) throws SandboxException {
        return builder(policy, workspace).open();
    }

    public static Builder builder(SandboxPolicy policy, Path workspace) {
        return new Builder(policy, workspace);
    }

    /** Options for {@link #open}; single use. */
    public static final class Builder {
        private final SandboxPolicy policy;
        private final Path workspace;
        private SessionId id = SessionId.random();
        private SessionEventLog log = new SessionEventLog();
        private GrantDecider decider = GrantDecider.REFUSE_ALL;
        private GuardEndpoint guard;
        private final Canaries canaries;

        private Builder(SandboxPolicy policy, Path workspace) {
            this.policy = Objects.requireNonNull(policy, "policy");
            this.workspace = Objects.requireNonNull(workspace, "workspace");
            this.canaries = policy.canaries() ? Canaries.generate() : Canaries.none();
        }

        /**
         * The canary values this session will plant (name → value), known before it opens so they can be registered
         * with the egress guard as known secrets first. Print only with Redaction.redact.
         */
        public Map<String, String> canaries() { return canaries.values(); }

        public SessionId id() { return id; }

        public Builder id(SessionId v) { id = Objects.requireNonNull(v); return this; }
        public Builder eventLog(SessionEventLog v) { log = Objects.requireNonNull(v); return this; }
        public Builder grantDecider(GrantDecider v) { decider = Objects.requireNonNull(v); return this; }
        /** Connects the session to the egress guard; without it the sandbox has only loopback. */
        public Builder guard(GuardEndpoint v) { guard = Objects.requireNonNull(v); return this; }

        public SandboxSession open() throws SandboxException {
            return SandboxSession.start(this);
        }
    }

    private static SandboxSession start(Builder b) throws SandboxException {
        Path ws;
        try {
            ws = b.workspace.toRealPath();
        } catch (IOException e) {
            throw new SandboxException("workspace " + b.workspace + " does not exist or is not accessible: " + e.getMessage(), e);
        }
        if (!Files.isDirectory(ws)) {
            throw new SandboxException("workspace " + ws + " is not a directory");
        }
        Path bwrap = HostChecks.findBwrap(b.policy.bwrap());
        HostChecks.requireUserNamespaces();
        HostChecks.requireSeccomp();
        Path supervisor = SupervisorBinary.get();

        List<Path> placeholders = new ArrayList<>();
        Path sessionDir = null;
        CgroupLimits cgroups = null;
        Process process = null;
        try {
            sessionDir = Files.createTempDirectory("airlock-sandbox-" + b.id.value() + "-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            // Every path of the sandbox is world-readable to the sandbox user; the directory itself is 0700 on the host.
            Files.setPosixFilePermissions(sessionDir, PosixFilePermissions.fromString("rwx--x--x"));
            Path seccomp = sessionDir.resolve("seccomp.bpf");
            boolean notify = b.policy.seccompNotify();
            Files.write(seccomp, notify ? SeccompProgram.baseline() : SeccompProgram.build());
            if (notify) {
                Files.write(sessionDir.resolve("seccomp-notify.bpf"), SeccompProgram.buildNotifying());
            }
            if (b.guard != null) {
                GuardTrustStore.write(b.guard.caCertificate(), sessionDir.resolve("guard-truststore.p12"));
            }
            for (Map.Entry<String, String> e : syntheticEtc().entrySet()) {
                Files.writeString(sessionDir.resolve(e.getKey()), e.getValue());
            }
            for (String rel : b.policy.protectedPaths()) {
                WorkspacePaths.checkNoSymlinks(ws, rel);
                Path p = ws.resolve(rel);
                if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                    // A missing protected path gets an empty placeholder so it can be mounted read-only: otherwise the
                    // agent could create it (a fresh .git with hooks). Removed at close if still empty.
                    List<Path> created = new ArrayList<>();
                    for (Path q = p; !q.equals(ws) && !Files.exists(q, LinkOption.NOFOLLOW_LINKS); q = q.getParent()) {
                        created.addFirst(q);
                    }
                    Files.createDirectories(p);
                    placeholders.addAll(created); // parents first; removed in reverse at close
                }
            }
            for (String g : b.policy.writableOnGrant()) {
                if (!Files.isDirectory(Path.of(g))) {
                    throw new SandboxUnavailableException("writableOnGrant directory " + g
                            + " does not exist on the host; create it or remove it from the policy");
                }
            }
            cgroups = CgroupLimits.create(b.id.value(), b.policy);

            List<String> argv = new ArrayList<>();
            argv.add(supervisor.toString());
            argv.add("launch");
            argv.add(seccomp.toString());
            List<String> procs = cgroups == null ? List.of() : cgroups.procsFiles();
            argv.add(Integer.toString(procs.size()));
            argv.addAll(procs);
            argv.add("--");
            argv.add(bwrap.toString());
            argv.addAll(BwrapArguments.build(b.policy, ws, sessionDir, supervisor, b.guard));
            ProcessBuilder pb = new ProcessBuilder(argv);
            pb.environment().clear(); // the host environment never reaches bwrap, let alone the sandbox
            process = pb.start();
            ByteArrayOutputStream stderr = new ByteArrayOutputStream();
            Process started = process;
            Thread.ofVirtual().name("airlock-sandbox-stderr").start(() -> drainBounded(started.getErrorStream(), stderr));
            SupervisorChannel channel = new SupervisorChannel(process.getOutputStream(), process.getInputStream());
            List<byte[]> hello = awaitHello(process, channel, stderr);
            int abi = Integer.parseInt(text(hello.get(2)));
            if (abi == 0 && b.policy.landlock() == SandboxPolicy.Requirement.REQUIRED) {
                throw new SandboxUnavailableException("Landlock is not available in this kernel (" + text(hello.get(3))
                        + "); enable it (CONFIG_SECURITY_LANDLOCK=y and lsm=landlock,...) or set \"landlock\": \"IF_AVAILABLE\" in the policy");
            }
            if (abi == 0 && !b.policy.writableOnGrant().isEmpty()) {
                throw new SandboxUnavailableException("writableOnGrant needs Landlock, which is not available in this kernel ("
                        + text(hello.get(3)) + "); remove writableOnGrant from the policy or enable Landlock");
            }
            if (b.policy.seccompNotify() && (hello.size() < 7 || !text(hello.get(6)).equals("1"))) {
                throw new SandboxUnavailableException("the supervisor could not install the seccomp filter "
                        + "(SECCOMP_FILTER_FLAG_NEW_LISTENER needs Linux 5.0+); set \"seccompNotify\": false in the policy to let "
                        + "bubblewrap install it without denial events");
            }
            if (b.guard != null && (hello.size() < 6 || !text(hello.get(5)).equals("1"))) {
                throw new SandboxUnavailableException("the egress bridge could not listen on 127.0.0.1:" + b.guard.port()
                        + " inside the sandbox; refusing to run without the guard");
            }
            if (Integer.parseInt(text(hello.get(4))) == 0) {
                throw new SandboxUnavailableException("the sandbox supervisor runs as uid 0; refusing");
            }
            SandboxSession s = new SandboxSession(b, process, channel, cgroups, sessionDir, placeholders, abi, stderr);
            s.log.append(new SessionEvent.Lifecycle(s.clock.instant(), "opened " + b.id + " (landlock ABI " + abi
                    + (cgroups == null ? ", no cgroup limits" : "") + ")"));
            s.plantCanaries();
            return s;
        } catch (IOException | RuntimeException | SandboxException e) {
            if (process != null) {
                process.destroyForcibly();
            }
            if (cgroups != null) {
                cgroups.close();
            }
            deleteQuietly(sessionDir);
            removePlaceholders(placeholders);
            if (e instanceof SandboxException se) {
                throw se;
            }
            throw new SandboxUnavailableException("cannot start the sandbox: " + e.getMessage(), e);
        }
    }

    private static List<byte[]> awaitHello(Process process, SupervisorChannel channel, ByteArrayOutputStream stderr)
            throws SandboxUnavailableException {
        ScheduledFuture<?> guard = WATCHDOG.schedule(process::destroyForcibly, 20, TimeUnit.SECONDS);
        try {
            List<byte[]> hello = channel.receive();
            if (hello.size() < 5 || !text(hello.get(0)).equals("ok")) {
                throw new SandboxUnavailableException("the sandbox supervisor failed to start: "
                        + (hello.size() > 2 ? text(hello.get(2)) : "malformed greeting"));
            }
            return hello;
        } catch (IOException e) {
            try {
                process.waitFor(2, TimeUnit.SECONDS);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
            String why;
            synchronized (stderr) {
                why = stderr.toString().strip();
            }
            throw new SandboxUnavailableException("bubblewrap could not build the sandbox"
                    + (why.isEmpty() ? "" : ": " + why) + HostChecks.hintFor(why), e);
        } finally {
            guard.cancel(false);
        }
    }

    private static void drainBounded(InputStream in, ByteArrayOutputStream sink) {
        byte[] buf = new byte[4096];
        try (in) {
            int n;
            while ((n = in.read(buf)) > 0) {
                synchronized (sink) {
                    if (sink.size() < 16384) {
                        sink.write(buf, 0, Math.min(n, 16384 - sink.size()));
                    }
                }
            }
        } catch (IOException ignored) {
            // the sandbox ended; what was read is kept for the error message
        }
    }

    static Map<String, String> syntheticEtc() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("passwd", "agent:x:" + SANDBOX_UID + ":" + SANDBOX_UID + ":Airlock agent:" + HOME + ":/bin/bash\n"
                + "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n");
        m.put("group", "agent:x:" + SANDBOX_UID + ":\nnogroup:x:65534:\n");
        m.put("hosts", "127.0.0.1 localhost airlock\n::1 localhost ip6-localhost\n");
        // No resolver: names resolve from /etc/hosts only, so no DNS packet is ever built.
        m.put("nsswitch.conf", "passwd: files\ngroup: files\nhosts: files\nnetworks: files\n");
        m.put("resolv.conf", "# no resolver inside an Airlock sandbox; the egress guard resolves names\noptions attempts:1 timeout:1\nnameserver 127.0.0.1\n");
        return m;
    }

    private void plantCanaries() throws SandboxException {
        if (canaries.values().isEmpty()) {
            return;
        }
        ExecResult r = exec(ExecRequest.of("/bin/mkdir", "-p", HOME + "/.aws"));
        if (!r.succeeded()) {
            throw new SandboxException("could not plant canaries: " + r.stderrText());
        }
        for (Map.Entry<String, String> f : canaries.files().entrySet()) {
            writeFile(HOME + "/" + f.getKey(), utf8(f.getValue()));
        }
    }

    // ---------------------------------------------------------------- calls

    /** Runs a command inside the sandbox. */
    public ExecResult exec(List<String> argv, String cwd, Map<String, String> env, byte[] stdin, Duration timeout,
                           int outputLimit) throws SandboxException {
        return exec(new ExecRequest(argv, cwd, env, stdin, timeout, outputLimit));
    }

    public synchronized ExecResult exec(ExecRequest req) throws SandboxException {
        ensureOpen();
        expireFsGrants();
        String call = "c" + calls.incrementAndGet();
        Duration timeout = (req.timeout() == null ? policy.callTimeout() : req.timeout()).plus(extraTime);
        int limit = req.outputLimit() < 0 ? policy.outputLimit() : Math.min(req.outputLimit(), 64 << 20);
        List<byte[]> f = new ArrayList<>();
        f.add(utf8("exec"));
        f.add(utf8(WorkspacePaths.inside(req.cwd() == null ? WorkspacePaths.MOUNT : req.cwd())));
        f.add(utf8(Long.toString(Math.max(1, timeout.toMillis()))));
        f.add(utf8(Integer.toString(limit)));
        f.add(req.stdin());
        f.add(utf8(Integer.toString(req.argv().size())));
        for (String a : req.argv()) {
            f.add(utf8(a));
        }
        for (Map.Entry<String, String> e : environment(req.env()).entrySet()) {
            f.add(utf8(e.getKey() + "=" + e.getValue()));
        }
        CgroupLimits.Snapshot before = cgroups == null ? null : cgroups.snapshot();
        List<byte[]> r = roundTrip(f, timeout.plusSeconds(10));
        if (!text(r.get(0)).equals("ok")) {
            throw new SandboxException("exec failed inside the sandbox: " + text(r.get(2)));
        }
        int exit = Integer.parseInt(text(r.get(1)));
        int signal = Integer.parseInt(text(r.get(2)));
        boolean timedOut = text(r.get(3)).equals("1");
        boolean outTrunc = text(r.get(4)).equals("1");
        boolean errTrunc = text(r.get(5)).equals("1");
        int execErrno = Integer.parseInt(text(r.get(6)));
        Duration wall = Duration.ofNanos(Long.parseLong(text(r.get(7))) * 1000);
        byte[] stdout = r.get(8);
        byte[] stderr = r.get(9);
        List<String> syscallDenials = new ArrayList<>();
        boolean overQuota = false;
        if (r.size() > 10) {
            int n = Integer.parseInt(text(r.get(10)));
            for (int i = 0; i < n && 11 + i < r.size(); i++) {
                syscallDenials.add(text(r.get(11 + i)));
            }
            overQuota = r.size() > 12 + n && text(r.get(12 + n)).equals("1");
        }
        if (execErrno != 0) {
            stderr = utf8("airlock: cannot run " + req.argv().getFirst() + ": " + Errno.describe(execErrno) + "\n");
        }
        List<DenialEvent> denials = DenialClassifier.forExec(id.value(), call, req.argv(), signal, timedOut, timeout,
                outTrunc || errTrunc, limit, stderr, execErrno,
                cgroups == null ? 0 : cgroups.oomKills() - before.oom(),
                cgroups == null ? 0 : cgroups.pidsMaxHits() - before.pidsMax(), clock.instant());
        denials = new ArrayList<>(denials);
        denials.addAll(0, DenialClassifier.forSeccompNotifications(id.value(), call, req.argv(), syscallDenials, clock.instant()));
        if (overQuota) {
            denials.addFirst(new DenialEvent(clock.instant(), id.value(), call, DenialKind.RESOURCE, "write",
                    WorkspacePaths.MOUNT, "workspace quota (" + policy.workspaceQuotaBytes() + " bytes, "
                    + policy.workspaceQuotaInodes() + " files; 0 = none)",
                    "the call was ended; delete what you do not need (a call that does not grow the workspace may run)"));
        }
        for (DenialEvent d : denials) {
            log.append(new SessionEvent.Denied(d));
        }
        // Denials reported from outside (the egress guard) since the previous call: already in the log.
        for (DenialEvent d; (d = external.poll()) != null; ) {
            externalPending.decrementAndGet();
            denials.add(new DenialEvent(d.time(), d.session(), call, d.kind(), d.operation(), d.target(), d.rule(), d.hint()));
        }
        return new ExecResult(call, exit, signal, timedOut, stdout, stderr, outTrunc, errTrunc, wall, denials);
    }

    /**
     * A denial observed outside the sandbox for this session, e.g. by the egress guard: appended to the event log now
     * and returned in the result of the call running now, or of the next call. Never blocks (the guard calls it while
     * a call is in flight). Events for another session are refused; beyond {@value #MAX_EXTERNAL_PENDING} pending
     * events the rest are only logged.
     */
    public void reportDenial(DenialEvent denial) {
        if (!denial.session().equals(id.value())) {
            throw new IllegalArgumentException("denial for session " + denial.session() + " reported to session " + id);
        }
        log.append(new SessionEvent.Denied(denial));
        if (externalPending.incrementAndGet() <= MAX_EXTERNAL_PENDING) {
            external.add(denial);
        } else {
            externalPending.decrementAndGet();
        }
    }

    private static final int MAX_EXTERNAL_PENDING = 64;

    /** Convenience for {@link #exec(ExecRequest)} with the policy's defaults. */
    public ExecResult exec(String... argv) throws SandboxException {
        return exec(ExecRequest.of(argv));
    }

    private Map<String, String> environment(Map<String, String> callEnv) {
        Map<String, String> env = new LinkedHashMap<>(policy.env());
        for (Map.Entry<String, String> e : callEnv.entrySet()) {
            String k = e.getKey();
            if (k.isEmpty() || k.indexOf('=') >= 0 || k.indexOf(0) >= 0 || e.getValue().indexOf(0) >= 0
                    || SandboxPolicy.RESERVED_ENV.contains(k)) {
                throw new IllegalArgumentException("environment variable " + k + " may not be set by a call");
            }
            env.put(k, e.getValue());
        }
        if (guard != null) {
            env.putAll(guard.environment());
        }
        env.put("HOME", HOME);
        env.put("USER", "agent");
        env.put("LOGNAME", "agent");
        env.put("TMPDIR", "/tmp");
        return env;
    }

    /** Reads a file inside the sandbox (paths relative to the workspace), at most {@code maxBytes}. */
    public synchronized byte[] readFile(String path, int maxBytes) throws SandboxException {
        ensureOpen();
        String inside = WorkspacePaths.inside(path);
        List<byte[]> r = fileTool("read", inside, List.of(utf8(inside), utf8(Integer.toString(Math.max(0, maxBytes)))));
        return r.get(2);
    }

    public byte[] readFile(String path) throws SandboxException {
        return readFile(path, policy.outputLimit());
    }

    /** Writes (creates or truncates) a file inside the sandbox, subject to the same mounts and Landlock rules. */
    public synchronized void writeFile(String path, byte[] data) throws SandboxException {
        ensureOpen();
        expireFsGrants();
        String inside = WorkspacePaths.inside(path);
        fileTool("write", inside, List.of(utf8(inside), data, utf8("0")));
    }

    /** Lists a directory inside the sandbox; symlinks are listed, not followed. */
    public synchronized List<DirEntry> listDir(String path) throws SandboxException {
        ensureOpen();
        String inside = WorkspacePaths.inside(path);
        List<byte[]> r = fileTool("list", inside, List.of(utf8(inside)));
        List<DirEntry> out = new ArrayList<>();
        for (int i = 1; i + 2 < r.size(); i += 3) {
            DirEntry.Type t = switch (text(r.get(i + 1))) {
                case "f" -> DirEntry.Type.FILE;
                case "d" -> DirEntry.Type.DIRECTORY;
                case "l" -> DirEntry.Type.SYMLINK;
                default -> DirEntry.Type.OTHER;
            };
            out.add(new DirEntry(text(r.get(i)), t, Long.parseLong(text(r.get(i + 2)))));
        }
        out.sort(Comparator.comparing(DirEntry::name));
        return out;
    }

    /**
     * Applies a unified diff to the workspace with {@code patch -p1} run inside the sandbox, so a patch touching a
     * protected path fails exactly like a write would.
     */
    public ExecResult applyPatch(String unifiedDiff) throws SandboxException {
        return exec(new ExecRequest(List.of("patch", "-p1", "--batch", "--forward", "--no-backup-if-mismatch", "-r", "-"),
                WorkspacePaths.MOUNT, Map.of(), utf8(unifiedDiff), null, -1));
    }

    private List<byte[]> fileTool(String verb, String inside, List<byte[]> args) throws SandboxException {
        String call = "c" + calls.incrementAndGet();
        List<byte[]> f = new ArrayList<>();
        f.add(utf8(verb));
        f.addAll(args);
        List<byte[]> r = roundTrip(f, Duration.ofSeconds(30));
        if (text(r.get(0)).equals("ok")) {
            return r;
        }
        int errno = Integer.parseInt(text(r.get(1)));
        String message = text(r.get(2));
        DenialEvent d = DenialClassifier.forFileTool(id.value(), call, verb, inside, errno, policy, clock.instant());
        if (d != null) {
            log.append(new SessionEvent.Denied(d));
            throw new FileToolDeniedException(verb + " " + inside + ": " + message + "\n" + d.summary(), errno, d);
        }
        throw new FileToolException(verb + " " + inside + ": " + message, errno);
    }

    private List<byte[]> roundTrip(List<byte[]> request, Duration deadline) throws SandboxException {
        ScheduledFuture<?> guard = WATCHDOG.schedule(process::destroyForcibly, deadline.toMillis(), TimeUnit.MILLISECONDS);
        try {
            channel.send(request);
            List<byte[]> r = channel.receive();
            if (r.isEmpty()) {
                throw new IOException("empty reply");
            }
            return r;
        } catch (IOException e) {
            String why = sandboxDeathReason();
            close();
            throw new SandboxException("the sandbox session ended: " + why, e);
        } finally {
            guard.cancel(false);
        }
    }

    private String sandboxDeathReason() {
        if (cgroups != null && cgroups.newOomKills() > 0) {
            log.append(new SessionEvent.Denied(new DenialEvent(clock.instant(), id.value(), null, DenialKind.RESOURCE,
                    "memory", null, "memory limit " + policy.memoryBytes() + " bytes", "the session was killed; use less memory")));
            return "memory limit reached (OOM kill)";
        }
        String err;
        synchronized (bwrapStderr) {
            err = bwrapStderr.toString().strip();
        }
        return err.isEmpty() ? "supervisor exited" : err;
    }

    // ---------------------------------------------------------------- capabilities

    /**
     * The agent asks for a capability. Auto-grant rules of the policy are applied first, then the session's
     * {@link GrantDecider} (outside the sandbox) decides. Every step is an event.
     */
    public synchronized GrantDecider.Decision requestCapability(String name, String reason) throws SandboxException {
        ensureOpen();
        Capability c;
        String why = reason == null ? "" : reason.substring(0, Math.min(reason.length(), 500));
        try {
            c = Capability.parse(name);
        } catch (IllegalArgumentException e) {
            log.append(new SessionEvent.CapabilityRefused(clock.instant(), String.valueOf(name).substring(0,
                    Math.min(String.valueOf(name).length(), 80)), "parser", e.getMessage()));
            return new GrantDecider.Decision.Refuse("parser", e.getMessage());
        }
        log.append(new SessionEvent.CapabilityRequested(clock.instant(), c.name(), why));
        if (c.kind().equals("fs:write") && policy.grantableRoot(c.argument()) == null) {
            String msg = c.argument() + " is not writable-on-grant in this session's policy (writableOnGrant: "
                    + policy.writableOnGrant() + "); the workspace, /tmp and $HOME are writable without a grant";
            log.append(new SessionEvent.CapabilityRefused(clock.instant(), c.name(), "sandbox", msg));
            return new GrantDecider.Decision.Refuse("sandbox", msg);
        }
        GrantDecider.Decision d = null;
        for (String pattern : policy.autoGrants()) {
            if (c.matches(pattern)) {
                d = new GrantDecider.Decision.Grant("policy:" + pattern);
                break;
            }
        }
        if (d == null) {
            d = decider.decide(id.value(), c, why);
        }
        switch (d) {
            case GrantDecider.Decision.Grant g -> {
                grants.grant(c, g.by(), clock.instant().plus(policy.grantTtl()));
                applyGrant(c);
            }
            case GrantDecider.Decision.Refuse r ->
                    log.append(new SessionEvent.CapabilityRefused(clock.instant(), c.name(), r.by(), r.why()));
        }
        return d;
    }

    private void applyGrant(Capability c) throws SandboxException {
        switch (c.kind()) {
            case "exec:background" -> roundTrip(List.of(utf8("background"), utf8("1")), Duration.ofSeconds(10));
            case "budget:time" -> extraTime = extraTime.plusSeconds(Long.parseLong(c.argument().substring(1)));
            case "fs:write" -> syncFsGrants();
            default -> {
                // net:HOST is enforced by the egress guard, which reads grants().active()
            }
        }
    }

    /**
     * Tells the supervisor which writable-on-grant directories calls may write now; it rebuilds the calls' Landlock
     * ruleset, so calls started from here on get exactly these (running processes keep what they started with).
     */
    private void syncFsGrants() throws SandboxException {
        List<String> now = new ArrayList<>();
        for (String name : grants.active()) {
            if (name.startsWith("fs:write:")) {
                now.add(name.substring(9));
            }
        }
        List<byte[]> f = new ArrayList<>();
        f.add(utf8("grants"));
        for (String p : now) {
            f.add(utf8(p));
        }
        List<byte[]> r = roundTrip(f, Duration.ofSeconds(10));
        if (!text(r.get(0)).equals("ok")) {
            throw new SandboxException("the supervisor refused the fs:write grants " + now + ": " + text(r.get(2)));
        }
        fsGranted = now;
    }

    /** Before a call: an fs:write grant that expired since the last call is taken away first. No work without one. */
    private void expireFsGrants() throws SandboxException {
        if (fsGranted.isEmpty()) {
            return;
        }
        for (String p : fsGranted) {
            if (!grants.holds("fs:write:" + p)) {
                syncFsGrants();
                return;
            }
        }
    }

    /** Revokes a grant from outside (operator, orchestrator). */
    public synchronized boolean revokeCapability(String name, String by) throws SandboxException {
        boolean held = grants.revoke(name, by);
        if (held && name.equals("exec:background") && !closed) {
            roundTrip(List.of(utf8("background"), utf8("0")), Duration.ofSeconds(10));
        }
        if (held && name.startsWith("fs:write:") && !closed) {
            syncFsGrants();
        }
        if (held && name.startsWith("budget:time:+")) {
            extraTime = extraTime.minusSeconds(Long.parseLong(name.substring(13)));
        }
        return held;
    }

    // ---------------------------------------------------------------- accessors and close

    public SessionId id() { return id; }
    public SandboxPolicy policy() { return policy; }
    public Path workspace() { return workspace; }
    public SessionEventLog eventLog() { return log; }
    public CapabilityGrants grants() { return grants; }
    /** Canary name → value (for the guard's known-secrets list; print only with Redaction.redact). */
    public Map<String, String> canaries() { return canaries.values(); }
    public int landlockAbi() { return landlockAbi; }
    public boolean isOpen() { return !closed && process.isAlive(); }

    /** Host pid of the launcher/bwrap process (for tests and the red-team suite). */
    long hostPid() { return process.pid(); }

    private void ensureOpen() throws SandboxException {
        if (closed || !process.isAlive()) {
            throw new SandboxException("the sandbox session " + id + " is closed");
        }
    }

    /** Ends every process of the session, removes its cgroups, temporary files and placeholders. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            if (process.isAlive()) {
                ScheduledFuture<?> guard = WATCHDOG.schedule(process::destroyForcibly, 2, TimeUnit.SECONDS);
                try {
                    channel.send(List.of(utf8("quit")));
                    channel.receive();
                } catch (IOException ignored) {
                    // already gone
                } finally {
                    guard.cancel(false);
                }
            }
        } finally {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (cgroups != null) {
                cgroups.close();
            }
            deleteQuietly(sessionDir);
            removePlaceholders(placeholders);
            log.append(new SessionEvent.Lifecycle(Instant.now(), "closed " + id));
        }
    }

    private static void removePlaceholders(List<Path> placeholders) {
        for (Path p : placeholders.reversed()) {
            try {
                Files.deleteIfExists(p); // only succeeds while it is still an empty directory
            } catch (IOException ignored) {
                // not empty any more: the operator's data now, leave it
            }
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: a temp dir under /tmp
                }
            });
        } catch (IOException ignored) {
            // nothing to clean
        }
    }
}
