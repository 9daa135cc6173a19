package dev.airlock.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.core.SessionId;
import dev.airlock.core.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Opens a sandbox session on the egress guard process through its control socket, registering the session's canaries
 * as known secrets before the sandbox exists. Runs in the agent worker, outside the sandbox; the control socket is
 * never visible inside one.
 */
public final class GuardControlClient {
    private static final int MAX_REPLY = 16 * 1024;
    private final Path control;

    public GuardControlClient(Path control) {
        this.control = Objects.requireNonNull(control);
    }

    /** @return the per-session proxy socket the guard bound for {@code id} */
    public Path open(SessionId id, Map<String, String> canaries) throws AgentException {
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("open", id.value());
        req.put("canaries", canaries);
        try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            c.connect(UnixDomainSocketAddress.of(control));
            byte[] line = (Json.mapper().writeValueAsString(req) + "\n").getBytes(StandardCharsets.UTF_8);
            ByteBuffer out = ByteBuffer.wrap(line);
            while (out.hasRemaining()) {
                c.write(out);
            }
            ByteArrayOutputStream reply = new ByteArrayOutputStream();
            ByteBuffer buf = ByteBuffer.allocate(4096);
            int n;
            while (reply.size() < MAX_REPLY && (n = c.read(buf.clear())) > 0) {
                reply.write(buf.array(), 0, n);
            }
            JsonNode r = Json.mapper().readTree(reply.toByteArray());
            if (r != null && r.path("socket").isTextual()) {
                return Path.of(r.get("socket").asText());
            }
            throw new AgentException("the egress guard refused the session: "
                    + (r == null ? "no reply" : r.path("error").asText("unexpected reply")));
        } catch (IOException e) {
            throw new AgentException("cannot reach the egress guard's control socket " + control
                    + " (refusing to run the agent without it): " + e.getMessage(), e);
        }
    }
}
