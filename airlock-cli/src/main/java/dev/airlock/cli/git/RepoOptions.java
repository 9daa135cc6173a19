package dev.airlock.cli.git;

import dev.airlock.core.fs.InterProcessLock;
import dev.airlock.git.GitRemote;
import dev.airlock.git.GitServiceException;
import dev.airlock.git.GitToken;
import dev.airlock.orchestrator.github.InstallationTokens;
import dev.airlock.orchestrator.github.RepoName;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The remote, the service's own bare repository and where the token comes from. */
final class RepoOptions {
    @Option(names = "--remote", required = true, description = "https://… URL or absolute local path of the repository.")
    String remote;

    @Option(names = "--cache", required = true, description = "The git service's own bare repository (created if absent).")
    Path cache;

    @Option(names = "--token-env", description = "Environment variable holding the HTTPS token.")
    String tokenEnv;

    @Option(names = "--token-file", description = "File holding the HTTPS token.")
    Path tokenFile;

    @Option(names = "--app-id", description = "Mint the token as this GitHub App (with --app-key, --github-repo): an "
            + "installation token narrowed to the one repository and contents: write.")
    String appId;

    @Option(names = "--app-key", description = "The App's private key (PEM); read by this process only.")
    Path appKey;

    @Option(names = "--github-api", defaultValue = "https://api.github.com",
            description = "GitHub REST API base URL for --app-id (default: ${DEFAULT-VALUE}).")
    java.net.URI githubApi;

    @Option(names = "--github-repo", description = "OWNER/NAME the App token is narrowed to.")
    String githubRepo;
    /**
     * Holds the cache for this process: concurrent runs on one repository share its cache, and JGit's ref and config
     * lock files make a second concurrent fetch fail rather than wait. Released by the kernel if the role is killed.
     */
    InterProcessLock lockCache() throws java.io.IOException {
        Path abs = cache.toAbsolutePath().normalize();
        java.nio.file.Files.createDirectories(abs.getParent());
        return InterProcessLock.acquire(abs.resolveSibling(abs.getFileName() + ".lock"));
    }

    GitRemote remote() throws GitServiceException {
        return GitRemote.parse(remote);
    }

    GitToken token() throws GitServiceException {
        int sources = (tokenEnv != null ? 1 : 0) + (tokenFile != null ? 1 : 0) + (appId != null ? 1 : 0);
        if (sources > 1) {
            throw new GitServiceException("--token-env, --token-file and --app-id are exclusive; give one");
        }
        if (appId != null) {
            if (appKey == null || githubRepo == null) {
                throw new GitServiceException("--app-id needs --app-key and --github-repo");
            }
            try {
                String minted = InstallationTokens.forApp(githubApi, appId, appKey, RepoName.parse(githubRepo),
                        InstallationTokens.GIT).token();
                return GitToken.ofChars(minted.toCharArray());
            } catch (java.io.IOException | IllegalArgumentException e) {
                throw new GitServiceException("cannot mint the git role's GitHub App token: " + e.getMessage(), e);
            }
        }
        if (tokenEnv != null) {
            return GitToken.fromEnv(tokenEnv);
        }
        if (tokenFile != null) {
            return GitToken.fromFile(tokenFile);
        }
        return null;
    }
}
