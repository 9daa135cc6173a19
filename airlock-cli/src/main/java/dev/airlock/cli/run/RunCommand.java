package dev.airlock.cli.run;

import dev.airlock.orchestrator.LocalRun;
import dev.airlock.orchestrator.RunOutcome;
import dev.airlock.orchestrator.RunStore;
import dev.airlock.orchestrator.github.GitHubApi;
import dev.airlock.orchestrator.github.GitHubRunReporter;
import dev.airlock.orchestrator.github.IssueRunner;
import dev.airlock.orchestrator.github.RepoName;
import dev.airlock.orchestrator.github.Trigger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run an agent on a repository: export (git role) → code (agent role, sandboxed) → validate "
                + "and publish (git role) to branch airlock/<run>. Each role is its own process with only its own "
                + "credentials; the push token is read from $" + LocalRun.GIT_TOKEN_VARIABLE + " and given to the "
                + "git role only.",
                "With --issue N the task is GitHub issue N of --github-repo (title, body and the comments of users "
                        + "with write access, hidden text stripped), the issue gets one progress comment edited in "
                        + "place, and a pushed branch becomes a draft pull request.",
                "Exit status: 0 pushed, 1 refused or failed (nothing pushed), 2 usage error."})
public final class RunCommand implements Callable<Integer> {
    @Option(names = "--repo", required = true, description = "Local repository path or https URL.")
    String repo;

    @Option(names = "--ref", defaultValue = "main", description = "Branch to start from (default: ${DEFAULT-VALUE}).")
    String ref;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Task task;

    static final class Task {
        @Option(names = "--task", description = "The task text.") String text;
        @Option(names = "--task-file", description = "A file holding the task text.") Path file;
        @Option(names = "--issue", description = "A GitHub issue number of --github-repo.") Integer issue;
    }

    @Option(names = "--github-repo", description = "OWNER/NAME on GitHub for --issue (default: from an https --repo "
            + "URL).")
    String githubRepo;

    @picocli.CommandLine.Mixin
    dev.airlock.cli.serve.GitHubOptions github;

    @Option(names = "--agent", description = "script:FILE (run inside the sandbox), cmd:COMMAND, claude or codex "
            + "(default: agent.default of the configuration).")
    String agent;

    @Mixin
    DataDirOption data;

    @Mixin
    ConfigOption config;

    @Mixin
    BudgetOptions budgetFlags;

    @Option(names = "--guard-policy", description = "Egress policy file for the guard role (JSON, as for airlock proxy). "
            + "Default: built in, only api.anthropic.com and api.openai.com, keys from ANTHROPIC_API_KEY/OPENAI_API_KEY.")
    Path guardPolicy;

    @Option(names = "--history", arity = "0..1", paramLabel = "DEPTH", fallbackValue = "100",
            description = "Give the agent a read-only, shallow git history (/workspace/.git, DEPTH commits; default "
                    + "when given: ${FALLBACK-VALUE}) so git log and git blame work; changes there are ignored.")
    Integer historyDepth;

    @Override
    public Integer call() throws Exception {
        dev.airlock.orchestrator.config.OperatorConfig cfg = config.loadOrReport(data, budgetFlags, "run");
        if (cfg == null) {
            return 2;
        }
        if (github.problem() != null) {
            System.err.println("airlock run: " + github.problem());
            return 2;
        }
        if (historyDepth != null && (historyDepth < 1 || historyDepth > 1_000_000)) {
            System.err.println("airlock run: --history depth must be 1..1000000");
            return 2;
        }
        String target = repo.startsWith("https://") ? repo : Path.of(repo).toAbsolutePath().normalize().toString();
        if (!repo.startsWith("https://")) {
            String refused = ConfigOption.insideRepository(cfg, Path.of(target), guardPolicy);
            if (refused != null) {
                System.err.println("airlock run: " + refused);
                return 2;
            }
        }
        if (agent == null) {
            agent = cfg.defaultAgent();
        }
        if (agent == null) {
            System.err.println("airlock run: no agent: give --agent or set agent.default in the configuration");
            return 2;
        }
        if (agent.startsWith("script:")) {
            Path script = Path.of(agent.substring("script:".length())).toAbsolutePath();
            if (!Files.isRegularFile(script)) {
                System.err.println("airlock run: agent script " + script + " does not exist");
                return 2;
            }
            agent = "script:" + script;
        }
        Path policy = guardPolicy != null ? guardPolicy.toAbsolutePath() : cfg.guardPolicy();
        String gitToken = cfg.credential(dev.airlock.orchestrator.config.Credential.GIT_TOKEN, System::getenv)
                .orElse(null);
        RunOutcome outcome;
        if (task.issue != null) {
            if (task.issue <= 0) {
                System.err.println("airlock run: --issue must be a positive issue number");
                return 2;
            }
            RepoName gh;
            try {
                gh = githubRepo != null ? RepoName.parse(githubRepo) : fromUrl(repo);
            } catch (IllegalArgumentException e) {
                System.err.println("airlock run: " + e.getMessage());
                return 2;
            }
            String token = github.configured() ? null : github.fallbackToken(cfg);
            if (!github.configured() && token == null) {
                System.err.println("airlock run: --issue needs a GitHub API credential: --github-app-id/"
                        + "--github-app-key, --github-token-file, --github-token-env NAME or credentials.github_token "
                        + "of the configuration (default $AIRLOCK_GITHUB_TOKEN)");
                return 2;
            }
            outcome = issueRun(pipeline(cfg, policy), cfg, gh, github.api(gh, token), target, gitToken);
        } else {
            String text = task.text != null ? task.text : Files.readString(task.file, StandardCharsets.UTF_8);
            outcome = pipeline(cfg, policy)
                    .gitCredentialArgs(github.gitRoleArgs(githubRepo == null ? null : RepoName.parse(githubRepo)))
                    .run(target, ref, text, agent, gitToken);
        }
        int code = LocalPipeline.report(outcome, System.out, System.err);
        if (outcome instanceof RunOutcome.Published p && !repo.startsWith("https://")) {
            BranchDiff.stat(Path.of(target), p.branch(), System.out);
        }
        return code;
    }

    /** The local pipeline as the operator configured it, with this command's flags over it. */
    private LocalPipeline pipeline(dev.airlock.orchestrator.config.OperatorConfig cfg,
            Path guardPolicy) throws java.io.IOException {
        return LocalPipeline.configured(cfg, System.out).guardPolicy(guardPolicy)
                .history(historyDepth == null ? 0 : historyDepth);
    }

    /** The issue through the API, the run, the progress comment and the draft pull request (as `airlock serve`). */
    private RunOutcome issueRun(LocalPipeline pipeline, dev.airlock.orchestrator.config.OperatorConfig cfg,
            RepoName gh, GitHubApi api, String target, String gitToken) throws Exception {
        String text = GitHubRunReporter.issueTask(api, gh, task.issue);
        IssueRunner runner = (trigger, progress) -> pipeline.listener(progress).gitCredentialArgs(github.gitRoleArgs(gh))
                .run(target, ref, trigger.task(), agent, gitToken);
        try (RunStore store = RunStore.open(cfg.databaseOrEmbedded())) {
            RunOutcome outcome = new GitHubRunReporter(r -> api, store, runner, ref, 0, System.err)
                    .handle(new Trigger.Start(gh, task.issue, null, text));
            store.pullRequest(outcome.run()).ifPresent(url -> System.out.println("pull request " + url));
            return outcome;
        }
    }

    /** OWNER/NAME from {@code https://host/OWNER/NAME(.git)}. */
    static RepoName fromUrl(String repo) {
        if (!repo.startsWith("https://")) {
            throw new IllegalArgumentException("--issue needs --github-repo OWNER/NAME (or an https --repo URL)");
        }
        String path = java.net.URI.create(repo).getPath();
        String[] parts = path.replaceAll("^/+|/+$", "").split("/");
        if (parts.length != 2) {
            throw new IllegalArgumentException("cannot tell OWNER/NAME from " + repo + "; give --github-repo");
        }
        String name = parts[1].endsWith(".git") ? parts[1].substring(0, parts[1].length() - 4) : parts[1];
        return new RepoName(parts[0], name);
    }
}
