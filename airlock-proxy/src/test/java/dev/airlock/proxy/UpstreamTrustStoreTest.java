package dev.airlock.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.core.SessionId;
import dev.airlock.core.json.Json;
import dev.airlock.proxy.policy.GuardPolicy;
import dev.airlock.proxy.policy.PolicyLoader;
import dev.airlock.proxy.policy.SecretSource;
import dev.airlock.proxy.tls.CertificateAuthority;
import dev.airlock.proxy.tls.UpstreamTrust;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upstream TLS trusts a trust store file (what {@code -Djavax.net.ssl.trustStore} names for {@code airlock proxy}).
 * One that cannot be found refuses the start; one that cannot be read refuses every HTTPS forward with one clear
 * message, logged once, and is not read again for each forward: its inputs were fixed at start.
 */
class UpstreamTrustStoreTest {
    private static final String PASSWORD = "store-password-7d1e";
    private final Logger tlsLog = Logger.getLogger("dev.airlock.proxy.tls.UpstreamTls");
    private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            logged.add(r);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureLog() {
        tlsLog.addHandler(capture);
    }

    @AfterEach
    void releaseLog() {
        tlsLog.removeHandler(capture);
    }

    @Test
    void anUnreadableStoreRefusesEveryHttpsForwardWithOneMessageLoggedOnceAndIsNotReadAgain(@TempDir Path dir)
            throws Exception {
        Path store = dir.resolve("upstream-trust.p12");
        Files.writeString(store, "not a key store\n");
        try (GuardFixture f = new GuardFixture("", Duration.ofSeconds(5), List.of(),
                ca -> UpstreamTrust.storeFile(store, "PKCS12", null, PASSWORD.toCharArray()))) {
            HttpClient client = Clients.jdk(f, HttpClient.Redirect.NEVER);
            HttpResponse<String> first = get(client, f);
            assertThat(first.statusCode()).isEqualTo(502);
            String error = json(first).get("error").asText();
            assertThat(json(first).get("rule").asText()).isEqualTo("upstream-tls");
            assertThat(error).startsWith("upstream TLS is unavailable: cannot use the trust store " + store
                    + " (javax.net.ssl.trustStore): ").contains("restart the guard").doesNotContain(PASSWORD);

            // A valid store in its place now: were it read again for this forward, the request would go through.
            writeStore(store, f.upstreamCa.certificate(), PASSWORD);
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> again = get(client, f);
                assertThat(again.statusCode()).isEqualTo(502);
                assertThat(json(again).get("error").asText()).isEqualTo(error);
            }
            assertThat(f.https.received).isEmpty();
            assertThat(logged).singleElement().satisfies(r -> {
                assertThat(r.getLevel()).isEqualTo(Level.SEVERE);
                assertThat(r.getMessage()).isEqualTo(error).doesNotContain(PASSWORD);
            });
            // Plain HTTP does not need the context and still goes through.
            HttpResponse<String> http = client.send(HttpRequest.newBuilder(
                    URI.create("http://api.test:" + f.http.port() + "/v1/ok")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(http.statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aWrongPasswordIsTheSameRefusalWithoutThePassword(@TempDir Path dir) throws Exception {
        Path store = dir.resolve("upstream-trust.p12");
        try (GuardFixture f = new GuardFixture("", Duration.ofSeconds(5), List.of(), ca -> {
            writeStore(store, ca.certificate(), PASSWORD);
            return UpstreamTrust.storeFile(store, null, null, "wrong-password-3a9f".toCharArray());
        })) {
            HttpResponse<String> r = get(Clients.jdk(f, HttpClient.Redirect.NEVER), f);
            assertThat(r.statusCode()).isEqualTo(502);
            assertThat(json(r).get("error").asText()).contains(store.toString()).containsIgnoringCase("password")
                    .doesNotContain("wrong-password-3a9f").doesNotContain(PASSWORD);
        }
    }

    @Test
    void aReadableStoreIsTrustedForUpstreams(@TempDir Path dir) throws Exception {
        Path store = dir.resolve("upstream-trust.p12");
        try (GuardFixture f = new GuardFixture("", Duration.ofSeconds(5), List.of(), ca -> {
            writeStore(store, ca.certificate(), PASSWORD);
            return UpstreamTrust.storeFile(store, null, null, PASSWORD.toCharArray());
        })) {
            HttpClient client = Clients.jdk(f, HttpClient.Redirect.NEVER);
            assertThat(get(client, f).statusCode()).isEqualTo(200);
            // The rogue upstream's CA is not in the store.
            HttpResponse<String> rogue = client.send(HttpRequest.newBuilder(
                    URI.create("https://api.test:" + f.rogue.port() + "/")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(rogue.statusCode()).isEqualTo(502);
            assertThat(logged).isEmpty();
        }
    }

    @Test
    void aStoreThatCannotBeFoundRefusesTheStartBeforeAnythingListens(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("no-such-store.p12");
        CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir.resolve("ca"));
        Path socket = dir.resolve("s1.sock");
        GuardPolicy policy = new PolicyLoader(SecretSource.of(Map.of()))
                .parse("{\"allow\": [\"api.test\"]}".getBytes(StandardCharsets.UTF_8), "test").defaults();
        for (UpstreamTrust trust : List.of(
                UpstreamTrust.storeFile(missing, null, null, null),
                UpstreamTrust.storeFile(dir, null, null, null))) {
            EgressGuard.Builder b = EgressGuard.builder().ca(ca).defaults(policy)
                    .session(new SessionId("s1"), GuardFixture.TOKEN, policy)
                    .unixSocket(socket, new SessionId("s1")).upstreamTrust(trust);
            assertThatThrownBy(() -> b.build().start()).isInstanceOf(IOException.class)
                    .hasMessageContaining("the upstream trust store ").hasMessageContaining("javax.net.ssl.trustStore")
                    .hasMessageContaining("is not a readable file");
            assertThat(socket).doesNotExist();
        }
        EgressGuard.Builder typo = EgressGuard.builder().ca(ca).defaults(policy)
                .session(new SessionId("s1"), GuardFixture.TOKEN, policy)
                .unixSocket(socket, new SessionId("s1")).upstreamTrust(UpstreamTrust.storeFile(missing, "PKCS13", null, null));
        Files.writeString(missing, "x");
        assertThatThrownBy(() -> typo.build().start()).hasMessageContaining("javax.net.ssl.trustStoreType=PKCS13");
        assertThat(socket).doesNotExist();
    }

    private static HttpResponse<String> get(HttpClient client, GuardFixture f) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("https://api.test:" + f.https.port() + "/v1/ok")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) throws IOException {
        return Json.mapper().readTree(r.body());
    }

    /** A PKCS#12 trust store holding {@code certificate}, written in place of whatever {@code file} held. */
    static void writeStore(Path file, X509Certificate certificate, String password) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setCertificateEntry("upstream", certificate);
            try (OutputStream out = Files.newOutputStream(file)) {
                ks.store(out, password.toCharArray());
            }
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
