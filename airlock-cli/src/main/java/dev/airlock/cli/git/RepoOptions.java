package dev.airlock.cli.git;

import dev.airlock.core.fs.InterProcessLock;
import dev.airlock.git.GitRemote;
import dev.airlock.git.GitServiceException;
import dev.airlock.git.GitToken;
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
        if (tokenEnv != null && tokenFile != null) {
            throw new GitServiceException("--token-env and --token-file are exclusive; give one");
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
