package dev.airlock.orchestrator.github;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.core.Redaction;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * GitHub App authentication for one role: a JWT signed with the App's private key ({@link AppJwt}) buys an
 * installation access token narrowed to ONE repository and to that role's permissions
 * ({@code POST /app/installations/{id}/access_tokens} with {@code repositories} and {@code permissions}). The token is
 * cached until five minutes before it expires. An answer granting more than was asked — another repository, a
 * permission not requested or a higher level — is refused: the role would hold power it must not have.
 *
 * <p>Each role that needs GitHub mints its own: the orchestrator with {@link #ORCHESTRATOR} (issues, pull requests,
 * checks; actions read for CI logs), the git role with {@link #GIT} (contents) from its own App key file, which the
 * orchestrator only names on the git role's command line and never reads.
 */
public final class InstallationTokens implements GitHubCredential {
    /** The orchestrator's power: talk on issues and pull requests, read check results and CI job logs. */
    public static final Map<String, String> ORCHESTRATOR = ordered("issues", "write", "pull_requests", "write",
            "checks", "read", "actions", "read");
    /** The git role's power: fetch and push the repository's contents. */
    public static final Map<String, String> GIT = ordered("contents", "write");
    private static final Duration REFRESH_BEFORE_EXPIRY = Duration.ofMinutes(5);

    private final GitHubApi app;
    private final RepoName repo;
    private final Map<String, String> permissions;
    private final Clock clock;
    private String token;
    private Instant expiresAt = Instant.MIN;

    public InstallationTokens(URI apiBase, AppJwt jwt, RepoName repo, Map<String, String> permissions, Clock clock) {
        this.app = new GitHubApi(apiBase, jwt::mint);
        this.repo = Objects.requireNonNull(repo);
        this.permissions = Map.copyOf(permissions);
        this.clock = Objects.requireNonNull(clock);
    }

    /** Reads the App's key from {@code keyFile} once; the key stays in this object only. */
    public static InstallationTokens forApp(URI apiBase, String appId, Path keyFile, RepoName repo,
                                            Map<String, String> permissions) throws IOException {
        return new InstallationTokens(apiBase, new AppJwt(appId, AppJwt.readKey(keyFile), Clock.systemUTC()), repo,
                permissions, Clock.systemUTC());
    }

    @Override
    public synchronized String token() throws IOException {
        if (token != null && clock.instant().isBefore(expiresAt.minus(REFRESH_BEFORE_EXPIRY))) {
            return token;
        }
        long installation = app.installationId(repo);
        JsonNode r = app.createInstallationToken(installation, repo.name(), permissions);
        String minted = r.path("token").asText("");
        if (minted.isEmpty()) {
            throw new IOException("GitHub answered the installation token request for " + repo + " without a token");
        }
        checkNarrowed(r);
        try {
            expiresAt = Instant.parse(r.path("expires_at").asText(""));
        } catch (DateTimeParseException e) {
            throw new IOException("GitHub's installation token for " + repo + " has no valid expires_at", e);
        }
        token = minted;
        return token;
    }

    private void checkNarrowed(JsonNode r) throws IOException {
        JsonNode repos = r.path("repositories");
        if (repos.isArray()) {
            for (JsonNode each : repos) {
                if (!each.path("name").asText("").equals(repo.name())) {
                    throw new IOException("GitHub granted an installation token for more than " + repo
                            + "; refusing to use it");
                }
            }
        }
        JsonNode granted = r.path("permissions");
        for (Iterator<Map.Entry<String, JsonNode>> it = granted.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String asked = permissions.get(e.getKey());
            String level = e.getValue().asText("");
            boolean ok = e.getKey().equals("metadata") && level.equals("read")
                    || asked != null && (asked.equals(level) || asked.equals("write") && level.equals("read"));
            if (!ok) {
                throw new IOException("GitHub granted " + e.getKey() + ":" + level + " beyond the " + permissions
                        + " asked for " + repo + "; refusing to use the token");
            }
        }
    }

    private static Map<String, String> ordered(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(m);
    }

    @Override
    public synchronized String toString() {
        return "InstallationTokens[" + repo + " " + permissions + (token == null ? "" : " " + Redaction.redact(token))
                + "]";
    }
}
