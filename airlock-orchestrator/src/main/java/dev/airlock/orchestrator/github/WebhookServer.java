package dev.airlock.orchestrator.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.airlock.orchestrator.RunStore;
import dev.airlock.orchestrator.WebhookSignature;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * {@code airlock serve}: GitHub's webhook endpoint ({@code POST /webhook}). Each delivery passes, in order: a body
 * size cap, the {@code X-Hub-Signature-256} check (constant time, before anything is parsed or stored), the
 * {@code X-GitHub-Delivery} replay check (persisted in the run database), bounded JSON parsing, the trigger rules,
 * and — on the worker, not the request thread — the collaborator permission check (write, maintain or admin).
 * Runs execute one at a time on a single worker; the request is answered {@code 202} as soon as it is queued.
 */
public final class WebhookServer implements AutoCloseable {
    public static final int MAX_BODY = 1 << 20;
    private static final int MAX_DELIVERY_ID = 64;

    private final HttpServer http;
    private final WebhookSignature signature;
    private final RunStore store;
    private final Function<RepoName, GitHubApi> apis;
    private final Set<RepoName> repos;
    private final GitHubRunReporter reporter;
    private final PrintStream log;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "airlock-serve-worker");
        t.setDaemon(true);
        return t;
    });
    private final ExecutorService requests = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "airlock-serve-http");
        t.setDaemon(true);
        return t;
    });
    private final ObjectMapper json = BoundedJson.mapper();

    private WebhookServer(Builder b) throws IOException {
        this.signature = Objects.requireNonNull(b.signature, "webhook secret");
        this.store = Objects.requireNonNull(b.store, "run store");
        this.apis = Objects.requireNonNull(b.apis, "GitHub API");
        this.repos = Set.copyOf(b.repos);
        this.log = b.log;
        this.reporter = new GitHubRunReporter(apis, store, Objects.requireNonNull(b.runner, "runner"), b.baseBranch,
                b.maxRevisions, b.log);
        this.http = HttpServer.create(Objects.requireNonNull(b.listen, "listen address"), 16);
        http.createContext("/", this::exchange);
        http.setExecutor(requests);
    }

    public static Builder builder() {
        return new Builder();
    }

    public WebhookServer start() {
        http.start();
        return this;
    }

    public InetSocketAddress address() {
        return http.getAddress();
    }

    /** Waits until every queued run has finished (tests, and an orderly shutdown). */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        try {
            worker.submit(() -> { }).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return false;
        }
    }

    private void exchange(HttpExchange ex) throws IOException {
        try (ex) {
            if (!ex.getRequestMethod().equals("POST") || !ex.getRequestURI().getPath().equals("/webhook")) {
                respond(ex, 404, "not found");
                return;
            }
            byte[] body = readCapped(ex.getRequestBody());
            if (body == null) {
                respond(ex, 413, "payload larger than " + MAX_BODY + " bytes");
                return;
            }
            if (!signature.verify(body, ex.getRequestHeaders().getFirst("X-Hub-Signature-256"))) {
                log.println("webhook: rejected a delivery with a missing or wrong signature");
                respond(ex, 401, "bad signature");
                return;
            }
            String event = ex.getRequestHeaders().getFirst("X-GitHub-Event");
            String delivery = ex.getRequestHeaders().getFirst("X-GitHub-Delivery");
            if (event == null || event.length() > 64 || !validDeliveryId(delivery)) {
                respond(ex, 400, "missing or malformed X-GitHub-Event / X-GitHub-Delivery");
                return;
            }
            if (!store.firstDelivery(delivery, event)) {
                log.println("webhook: delivery " + delivery + " already handled; ignored");
                respond(ex, 200, "duplicate delivery ignored");
                return;
            }
            if (event.equals("ping")) {
                respond(ex, 200, "pong");
                return;
            }
            JsonNode payload;
            try {
                payload = json.readTree(body);
            } catch (IOException e) {
                respond(ex, 400, "payload is not acceptable JSON");
                return;
            }
            Trigger trigger = Trigger.of(event, payload);
            RepoName repo = switch (trigger) {
                case Trigger.Ignore i -> {
                    log.println("webhook: delivery " + delivery + " ignored: " + i.reason());
                    respond(ex, 202, "ignored: " + i.reason());
                    yield null;
                }
                case Trigger.Start s -> s.repo();
                case Trigger.Review r -> r.repo();
                case Trigger.CheckFailure c -> c.repo();
            };
            if (repo == null) {
                return;
            }
            if (!repos.contains(repo)) {
                log.println("webhook: delivery " + delivery + " for unserved repository " + repo);
                respond(ex, 202, "ignored: repository not served");
                return;
            }
            worker.submit(() -> authorizeAndRun(delivery, trigger));
            respond(ex, 202, "queued");
        } catch (Exception e) {
            log.println("webhook: internal error: " + e.getClass().getSimpleName());
            respond(ex, 500, "internal error");
        }
    }

    private void authorizeAndRun(String delivery, Trigger trigger) {
        try {
            switch (trigger) {
                case Trigger.Start s -> {
                    if (writer(delivery, s.repo(), s.sender())) {
                        log.println("webhook: delivery " + delivery + ": run for " + s.repo() + "#" + s.issue()
                                + " by @" + s.sender());
                        reporter.handle(s);
                    }
                }
                case Trigger.Review r -> {
                    if (writer(delivery, r.repo(), r.sender())) {
                        log.println("webhook: delivery " + delivery + ": review of " + r.repo() + "#" + r.pull()
                                + " by @" + r.sender());
                        reporter.handle(r);
                    }
                }
                // CI is the sender; the reporter acts only on the commit Airlock itself pushed last.
                case Trigger.CheckFailure c -> {
                    log.println("webhook: delivery " + delivery + ": failed check suite " + c.suite() + " on "
                            + c.repo() + "#" + c.pull());
                    reporter.handle(c);
                }
                case Trigger.Ignore i -> { }
            }
        } catch (Exception e) {
            log.println("webhook: delivery " + delivery + " failed: " + e.getClass().getSimpleName() + ": "
                    + e.getMessage());
        }
    }

    private boolean writer(String delivery, RepoName repo, String user) throws IOException {
        if (apis.apply(repo).canWrite(repo, user)) {
            return true;
        }
        // Deliberately silent on GitHub: a reply would let anyone make the bot write on any issue.
        log.println("webhook: delivery " + delivery + ": @" + user + " has no write access to " + repo + "; no run");
        return false;
    }

    private static boolean validDeliveryId(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_DELIVERY_ID) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /** The whole body, or null if it exceeds {@link #MAX_BODY}. */
    private static byte[] readCapped(InputStream in) throws IOException {
        byte[] b = in.readNBytes(MAX_BODY + 1);
        return b.length > MAX_BODY ? null : b;
    }

    private static void respond(HttpExchange ex, int status, String text) {
        try {
            byte[] b = (text + "\n").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            ex.sendResponseHeaders(status, b.length);
            ex.getResponseBody().write(b);
        } catch (IOException ignored) {
            // the sender went away; the delivery's effect (or refusal) does not depend on the answer
        }
    }

    @Override
    public void close() {
        http.stop(0);
        requests.shutdownNow();
        worker.shutdown();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static final class Builder {
        private InetSocketAddress listen = new InetSocketAddress("127.0.0.1", 0);
        private WebhookSignature signature;
        private RunStore store;
        private Function<RepoName, GitHubApi> apis;
        private IssueRunner runner;
        private Set<RepoName> repos = Set.of();
        private String baseBranch = "main";
        private int maxRevisions = 3;
        private PrintStream log = System.err;

        public Builder listen(InetSocketAddress v) {
            listen = v;
            return this;
        }

        public Builder signature(WebhookSignature v) {
            signature = v;
            return this;
        }

        public Builder store(RunStore v) {
            store = v;
            return this;
        }

        /** One API client for every repository (a token that covers them all). */
        public Builder api(GitHubApi v) {
            apis = repo -> v;
            return this;
        }

        /** An API client per repository, e.g. each with an App installation token narrowed to that repository. */
        public Builder apis(Function<RepoName, GitHubApi> v) {
            apis = v;
            return this;
        }

        public Builder runner(IssueRunner v) {
            runner = v;
            return this;
        }

        /** The repositories this server runs for; deliveries for any other are ignored. */
        public Builder repos(Set<RepoName> v) {
            repos = v;
            return this;
        }

        public Builder baseBranch(String v) {
            baseBranch = v;
            return this;
        }

        /** Revisions of one run's pull request (review comments, failed checks) before Airlock stops (default 3). */
        public Builder maxRevisions(int v) {
            maxRevisions = v;
            return this;
        }

        public Builder log(PrintStream v) {
            log = v;
            return this;
        }

        public WebhookServer build() throws IOException {
            return new WebhookServer(this);
        }
    }
}
