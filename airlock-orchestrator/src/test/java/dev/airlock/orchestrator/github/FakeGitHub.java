package dev.airlock.orchestrator.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.PublicKey;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * GitHub's REST API as far as Airlock uses it, in the documented shapes, on 127.0.0.1 and an ephemeral port:
 * collaborator permission, issues and their comments (read, create, edit), pull requests (create, edit body) and
 * their review comments, check suites' check runs, Actions job logs (a 302 to a download URL, as GitHub answers), and
 * GitHub App authentication: {@code GET /repos/…/installation} and {@code POST /app/installations/{id}/access_tokens}
 * verify the App's RS256 JWT against the registered public key and mint tokens recorded with what they were
 * narrowed to. Lists are paginated as GitHub does ({@code per_page}, {@code page}, {@code Link: rel="next"}). It
 * records every request.
 */
public final class FakeGitHub implements AutoCloseable {
    public record Request(String method, String path, String authorization, JsonNode body) {
    }

    public final List<Request> requests = new CopyOnWriteArrayList<>();
    /** issue number → issue JSON (title, body, user.login). */
    public final Map<Integer, JsonNode> issues = new ConcurrentHashMap<>();
    /** issue number → its comments (id, user.login, body), in order. */
    public final Map<Integer, List<JsonNode>> issueComments = new ConcurrentHashMap<>();
    /** pull number → its review comments (id, user.login, body, path, line, diff_hunk). */
    public final Map<Integer, List<JsonNode>> reviewComments = new ConcurrentHashMap<>();
    /** pull number → the request body that created it, with its latest {@code body} edits applied. */
    public final Map<Integer, ObjectNode> pulls = new ConcurrentHashMap<>();
    /** check suite id → its check runs (id, name, conclusion, app.slug, output). */
    public final Map<Long, List<JsonNode>> checkRuns = new ConcurrentHashMap<>();
    /** Actions job id → its log text. */
    public final Map<Long, String> jobLogs = new ConcurrentHashMap<>();
    /** App id → the public key its JWTs must verify with. */
    public final Map<String, PublicKey> apps = new ConcurrentHashMap<>();
    /** Minted installation tokens, in order. */
    public final List<MintedToken> minted = new CopyOnWriteArrayList<>();
    /** Extra permissions granted beyond what a token request asks for (to test that Airlock refuses them). */
    public final Map<String, String> grantExtra = new ConcurrentHashMap<>();
    public static final long INSTALLATION = 4242;
    /** How long a minted installation token lives (GitHub: one hour). */
    public volatile java.time.Duration tokenLifetime = java.time.Duration.ofHours(1);

    /** An installation token and what the App asked it to be narrowed to. */
    public record MintedToken(String appId, String token, JsonNode request) {
    }
    /** login → permission ("admin", "write", "read", "none"); unknown users answer 404 like GitHub. */
    public final Map<String, String> permissions = new ConcurrentHashMap<>();
    /** comment id → current body. */
    public final Map<Long, String> comments = new ConcurrentHashMap<>();
    /** When set (e.g. {@code http://127.0.0.2:9}), next-page links point to this origin instead (a hostile server). */
    public volatile String nextLinkOrigin;
    private final AtomicLong ids = new AtomicLong(1000);
    private final ObjectMapper json = new ObjectMapper();
    private final HttpServer http;

    public FakeGitHub() throws IOException {
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        http.createContext("/", this::handle);
        http.start();
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/");
    }

    public List<Request> requests(String method, String pathSuffix) {
        return requests.stream().filter(r -> r.method.equals(method) && r.path.endsWith(pathSuffix)).toList();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] raw = ex.getRequestBody().readAllBytes();
            JsonNode body = raw.length == 0 ? null : json.readTree(raw);
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            requests.add(new Request(method, path, ex.getRequestHeaders().getFirst("Authorization"), body));
            String[] p = path.split("/");
            if (path.startsWith("/app/") || path.endsWith("/installation")) {
                app(ex, method, p, body);
                return;
            }
            if (method.equals("GET") && p.length == 4 && p[1].equals("_blob") && p[2].equals("logs")) {
                String text = jobLogs.get(Long.parseLong(p[3]));
                byte[] b = text == null ? new byte[0] : text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                ex.sendResponseHeaders(text == null ? 404 : 200, b.length == 0 ? -1 : b.length);
                ex.getResponseBody().write(b);
                return;
            }
            // /repos/{o}/{r}/...
            if (method.equals("GET") && p.length == 7 && p[4].equals("collaborators") && p[6].equals("permission")) {
                String perm = permissions.get(p[5]);
                if (perm == null) {
                    send(ex, 404, json.createObjectNode().put("message", "Not Found"));
                    return;
                }
                ObjectNode r = json.createObjectNode().put("permission", perm).put("role_name", perm);
                r.putObject("user").put("login", p[5]);
                send(ex, 200, r);
            } else if (method.equals("POST") && p.length == 7 && p[4].equals("issues") && p[6].equals("comments")) {
                long id = ids.incrementAndGet();
                comments.put(id, body.path("body").asText());
                send(ex, 201, json.createObjectNode().put("id", id).put("body", body.path("body").asText())
                        .put("html_url", "https://github.test/" + p[2] + "/" + p[3] + "/issues/" + p[5]
                                + "#issuecomment-" + id));
            } else if (method.equals("PATCH") && p.length == 7 && p[4].equals("issues") && p[5].equals("comments")) {
                long id = Long.parseLong(p[6]);
                if (!comments.containsKey(id)) {
                    send(ex, 404, json.createObjectNode().put("message", "Not Found"));
                    return;
                }
                comments.put(id, body.path("body").asText());
                send(ex, 200, json.createObjectNode().put("id", id).put("body", body.path("body").asText()));
            } else if (method.equals("POST") && p.length == 5 && p[4].equals("pulls")) {
                int number = (int) ids.incrementAndGet();
                pulls.put(number, body.deepCopy());
                send(ex, 201, json.createObjectNode().put("number", number).put("draft", body.path("draft")
                        .asBoolean()).put("html_url", "https://github.test/" + p[2] + "/" + p[3] + "/pull/" + number));
            } else if (method.equals("PATCH") && p.length == 6 && p[4].equals("pulls")) {
                ObjectNode pull = pulls.get(Integer.parseInt(p[5]));
                if (pull == null) {
                    send(ex, 404, json.createObjectNode().put("message", "Not Found"));
                    return;
                }
                pull.put("body", body.path("body").asText());
                send(ex, 200, pull);
            } else if (method.equals("GET") && p.length == 6 && p[4].equals("issues")) {
                JsonNode issue = issues.get(Integer.parseInt(p[5]));
                send(ex, issue == null ? 404 : 200, issue == null ? json.createObjectNode() : issue);
            } else if (method.equals("GET") && p.length == 7 && p[4].equals("issues") && p[6].equals("comments")) {
                List<JsonNode> page = page(ex, path, issueComments.getOrDefault(Integer.parseInt(p[5]), List.of()));
                send(ex, 200, json.valueToTree(page));
            } else if (method.equals("GET") && p.length == 7 && p[4].equals("pulls") && p[6].equals("comments")) {
                List<JsonNode> page = page(ex, path, reviewComments.getOrDefault(Integer.parseInt(p[5]), List.of()));
                send(ex, 200, json.valueToTree(page));
            } else if (method.equals("GET") && p.length == 7 && p[4].equals("check-suites")
                    && p[6].equals("check-runs")) {
                List<JsonNode> runs = checkRuns.getOrDefault(Long.parseLong(p[5]), List.of());
                ObjectNode r = json.createObjectNode().put("total_count", runs.size());
                r.set("check_runs", json.valueToTree(page(ex, path, runs)));
                send(ex, 200, r);
            } else if (method.equals("GET") && p.length == 8 && p[4].equals("actions") && p[5].equals("jobs")
                    && p[7].equals("logs")) {
                // GitHub answers 302 with a short-lived download URL on another host; here, our own /_blob path.
                ex.getResponseHeaders().set("Location", uri().resolve("/_blob/logs/" + p[6] + "?expires=60"
                        + "&sig=abc").toString());
                ex.sendResponseHeaders(302, -1);
            } else {
                send(ex, 404, json.createObjectNode().put("message", "Not Found"));
            }
        }
    }

    /** GitHub App endpoints: authenticated by the App's JWT, verified against its registered public key. */
    private void app(HttpExchange ex, String method, String[] p, JsonNode body) throws IOException {
        String appId = verifiedApp(ex.getRequestHeaders().getFirst("Authorization"));
        if (appId == null) {
            send(ex, 401, json.createObjectNode().put("message", "A JSON web token could not be decoded"));
            return;
        }
        if (method.equals("GET") && p.length == 5 && p[4].equals("installation")) {
            send(ex, 200, json.createObjectNode().put("id", INSTALLATION).put("app_id", Long.parseLong(appId)));
        } else if (method.equals("POST") && p.length == 5 && p[2].equals("installations")
                && p[3].equals(Long.toString(INSTALLATION)) && p[4].equals("access_tokens")) {
            String token = "ghs_" + java.util.UUID.randomUUID().toString().replace("-", "") + appId;
            minted.add(new MintedToken(appId, token, body));
            ObjectNode r = json.createObjectNode().put("token", token)
                    .put("expires_at", java.time.Instant.now().plus(tokenLifetime).toString());
            ObjectNode perms = body.path("permissions").isObject() ? ((ObjectNode) body.path("permissions")).deepCopy()
                    : json.createObjectNode();
            perms.put("metadata", "read");
            grantExtra.forEach(perms::put);
            r.set("permissions", perms);
            var repos = r.putArray("repositories");
            body.path("repositories").forEach(n -> repos.addObject().put("name", n.asText()));
            send(ex, 201, r);
        } else {
            send(ex, 404, json.createObjectNode().put("message", "Not Found"));
        }
    }

    /** The App id whose RS256 JWT this is, if its signature verifies and it is current; else null. */
    private String verifiedApp(String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return null;
        }
        String[] parts = authorization.substring(7).split("\\.");
        if (parts.length != 3) {
            return null;
        }
        try {
            JsonNode header = json.readTree(java.util.Base64.getUrlDecoder().decode(parts[0]));
            JsonNode claims = json.readTree(java.util.Base64.getUrlDecoder().decode(parts[1]));
            String iss = claims.path("iss").asText();
            PublicKey key = apps.get(iss);
            long now = java.time.Instant.now().getEpochSecond();
            if (key == null || !header.path("alg").asText().equals("RS256") || claims.path("exp").asLong() < now
                    || claims.path("iat").asLong() > now + 60 || claims.path("exp").asLong()
                    - claims.path("iat").asLong() > 600) {
                return null;
            }
            java.security.Signature v = java.security.Signature.getInstance("SHA256withRSA");
            v.initVerify(key);
            v.update((parts[0] + "." + parts[1]).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return v.verify(java.util.Base64.getUrlDecoder().decode(parts[2])) ? iss : null;
        } catch (Exception e) {
            return null;
        }
    }

    /**
     * One page of {@code all}, as GitHub paginates: {@code per_page} (default 30, at most 100) and {@code page}
     * (from 1) from the query; when more pages follow, a {@code Link} header with {@code rel="next"} and
     * {@code rel="last"} absolute URLs.
     */
    private List<JsonNode> page(HttpExchange ex, String path, List<JsonNode> all) {
        int perPage = 30;
        int page = 1;
        String query = ex.getRequestURI().getRawQuery();
        for (String kv : query == null ? new String[0] : query.split("&")) {
            if (kv.startsWith("per_page=")) {
                perPage = Math.min(100, Math.max(1, Integer.parseInt(kv.substring(9))));
            } else if (kv.startsWith("page=")) {
                page = Math.max(1, Integer.parseInt(kv.substring(5)));
            }
        }
        int pages = Math.max(1, (all.size() + perPage - 1) / perPage);
        if (page < pages) {
            String at = uri().resolve(path) + "?per_page=" + perPage + "&page=";
            if (nextLinkOrigin != null) {
                at = at.replace(uri().toString().replaceAll("/$", ""), nextLinkOrigin);
            }
            ex.getResponseHeaders().set("Link", "<" + at + (page + 1) + ">; rel=\"next\", <" + at + pages
                    + ">; rel=\"last\"");
        }
        int from = Math.min(all.size(), (page - 1) * perPage);
        return all.subList(from, Math.min(all.size(), from + perPage));
    }

    private void send(HttpExchange ex, int status, JsonNode body) throws IOException {
        byte[] b = json.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
        ex.getResponseBody().flush();
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
