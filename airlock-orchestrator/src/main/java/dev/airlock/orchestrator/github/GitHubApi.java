package dev.airlock.orchestrator.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The GitHub REST calls Airlock makes, on {@link HttpClient} and Jackson. The credential is the caller's own
 * ({@link GitHubCredential}); its token goes into the {@code Authorization} header and nowhere else — never into an
 * error message. Every answer is bounded ({@value #MAX_RESPONSE} bytes, {@link BoundedJson} limits); lists are read
 * page by page (100 entries each) following GitHub's {@code Link: rel="next"}, at most {@value #MAX_PAGES} pages, and
 * only on the API's own origin (the credential goes with every page).
 */
public final class GitHubApi {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int MAX_RESPONSE = 1 << 20;
    /** How much of a job log is downloaded before the rest is dropped (the tail of what was read is kept). */
    private static final int MAX_LOG_DOWNLOAD = 8 << 20;
    /** Pages of one list read at most (100 entries each); a longer list is cut there and {@link Listing#truncated}. */
    public static final int MAX_PAGES = 10;
    private static final int PER_PAGE = 100;
    private final URI base;
    private final GitHubCredential credential;
    private final HttpClient http;
    private final ObjectMapper json = BoundedJson.mapper();

    /** {@code base} is e.g. {@code https://api.github.com}; {@code token} may be null (unauthenticated). */
    public GitHubApi(URI base, String token) {
        this(base, token == null ? null : GitHubCredential.fixed(token));
    }

    public GitHubApi(URI base, GitHubCredential credential) {
        String b = base.toString();
        this.base = URI.create(b.endsWith("/") ? b : b + "/");
        this.credential = credential;
        this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** An issue or pull request comment, a review comment: who wrote what (text untrusted, hidden text not stripped). */
    public record Comment(long id, String author, String body, String path, int line, String diffHunk) {
    }

    /**
     * A list read page by page; {@code truncated} when GitHub had more pages than {@value #MAX_PAGES} (the entries
     * after the cap are not in {@code items}).
     */
    public record Listing<T>(List<T> items, boolean truncated) implements Iterable<T> {
        public Listing {
            items = List.copyOf(items);
        }

        @Override
        public java.util.Iterator<T> iterator() {
            return items.iterator();
        }
    }

    public record Issue(int number, String title, String body, String author) {
    }

    public record PullRequest(int number, String url) {
    }

    /** A check run of a suite; {@code output} is its title, summary and text joined. */
    public record CheckRun(long id, String name, String conclusion, String app, String output) {
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

    public Issue issue(RepoName repo, int number) throws IOException {
        JsonNode r = call("GET", repo.path() + "/issues/" + number, null, -1);
        return new Issue(number, r.path("title").asText(""), r.path("body").asText(""),
                r.path("user").path("login").asText(""));
    }

    /** The comments of an issue (or of a pull request's conversation), oldest first, up to the page cap. */
    public Listing<Comment> issueComments(RepoName repo, int number) throws IOException {
        return paged(repo.path() + "/issues/" + number + "/comments", this::comments);
    }

    /** The review comments of a pull request (the ones on lines of its diff), oldest first, up to the page cap. */
    public Listing<Comment> reviewComments(RepoName repo, int pull) throws IOException {
        return paged(repo.path() + "/pulls/" + pull + "/comments", this::comments);
    }

    /** The check runs of one check suite, up to the page cap. */
    public Listing<CheckRun> checkRuns(RepoName repo, long suite) throws IOException {
        return paged(repo.path() + "/check-suites/" + suite + "/check-runs", r -> {
            List<CheckRun> out = new ArrayList<>();
            for (JsonNode c : r.path("check_runs")) {
                JsonNode o = c.path("output");
                String text = String.join("\n", o.path("title").asText(""), o.path("summary").asText(""),
                        o.path("text").asText("")).strip();
                out.add(new CheckRun(c.path("id").asLong(), c.path("name").asText(""),
                        c.path("conclusion").asText(""), c.path("app").path("slug").asText(""), text));
            }
            return out;
        });
    }

    /** Reads the entries of one page. */
    private interface PageReader<T> {
        List<T> read(JsonNode page);
    }

    /**
     * GET {@code path} and every {@code rel="next"} page after it, at most {@value #MAX_PAGES}. A next link to another
     * origin or outside the API's base path is refused: the credential would go with it.
     */
    private <T> Listing<T> paged(String path, PageReader<T> reader) throws IOException {
        List<T> out = new ArrayList<>();
        URI next = base.resolve(path + "?per_page=" + PER_PAGE);
        for (int page = 1; ; page++) {
            HttpResponse<InputStream> r = send(request("GET", next, null));
            JsonNode answer = answer(r, "GitHub GET /" + path + " (page " + page + ")", -1);
            out.addAll(reader.read(answer));
            java.util.Optional<URI> link = LinkHeader.next(r.headers().firstValue("Link").orElse(null));
            if (link.isEmpty()) {
                return new Listing<>(out, false);
            }
            if (page == MAX_PAGES) {
                return new Listing<>(out, true);
            }
            next = base.resolve(link.get());
            if (!sameOrigin(next) || !next.getRawPath().startsWith(base.getRawPath())) {
                throw new IOException("refusing GitHub's next-page link for /" + path + ": it leaves "
                        + base.getScheme() + "://" + base.getAuthority() + base.getRawPath());
            }
        }
    }

    private boolean sameOrigin(URI u) {
        return Objects.equals(u.getScheme(), base.getScheme()) && Objects.equals(u.getHost(), base.getHost())
                && u.getPort() == base.getPort();
    }

    /**
     * The last {@code keep} bytes of a GitHub Actions job's log ({@code GET /repos/…/actions/jobs/{id}/logs}, which
     * answers with a redirect to a short-lived download URL). The download goes WITHOUT the credential — the URL is its
     * own capability and may point at another host — and stops after {@value #MAX_LOG_DOWNLOAD} bytes.
     */
    public String jobLogTail(RepoName repo, long job, int keep) throws IOException {
        HttpResponse<InputStream> r = send(request("GET", repo.path() + "/actions/jobs/" + job + "/logs", null));
        URI location;
        try (InputStream ignored = r.body()) {
            if (r.statusCode() / 100 != 3) {
                throw new IOException("GitHub GET job " + job + " logs answered " + r.statusCode());
            }
            location = URI.create(r.headers().firstValue("Location")
                    .orElseThrow(() -> new IOException("GitHub's job log redirect has no Location")));
        }
        // GitHub redirects to https storage; plain http only to the API's own host (a local fake, an Enterprise server).
        if (!"https".equals(location.getScheme())
                && !("http".equals(location.getScheme()) && Objects.equals(location.getHost(), base.getHost()))) {
            throw new IOException("refusing a job log redirect to " + location.getScheme() + "://" + location.getHost());
        }
        HttpResponse<InputStream> log = send(HttpRequest.newBuilder(location).timeout(TIMEOUT).GET().build());
        try (InputStream in = log.body()) {
            if (log.statusCode() / 100 != 2) {
                throw new IOException("the job log download answered " + log.statusCode());
            }
            return LogTail.read(in, MAX_LOG_DOWNLOAD, keep);
        }
    }

    /** Creates an issue comment; returns its id. */
    public long createComment(RepoName repo, int issue, String body) throws IOException {
        ObjectNode req = json.createObjectNode().put("body", body);
        return call("POST", repo.path() + "/issues/" + issue + "/comments", req, -1).path("id").asLong();
    }

    public void updateComment(RepoName repo, long commentId, String body) throws IOException {
        call("PATCH", repo.path() + "/issues/comments/" + commentId, json.createObjectNode().put("body", body), -1);
    }

    /** Opens a draft pull request. */
    public PullRequest createDraftPull(RepoName repo, String title, String head, String baseBranch, String body)
            throws IOException {
        ObjectNode req = json.createObjectNode().put("title", title).put("head", head).put("base", baseBranch)
                .put("body", body).put("draft", true);
        JsonNode r = call("POST", repo.path() + "/pulls", req, -1);
        return new PullRequest(r.path("number").asInt(), r.path("html_url").asText());
    }

    public void updatePullBody(RepoName repo, int pull, String body) throws IOException {
        call("PATCH", repo.path() + "/pulls/" + pull, json.createObjectNode().put("body", body), -1);
    }

    /** The App installation that covers {@code repo} (authenticated as the App, with its JWT). */
    long installationId(RepoName repo) throws IOException {
        long id = call("GET", repo.path() + "/installation", null, -1).path("id").asLong(-1);
        if (id <= 0) {
            throw new IOException("GitHub named no App installation for " + repo);
        }
        return id;
    }

    /** An installation access token narrowed to one repository and {@code permissions}. */
    JsonNode createInstallationToken(long installation, String repository, Map<String, String> permissions)
            throws IOException {
        ObjectNode req = json.createObjectNode();
        req.putArray("repositories").add(repository);
        ObjectNode p = req.putObject("permissions");
        permissions.forEach(p::put);
        return call("POST", "app/installations/" + installation + "/access_tokens", req, -1);
    }

    private List<Comment> comments(JsonNode list) {
        List<Comment> out = new ArrayList<>();
        for (JsonNode c : list) {
            out.add(new Comment(c.path("id").asLong(), c.path("user").path("login").asText(""),
                    c.path("body").asText(""), c.path("path").asText(null), c.path("line").asInt(0),
                    c.path("diff_hunk").asText(null)));
        }
        return out;
    }

    private HttpRequest request(String method, String path, JsonNode body) throws IOException {
        return request(method, base.resolve(path), body);
    }

    private HttpRequest request(String method, URI target, JsonNode body) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(target).timeout(TIMEOUT)
                .header("Accept", "application/vnd.github+json").header("X-GitHub-Api-Version", "2022-11-28");
        if (credential != null) {
            b.header("Authorization", "Bearer " + credential.token());
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body))).build();
    }

    private HttpResponse<InputStream> send(HttpRequest request) throws IOException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted calling " + request.method() + " " + request.uri().getPath(), e);
        }
    }

    private JsonNode call(String method, String path, JsonNode body, int absentStatus) throws IOException {
        HttpResponse<InputStream> r = send(request(method, path, body));
        return answer(r, "GitHub " + method + " /" + (path.contains("?") ? path.substring(0, path.indexOf('?'))
                : path), absentStatus);
    }

    /** The bounded JSON answer; null for {@code absentStatus}; an error naming {@code what} for any other non-2xx. */
    private JsonNode answer(HttpResponse<InputStream> r, String what, int absentStatus) throws IOException {
        byte[] answer;
        try (InputStream in = r.body()) {
            answer = in.readNBytes(MAX_RESPONSE + 1);
        }
        if (r.statusCode() == absentStatus) {
            return null;
        }
        if (r.statusCode() / 100 != 2) {
            throw new IOException(what + " answered " + r.statusCode());
        }
        if (answer.length > MAX_RESPONSE) {
            throw new IOException(what + " answered more than " + MAX_RESPONSE + " bytes");
        }
        return answer.length == 0 ? json.createObjectNode() : json.readTree(answer);
    }

    private static String enc(String s) {
        return URLEncoder.encode(Objects.requireNonNull(s), StandardCharsets.UTF_8);
    }
}
