package dev.airlock.cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.cli.Main;
import dev.airlock.orchestrator.BudgetUsage;
import dev.airlock.orchestrator.RunRecord;
import dev.airlock.orchestrator.RunState;
import dev.airlock.orchestrator.RunStore;
import dev.airlock.orchestrator.WebhookSignature;
import dev.airlock.orchestrator.github.FakeGitHub;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import dev.airlock.it.LoopbackUpstream;
import dev.airlock.proxy.tls.CertificateAuthority;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.eclipse.jgit.lib.Ref;
import java.util.function.BooleanSupplier;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code airlock serve}, {@code airlock demo} and {@code airlock run} read the operator configuration like {@code airlock run}: values from
 * the file take effect (data directory, credentials from files, default agent, budgets, guard policy) and flags
 * override them.
 */
class ConfiguredCommandsEndToEndTest {
    private static final String SECRET = "webhook-secret-from-a-file";
    private static final String REAL_KEY = "sk-ant-api03-REALKEY-" + "0123456789abcdefghijklmnopqrstuv";
    private static final String GITHUB_TOKEN = "ghs_tokenFromTheConfiguredFile0000000000";

    /** One directory for both tests: their runs share the data directory, so the roles' class-data archives are built once. */
    @TempDir
    static Path tmp;

    @Test
    void serveTakesSecretTokenAgentDataDirAndBudgetsFromTheConfiguration() throws Exception {
        Path work = tmp.resolve("work");
        DemoCommand.createRepository(work);
        Path bare = tmp.resolve("widgets.git");
        Git.cloneRepository().setURI(work.toUri().toString()).setDirectory(bare.toFile()).setBare(true).call()
                .close();
        Path conf = Files.createDirectories(tmp.resolve("conf"));
        DemoCommand.copyResource("demo/fix-agent.sh", conf.resolve("fix-agent.sh"));
        Files.writeString(conf.resolve("webhook-secret"), SECRET + "\n");
        Files.writeString(conf.resolve("github-token"), GITHUB_TOKEN + "\n");
        Path config = conf.resolve("airlock.toml");
        Files.writeString(config, """
                data_dir = "../data"
                [credentials]
                webhook_secret = "file:webhook-secret"
                github_token = "file:github-token"
                [agent]
                default = "script:fix-agent.sh"
                [budgets]
                wall_time = "10m"
                tokens = 12345
                """);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        PrintStream savedErr = System.err;
        AtomicInteger exit = new AtomicInteger(-1);
        try (FakeGitHub github = new FakeGitHub()) {
            github.permissions.put("maintainer", "admin");
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(out, true, StandardCharsets.UTF_8));
            // No --agent, no --data-dir, no secret or token variable: all from the file; --wall-time overrides it.
            Thread serve = new Thread(() -> exit.set(Main.commandLine().execute("serve", "--config", config.toString(),
                    "--listen", "127.0.0.1:0", "--repo", "octo/widgets=" + bare, "--github-api",
                    github.uri().toString(), "--wall-time", "PT9M")), "serve");
            serve.start();
            try {
                awaitTrue(() -> out.toString(StandardCharsets.UTF_8).contains("/webhook for"), out, serve);
                String printed = out.toString(StandardCharsets.UTF_8);
                int at = printed.indexOf("listening on http://127.0.0.1:") + "listening on http://127.0.0.1:".length();
                int port = Integer.parseInt(printed.substring(at, printed.indexOf('/', at)));

                ObjectMapper json = new ObjectMapper();
                ObjectNode p = json.createObjectNode().put("action", "labeled");
                p.putObject("issue").put("number", 7).put("title", "add is broken").put("body", DemoCommand.TASK);
                p.putObject("label").put("name", "airlock");
                p.putObject("repository").put("full_name", "octo/widgets");
                p.putObject("sender").put("login", "maintainer");
                byte[] body = json.writeValueAsBytes(p);
                HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + port + "/webhook"))
                        .header("X-GitHub-Event", "issues").header("X-GitHub-Delivery", "5e1f-config-1")
                        .header("X-Hub-Signature-256", new WebhookSignature(SECRET).sign(body))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as("signed with the secret from the configured file").isEqualTo(202);
                awaitTrue(() -> github.comments.values().stream().anyMatch(c -> c.contains("draft pull request")),
                        out, serve);
            } finally {
                serve.interrupt();
                serve.join(30_000);
                System.setOut(saved);
                System.setErr(savedErr);
            }
            assertThat(github.requests("POST", "/repos/octo/widgets/pulls")).singleElement()
                    .satisfies(q -> assertThat(q.authorization()).isEqualTo("Bearer " + GITHUB_TOKEN));
        }
        RunRecord run = recordedRun("/conf/");
        assertThat(run.state()).isEqualTo(RunState.PR_OPENED);
        assertThat(run.agent()).isEqualTo("script:" + conf.resolve("fix-agent.sh"));
        BudgetUsage used = budgetOf(run);
        assertThat(used.tokenBudget()).as("budgets.tokens of the file").isEqualTo(12345);
        assertThat(used.wallBudget()).as("--wall-time over budgets.wall_time").isEqualTo(Duration.ofMinutes(9));
    }

    @Test
    void demoRunsOnTheConfiguredDataDirAndBudgetsButKeepsItsOwnAgent() throws Exception {
        Path config = tmp.resolve("demo.toml");
        Files.writeString(config, """
                data_dir = "data"
                [agent]
                default = "cmd:false"
                [budgets]
                wall_time = "7m"
                tokens = 777
                """);
        CliCapture demo = CliCapture.execute("demo", "--config", config.toString(), "--token-budget", "888");
        assertThat(demo.code()).as(demo.out()).isZero();
        RunRecord run = recordedRun("/demo/");
        assertThat(run.state()).isEqualTo(RunState.DONE);
        assertThat(run.agent()).startsWith("script:" + tmp.resolve("data").resolve("demo")).endsWith("fix-agent.sh");
        BudgetUsage used = budgetOf(run);
        assertThat(used.tokenBudget()).as("--token-budget over budgets.tokens").isEqualTo(888);
        assertThat(used.wallBudget()).as("budgets.wall_time of the file").isEqualTo(Duration.ofMinutes(7));
    }

    /**
     * The token budget through the guard ROLE PROCESS: {@code airlock run} with the operator's guard policy, which
     * (test-only) resolves {@code api.anthropic.com} to a loopback fake of the Messages API and trusts its CA. The agent
     * calls it with the placeholder key; the guard swaps in the real key (read from the file the configuration names)
     * and counts the usage in the answer; the budget is smaller than that, so the run fails and nothing is pushed.
     */
    @Test
    void aRunOverItsTokenBudgetThroughTheGuardRoleFailsWithNothingPushed() throws Exception {
        Path repo = tmp.resolve("llm-repo");
        DemoCommand.createRepository(repo);
        Path conf = Files.createDirectories(tmp.resolve("llm-conf"));
        CertificateAuthority upstreamCa = CertificateAuthority.loadOrCreate(conf.resolve("upstream-ca"));
        Files.writeString(conf.resolve("anthropic-key"), REAL_KEY + "\n");
        byte[] answer = """
                {"id":"msg_1","type":"message","role":"assistant","content":[{"type":"text","text":"Fixed."}],
                 "stop_reason":"end_turn","usage":{"input_tokens":300,"output_tokens":42}}
                """.getBytes(StandardCharsets.UTF_8);
        try (LoopbackUpstream api = new LoopbackUpstream(upstreamCa.serverContext("api.anthropic.com"), (ctx, req) -> {
            FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.wrappedBuffer(answer));
            resp.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, answer.length);
            ctx.writeAndFlush(resp);
        })) {
            Files.writeString(conf.resolve("guard.json"), """
                    {"allow": ["api.anthropic.com"], "ports": [%d], "generic": "block",
                     "credentials": [{"host": "api.anthropic.com", "header": "x-api-key",
                       "placeholder": "airlock-placeholder-anthropic", "secretSource": "env:ANTHROPIC_API_KEY"}],
                     "testOnlyAllowLoopbackUpstream": true,
                     "testOnlyResolve": {"api.anthropic.com": "127.0.0.1"},
                     "testOnlyUpstreamTrust": "%s"}
                    """.formatted(api.port(), conf.resolve("upstream-ca").resolve(CertificateAuthority.CERT_FILE)));
            Path config = conf.resolve("airlock.toml");
            Files.writeString(config, """
                    data_dir = "../data"
                    [credentials]
                    anthropic_api_key = "file:anthropic-key"
                    [guard]
                    policy = "guard.json"
                    [budgets]
                    tokens = 100
                    """);
            Path agent = conf.resolve("llm-agent.sh");
            // Edits a file (which would be pushed), calls the API once, then again a second later (the guard must
            // refuse that one, if the orchestrator has not already stopped the agent), then idles.
            Files.writeString(agent, """
                    #!/bin/sh
                    env > seen-env.txt
                    sed -i 's/$1 - $2/$1 + $2/' calc.sh
                    call() {
                      curl -sS --max-time 20 -o "$1" -w '%%{http_code}\n' -H 'x-api-key: airlock-placeholder-anthropic' \
                        -H 'content-type: application/json' -d '{"model":"m","max_tokens":64,"messages":[]}' \
                        https://api.anthropic.com:%d/v1/messages
                    }
                    call reply.json > status-1.txt
                    sleep 1
                    call reply-2.json > status-2.txt
                    sleep 60
                    """.formatted(api.port()));

            CliCapture ran = CliCapture.execute("run", "--config", config.toString(), "--repo", repo.toString(), "--task",
                    "ask the model", "--agent", "script:" + agent);
            String printed = ran.out();
            assertThat(ran.code()).as(printed).isEqualTo(1);
            assertThat(printed).contains("failed in coding, nothing pushed").contains("budget exceeded: tokens");

            // The fake API got exactly one request, with the real key swapped in for the placeholder.
            assertThat(api.received).as(printed).hasSize(1);
            assertThat(api.received.getFirst().uri()).isEqualTo("/v1/messages");
            assertThat(api.received.getFirst().headers()).contains("x-api-key: " + REAL_KEY + "\n")
                    .doesNotContain("airlock-placeholder-anthropic");
            try (Git git = Git.open(repo.toFile())) {
                assertThat(git.branchList().call()).extracting(Ref::getName).containsExactly("refs/heads/main");
            }
            String run;
            try (RunStore store = RunStore.open(tmp.resolve("data").resolve("db"))) {
                RunRecord r = store.list(10).stream().filter(x -> x.agent().endsWith("llm-agent.sh")).findFirst()
                        .orElseThrow();
                run = r.id();
                assertThat(r.state()).isEqualTo(RunState.FAILED);
                assertThat(r.reason()).startsWith("budget exceeded: tokens");
                assertThat(r.branch()).isNull();
                BudgetUsage used = store.budget(run).orElseThrow();
                assertThat(used.exceeded()).isEqualTo(BudgetUsage.TOKENS);
                assertThat(used.inputTokens()).isEqualTo(300);
                assertThat(used.outputTokens()).isEqualTo(42);
                assertThat(used.tokenBudget()).isEqualTo(100);
            }
            // The agent got the API's answer; nothing the sandbox could see or write holds the real key.
            Path runDir = tmp.resolve("data").resolve("runs").resolve(run);
            try (Stream<Path> files = Files.walk(runDir)) {
                List<Path> all = files.filter(Files::isRegularFile).toList();
                assertThat(all).anySatisfy(f -> {
                    assertThat(f.getFileName().toString()).isEqualTo("reply.json");
                    assertThat(Files.readString(f)).contains("\"input_tokens\":300");
                });
                assertThat(all).anySatisfy(f -> assertThat(f.getFileName().toString()).isEqualTo("seen-env.txt"));
                for (Path f : all) {
                    assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).as(f.toString())
                            .doesNotContain(REAL_KEY);
                }
            }
            CliCapture shown = CliCapture.execute("show", "--config", config.toString(), run);
            assertThat(shown.code()).as(shown.out()).isZero();
            assertThat(shown.out()).contains("tokens 342 of 100 (in 300, out 42)")
                    .contains("tokens budget exceeded");
        }
    }

    /** The latest of the configured data directory's runs whose agent path contains {@code agentPart}. */
    private static RunRecord recordedRun(String agentPart) throws Exception {
        try (RunStore store = RunStore.open(tmp.resolve("data").resolve("db"))) {
            return store.list(5).stream().filter(r -> r.agent().contains(agentPart)).findFirst().orElseThrow();
        }
    }

    private static BudgetUsage budgetOf(RunRecord run) throws Exception {
        try (RunStore store = RunStore.open(tmp.resolve("data").resolve("db"))) {
            return store.budget(run.id()).orElseThrow();
        }
    }

    private static void awaitTrue(BooleanSupplier condition, ByteArrayOutputStream out, Thread serve)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(serve.isAlive()).as(out.toString(StandardCharsets.UTF_8)).isTrue();
            assertThat(System.nanoTime()).as(out.toString(StandardCharsets.UTF_8)).isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}
