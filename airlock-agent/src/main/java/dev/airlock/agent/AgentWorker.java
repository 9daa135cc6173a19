package dev.airlock.agent;

import dev.airlock.core.event.DenialEvent;
import dev.airlock.drop.snapshot.DirectorySink;
import dev.airlock.drop.snapshot.DirectorySnapshot;
import dev.airlock.drop.snapshot.FileHashCache;
import dev.airlock.drop.snapshot.Manifest;
import dev.airlock.drop.snapshot.Sha256;
import dev.airlock.drop.snapshot.SnapshotException;
import dev.airlock.drop.snapshot.SnapshotLimits;
import dev.airlock.drop.snapshot.SnapshotReader;
import dev.airlock.drop.transfer.PresignedTransfer;
import dev.airlock.drop.transfer.PresignedUrl;
import dev.airlock.sandbox.ExecRequest;
import dev.airlock.sandbox.ExecResult;
import dev.airlock.sandbox.GuardEndpoint;
import dev.airlock.sandbox.SandboxException;
import dev.airlock.sandbox.SandboxPolicy;
import dev.airlock.sandbox.SandboxSession;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One agent phase, holding no credential but two single-object capabilities: download the input through its
 * presigned GET URL, unpack it into a fresh workspace, write the task there as a file, run the agent in a sandbox
 * session, snapshot the workspace as a delta against the input and upload it through the presigned PUT URL.
 *
 * <p>The task text is untrusted (issue bodies, review comments): it only ever reaches the agent as the file
 * {@value #TASK_FILE}, never as part of a command line. The {@value #CONTROL_DIR} directory is protected inside the
 * sandbox and removed before the output snapshot, so nothing the worker planted is published.
 */
public final class AgentWorker {
    public static final String CONTROL_DIR = ".airlock";
    public static final String TASK_FILE = CONTROL_DIR + "/task.md";
    static final String SCRIPT_FILE = CONTROL_DIR + "/agent.sh";
    private static final long MAX_HISTORY_BYTES = 1L << 30;
    private static final int MAX_ATTACHMENTS = 256;

    private final PresignedUrl input;
    private final PresignedUrl output;
    private final AgentSpec agent;
    private final String task;
    private final Path workDir;
    private SandboxPolicy policy = SandboxPolicy.defaults();
    private Duration agentTimeout = Duration.ofMinutes(30);
    private SnapshotLimits limits = SnapshotLimits.DEFAULT;
    private Path guardControl;
    private Path guardCa;
    private Path attachments;
    private PresignedUrl history;
    private String historySha256;
    private PresignedTransfer transfer;
    /** The loopback port inside the sandbox where the bridge to the guard listens (HTTPS_PROXY points there). */
    static final int GUARD_PORT_INSIDE = 3128;

    public AgentWorker(PresignedUrl input, PresignedUrl output, AgentSpec agent, String task, Path workDir) {
        this.input = Objects.requireNonNull(input, "input");
        this.output = Objects.requireNonNull(output, "output");
        this.agent = Objects.requireNonNull(agent, "agent");
        this.task = Objects.requireNonNull(task, "task");
        this.workDir = Objects.requireNonNull(workDir, "workDir");
    }

    public AgentWorker policy(SandboxPolicy v) {
        policy = Objects.requireNonNull(v);
        return this;
    }

    public AgentWorker agentTimeout(Duration v) {
        agentTimeout = Objects.requireNonNull(v);
        return this;
    }

    public AgentWorker limits(SnapshotLimits v) {
        limits = Objects.requireNonNull(v);
        return this;
    }

    /**
     * Gives the agent network access through the egress guard process: the session is opened on the guard's control
     * socket (registering its canaries first) and only the resulting per-session socket is mounted into the sandbox.
     * Without this the sandbox has loopback only.
     */
    public AgentWorker guard(Path controlSocket, Path caCertificate) {
        guardControl = Objects.requireNonNull(controlSocket);
        guardCa = Objects.requireNonNull(caCertificate);
        return this;
    }

    /**
     * More task files (review comments, CI logs — untrusted like the task): the regular files under {@code dir} are
     * copied to {@value #CONTROL_DIR}/ with the same relative paths, next to the task. Symbolic links are refused.
     */
    public AgentWorker attachments(Path dir) {
        attachments = Objects.requireNonNull(dir);
        return this;
    }

    /**
     * Unpacks a sanitized history bundle (see {@code airlock git export --history}) as {@code /workspace/.git} so
     * that {@code git log} and {@code git blame} work inside the sandbox. The bundle's SHA-256 must equal
     * {@code sha256}, the hash the orchestrator recorded, before a byte of it is unpacked. {@code .git} is a protected
     * (read-only) path in the sandbox and the output snapshot never includes it, so nothing done there comes back.
     */
    public AgentWorker history(PresignedUrl url, String sha256) {
        if (!Sha256.isHex(sha256)) {
            throw new IllegalArgumentException("the history hash must be a lowercase hex SHA-256");
        }
        history = Objects.requireNonNull(url);
        historySha256 = sha256;
        return this;
    }

    /**
     * Does ahead of the phase what needs no URL, no guard and no workspace: creates the HTTP client and takes an
     * empty snapshot through the archive format and its compressor once — class loading and initialisation, most of
     * a fresh worker's first second. A worker started ahead of its phase does this while the export still runs.
     * Best effort: whatever fails here fails again, with its reason, in {@link #call()}.
     */
    public AgentWorker warmUp() {
        transfer();
        try {
            Path empty = Files.createTempDirectory("airlock-warm-up-");
            try {
                ByteArrayOutputStream archive = new ByteArrayOutputStream();
                DirectorySnapshot.write(empty, archive, limits, null);
                SnapshotReader.create().limits(limits).read(new ByteArrayInputStream(archive.toByteArray()),
                        dev.airlock.drop.snapshot.SnapshotSink.discarding());
            } finally {
                Files.deleteIfExists(empty);
            }
        } catch (IOException | SnapshotException | RuntimeException ignored) {
            // the phase itself reports it
        }
        return this;
    }

    private PresignedTransfer transfer() {
        if (transfer == null) {
            transfer = new PresignedTransfer(Duration.ofMinutes(2));
        }
        return transfer;
    }

    public AgentReport call() throws AgentException {
        PresignedTransfer transfer = transfer();
        Path workspace = workDir.resolve("workspace");
        try {
            Files.createDirectories(workDir);
            if (Files.exists(workspace, LinkOption.NOFOLLOW_LINKS)) {
                throw new AgentException("workspace " + workspace + " already exists; each phase needs a fresh one");
            }
            Files.createDirectory(workspace);
            byte[] archive = transfer.download(input, limits.maxCompressedBytes() + 1); // the reader refuses more
            // Recording each file's hash while unpacking lets the output be packed as a delta against the input:
            // unchanged files are neither re-read nor sent (the git service resolves them from its own export).
            FileHashCache hashes = new FileHashCache();
            SnapshotReader.ReadResult in = SnapshotReader.create().limits(limits)
                    .read(new ByteArrayInputStream(archive), new DirectorySink(workspace).recordingHashes(hashes));
            if (history != null) {
                unpackHistory(transfer, workspace);
            }
            Path control = workspace.resolve(CONTROL_DIR);
            if (Files.exists(control, LinkOption.NOFOLLOW_LINKS)) {
                throw new AgentException("the input holds a " + CONTROL_DIR + " entry, which is reserved for Airlock");
            }
            Files.createDirectory(control);
            Files.writeString(control.resolve("task.md"), task, StandardCharsets.UTF_8);
            if (attachments != null) {
                copyAttachments(attachments, control);
            }
            ExecRequest request = switch (agent) {
                case AgentSpec.Script s -> {
                    Files.copy(s.file(), workspace.resolve(SCRIPT_FILE));
                    yield ExecRequest.of("/bin/bash", "/workspace/" + SCRIPT_FILE);
                }
                case AgentSpec.Cmd c -> ExecRequest.shell(c.command());
                case AgentSpec.Claude c -> HeadlessCli.claude();
                case AgentSpec.Codex c -> HeadlessCli.codex();
            };
            Map<String, String> env = new java.util.HashMap<>(request.env());
            env.put("AIRLOCK_TASK_FILE", "/workspace/" + TASK_FILE);
            if (history != null) {
                // git inside reads the bundle's default config only: no system or global config, no lock files.
                env.put("GIT_CONFIG_NOSYSTEM", "1");
                env.put("GIT_CONFIG_GLOBAL", "/dev/null");
                env.put("GIT_OPTIONAL_LOCKS", "0");
            }
            request = request.withEnv(env).withTimeout(agentTimeout);
            ExecResult result;
            List<DenialEvent> denials = new ArrayList<>();
            SandboxSession.Builder builder = SandboxSession.builder(policy, workspace);
            if (guardControl != null) {
                Path socket = new GuardControlClient(guardControl).open(builder.id(), builder.canaries());
                builder.guard(new GuardEndpoint(socket, guardCa, GUARD_PORT_INSIDE));
            }
            try (SandboxSession session = builder.open()) {
                result = session.exec(request);
                denials.addAll(result.denials());
            }
            relay(result);
            deleteTree(control);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Manifest manifest = DirectorySnapshot.write(workspace, out, limits, in.manifest(), hashes);
            transfer.upload(output, out.toByteArray());
            return new AgentReport(in.id(), manifest.id(), result.timedOut() ? -1 : result.exitCode(),
                    result.timedOut(), result.wallTime(), out.size(), denials);
        } catch (SandboxException e) {
            throw new AgentException("cannot run the agent in a sandbox (refusing to run unprotected): " + e.getMessage(), e);
        } catch (SnapshotException e) {
            throw new AgentException("snapshot refused: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new AgentException(e.getMessage(), e);
        }
    }

    private static void copyAttachments(Path from, Path control) throws IOException, AgentException {
        List<Path> files;
        try (var walk = Files.walk(from, 4)) {
            files = walk.filter(f -> !f.equals(from)).toList();
        }
        if (files.size() > MAX_ATTACHMENTS) {
            throw new AgentException("more than " + MAX_ATTACHMENTS + " task attachments");
        }
        for (Path f : files) {
            Path rel = from.relativize(f);
            Path target = control.resolve(rel.toString()).normalize();
            if (!target.startsWith(control) || target.equals(control.resolve("task.md"))) {
                throw new AgentException("task attachment " + rel + " would leave " + CONTROL_DIR + " or replace the task");
            }
            if (Files.isDirectory(f, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(target);
            } else if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(target.getParent());
                Files.copy(f, target, LinkOption.NOFOLLOW_LINKS);
            } else {
                throw new AgentException("task attachment " + rel + " is not a regular file");
            }
        }
    }

    private void unpackHistory(PresignedTransfer transfer, Path workspace) throws IOException, AgentException,
            SnapshotException {
        byte[] bundle = transfer.download(history, MAX_HISTORY_BYTES);
        String actual = Sha256.hex(bundle);
        if (!actual.equals(historySha256)) {
            throw new AgentException("history bundle refused: its SHA-256 is " + actual + ", the recorded one is "
                    + historySha256 + " (nothing was unpacked)");
        }
        // The input can never hold .git (snapshot paths refuse it), so this directory is new and ours.
        Path git = Files.createDirectory(workspace.resolve(".git"));
        SnapshotReader.create().limits(SnapshotLimits.HISTORY).read(new ByteArrayInputStream(bundle), new DirectorySink(git));
    }

    /** The agent's own output goes to our stderr, bounded by the sandbox's output limit; stdout stays the report's. */
    private static void relay(ExecResult result) {
        System.err.write(result.stdout(), 0, result.stdout().length);
        System.err.write(result.stderr(), 0, result.stderr().length);
        System.err.flush();
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
