package dev.airlock.cli.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.core.event.DenialEvent;
import dev.airlock.core.json.Json;
import dev.airlock.sandbox.DirEntry;
import dev.airlock.sandbox.ExecRequest;
import dev.airlock.sandbox.ExecResult;
import dev.airlock.sandbox.FileToolDeniedException;
import dev.airlock.sandbox.GrantDecider;
import dev.airlock.sandbox.SandboxException;
import dev.airlock.sandbox.SandboxPolicy;
import dev.airlock.sandbox.SandboxSession;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code airlock mcp --workspace DIR}: an MCP server (stdio transport, newline-delimited JSON-RPC 2.0) whose tools run
 * in one sandbox session: bash, read_file, write_file, list_dir, apply_patch, request_capability. The session's only
 * way out is an in-process egress guard (none with {@code --no-network}); its denials come back in the tool result.
 * Capability requests are decided by the policy's auto-grant rules, else asked on {@code /dev/tty} (never on stdio,
 * which is the agent's transport), and refused when there is no terminal.
 */
@Command(name = "mcp", mixinStandardHelpOptions = true,
        description = "MCP server on stdio; every tool call runs inside one sandbox session for DIR.")
public final class McpCommand implements Callable<Integer> {
    static final int MAX_LINE = 16 << 20;

    @Option(names = "--workspace", required = true, paramLabel = "DIR")
    Path workspace;

    @Option(names = "--policy", paramLabel = "FILE", description = "Sandbox policy (JSON). Default: isolation defaults.")
    Path policy;

    @Option(names = "--events", paramLabel = "FILE", description = "Append session events as JSON lines to FILE instead of stderr.")
    Path events;

    @Mixin
    GuardOptions guard;

    private final ObjectMapper json = Json.mapper();
    private final HostSide host;

    public McpCommand() {
        this(HostSide.REAL);
    }

    /** For tests: loopback-only guard network, a file as the operator's terminal. */
    public McpCommand(HostSide host) {
        this.host = host;
    }

    @Override
    public Integer call() {
        return run(System.in, System.out);
    }

    /** The whole command with its streams given: opens the session and its guard, serves until end of input. */
    int run(InputStream in, OutputStream out) {
        try (SandboxRun run = SandboxRun.open(policy == null ? SandboxPolicy.defaults() : SandboxPolicy.load(policy),
                workspace, events, guard, host, System.err)) {
            serve(run.session(), in, out);
            return 0;
        } catch (SandboxException | IOException e) {
            return SandboxFailure.report(e);
        }
    }

    void serve(SandboxSession s, InputStream in, OutputStream out) throws IOException {
        while (true) {
            byte[] line = readLine(in);
            if (line == null) {
                return;
            }
            if (line.length == 0) {
                continue;
            }
            ObjectNode reply;
            JsonNode req;
            try {
                req = json.readTree(line);
            } catch (IOException e) {
                reply = error(null, -32700, "parse error");
                write(out, reply);
                continue;
            }
            JsonNode id = req.get("id");
            String method = req.path("method").asText("");
            if (id == null) {
                continue; // a notification (notifications/initialized, cancelled): nothing to answer
            }
            reply = switch (method) {
                case "initialize" -> result(id, initialize());
                case "ping" -> result(id, json.createObjectNode());
                case "tools/list" -> result(id, tools());
                case "tools/call" -> result(id, callTool(s, req.path("params")));
                default -> error(id, -32601, "method not found: " + method);
            };
            write(out, reply);
        }
    }

    private static byte[] readLine(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                return buf.toByteArray();
            }
            if (buf.size() >= MAX_LINE) {
                throw new IOException("MCP message longer than " + MAX_LINE + " bytes");
            }
            buf.write(b);
        }
        return buf.size() == 0 ? null : buf.toByteArray();
    }

    private void write(OutputStream out, ObjectNode reply) throws IOException {
        out.write(json.writeValueAsBytes(reply));
        out.write('\n');
        out.flush();
    }

    private ObjectNode result(JsonNode id, JsonNode result) {
        ObjectNode r = json.createObjectNode().put("jsonrpc", "2.0");
        r.set("id", id);
        r.set("result", result);
        return r;
    }

    private ObjectNode error(JsonNode id, int code, String message) {
        ObjectNode r = json.createObjectNode().put("jsonrpc", "2.0");
        r.set("id", id);
        r.putObject("error").put("code", code).put("message", message);
        return r;
    }

    private ObjectNode initialize() {
        ObjectNode r = json.createObjectNode().put("protocolVersion", "2024-11-05");
        r.putObject("capabilities").putObject("tools");
        r.putObject("serverInfo").put("name", "airlock-sandbox").put("version", "0.1.0");
        return r;
    }

    private ObjectNode tools() {
        ObjectNode r = json.createObjectNode();
        ArrayNode t = r.putArray("tools");
        tool(t, "bash", "Run a bash command in the sandboxed workspace (/workspace).", "command", "timeout_seconds");
        tool(t, "read_file", "Read a file (relative to /workspace or absolute inside the sandbox).", "path");
        tool(t, "write_file", "Create or overwrite a file inside the sandbox.", "path", "content");
        tool(t, "list_dir", "List a directory inside the sandbox.", "path");
        tool(t, "apply_patch", "Apply a unified diff (patch -p1) to /workspace.", "patch");
        tool(t, "request_capability", "Ask the operator for a capability: net:HOST, net:*, fs:write:PATH, exec:background, budget:time:+SECONDS.", "name", "reason");
        return r;
    }

    private void tool(ArrayNode tools, String name, String description, String... props) {
        ObjectNode t = tools.addObject().put("name", name).put("description", description);
        ObjectNode schema = t.putObject("inputSchema").put("type", "object");
        ObjectNode p = schema.putObject("properties");
        ArrayNode required = schema.putArray("required");
        for (String prop : props) {
            p.putObject(prop).put("type", prop.equals("timeout_seconds") ? "integer" : "string");
            if (!prop.equals("timeout_seconds") && !prop.equals("reason")) {
                required.add(prop);
            }
        }
    }

    private ObjectNode callTool(SandboxSession s, JsonNode params) {
        String name = params.path("name").asText("");
        JsonNode a = params.path("arguments");
        StringBuilder text = new StringBuilder();
        boolean isError = false;
        try {
            switch (name) {
                case "bash" -> {
                    ExecRequest req = ExecRequest.shell(a.path("command").asText());
                    if (a.has("timeout_seconds")) {
                        req = req.withTimeout(Duration.ofSeconds(Math.max(1, a.path("timeout_seconds").asLong())));
                    }
                    ExecResult r = s.exec(req);
                    text.append(r.stdoutText());
                    if (!r.stderrText().isEmpty()) {
                        text.append(text.isEmpty() ? "" : "\n").append("[stderr]\n").append(r.stderrText());
                    }
                    text.append("\n[exit ").append(r.signal() != 0 ? "signal " + r.signal() : r.exitCode())
                            .append(r.timedOut() ? ", timed out" : "").append("]");
                    for (DenialEvent d : r.denials()) {
                        text.append('\n').append(d.summary());
                    }
                    isError = !r.succeeded();
                }
                case "read_file" -> text.append(new String(s.readFile(a.path("path").asText()), StandardCharsets.UTF_8));
                case "write_file" -> {
                    s.writeFile(a.path("path").asText(), a.path("content").asText().getBytes(StandardCharsets.UTF_8));
                    text.append("wrote ").append(a.path("path").asText());
                }
                case "list_dir" -> {
                    for (DirEntry e : s.listDir(a.path("path").asText("."))) {
                        text.append(e.type() == DirEntry.Type.DIRECTORY ? e.name() + "/" : e.name()).append('\t').append(e.size()).append('\n');
                    }
                }
                case "apply_patch" -> {
                    ExecResult r = s.applyPatch(a.path("patch").asText());
                    text.append(r.stdoutText()).append(r.stderrText());
                    for (DenialEvent d : r.denials()) {
                        text.append('\n').append(d.summary());
                    }
                    isError = !r.succeeded();
                }
                case "request_capability" -> {
                    GrantDecider.Decision d = s.requestCapability(a.path("name").asText(), a.path("reason").asText(""));
                    text.append(switch (d) {
                        case GrantDecider.Decision.Grant g -> "granted by " + g.by();
                        case GrantDecider.Decision.Refuse r -> "refused by " + r.by() + ": " + r.why();
                    });
                    isError = d instanceof GrantDecider.Decision.Refuse;
                }
                default -> {
                    text.append("unknown tool ").append(name);
                    isError = true;
                }
            }
        } catch (FileToolDeniedException e) {
            text.append(e.denial().summary());
            isError = true;
        } catch (SandboxException | IllegalArgumentException e) {
            text.append(e.getMessage());
            isError = true;
        }
        ObjectNode r = json.createObjectNode();
        r.putArray("content").addObject().put("type", "text").put("text", text.toString());
        r.put("isError", isError);
        return r;
    }
}
