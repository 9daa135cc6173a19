package dev.airlock.git;

import dev.airlock.core.Redaction;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

/**
 * The push token, read from the git service's own environment or a file it owns — never from a repository, a URL
 * or git config. Held as {@code char[]} and zeroed by {@link #clear()}; printed only redacted.
 */
public final class GitToken implements AutoCloseable {
    private final char[] value;

    private GitToken(char[] value) {
        if (value.length == 0) {
            throw new IllegalArgumentException("empty token");
        }
        this.value = value;
    }

    public static GitToken ofChars(char[] value) {
        return new GitToken(value.clone());
    }

    public static GitToken fromEnv(String variable) throws GitServiceException {
        String v = System.getenv(variable);
        if (v == null || v.isBlank()) {
            throw new GitServiceException("environment variable " + variable + " is not set; export the push token there"
                    + " or pass --token-file");
        }
        return new GitToken(v.strip().toCharArray());
    }

    public static GitToken fromFile(Path file) throws GitServiceException {
        try {
            byte[] raw = Files.readAllBytes(file);
            String s = new String(raw, StandardCharsets.UTF_8).strip();
            Arrays.fill(raw, (byte) 0);
            if (s.isEmpty()) {
                throw new GitServiceException("token file " + file + " is empty");
            }
            return new GitToken(s.toCharArray());
        } catch (IOException e) {
            throw new GitServiceException("cannot read token file " + file + ": " + e.getMessage(), e);
        }
    }

    /** HTTPS basic credentials in the form GitHub and most forges accept for tokens. */
    public CredentialsProvider credentials() {
        return new UsernamePasswordCredentialsProvider("x-access-token", value);
    }

    public void clear() {
        Arrays.fill(value, '\0');
    }

    @Override
    public void close() {
        clear();
    }

    @Override
    public String toString() {
        return "GitToken[" + Redaction.redact(new String(value)) + "]";
    }
}
