package dev.airlock.cli.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.core.SessionId;
import dev.airlock.core.json.Json;
import dev.airlock.proxy.EgressGuard;
import dev.airlock.proxy.policy.GuardPolicy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The guard's control socket: the agent worker (outside the sandbox) opens a session here, sending the session id and
 * the canaries it will plant; the guard binds that session's proxy socket in its own sessions directory and answers
 * with its path. One JSON line each way, at most {@value #MAX_REQUEST} bytes.
 *
 * <p>Why a socket and not the command line: canaries are secrets (a leak of one must be detected, so it must not be
 * readable in /proc/&lt;pid&gt;/cmdline by anything on the host). The socket file is mode 0600 in a 0700 directory and
 * is never bind-mounted into a sandbox, so nothing inside one can open sessions or register secrets.
 */
final class GuardControlServer implements AutoCloseable {
    static final int MAX_REQUEST = 64 * 1024;
    private static final int MAX_CANARIES = 64;

    private final ServerSocketChannel server;
    private final EgressGuard guard;
    private final GuardPolicy defaults;
    private final Path sessionsDir;
    private final Thread thread;

    GuardControlServer(Path socket, Path sessionsDir, EgressGuard guard, GuardPolicy defaults) throws IOException {
        this.guard = guard;
        this.defaults = defaults;
        this.sessionsDir = sessionsDir;
        Files.createDirectories(sessionsDir);
        Files.setPosixFilePermissions(sessionsDir, PosixFilePermissions.fromString("rwx------"));
        Files.deleteIfExists(socket);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        thread = Thread.ofPlatform().daemon().name("guard-control").start(this::serve);
    }

    private void serve() {
        while (server.isOpen()) {
            try (SocketChannel c = server.accept()) {
                String reply;
                try {
                    reply = handle(readLine(c));
                } catch (IllegalArgumentException | IOException | IllegalStateException e) {
                    reply = Json.mapper().writeValueAsString(Map.of("error", String.valueOf(e.getMessage())));
                }
                c.write(ByteBuffer.wrap((reply + "\n").getBytes(StandardCharsets.UTF_8)));
            } catch (IOException e) {
                if (!server.isOpen()) {
                    return;
                }
            }
        }
    }

    private String handle(byte[] line) throws IOException {
        JsonNode req = Json.mapper().readTree(line);
        if (req != null && req.isObject() && req.size() == 1 && req.path("usage").asBoolean(false)) {
            return usage();
        }
        if (req == null || !req.isObject() || !req.path("open").isTextual()) {
            throw new IllegalArgumentException("expected {\"open\": SESSION, \"canaries\": {NAME: VALUE}}");
        }
        for (String key : (Iterable<String>) req::fieldNames) {
            if (!key.equals("open") && !key.equals("canaries")) {
                throw new IllegalArgumentException("unknown key " + key);
            }
        }
        SessionId id = new SessionId(req.get("open").asText());
        Map<String, String> canaries = new LinkedHashMap<>();
        JsonNode c = req.path("canaries");
        if (!c.isMissingNode()) {
            if (!c.isObject() || c.size() > MAX_CANARIES) {
                throw new IllegalArgumentException("canaries must be an object of at most " + MAX_CANARIES + " strings");
            }
            for (Map.Entry<String, JsonNode> e : c.properties()) {
                if (!isCanaryName(e.getKey())) {
                    throw new IllegalArgumentException("canary names must be 1-48 of [A-Za-z0-9_-]");
                }
                if (!e.getValue().isTextual() || e.getValue().asText().length() < 8) {
                    throw new IllegalArgumentException("canary " + e.getKey() + " must be a string of 8+ characters");
                }
                // Known-secret names are [A-Za-z0-9_.-]+ (the scanner refuses anything else, and a refusal there would
                // fail every request of the session closed), so the prefix is "canary.", not "canary:".
                canaries.put("canary." + e.getKey(), e.getValue().asText());
            }
        }
        // The socket path is the guard's choice, inside its own directory: a caller cannot make it bind (and first
        // delete) an arbitrary path.
        Path socket = sessionsDir.resolve(id.value() + ".sock");
        guard.openSession(id, socket, defaults.withKnownSecrets(canaries));
        return Json.mapper().writeValueAsString(Map.of("socket", socket.toString()));
    }

    /**
     * {@code {"usage": true}} → the LLM tokens the guard counted: {@code {"budget": N, "total": {...}, "sessions":
     * {ID: {...}}}} with {@code inputTokens, outputTokens, unmetered} each. The orchestrator polls this to stop a run
     * whose budget is spent.
     */
    private String usage() throws IOException {
        Map<String, Object> sessions = new LinkedHashMap<>();
        dev.airlock.proxy.budget.TokenUsage total = dev.airlock.proxy.budget.TokenUsage.NONE;
        for (var e : guard.tokens().all().entrySet()) {
            sessions.put(e.getKey().value(), counts(e.getValue()));
            total = total.plus(e.getValue());
        }
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("budget", guard.tokens().budget());
        reply.put("total", counts(total));
        reply.put("sessions", sessions);
        return Json.mapper().writeValueAsString(reply);
    }

    private static Map<String, Long> counts(dev.airlock.proxy.budget.TokenUsage u) {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("inputTokens", u.inputTokens());
        m.put("outputTokens", u.outputTokens());
        m.put("unmetered", u.unmetered());
        return m;
    }

    private static byte[] readLine(SocketChannel c) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(4096);
        while (out.size() <= MAX_REQUEST) {
            buf.clear();
            int n = c.read(buf);
            if (n < 0) {
                break;
            }
            for (int i = 0; i < n; i++) {
                byte b = buf.get(i);
                if (b == '\n') {
                    return out.toByteArray();
                }
                if (out.size() == MAX_REQUEST) {
                    throw new IllegalArgumentException("request larger than " + MAX_REQUEST + " bytes");
                }
                out.write(b);
            }
        }
        if (out.size() > MAX_REQUEST) {
            throw new IllegalArgumentException("request larger than " + MAX_REQUEST + " bytes");
        }
        return out.toByteArray();
    }

    @Override
    public void close() throws IOException {
        server.close();
        thread.interrupt();
    }

    private static boolean isCanaryName(String name) {
        if (name.isEmpty() || name.length() > 48) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-')) {
                return false;
            }
        }
        return true;
    }
}
