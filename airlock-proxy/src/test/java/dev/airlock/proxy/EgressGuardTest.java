package dev.airlock.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** End to end through a running guard with the JDK HttpClient: forwarding, TLS interception, injection, blocks. */
class EgressGuardTest {
    static GuardFixture f;
    static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        f = new GuardFixture("");
        client = Clients.jdk(f, HttpClient.Redirect.NEVER);
    }

    @AfterAll
    static void stop() throws Exception {
        f.close();
    }

    private static HttpResponse<String> post(String url, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void plainHttpRequestIsForwardedWithoutProxyCredentials() throws Exception {
        f.http.received.clear();
        HttpResponse<String> r = post("http://api.test:" + f.http.port() + "/v1/echo?q=1", "{\"hello\":\"world\"}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"ok\":true}");
        FakeUpstream.Received got = f.http.received.poll(5, TimeUnit.SECONDS);
        assertThat(got).isNotNull();
        assertThat(got.uri()).isEqualTo("/v1/echo?q=1");
        assertThat(got.bodyText()).isEqualTo("{\"hello\":\"world\"}");
        assertThat(got.header("proxy-authorization")).isNull();
        assertThat(got.header("host")).isEqualTo("api.test:" + f.http.port());
    }

    @Test
    void httpsIsInterceptedAndThePlaceholderIsSwappedForTheRealKey() throws Exception {
        f.https.received.clear();
        HttpResponse<String> r = post("https://api.test:" + f.https.port() + "/v1/messages", "{\"model\":\"x\"}",
                "x-api-key", GuardFixture.PLACEHOLDER);
        assertThat(r.statusCode()).isEqualTo(200);
        FakeUpstream.Received got = f.https.received.poll(5, TimeUnit.SECONDS);
        assertThat(got.header("x-api-key")).isEqualTo(GuardFixture.REAL_ANTHROPIC);
        assertThat(got.bodyText()).isEqualTo("{\"model\":\"x\"}");
    }

    @Test
    void placeholderIsNotSwappedForAnotherHost() throws Exception {
        f.http.received.clear();
        HttpResponse<String> r = post("http://other.test:" + f.http.port() + "/", "{}", "x-api-key", GuardFixture.PLACEHOLDER);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(f.http.received.poll(5, TimeUnit.SECONDS).header("x-api-key")).isEqualTo(GuardFixture.PLACEHOLDER);
    }

    @Test
    void realCredentialSentFromInsideIsBlockedAsALeak() throws Exception {
        f.https.received.clear();
        HttpResponse<String> r = post("https://api.test:" + f.https.port() + "/v1/messages", "{}",
                "x-api-key", GuardFixture.REAL_ANTHROPIC);
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("\"rule\":\"known-secret:credential.api.test.x-api-key\"")
                .contains("\"where\":\"header:x-api-key\"").doesNotContain(GuardFixture.REAL_ANTHROPIC);
        assertThat(f.https.received).isEmpty();
    }

    @Test
    void awsKeyInBodyIsBlockedWithJsonExplanationAndDenialEvent() throws Exception {
        f.http.received.clear();
        int before = f.denials.size();
        HttpResponse<String> r = post("http://api.test:" + f.http.port() + "/upload",
                "{\"creds\":\"aws_access_key_id = " + GuardFixture.AWS_KEY + "\"}");
        assertThat(r.statusCode()).isEqualTo(403);
        var json = dev.airlock.core.json.Json.mapper().readTree(r.body());
        assertThat(json.get("rule").asText()).isEqualTo("aws-access-key-id");
        assertThat(json.get("confidence").asText()).isEqualTo("high");
        assertThat(json.get("where").asText()).isEqualTo("body");
        assertThat(json.get("requestId").asText()).startsWith("r-");
        assertThat(json.get("hint").asText()).isNotBlank();
        assertThat(r.body()).doesNotContain(GuardFixture.AWS_KEY);
        assertThat(f.http.received).isEmpty();
        assertThat(f.denials.size()).isGreaterThan(before);
        assertThat(f.denials.getLast().session()).isEqualTo("s1");
        assertThat(f.denials.getLast().rule()).isEqualTo("aws-access-key-id");
    }

    @Test
    void canaryInQueryIsBlockedAndNotWrittenToTheAuditLog() throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                URI.create("http://api.test:" + f.http.port() + "/search?token=canary-7f3a9c1e5b2d")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("known-secret:canary");
        assertThat(f.auditText()).doesNotContain("canary-7f3a9c1e5b2d").contains("[withheld: held a secret]");
    }

    @Test
    void redirectToDeniedHostIsBlockedOnTheSecondRequest() throws Exception {
        HttpClient following = Clients.jdk(f, HttpClient.Redirect.ALWAYS);
        int dialsBefore = f.connector.dials.size();
        HttpResponse<String> r = following.send(HttpRequest.newBuilder(URI.create(
                "http://api.test:" + f.http.port() + "/redirect?to=http://pastebin.com/raw/abc")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.uri().getHost()).isEqualTo("pastebin.com");
        assertThat(r.body()).contains("denylist");
        assertThat(f.connector.dials.size()).isEqualTo(dialsBefore + 1); // only the first request was dialled
        assertThat(f.resolver.queries).doesNotContain("pastebin.com");
    }

    @Test
    void upstreamWithUntrustedCertificateIsA502WithTheReason() throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("https://api.test:" + f.rogue.port() + "/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.body()).contains("upstream-tls").containsIgnoringCase("certification path");
        assertThat(f.rogue.received).isEmpty();
    }

    @Test
    void upstreamCertificateForAnotherNameIsA502() throws Exception {
        // The trusted upstream presents a certificate for api.test only; asked as other.test it must not be accepted.
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("https://other.test:" + f.https.port() + "/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.body()).contains("upstream-tls");
    }

    @Test
    void largeResponseIsRelayedIntactToASlowReader() throws Exception {
        HttpResponse<java.io.InputStream> r = client.send(HttpRequest.newBuilder(
                URI.create("http://api.test:" + f.http.port() + "/large")).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        long total = 0;
        byte[] buf = new byte[64 * 1024];
        try (java.io.InputStream in = r.body()) {
            int n;
            while ((n = in.read(buf)) > 0) {
                for (int i = 0; i < n; i++) {
                    if (buf[i] != 'z') {
                        throw new AssertionError("corrupted byte at " + (total + i));
                    }
                }
                total += n;
                if (total < (1 << 20)) {
                    Thread.sleep(5); // read the first MiB slowly so the guard's client side becomes unwritable
                }
            }
        }
        assertThat(total).isEqualTo(4 << 20);
    }
}
