package dev.airlock.cli.serve;

import dev.airlock.orchestrator.github.GitHubApi;
import dev.airlock.orchestrator.github.GitHubCredential;
import dev.airlock.orchestrator.github.InstallationTokens;
import dev.airlock.orchestrator.github.RepoName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import picocli.CommandLine.Option;

/**
 * Where each role's GitHub credential comes from. The orchestrator's (issues, pull requests, checks): a GitHub App
 * ({@code --github-app-id/--github-app-key}, installation tokens narrowed per repository) or a fine-grained token in a
 * file ({@code --github-token-file}). The git role's (contents): its own App or token file, which this process only
 * NAMES on the git role's command line — the git role reads the secret itself, so it never passes through the
 * orchestrator's memory or environment.
 */
public final class GitHubOptions {
    @Option(names = "--github-api", defaultValue = "https://api.github.com",
            description = "GitHub REST API base URL (default: ${DEFAULT-VALUE}).")
    public URI api;

    @Option(names = "--github-token-file", description = "File holding the orchestrator's fine-grained GitHub token "
            + "(issues, pull requests, checks: read/write).")
    Path tokenFile;

    @Option(names = "--github-token-env", description = "Variable holding the orchestrator's GitHub API token when "
            + "neither --github-app-id nor --github-token-file is given (default: credentials.github_token of the "
            + "configuration, else AIRLOCK_GITHUB_TOKEN).")
    String tokenEnv;

    @Option(names = "--github-app-id", description = "The orchestrator's GitHub App id (with --github-app-key).")
    String appId;

    @Option(names = "--github-app-key", description = "The orchestrator's GitHub App private key (PEM file).")
    Path appKey;

    @Option(names = "--git-token-file", description = "File holding the git role's token (contents: write); read "
            + "by the git role only.")
    Path gitTokenFile;

    @Option(names = "--git-app-id", description = "The git role's GitHub App id (with --git-app-key).")
    String gitAppId;

    @Option(names = "--git-app-key", description = "The git role's GitHub App private key (PEM file); read by the git "
            + "role only, which mints its own installation token (contents: write, one repository).")
    Path gitAppKey;

    private final Map<RepoName, GitHubApi> apis = new ConcurrentHashMap<>();

    /** A usage problem, or null. */
    public String problem() {
        if ((appId == null) != (appKey == null)) {
            return "--github-app-id and --github-app-key go together";
        }
        if (appId != null && tokenFile != null) {
            return "give --github-app-id/--github-app-key or --github-token-file, not both";
        }
        if ((gitAppId == null) != (gitAppKey == null)) {
            return "--git-app-id and --git-app-key go together";
        }
        if (gitAppId != null && gitTokenFile != null) {
            return "give --git-app-id/--git-app-key or --git-token-file, not both";
        }
        return null;
    }

    /** Whether the orchestrator's credential is configured by a flag (else the caller may fall back to a variable). */
    public boolean configured() {
        return appId != null || tokenFile != null;
    }

    /**
     * The orchestrator's token when no flag configures its credential: variable {@code --github-token-env} if given,
     * else {@code credentials.github_token} of the configuration (by default {@code $AIRLOCK_GITHUB_TOKEN}); null if
     * there is none.
     */
    public String fallbackToken(dev.airlock.orchestrator.config.OperatorConfig cfg) throws IOException {
        String v = tokenEnv != null ? System.getenv(tokenEnv)
                : cfg.credential(dev.airlock.orchestrator.config.Credential.GITHUB_TOKEN, System::getenv).orElse(null);
        return v == null || v.isEmpty() ? null : v;
    }

    /** The API client for {@code repo}, with the orchestrator's credential; {@code fallback} if no flag gives one. */
    public GitHubApi api(RepoName repo, String fallbackToken) {
        return apis.computeIfAbsent(repo, r -> {
            try {
                GitHubCredential c;
                if (appId != null) {
                    c = InstallationTokens.forApp(api, appId, appKey.toAbsolutePath(), r,
                            InstallationTokens.ORCHESTRATOR);
                } else if (tokenFile != null) {
                    c = GitHubCredential.fromFile(tokenFile);
                } else {
                    c = fallbackToken == null ? null : GitHubCredential.fixed(fallbackToken);
                }
                return new GitHubApi(api, c);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /**
     * What the git role is told about its credential for {@code repo} (null: not a GitHub repository): names and
     * paths, never a secret.
     */
    public List<String> gitRoleArgs(RepoName repo) {
        List<String> args = new ArrayList<>();
        if (gitTokenFile != null) {
            args.addAll(List.of("--token-file", gitTokenFile.toAbsolutePath().toString()));
        } else if (gitAppId != null) {
            if (repo == null) {
                throw new IllegalArgumentException("--git-app-id needs the GitHub repository (--github-repo)");
            }
            args.addAll(List.of("--app-id", gitAppId, "--app-key", gitAppKey.toAbsolutePath().toString(),
                    "--github-api", api.toString(), "--github-repo", repo.toString()));
        }
        return args;
    }
}
