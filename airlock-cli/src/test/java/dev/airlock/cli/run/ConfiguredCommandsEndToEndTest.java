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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code airlock serve} and {@code airlock demo} read the operator configuration like {@code airlock run}: values from
 * the file take effect (data directory, credentials from files, default agent, budgets) and flags override them.
 */
class ConfiguredCommandsEndToEndTest {
    private static final String SECRET = "webhook-secret-from-a-file";
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
        try (RunStore store = RunStore.open(tmp.resolve("data").resolve("db"))) {
            RunRecord run = store.list(5).stream().filter(r -> r.agent().contains("/conf/")).findFirst().orElseThrow();
            assertThat(run.state()).isEqualTo(RunState.PR_OPENED);
            assertThat(run.agent()).isEqualTo("script:" + conf.resolve("fix-agent.sh"));
            BudgetUsage used = store.budget(run.id()).orElseThrow();
            assertThat(used.tokenBudget()).as("budgets.tokens of the file").isEqualTo(12345);
            assertThat(used.wallBudget()).as("--wall-time over budgets.wall_time").isEqualTo(Duration.ofMinutes(9));
        }
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
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            code = Main.commandLine().execute("demo", "--config", config.toString(), "--token-budget", "888");
        } finally {
            System.setOut(saved);
        }
        assertThat(code).as(out.toString(StandardCharsets.UTF_8)).isZero();
        try (RunStore store = RunStore.open(tmp.resolve("data").resolve("db"))) {
            RunRecord run = store.list(5).stream().filter(r -> r.agent().contains("/demo/")).findFirst().orElseThrow();
            assertThat(run.state()).isEqualTo(RunState.DONE);
            assertThat(run.agent()).startsWith("script:" + tmp.resolve("data").resolve("demo")).endsWith("fix-agent.sh");
            BudgetUsage used = store.budget(run.id()).orElseThrow();
            assertThat(used.tokenBudget()).as("--token-budget over budgets.tokens").isEqualTo(888);
            assertThat(used.wallBudget()).as("budgets.wall_time of the file").isEqualTo(Duration.ofMinutes(7));
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
