package dev.airlock.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.airlock.agent.HeadlessCli;
import dev.airlock.core.event.DenialEvent;
import dev.airlock.core.event.DenialKind;
import dev.airlock.proxy.EgressGuard;
import dev.airlock.proxy.budget.TokenUsage;
import dev.airlock.proxy.policy.GuardPolicy;
import dev.airlock.proxy.policy.PolicyLoader;
import dev.airlock.proxy.policy.SecretSource;
import dev.airlock.proxy.tls.CertificateAuthority;
import dev.airlock.sandbox.ExecRequest;
import dev.airlock.sandbox.ExecResult;
import dev.airlock.sandbox.SandboxPolicy;
import dev.airlock.sandbox.SandboxSession;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The {@code claude} and {@code codex} agents exactly as the agent worker runs them ({@link HeadlessCli}), with a fake
 * CLI binary that does on the wire what the real one does (POST to the API host through {@code HTTPS_PROXY} with the
 * key it was given), inside a real bubblewrap session behind the real guard, against loopback stand-ins for the
 * Anthropic and OpenAI APIs. Proves: the upstream receives the real key, the sandbox only ever sees the placeholder,
 * the guard counts the tokens from the streamed usage, and a spent token budget refuses further LLM requests with 429
 * and a {@code budget:tokens} resource denial that never reaches the upstream.
 */
class HeadlessCliThroughGuardTest {
    private static final String REAL_ANTHROPIC = "sk-ant-api03-REALKEY-" + "0123456789abcdefghijklmnopqrstuv";
    private static final String REAL_OPENAI = "sk-proj-REALKEY-" + "abcdefghijklmnopqrstuvwxyz012345";
    private static final String TASK = "Fix the failing test in Calc.java; do not touch anything else. $(rm -rf /) `id`";
    private static final long BUDGET = 1000;

    private static Path dir;
    private static Path bin;
    private static LoopbackUpstream anthropic;
    private static LoopbackUpstream openai;
    private static final StrictResolver resolver = new StrictResolver().map("api.anthropic.com").map("api.openai.com");
    private static final LoopbackOnlyConnector connector = new LoopbackOnlyConnector();
    private static final GuardedSandboxes wiring = new GuardedSandboxes();
    private static EgressGuard guard;
    private static GuardPolicy policy;
    private static SandboxPolicy sandbox;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("airlock-llm-cli-");
        CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir.resolve("ca"));
        CertificateAuthority upstreamCa = CertificateAuthority.loadOrCreate(dir.resolve("upstream-ca"));
        anthropic = new LoopbackUpstream(upstreamCa.serverContext("api.anthropic.com"),
                FakeLlmApi.streaming(FakeLlmApi.anthropicStream(300, 42)));
        openai = new LoopbackUpstream(upstreamCa.serverContext("api.openai.com"),
                FakeLlmApi.streaming(FakeLlmApi.openAiResponsesStream(700, 80)));
        // The guard role's built-in credential rules, with the fake APIs' ports allowed.
        String json = """
                {"allow": ["api.anthropic.com", "api.openai.com"], "ports": [%d, %d], "generic": "block",
                 "credentials": [
                   {"host": "api.anthropic.com", "header": "x-api-key", "placeholder": "%s", "secretSource": "env:ANTHROPIC_API_KEY"},
                   {"host": "api.openai.com", "header": "authorization", "placeholder": "%s", "secretSource": "env:OPENAI_API_KEY"}],
                 "testOnlyAllowLoopbackUpstream": true}
                """.formatted(anthropic.port(), openai.port(), HeadlessCli.ANTHROPIC_PLACEHOLDER, HeadlessCli.OPENAI_PLACEHOLDER);
        policy = new PolicyLoader(SecretSource.of(Map.of("ANTHROPIC_API_KEY", REAL_ANTHROPIC, "OPENAI_API_KEY", REAL_OPENAI)))
                .parse(json.getBytes(StandardCharsets.UTF_8), "llm").defaults();
        guard = EgressGuard.builder().ca(ca).defaults(policy).resolver(resolver).connector(connector)
                .upstreamTrust(upstreamCa.certificate()).denials(wiring).eventLoopThreads(1)
                .requestTimeout(Duration.ofSeconds(10)).tokenBudget(BUDGET).build().start();
        wiring.attach(guard, dir.resolve("ca").resolve(CertificateAuthority.CERT_FILE), dir);
        // The fake CLIs are on the sandbox's PATH the way an installed CLI would be: a read-only host directory.
        // (Not under /tmp, where a checkout may lie too: the sandbox has its own private /tmp.)
        bin = Files.createTempDirectory(Path.of("/var/tmp"), "airlock-fake-cli-");
        for (String name : List.of("claude", "codex")) {
            try (InputStream in = HeadlessCliThroughGuardTest.class.getResourceAsStream("/fake-cli/" + name)) {
                Files.deleteIfExists(bin.resolve(name));
                Files.write(bin.resolve(name), in.readAllBytes());
            }
            Files.setPosixFilePermissions(bin.resolve(name), PosixFilePermissions.fromString("r-xr-xr-x"));
        }
        sandbox = SandboxPolicy.builder().extraReadOnly(List.of(bin.toString()))
                .env("PATH", bin + ":/usr/local/bin:/usr/bin:/bin").build();
    }

    @AfterAll
    static void stop() throws Exception {
        if (bin != null) {
            try (Stream<Path> files = Files.list(bin)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(bin);
        }
        if (guard != null) {
            guard.close();
        }
        if (anthropic != null) {
            anthropic.close();
        }
        if (openai != null) {
            openai.close();
        }
    }

    private static SandboxSession session(String name) throws Exception {
        Path ws = Files.createDirectories(dir.resolve(name));
        Files.createDirectories(ws.resolve(".airlock"));
        Files.writeString(ws.resolve(".airlock/task.md"), TASK);
        return wiring.open(sandbox, ws, policy);
    }

    /** The worker's request for the CLI, plus the base URL of the fake API (the real CLIs honour these variables). */
    private static ExecResult run(SandboxSession s, ExecRequest cli, String baseUrlVariable, String baseUrl) throws Exception {
        Map<String, String> env = new HashMap<>(cli.env());
        env.put(baseUrlVariable, baseUrl);
        return s.exec(cli.withEnv(env));
    }

    /** No file the agent could write or read in its workspace holds either real key; its environment held the placeholder. */
    private static void assertSandboxNeverSawARealKey(Path ws, String variable, String placeholder) throws Exception {
        assertThat(Files.readString(ws.resolve("seen-env.txt"))).contains(variable + "=" + placeholder + "\n")
                .doesNotContain(REAL_ANTHROPIC).doesNotContain(REAL_OPENAI);
        try (Stream<Path> files = Files.walk(ws)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(f)).as(f.toString()).doesNotContain(REAL_ANTHROPIC).doesNotContain(REAL_OPENAI);
            }
        }
        assertThat(connector.refusedNonLoopback).isEmpty();
        assertThat(resolver.unexpected).isEmpty();
    }

    @Test
    void claudeReachesTheApiWithTheRealKeyInjectedAndItsTokensCounted() throws Exception {
        SandboxSession s = session("ws-claude");
        try {
            int before = anthropic.received.size();
            ExecResult r = run(s, HeadlessCli.claude(), "ANTHROPIC_BASE_URL", "https://api.anthropic.com:" + anthropic.port());
            assertThat(r.exitCode()).as(r.stderrText()).isZero();
            assertThat(r.stdoutText()).contains("\"type\":\"message_stop\"");
            assertThat(r.denials()).isEmpty();
            assertThat(anthropic.received).hasSize(before + 1);
            LoopbackUpstream.Received got = anthropic.received.getLast();
            assertThat(got.uri()).isEqualTo("/v1/messages");
            assertThat(got.headers()).contains("x-api-key: " + REAL_ANTHROPIC + "\n")
                    .doesNotContain(HeadlessCli.ANTHROPIC_PLACEHOLDER)
                    .contains("accept-encoding: identity\n");
            // The task reached the model as data, read from the task file, never run as a command.
            assertThat(got.body()).contains("Fix the failing test in Calc.java").contains("$(rm -rf /) `id`");
            assertThat(dir.resolve("ws-claude/FIXED.md")).exists();
            assertSandboxNeverSawARealKey(dir.resolve("ws-claude"), "ANTHROPIC_API_KEY", HeadlessCli.ANTHROPIC_PLACEHOLDER);
            assertThat(guard.tokens().usage(s.id())).isEqualTo(new TokenUsage(300, 42, 0, BUDGET));
        } finally {
            wiring.close(s);
        }
    }

    @Test
    void codexReachesTheApiWithTheRealBearerTokenInjected() throws Exception {
        SandboxSession s = session("ws-codex");
        try {
            ExecResult r = run(s, HeadlessCli.codex(), "OPENAI_BASE_URL", "https://api.openai.com:" + openai.port() + "/v1");
            assertThat(r.exitCode()).as(r.stderrText()).isZero();
            assertThat(r.stdoutText()).contains("response.completed");
            LoopbackUpstream.Received got = openai.received.getLast();
            assertThat(got.uri()).isEqualTo("/v1/responses");
            assertThat(got.headers()).contains("Authorization: Bearer " + REAL_OPENAI + "\n")
                    .doesNotContain(HeadlessCli.OPENAI_PLACEHOLDER);
            assertSandboxNeverSawARealKey(dir.resolve("ws-codex"), "OPENAI_API_KEY", HeadlessCli.OPENAI_PLACEHOLDER);
            assertThat(guard.tokens().usage(s.id())).isEqualTo(new TokenUsage(700, 80, 0, BUDGET));
        } finally {
            wiring.close(s);
        }
    }

    @Test
    void aSpentTokenBudgetRefusesFurtherLlmRequestsWith429() throws Exception {
        SandboxSession s = session("ws-budget");
        try {
            String base = "https://api.anthropic.com:" + anthropic.port();
            // 342 tokens per call: after three calls (1026) the budget of 1000 is spent.
            for (int i = 0; i < 3; i++) {
                ExecResult ok = run(s, HeadlessCli.claude(), "ANTHROPIC_BASE_URL", base);
                assertThat(ok.exitCode()).as(ok.stderrText()).isZero();
                assertThat(guard.tokens().usage(s.id()).exhausted()).isEqualTo(i == 2);
            }
            int before = anthropic.received.size();
            ExecResult refused = run(s, HeadlessCli.claude(), "ANTHROPIC_BASE_URL", base);
            assertThat(refused.exitCode()).isNotZero();
            assertThat(refused.stdoutText()).contains("budget:tokens");
            assertThat(anthropic.received).as("nothing reaches the API once the budget is spent").hasSize(before);
            DenialEvent d = refused.denials().stream().filter(e -> "budget:tokens".equals(e.rule())).findFirst().orElseThrow();
            assertThat(d.kind()).isEqualTo(DenialKind.RESOURCE);
            assertThat(d.target()).contains("api.anthropic.com");
            assertThat(guard.tokens().usage(s.id())).isEqualTo(new TokenUsage(900, 126, 0, BUDGET));
        } finally {
            wiring.close(s);
        }
    }
}
