package dev.airlock.orchestrator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The egress guard as a role process for one run ({@code airlock proxy --listen none --control ...}): the agent
 * worker opens its sandbox session on the control socket, and the guard's LLM API keys reach only this process's
 * environment. Started as the run starts (its JVM boots while the export runs) and stopped after the coding phase;
 * its denials are read back from a 0600 file.
 */
public final class GuardRole implements AutoCloseable {
    /** The LLM API key variables passed from the operator's environment to the guard only. */
    public static final List<String> KEY_VARIABLES = List.of("ANTHROPIC_API_KEY", "OPENAI_API_KEY");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    /**
     * The built-in policy: only the LLM APIs, HTTPS only, keys injected by the guard (the agent sends the
     * placeholder), every GENERIC finding blocked too. Paste sites are denied in any policy.
     */
    static final String BUILT_IN_POLICY = """
            {
              "allow": ["api.anthropic.com", "api.openai.com"],
              "ports": [443],
              "generic": "block",
              "failMode": "closed",
              "credentials": [
                {"host": "api.anthropic.com", "header": "x-api-key",
                 "placeholder": "airlock-placeholder-anthropic", "secretSource": "env:ANTHROPIC_API_KEY"},
                {"host": "api.openai.com", "header": "authorization",
                 "placeholder": "airlock-placeholder-openai", "secretSource": "env:OPENAI_API_KEY"}
              ]
            }
            """;

    private final Process process;
    private final Path control;
    private final Path caCertificate;
    private final Path denials;
    private final Path log;

    private final Path sockets;

    private GuardRole(Process process, Path sockets, Path control, Path caCertificate, Path denials, Path log) {
        this.process = process;
        this.sockets = sockets;
        this.control = control;
        this.caCertificate = caCertificate;
        this.denials = denials;
        this.log = log;
    }

    /**
     * Starts the guard for one run and waits until its control socket accepts sessions, with a token budget the guard
     * enforces itself: once the session has used {@code tokenBudget} LLM tokens, further LLM requests get 429
     * (0 = unlimited).
     *
     * @param policy the operator's policy file, or null for {@link #BUILT_IN_POLICY}
     * @param keys   LLM API keys (variable → value) for the guard's environment only
     */
    public static GuardRole start(RoleLauncher launcher, Path runDir, Path caDir, Path policy, Map<String, String> keys,
                                  long tokenBudget) throws IOException {
        return launch(launcher, runDir, caDir, policy, keys, tokenBudget).awaitReady();
    }

    /**
     * Starts the guard's process without waiting for it, so that its JVM start (and its CA's leaf certificates)
     * overlaps the export; {@link #awaitReady()} before any session is opened on it.
     */
    public static GuardRole launch(RoleLauncher launcher, Path runDir, Path caDir, Path policy,
                                   Map<String, String> keys, long tokenBudget) throws IOException {
        Path dir = runDir.resolve("guard");
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        Path policyFile = policy;
        if (policyFile == null) {
            policyFile = dir.resolve("policy.json");
            Files.writeString(policyFile, builtInPolicy(keys), StandardCharsets.UTF_8);
        }
        // Unix socket paths are limited to 107 bytes, so the sockets live in a short private directory under /tmp.
        Path sockets = Files.createTempDirectory(Path.of("/tmp"), "airlock-guard-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path control = sockets.resolve("control.sock");
        Path denials = dir.resolve("denials.log");
        Path log = runDir.resolve("guard.log");
        List<String> args = new ArrayList<>(List.of("proxy", "--listen", "none", "--policy", policyFile.toString(),
                "--ca-dir", caDir.toString(), "--control", control.toString(),
                "--sessions-dir", sockets.resolve("s").toString(), "--denials-file", denials.toString(),
                "--audit", dir.resolve("audit.jsonl").toString(), "--token-budget", Long.toString(tokenBudget),
                "--exit-with-parent"));
        Map<String, String> env = new LinkedHashMap<>();
        keys.forEach((k, v) -> {
            if (KEY_VARIABLES.contains(k) && v != null && !v.isEmpty()) {
                env.put(k, v);
            }
        });
        Process p = launcher.start(Role.GUARD, args, env, log);
        return new GuardRole(p, sockets, control, caDir.resolve("ca.pem"), denials, log);
    }

    /** Waits until the control socket accepts sessions; a guard that exits or stays silent fails closed. */
    public GuardRole awaitReady() throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!Files.exists(control)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                ProcessTree.kill(process);
                deleteSockets(sockets);
                throw new IOException("the egress guard did not start (refusing to run the agent without it): "
                        + tail(log));
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                ProcessTree.kill(process);
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while starting the egress guard", e);
            }
        }
        return this;
    }

    /**
     * The built-in policy, minus credential rules whose key the operator did not provide (the guard refuses to start
     * on a rule it cannot fill; the host stays allowed, requests simply go without an injected key).
     */
    static String builtInPolicy(Map<String, String> keys) {
        StringBuilder rules = new StringBuilder();
        if (present(keys, "ANTHROPIC_API_KEY")) {
            rules.append("""
                    {"host": "api.anthropic.com", "header": "x-api-key",
                     "placeholder": "airlock-placeholder-anthropic", "secretSource": "env:ANTHROPIC_API_KEY"}""");
        }
        if (present(keys, "OPENAI_API_KEY")) {
            rules.append(rules.isEmpty() ? "" : ",\n").append("""
                    {"host": "api.openai.com", "header": "authorization",
                     "placeholder": "airlock-placeholder-openai", "secretSource": "env:OPENAI_API_KEY"}""");
        }
        int start = BUILT_IN_POLICY.indexOf("\"credentials\"");
        return BUILT_IN_POLICY.substring(0, start) + "\"credentials\": [" + rules + "]\n}\n";
    }

    private static boolean present(Map<String, String> keys, String name) {
        String v = keys.get(name);
        return v != null && !v.isEmpty();
    }

    /** LLM tokens the guard counted (all sessions of this run), as reported on its control socket. */
    public record TokenCount(long inputTokens, long outputTokens, long unmetered) {
        public long total() {
            return inputTokens + outputTokens;
        }
    }

    /** Asks the guard how many LLM tokens it counted so far ({@code {"usage": true}} on the control socket). */
    public TokenCount usage() throws IOException {
        try (java.nio.channels.SocketChannel c = connectControl()) {
            c.write(java.nio.ByteBuffer.wrap("{\"usage\": true}\n".getBytes(StandardCharsets.UTF_8)));
            java.io.ByteArrayOutputStream reply = new java.io.ByteArrayOutputStream();
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(4096);
            while (reply.size() < 64 * 1024 && c.read(buf.clear()) > 0) {
                reply.write(buf.array(), 0, buf.position());
                if (reply.toString(StandardCharsets.UTF_8).indexOf('\n') >= 0) {
                    break;
                }
            }
            com.fasterxml.jackson.databind.JsonNode total = dev.airlock.core.json.Json.mapper()
                    .readTree(reply.toByteArray()).path("total");
            if (!total.isObject()) {
                throw new IOException("the egress guard did not report token usage: "
                        + reply.toString(StandardCharsets.UTF_8).strip());
            }
            return new TokenCount(total.path("inputTokens").asLong(), total.path("outputTokens").asLong(),
                    total.path("unmetered").asLong());
        }
    }

    /** The socket file appears at bind(2), a moment before the guard listens: a refused connect is retried briefly. */
    private java.nio.channels.SocketChannel connectControl() throws IOException {
        for (int attempt = 0; ; attempt++) {
            try {
                return java.nio.channels.SocketChannel.open(java.net.UnixDomainSocketAddress.of(control));
            } catch (java.net.ConnectException e) {
                if (attempt >= 20 || !process.isAlive()) {
                    throw e;
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    public Path control() {
        return control;
    }

    public Path caCertificate() {
        return caCertificate;
    }

    public long pid() {
        return process.pid();
    }

    /**
     * Stops the guard (its shutdown hook closes every session) and returns the denials it recorded. Fails if the
     * guard had already exited: its record of the phase may then be incomplete, so the run must not go on as clean.
     */
    public List<String> stop() throws IOException {
        boolean diedEarly = !process.isAlive();
        close();
        if (diedEarly) {
            throw new IOException("the egress guard exited during the coding phase (status " + process.exitValue()
                    + "); its record of denials may be incomplete: " + tail(log));
        }
        return Files.exists(denials) ? Files.readAllLines(denials, StandardCharsets.UTF_8).stream()
                .filter(l -> !l.isBlank()).toList() : List.of();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        deleteSockets(sockets);
    }

    private static void deleteSockets(Path dir) {
        try (var files = Files.walk(dir)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (IOException ignored) {
            // best effort: an empty socket directory in /tmp holds nothing
        }
    }

    private static String tail(Path log) {
        try {
            String s = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
            return s.length() > 2000 ? s.substring(s.length() - 2000) : s;
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
