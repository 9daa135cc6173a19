package dev.airlock.cli.serve;

import dev.airlock.cli.run.BudgetOptions;
import dev.airlock.cli.run.ConfigOption;
import dev.airlock.cli.run.DataDirOption;
import dev.airlock.orchestrator.config.Credential;
import dev.airlock.orchestrator.config.OperatorConfig;
import java.io.IOException;
import dev.airlock.cli.run.LocalPipeline;
import dev.airlock.orchestrator.RunStore;
import dev.airlock.orchestrator.WebhookSignature;
import dev.airlock.orchestrator.RunListener;
import dev.airlock.orchestrator.RunOutcome;
import dev.airlock.orchestrator.github.Trigger;
import dev.airlock.orchestrator.github.IssueRunner;
import dev.airlock.orchestrator.github.RepoName;
import dev.airlock.orchestrator.github.WebhookServer;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.Function;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve GitHub's webhook endpoint (POST /webhook): the label `airlock` on an issue or an "
                + "`/airlock <instructions>` comment by a user with write access starts a run; a pushed branch "
                + "becomes a draft pull request and the issue gets one progress comment, edited in place. Review "
                + "comments by writers, a review requesting changes, an `/airlock` comment on the pull request, or a "
                + "failed check suite on Airlock's last commit revise it: one more commit on the same branch "
                + "(at most --max-revisions).",
                "Secrets are read from environment variables or files (credentials of the configuration, --config), "
                        + "never from the command line."})
public final class ServeCommand implements Callable<Integer> {
    @Option(names = "--listen", defaultValue = "127.0.0.1:8080", description = "HOST:PORT (default: ${DEFAULT-VALUE}).")
    String listen;

    @Option(names = "--webhook-secret-env", description = "Variable holding the webhook secret (default: "
            + "credentials.webhook_secret of the configuration, else AIRLOCK_WEBHOOK_SECRET).")
    String secretEnv;

    @Mixin
    GitHubOptions github;

    @Option(names = "--max-revisions", defaultValue = "3",
            description = "Revisions of one pull request before Airlock leaves it to humans (default: ${DEFAULT-VALUE}).")
    int maxRevisions;

    @Option(names = "--repo", required = true, description = "OWNER/NAME=PATH|URL: a repository to serve and where "
            + "the git role fetches and pushes it (repeatable).")
    Map<String, String> repos = new LinkedHashMap<>();

    @Option(names = "--ref", defaultValue = "main", description = "Base branch (default: ${DEFAULT-VALUE}).")
    String ref;

    @Option(names = "--agent", description = "script:FILE, cmd:COMMAND, claude or codex (default: agent.default of "
            + "the configuration).")
    String agent;

    @Mixin
    DataDirOption data;

    @Mixin
    ConfigOption config;

    @Mixin
    BudgetOptions budgetFlags;

    @Override
    public Integer call() throws Exception {
        OperatorConfig cfg = config.loadOrReport(data, budgetFlags, "serve");
        if (cfg == null) {
            return 2;
        }
        String secret = secretEnv != null ? System.getenv(secretEnv)
                : cfg.credential(Credential.WEBHOOK_SECRET, System::getenv).orElse(null);
        if (secret == null || secret.isEmpty()) {
            System.err.println("airlock serve: " + (secretEnv != null ? "$" + secretEnv + " is not set"
                    : "no webhook secret: credentials.webhook_secret (" + cfg.credentials().get(Credential.WEBHOOK_SECRET)
                    + ") holds nothing") + "; refusing to accept unsigned webhooks");
            return 2;
        }
        if (github.problem() != null) {
            System.err.println("airlock serve: " + github.problem());
            return 2;
        }
        String token = github.configured() ? null : github.fallbackToken(cfg);
        if (!github.configured() && token == null) {
            System.err.println("airlock serve: no GitHub API credential: give --github-app-id/--github-app-key, "
                    + "--github-token-file, --github-token-env NAME, or credentials.github_token of the configuration "
                    + "(default $AIRLOCK_GITHUB_TOKEN); it is needed to check permissions and open pull requests");
            return 2;
        }
        String runAgent = agent != null && agent.startsWith("script:")
                ? "script:" + Path.of(agent.substring("script:".length())).toAbsolutePath()
                : agent != null ? agent : cfg.defaultAgent();
        if (runAgent == null) {
            System.err.println("airlock serve: no agent: give --agent or set agent.default in the configuration");
            return 2;
        }
        int colon = listen.lastIndexOf(':');
        if (colon < 0) {
            System.err.println("airlock serve: --listen must be HOST:PORT");
            return 2;
        }
        Map<RepoName, String> targets = parseRepos(repos);
        for (String where : targets.values()) {
            String refused = where.startsWith("https://") ? null : ConfigOption.insideRepository(cfg, Path.of(where));
            if (refused != null) {
                System.err.println("airlock serve: " + refused);
                return 2;
            }
        }
        String gitToken = cfg.credential(Credential.GIT_TOKEN, System::getenv).orElse(null);
        // Keys and policies are read again for every run, so a rotated key file takes effect without a restart.
        PipelineFactory pipelines = () -> LocalPipeline.configured(cfg, System.out);
        try (RunStore store = RunStore.open(cfg.databaseOrEmbedded());
             WebhookServer server = WebhookServer.builder()
                     .listen(new InetSocketAddress(listen.substring(0, colon),
                             Integer.parseInt(listen.substring(colon + 1))))
                     .signature(new WebhookSignature(secret)).store(store).apis(repo -> github.api(repo, token))
                     .repos(targets.keySet()).baseBranch(ref).maxRevisions(maxRevisions)
                     .runner(pipeline(pipelines, targets, ref, runAgent, gitToken,
                             github::gitRoleArgs))
                     .build().start()) {
            System.out.println("airlock serve: listening on http://" + server.address().getHostString() + ":"
                    + server.address().getPort() + "/webhook for " + targets.keySet());
            new CountDownLatch(1).await();
        }
        return 0;
    }

    /** A fresh, configured {@link LocalPipeline} for each run. */
    @FunctionalInterface
    public interface PipelineFactory {
        LocalPipeline create() throws IOException;
    }

    /** {@link #pipeline(PipelineFactory, Map, String, String, String, Function)} on built-in defaults. */
    public static IssueRunner pipeline(Path dataDir, Map<RepoName, String> targets, String ref, String agent,
                                       String gitToken, Function<RepoName, List<String>> gitRoleArgs,
                                       PrintStream out) {
        return pipeline(() -> new LocalPipeline(dataDir, out), targets, ref, agent, gitToken, gitRoleArgs);
    }

    /**
     * Each triggered issue runs the local pipeline against the repository's configured location; a revision runs
     * it again on the run's branch. {@code gitRoleArgs} tells the git role where its own credential is.
     */
    public static IssueRunner pipeline(PipelineFactory pipelines, Map<RepoName, String> targets, String ref,
                                       String agent, String gitToken,
                                       Function<RepoName, List<String>> gitRoleArgs) {
        return new IssueRunner() {
            @Override
            public RunOutcome run(Trigger.Start trigger, RunListener progress) throws Exception {
                return pipelines.create().listener(progress)
                        .gitCredentialArgs(gitRoleArgs.apply(trigger.repo()))
                        .run(targets.get(trigger.repo()), ref, trigger.task(), agent, gitToken);
            }

            @Override
            public RunOutcome revise(Revision revision, RunListener progress) throws Exception {
                return pipelines.create().listener(progress).gitCredentialArgs(gitRoleArgs.apply(revision.repo()))
                        .revise(targets.get(revision.repo()), revision, agent, gitToken);
            }
        };
    }

    static Map<RepoName, String> parseRepos(Map<String, String> raw) {
        Map<RepoName, String> out = new LinkedHashMap<>();
        raw.forEach((name, where) -> out.put(RepoName.parse(name),
                where.startsWith("https://") ? where : Path.of(where).toAbsolutePath().normalize().toString()));
        return out;
    }

}
