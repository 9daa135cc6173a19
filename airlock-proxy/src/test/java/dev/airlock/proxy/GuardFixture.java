package dev.airlock.proxy;

import dev.airlock.core.SessionId;
import dev.airlock.core.event.DenialEvent;
import dev.airlock.proxy.audit.JsonLinesAuditLog;
import dev.airlock.proxy.policy.PolicyLoader;
import dev.airlock.proxy.policy.SecretSource;
import dev.airlock.proxy.tls.CertificateAuthority;
import dev.airlock.proxy.tls.UpstreamTrust;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A running guard wired to loopback-only fakes: two upstreams (HTTP, HTTPS with its own CA), a fake resolver, a
 * counting connector, an audit file and a denial recorder. Session {@code s1} with {@link #TOKEN}.
 */
final class GuardFixture implements AutoCloseable {
    static final String TOKEN = "s1-token-0123456789abcdef";
    static final String REAL_ANTHROPIC = "sk-ant-api03-REALVALUE-0123456789abcdefghij";
    static final String PLACEHOLDER = "airlock-placeholder-anthropic";
    static final String REAL_GIT = "ghs_realgitcredential0123456789abcdef";
    static final String GIT_PLACEHOLDER = "airlock-placeholder-git";
    static final String AWS_KEY = "AKIAZ3MSJV4WWNKWW5FG";

    final Path dir;
    final CertificateAuthority ca;
    final CertificateAuthority upstreamCa;
    final FakeUpstream http;
    final FakeUpstream https;
    /** HTTPS upstream presenting a certificate for git.test (git over HTTPS). */
    final FakeUpstream gitHttps;
    /** HTTPS upstream whose certificate (for api.test) comes from a CA the guard does not trust. */
    final FakeUpstream rogue;
    final FakeResolver resolver = new FakeResolver();
    final CountingConnector connector = new CountingConnector();
    final List<DenialEvent> denials = new CopyOnWriteArrayList<>();
    final Path auditFile;
    final JsonLinesAuditLog audit;
    final EgressGuard guard;

    GuardFixture(String extraPolicy) throws Exception {
        this(extraPolicy, Duration.ofSeconds(5));
    }

    GuardFixture(String extraPolicy, Duration idleTimeout) throws Exception {
        this(extraPolicy, idleTimeout, List.of());
    }

    /** @param extraPorts further upstream ports the policy allows (servers the test starts itself) */
    GuardFixture(String extraPolicy, Duration idleTimeout, List<Integer> extraPorts) throws Exception {
        this(extraPolicy, idleTimeout, extraPorts, upstreamCa -> UpstreamTrust.certificates(upstreamCa.certificate()));
    }

    /** @param upstreamTrust what the guard trusts for upstream TLS, given the upstreams' CA */
    GuardFixture(String extraPolicy, Duration idleTimeout, List<Integer> extraPorts,
                 Function<CertificateAuthority, UpstreamTrust> upstreamTrust) throws Exception {
        dir = Files.createTempDirectory("airlock-guard-test");
        ca = CertificateAuthority.loadOrCreate(dir.resolve("ca"));
        upstreamCa = CertificateAuthority.loadOrCreate(dir.resolve("upstream-ca"));
        http = new FakeUpstream(null);
        https = new FakeUpstream(upstreamCa.serverContext("api.test"));
        gitHttps = new FakeUpstream(upstreamCa.serverContext("git.test"));
        rogue = new FakeUpstream(CertificateAuthority.loadOrCreate(dir.resolve("rogue-ca")).serverContext("api.test"));
        resolver.map("api.test", "127.0.0.1").map("other.test", "127.0.0.1").map("git.test", "127.0.0.1")
                .map("metadata.test", "169.254.169.254").map("mixed.test", "127.0.0.1", "10.1.2.3")
                .map("mapped.test", "::ffff:169.254.169.254").map("get-only.test", "127.0.0.1").map("echo.test", "127.0.0.1");
        String policy = """
                {
                  "allow": ["api.test", "other.test", "git.test", "metadata.test", "mixed.test", "mapped.test",
                            "get-only.test", "pastebin.com", "echo.test"],
                  "ports": [%d, %d, %d, %d%s],
                  "methods": {"get-only.test": ["GET", "HEAD"]},
                  "maxBodyBytes": 65536,
                  "credentials": [
                    {"host": "api.test", "header": "x-api-key", "placeholder": "%s", "secretSource": "env:ANTHROPIC_KEY"},
                    {"host": "git.test", "header": "authorization", "placeholder": "%s", "secretSource": "env:GIT_TOKEN"}
                  ],
                  "knownSecrets": {"canary": "env:CANARY"},
                  "testOnlyAllowLoopbackUpstream": true%s
                }
                """.formatted(http.port(), https.port(), rogue.port(), gitHttps.port(),
                        extraPorts.stream().map(p -> ", " + p).collect(java.util.stream.Collectors.joining()), PLACEHOLDER, GIT_PLACEHOLDER, extraPolicy);
        var loaded = new PolicyLoader(SecretSource.of(Map.of("ANTHROPIC_KEY", REAL_ANTHROPIC, "GIT_TOKEN", REAL_GIT,
                "CANARY", "canary-7f3a9c1e5b2d")))
                .parse(policy.getBytes(StandardCharsets.UTF_8), "test");
        auditFile = dir.resolve("audit.jsonl");
        audit = new JsonLinesAuditLog(auditFile, 1 << 20, 2);
        guard = EgressGuard.builder()
                .ca(ca)
                .defaults(loaded.defaults())
                .session(new SessionId("s1"), TOKEN, loaded.defaults())
                .resolver(resolver)
                .connector(connector)
                .upstreamTrust(upstreamTrust.apply(upstreamCa))
                .audit(audit)
                .denials(denials::add)
                .unixSocket(dir.resolve("s1.sock"), new SessionId("s1"))
                .adminPort(0)
                .requestTimeout(Duration.ofSeconds(2))
                .idleTimeout(idleTimeout)
                .maxHeaderBytes(8 * 1024)
                .eventLoopThreads(1)
                .build()
                .start();
    }

    int port() {
        return guard.address().getPort();
    }

    static String proxyAuth() {
        return "Basic " + Base64.getEncoder().encodeToString(("s1:" + TOKEN).getBytes(StandardCharsets.UTF_8));
    }

    /** Sends raw bytes to the guard and returns everything it answers until it closes or goes quiet. */
    String raw(String request) throws IOException {
        return raw(request.getBytes(StandardCharsets.ISO_8859_1));
    }

    String raw(byte[] request) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port()), 2000);
            s.setSoTimeout(3000);
            OutputStream out = s.getOutputStream();
            out.write(request);
            out.flush();
            return readAll(s.getInputStream());
        }
    }

    static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        byte[] b = new byte[8192];
        try {
            int n;
            while ((n = in.read(b)) > 0) {
                buf.write(b, 0, n);
            }
        } catch (SocketTimeoutException e) {
            // quiet connection: return what arrived
        } catch (IOException e) {
            // reset by the guard after its answer
        }
        return buf.toString(StandardCharsets.ISO_8859_1);
    }

    String auditText() throws IOException {
        return Files.readString(auditFile);
    }

    @Override
    public void close() throws Exception {
        guard.close();
        http.close();
        https.close();
        rogue.close();
        gitHttps.close();
        audit.close();
    }
}
