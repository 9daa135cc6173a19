package dev.airlock.cli.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.cli.Main;
import dev.airlock.core.json.Json;
import dev.airlock.it.InProcessGuard;
import dev.airlock.it.LoopbackOnlyConnector;
import dev.airlock.it.LoopbackUpstream;
import dev.airlock.it.StrictResolver;
import dev.airlock.proxy.tls.CertificateAuthority;
import dev.airlock.sandbox.Capability;
import dev.airlock.sandbox.GrantDecider;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code airlock sandbox exec} and {@code airlock mcp} through the real CLI code path with the in-process egress guard:
 * real bubblewrap, real curl, real TLS through the guard's CA. The guard's resolver knows only {@code api.test} and
 * {@code other.test} (both 127.0.0.1, any other query is recorded), its dialler refuses anything but loopback, and two
 * loopback HTTPS upstreams stand in for the hosts: nothing leaves the machine and no DNS query is sent.
 */
class SandboxGuardCliTest {
    private static Path dir;
    private static LoopbackUpstream api;
    private static LoopbackUpstream other;
    private static StrictResolver resolver;
    private static LoopbackOnlyConnector connector;
    private static X509Certificate upstreamCa;
    private static Path guardPolicy;

    @TempDir
    Path tmp;

    @BeforeAll
    static void upstreams() throws Exception {
        dir = Files.createTempDirectory("airlock-cli-guard-");
        CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir.resolve("upstream-ca"));
        upstreamCa = ca.certificate();
        api = new LoopbackUpstream(ca.serverContext("api.test"));
        other = new LoopbackUpstream(ca.serverContext("other.test"));
        guardPolicy = dir.resolve("guard.json");
        Files.writeString(guardPolicy, """
                {"allow": ["api.test"], "ports": [%d, %d], "testOnlyAllowLoopbackUpstream": true}
                """.formatted(api.port(), other.port()));
    }

    @AfterAll
    static void stop() {
        api.close();
        other.close();
    }

    /** A fresh resolver and dialler per test, so each test's assertions see only its own traffic. */
    @org.junit.jupiter.api.BeforeEach
    void network() {
        resolver = new StrictResolver().map("api.test").map("other.test");
        connector = new LoopbackOnlyConnector();
    }

    @AfterEach
    void nothingLeft() {
        assertThat(resolver.unexpected).as("names resolved that the policy should have refused first").isEmpty();
        assertThat(connector.refusedNonLoopback).as("non-loopback dials").isEmpty();
    }

    private CommandLine cli(Path tty) {
        HostSide host = new HostSide(new InProcessGuard.Network(resolver, connector, new X509Certificate[]{upstreamCa}), tty);
        return Main.commandLine(new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                if (cls == SandboxExecCommand.class) {
                    return cls.cast(new SandboxExecCommand(host));
                }
                if (cls == McpCommand.class) {
                    return cls.cast(new McpCommand(host));
                }
                return CommandLine.defaultFactory().create(cls);
            }
        });
    }

    private List<String> guardArgs() {
        return List.of("--guard-policy", guardPolicy.toString(), "--guard-ca-dir", dir.resolve("guard-ca").toString());
    }

    private int exec(Path ws, Path events, String script) {
        List<String> args = new ArrayList<>(List.of("sandbox", "exec", "--workspace", ws.toString(), "--events", events.toString()));
        args.addAll(guardArgs());
        args.addAll(List.of("--", "bash", "-c", script));
        return cli(tmp.resolve("no-tty")).execute(args.toArray(String[]::new));
    }

    @Test
    void execReachesAnAllowedHostThroughTheGuardWithItsCa() throws Exception {
        Path ws = Files.createDirectories(tmp.resolve("ws"));
        int before = api.received.size();
        int rc = exec(ws, tmp.resolve("events.jsonl"),
                "curl -sS --fail -m 10 -o /workspace/out.json https://api.test:" + api.port() + "/hello");
        assertThat(rc).isZero();
        assertThat(Files.readString(ws.resolve("out.json"))).isEqualTo("{\"ok\":true}");
        assertThat(api.received).hasSize(before + 1);
        assertThat(api.received.getLast().uri()).isEqualTo("/hello");
        assertThat(connector.dials).isNotEmpty().allMatch(a -> a.getAddress().isLoopbackAddress());
    }

    @Test
    void execDeniedHostsAreRefusedBeforeResolutionWithEvents() throws Exception {
        Path ws = Files.createDirectories(tmp.resolve("ws"));
        Path events = tmp.resolve("events.jsonl");
        int before = api.received.size() + other.received.size();
        int rc = exec(ws, events, "curl -sS --fail -m 10 https://pastebin.com/; curl -sS --fail -m 10 https://other.test:"
                + other.port() + "/x");
        assertThat(rc).isNotZero();
        assertThat(api.received.size() + other.received.size()).isEqualTo(before);
        assertThat(resolver.queries).isEmpty();
        List<JsonNode> denials = Files.readAllLines(events).stream().map(SandboxGuardCliTest::json)
                .filter(e -> e.path("event").asText().equals("Denied")).map(e -> e.path("denial")).toList();
        assertThat(denials).anySatisfy(d -> {
            assertThat(d.path("kind").asText()).isEqualTo("NETWORK");
            assertThat(d.path("target").asText()).contains("pastebin.com");
            assertThat(d.path("rule").asText()).startsWith("deny:");
        });
        assertThat(denials).anySatisfy(d -> {
            assertThat(d.path("target").asText()).contains("other.test");
            assertThat(d.path("rule").asText()).isEqualTo("not-allowlisted");
            assertThat(d.path("hint").asText()).isEqualTo("request capability net:other.test if this is needed");
        });
    }

    @Test
    void noNetworkKeepsTheSandboxWithoutAnyRoute() throws Exception {
        Path ws = Files.createDirectories(tmp.resolve("ws"));
        int rc = cli(tmp.resolve("no-tty")).execute("sandbox", "exec", "--workspace", ws.toString(), "--no-network",
                "--events", tmp.resolve("e.jsonl").toString(), "--", "python3", "-c", """
                        import os,socket
                        assert "HTTPS_PROXY" not in os.environ
                        s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)
                        try:
                            s.connect(("192.0.2.1",53)); print("connected")
                        except OSError as e:
                            open("/workspace/errno","w").write(str(e.errno))
                        """);
        assertThat(rc).isZero();
        assertThat(Files.readString(ws.resolve("errno"))).isEqualTo("101"); // ENETUNREACH
        assertThat(connector.dials).isEmpty();
    }

    @Test
    void badGuardPolicyExits2() throws Exception {
        Path bad = tmp.resolve("bad.json");
        Files.writeString(bad, "{\"allw\": []}");
        int rc = cli(tmp.resolve("no-tty")).execute("sandbox", "exec", "--workspace", tmp.toString(), "--guard-policy",
                bad.toString(), "--guard-ca-dir", dir.resolve("guard-ca").toString(), "--", "true");
        assertThat(rc).isEqualTo(2);
    }

    /**
     * MCP: a denied host comes back in the tool result with the capability to ask for; the policy's auto-grant opens
     * it in the guard for this session; the grant's TTL ends it in the guard while a call is running; a request the
     * policy does not cover is asked on the operator's terminal (a file here), never on the agent's stdio.
     */
    @Test
    void mcpGrantsOpenTheGuardUntilTheirTtlAndAskTheOperatorOnTheTty() throws Exception {
        Path ws = Files.createDirectories(tmp.resolve("ws"));
        Path policy = tmp.resolve("sandbox.json");
        Files.writeString(policy, "{\"autoGrants\": [\"net:other.test\"], \"grantTtl\": \"PT5S\"}");
        Path tty = tmp.resolve("tty");
        Files.writeString(tty, "y\n");
        Path events = tmp.resolve("events.jsonl");
        String curl = "curl -sS --fail -m 10 https://other.test:" + other.port() + "/";
        String in = String.join("\n",
                // The allowed call first builds the session's scanner, which a grant then keeps.
                call(1, "bash", "{\"command\":\"curl -sS --fail -m 10 https://api.test:" + api.port() + "/warm; " + curl + "a\"}"),
                call(2, "request_capability", "{\"name\":\"net:other.test\",\"reason\":\"fetch a dependency\"}"),
                call(3, "bash", "{\"command\":\"" + curl + "b && sleep 6 && " + curl + "c\"}"),
                call(4, "request_capability", "{\"name\":\"exec:background\",\"reason\":\"y\"}"),
                "");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<String> args = new ArrayList<>(List.of("mcp", "--workspace", ws.toString(), "--policy", policy.toString(),
                "--events", events.toString()));
        args.addAll(guardArgs());
        CommandLine cl = cli(tty);
        cl.parseArgs(args.toArray(String[]::new));
        McpCommand mcp = cl.getSubcommands().get("mcp").getCommand();
        int rc = mcp.run(new ByteArrayInputStream(in.getBytes(StandardCharsets.UTF_8)), out);
        assertThat(rc).isZero();
        List<String> texts = out.toString(StandardCharsets.UTF_8).lines()
                .map(l -> json(l).path("result").path("content").get(0).path("text").asText()).toList();
        assertThat(texts).hasSize(4);
        String log = Files.readString(events) + other.received.stream().map(LoopbackUpstream.Received::uri).toList();
        assertThat(texts.get(0)).as(log).startsWith("{\"ok\":true}").contains("denied: ").contains("other.test")
                .contains("request capability net:other.test if this is needed");
        assertThat(texts.get(1)).isEqualTo("granted by policy:net:other.test");
        assertThat(texts.get(2)).as(log).startsWith("{\"ok\":true}").contains("denied: ").contains("other.test");
        assertThat(other.received.stream().map(LoopbackUpstream.Received::uri)).contains("/b").doesNotContain("/a", "/c");
        assertThat(texts.get(3)).isEqualTo("granted by operator (tty)");
        assertThat(Files.readString(tty)).contains("asks for capability exec:background (y). Grant for 5s? [y/N]");
        List<String> kinds = Files.readAllLines(events).stream().map(l -> json(l).path("event").asText()).toList();
        assertThat(kinds).containsSubsequence("CapabilityRequested", "CapabilityGranted", "CapabilityExpired",
                "CapabilityRequested", "CapabilityGranted");
    }

    @Test
    void withoutATerminalTheRequestIsRefused() {
        GrantDecider.Decision d = new TtyGrantPrompt(tmp.resolve("absent-tty"), Duration.ofMinutes(30))
                .decide("s1", Capability.parse("net:example.com"), "why");
        assertThat(d).isInstanceOf(GrantDecider.Decision.Refuse.class);
        assertThat(((GrantDecider.Decision.Refuse) d).why()).contains("no operator terminal").contains("autoGrants");
    }

    private static String call(int id, String tool, String arguments) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                + "\",\"arguments\":" + arguments + "}}";
    }

    private static JsonNode json(String line) {
        try {
            return Json.mapper().readTree(line);
        } catch (Exception e) {
            throw new IllegalStateException(line, e);
        }
    }
}
