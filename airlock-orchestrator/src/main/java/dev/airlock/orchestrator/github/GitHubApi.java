package dev.airlock.orchestrator.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/**
 * The few GitHub REST calls the orchestrator makes, on {@link HttpClient} and Jackson. The token is the
 * orchestrator's own GitHub API credential (issues, pull requests, collaborator lookup); it never leaves this class
 * and never appears in an error message.
 */
public final class GitHubApi {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int MAX_RESPONSE = 1 << 20;
    private final URI base;
    private final String token;
    private final HttpClient http;
    private final ObjectMapper json = BoundedJson.mapper();

    /** {@code base} is e.g. {@code https://api.github.com}; {@code token} may be null (unauthenticated). */
    public GitHubApi(URI base, String token) {
        String b = base.toString();
        this.base = URI.create(b.endsWith("/") ? b : b + "/");
        this.token = token;
        this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** Whether {@code user} may push to the repository (admin, maintain or write), per the collaborator API. */
    public boolean canWrite(RepoName repo, String user) throws IOException {
        JsonNode r = call("GET", repo.path() + "/collaborators/" + enc(user) + "/permission", null, 404);
        if (r == null) {
            return false;
        }
        String permission = r.path("permission").asText("");
        String role = r.path("role_name").asText("");
        return permission.equals("admin") || permission.equals("write")
                || role.equals("admin") || role.equals("maintain") || role.equals("write");
    }

    /** Creates an issue comment; returns its id. */
    public long createComment(RepoName repo, int issue, String body) throws IOException {
        ObjectNode req = json.createObjectNode().put("body", body);
        return call("POST", repo.path() + "/issues/" + issue + "/comments", req, -1).path("id").asLong();
    }

    public void updateComment(RepoName repo, long commentId, String body) throws IOException {
        call("PATCH", repo.path() + "/issues/comments/" + commentId, json.createObjectNode().put("body", body), -1);
    }

    /** Opens a draft pull request; returns its html URL. */
    public String createDraftPull(RepoName repo, String title, String head, String baseBranch, String body)
            throws IOException {
        ObjectNode req = json.createObjectNode().put("title", title).put("head", head).put("base", baseBranch)
                .put("body", body).put("draft", true);
        return call("POST", repo.path() + "/pulls", req, -1).path("html_url").asText();
    }

    private JsonNode call(String method, String path, JsonNode body, int absentStatus) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT)
                .header("Accept", "application/vnd.github+json").header("X-GitHub-Api-Version", "2022-11-28");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)));
        HttpResponse<byte[]> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted calling GitHub " + method + " " + path, e);
        }
        if (r.statusCode() == absentStatus) {
            return null;
        }
        if (r.statusCode() / 100 != 2) {
            throw new IOException("GitHub " + method + " " + path + " answered " + r.statusCode());
        }
        if (r.body().length > MAX_RESPONSE) {
            throw new IOException("GitHub " + method + " " + path + " answered more than " + MAX_RESPONSE + " bytes");
        }
        return r.body().length == 0 ? json.createObjectNode() : json.readTree(r.body());
    }

    private static String enc(String s) {
        return URLEncoder.encode(Objects.requireNonNull(s), StandardCharsets.UTF_8);
    }
}
