package dev.airlock.orchestrator.github;

import dev.airlock.core.Redaction;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a GitHub API token comes from: a fixed token (one fine-grained token per role, read from that role's own file)
 * or a GitHub App installation token minted on demand ({@link InstallationTokens}). Implementations never put the
 * token in an exception message or a {@code toString()}.
 */
public interface GitHubCredential {
    /** The token to send as {@code Authorization: Bearer …} now. */
    String token() throws IOException;

    /** A fixed token, e.g. a fine-grained personal access token read from a file only its role reads. */
    static GitHubCredential fixed(String token) {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("empty GitHub token");
        }
        String t = token.strip();
        return new GitHubCredential() {
            @Override
            public String token() {
                return t;
            }

            @Override
            public String toString() {
                return "GitHubCredential[" + Redaction.redact(t) + "]";
            }
        };
    }

    /** The token in {@code file} (surrounding white space removed); the message names the file, never its content. */
    static GitHubCredential fromFile(Path file) throws IOException {
        String t;
        try {
            t = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IOException("cannot read the GitHub token file " + file + ": " + e.getMessage(), e);
        }
        if (t.isEmpty()) {
            throw new IOException("the GitHub token file " + file + " is empty");
        }
        return fixed(t);
    }
}
