package dev.airlock.orchestrator.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * GitHub's REST API as far as the orchestrator uses it, in the documented shapes, on 127.0.0.1 and an ephemeral
 * port: collaborator permission, issue comments (create, edit), pull requests (create). It records every request.
 */
public final class FakeGitHub implements AutoCloseable {
    public record Request(String method, String path, String authorization, JsonNode body) {
    }

    public final List<Request> requests = new CopyOnWriteArrayList<>();
    /** login → permission ("admin", "write", "read", "none"); unknown users answer 404 like GitHub. */
    public final Map<String, String> permissions = new ConcurrentHashMap<>();
    /** comment id → current body. */
    public final Map<Long, String> comments = new ConcurrentHashMap<>();
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
                long number = ids.incrementAndGet();
                send(ex, 201, json.createObjectNode().put("number", number).put("draft", body.path("draft")
                        .asBoolean()).put("html_url", "https://github.test/" + p[2] + "/" + p[3] + "/pull/" + number));
            } else {
                send(ex, 404, json.createObjectNode().put("message", "Not Found"));
            }
        }
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
