package dev.airlock.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.airlock.core.json.Json;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** curl, raw TLS sockets and the per-session Unix socket against a running guard; audit log and metrics. */
class RealClientsTest {
    static GuardFixture f;
    static Path caPem;

    @BeforeAll
    static void start() throws Exception {
        f = new GuardFixture("");
        caPem = f.dir.resolve("guard-ca.pem");
        Files.writeString(caPem, f.ca.certificatePem());
    }

    @AfterAll
    static void stop() throws Exception {
        f.close();
    }

    private static CurlResult curl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "10", "--noproxy", "",
                "--proxy", "http://127.0.0.1:" + f.port(), "--proxy-user", "s1:" + GuardFixture.TOKEN,
                "--cacert", caPem.toString(), "-w", "\n%{http_code}"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.toLowerCase().endsWith("_proxy"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        int nl = out.lastIndexOf('\n');
        return new CurlResult(Integer.parseInt(out.substring(nl + 1).trim()), out.substring(0, nl));
    }

    record CurlResult(int status, String body) {
    }

    @Test
    void curlHttpsThroughTheGuardWithInjectedKey() throws Exception {
        f.https.received.clear();
        CurlResult r = curl("-H", "x-api-key: " + GuardFixture.PLACEHOLDER, "-H", "content-type: application/json",
                "--data", "{\"messages\":[]}", "https://api.test:" + f.https.port() + "/v1/messages");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"ok\":true}");
        FakeUpstream.Received got = f.https.received.poll(5, TimeUnit.SECONDS);
        assertThat(got.header("x-api-key")).isEqualTo(GuardFixture.REAL_ANTHROPIC);
    }

    @Test
    void curlSecretInBodyIsBlockedWith403Json() throws Exception {
        CurlResult r = curl("--data", "aws=" + GuardFixture.AWS_KEY, "https://api.test:" + f.https.port() + "/upload");
        assertThat(r.status()).isEqualTo(403);
        var json = Json.mapper().readTree(r.body());
        assertThat(json.get("rule").asText()).isEqualTo("aws-access-key-id");
        assertThat(r.body()).doesNotContain(GuardFixture.AWS_KEY);
    }

    @Test
    void curlMultipartFormIsScannedPartByPartWithTransferEncodingsUndone() throws Exception {
        String url = "https://api.test:" + f.https.port() + "/upload";
        Path notes = Files.writeString(f.dir.resolve("notes.txt"), "just some notes\n");
        f.https.received.clear();
        CurlResult ok = curl("-F", "note=hello", "-F", "file=@" + notes, url);
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        FakeUpstream.Received got = f.https.received.poll(5, TimeUnit.SECONDS);
        assertThat(got.header("content-type")).startsWith("multipart/form-data; boundary=");
        assertThat(got.bodyText()).contains("just some notes");

        // Quoted-printable with a soft line break hides the key from a scan of the raw bytes; the decoded part shows it.
        Path hidden = Files.writeString(f.dir.resolve("hidden.txt"),
                GuardFixture.AWS_KEY.substring(0, 8) + "=\r\n" + GuardFixture.AWS_KEY.substring(8));
        CurlResult blocked = curl("-F", "file=@" + hidden + ";headers=\"Content-Transfer-Encoding: quoted-printable\"", url);
        assertThat(blocked.status()).as(blocked.body()).isEqualTo(403);
        var json = Json.mapper().readTree(blocked.body());
        assertThat(json.get("rule").asText()).isEqualTo("aws-access-key-id");
        assertThat(json.get("where").asText()).isEqualTo("body(part 1)");
        assertThat(blocked.body()).doesNotContain(GuardFixture.AWS_KEY);

        // A secret in a part's headers (here the file name) is found where it was sent: in the raw body.
        Path named = Files.writeString(f.dir.resolve("named.txt"), "harmless");
        CurlResult inHeader = curl("-F", "file=@" + named + ";filename=" + GuardFixture.AWS_KEY + ".txt", url);
        assertThat(inHeader.status()).isEqualTo(403);
        assertThat(Json.mapper().readTree(inHeader.body()).get("where").asText()).isEqualTo("body");
        assertThat(f.https.received.poll(300, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void curlMalformedMultipartIsRefusedWith400Json() throws Exception {
        String url = "https://api.test:" + f.https.port() + "/upload";
        CurlResult noBoundary = curl("-H", "content-type: multipart/form-data", "--data-binary", "--x\r\n\r\nv\r\n--x--", url);
        assertThat(noBoundary.status()).isEqualTo(400);
        var json = Json.mapper().readTree(noBoundary.body());
        assertThat(json.get("rule").asText()).isEqualTo("multipart");
        assertThat(json.get("error").asText()).contains("no boundary parameter");
        assertThat(json.get("hint").asText()).contains("--boundary--");

        CurlResult overlong = curl("-H", "content-type: multipart/form-data; boundary=" + "b".repeat(71),
                "--data-binary", "x", url);
        assertThat(overlong.status()).isEqualTo(400);
        assertThat(Json.mapper().readTree(overlong.body()).get("error").asText()).contains("longer than 70");

        CurlResult unterminated = curl("-H", "content-type: multipart/mixed; boundary=b", "--data-binary",
                "--b\r\ncontent-type: text/plain\r\n\r\nno close delimiter", url);
        assertThat(unterminated.status()).isEqualTo(400);
        assertThat(Json.mapper().readTree(unterminated.body()).get("error").asText()).contains("unterminated");
    }

    @Test
    void curlBearerTokenPlaceholderAndGitBasicAuthAreInjectedOnlyForTheirHost() throws Exception {
        f.https.received.clear();
        // git over HTTPS sends Basic user:token; the sandbox only knows the placeholder.
        CurlResult r = curl("-u", "x-access-token:" + GuardFixture.GIT_PLACEHOLDER,
                "https://git.test:" + f.https.port() + "/repo.git/info/refs?service=git-upload-pack");
        // git.test gets api.test's certificate from the upstream: refused as a name mismatch (502), nothing sent.
        assertThat(r.status()).isEqualTo(502);
        f.http.received.clear();
        CurlResult plain = curl("-u", "x-access-token:" + GuardFixture.GIT_PLACEHOLDER,
                "http://git.test:" + f.http.port() + "/repo.git/info/refs?service=git-upload-pack");
        assertThat(plain.status()).isEqualTo(200);
        FakeUpstream.Received got = f.http.received.poll(5, TimeUnit.SECONDS);
        String decoded = new String(Base64.getDecoder().decode(got.header("authorization").substring(6)), StandardCharsets.UTF_8);
        assertThat(decoded).isEqualTo("x-access-token:" + GuardFixture.REAL_GIT);
        CurlResult leak = curl("-u", "x-access-token:" + GuardFixture.REAL_GIT, "http://git.test:" + f.http.port() + "/repo.git");
        assertThat(leak.status()).isEqualTo(403);
    }

    @Test
    void curlKeepAliveReusesTheConnectionForSeveralRequests() throws Exception {
        f.http.received.clear();
        int dials = f.connector.dials.size();
        long lookups = f.resolver.queries.stream().filter("api.test"::equals).count();
        String u = "http://api.test:" + f.http.port() + "/a";
        CurlResult r = curl(u, u, u);
        assertThat(r.body().split("\\{\"ok\":true}", -1)).hasSize(4);
        assertThat(f.http.received).hasSize(3);
        // One client connection kept alive, hence one upstream connection reused for all three requests.
        assertThat(f.connector.dials).hasSize(dials + 1);
        // Resolved once per connection and host; later requests reuse the checked address.
        assertThat(f.resolver.queries.stream().filter("api.test"::equals).count()).isEqualTo(lookups + 1);
    }

    @Test
    void sniThatDiffersFromTheConnectHostFailsTheHandshake() throws Exception {
        try (Socket raw = connectTunnel("api.test", f.https.port())) {
            SSLSocket tls = (SSLSocket) Clients.trusting(f.ca.certificate()).getSocketFactory()
                    .createSocket(raw, "other.test", f.https.port(), true);
            tls.setSoTimeout(3000);
            try {
                tls.startHandshake();
                throw new AssertionError("handshake with a mismatching SNI succeeded");
            } catch (java.io.IOException expected) {
            }
        }
        assertThat(f.auditText()).contains("sni-mismatch");
        try (Socket raw = connectTunnel("api.test", f.https.port())) {
            SSLSocket tls = (SSLSocket) Clients.trusting(f.ca.certificate()).getSocketFactory()
                    .createSocket(raw, "api.test", f.https.port(), true);
            tls.setSoTimeout(3000);
            tls.startHandshake();
            OutputStream out = tls.getOutputStream();
            out.write(("GET / HTTP/1.1\r\nHost: other.test:" + f.https.port() + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            assertThat(GuardFixture.readAll(tls.getInputStream())).startsWith("HTTP/1.1 403").contains("host-mismatch");
        }
    }

    private static Socket connectTunnel(String host, int port) throws Exception {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", f.port()), 2000);
        s.setSoTimeout(3000);
        s.getOutputStream().write(("CONNECT " + host + ":" + port + " HTTP/1.1\r\nHost: " + host + ":" + port
                + "\r\nProxy-Authorization: " + GuardFixture.proxyAuth() + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        InputStream in = s.getInputStream();
        byte[] head = in.readNBytes(39);
        assertThat(new String(head, StandardCharsets.ISO_8859_1)).isEqualTo("HTTP/1.1 200 Connection Established\r\n\r\n");
        return s;
    }

    @Test
    void perSessionUnixSocketNeedsNoProxyCredentials() throws Exception {
        f.http.received.clear();
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(f.dir.resolve("s1.sock")));
            ch.write(ByteBuffer.wrap(("GET http://api.test:" + f.http.port() + "/uds HTTP/1.1\r\nHost: api.test:" + f.http.port()
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1)));
            String resp = new String(java.nio.channels.Channels.newInputStream(ch).readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(resp).startsWith("HTTP/1.1 200");
        }
        assertThat(f.http.received.poll(5, TimeUnit.SECONDS).uri()).isEqualTo("/uds");
        assertThat(Files.getPosixFilePermissions(f.dir.resolve("s1.sock"))).doesNotContain(
                java.nio.file.attribute.PosixFilePermission.OTHERS_READ, java.nio.file.attribute.PosixFilePermission.OTHERS_WRITE);
    }

    @Test
    void auditLogHasOneRedactedLinePerRequestAndMetricsAreExposed() throws Exception {
        // A query name the scanner's generic credential rule ignores: with `api_key=` the finding (logged) makes
        // the guard withhold the whole path, which is right but not what this test is about.
        curl("http://api.test:" + f.http.port() + "/audit-me?page=some-value-123&x=1");
        String audit = f.auditText();
        var line = audit.lines().filter(l -> l.contains("/audit-me")).findFirst().orElseThrow();
        var json = Json.mapper().readTree(line);
        assertThat(json.get("path").asText()).isEqualTo("/audit-me?page=…&x=…");
        assertThat(json.get("session").asText()).isEqualTo("s1");
        assertThat(json.get("method").asText()).isEqualTo("GET");
        assertThat(json.get("status").asInt()).isEqualTo(200);
        assertThat(json.get("decision").asText()).isEqualTo("allow");
        assertThat(json.get("bytesOut").asLong()).isEqualTo(11);
        assertThat(json.has("durationMillis")).isTrue();
        assertThat(audit).doesNotContain("some-value-123").doesNotContain(GuardFixture.REAL_ANTHROPIC)
                .doesNotContain(GuardFixture.AWS_KEY).doesNotContain(GuardFixture.TOKEN);

        HttpClient plain = HttpClient.newHttpClient();
        var admin = f.guard.adminAddress();
        assertThat(admin.getAddress().isLoopbackAddress()).isTrue();
        String metrics = plain.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.getPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).contains("airlock_guard_requests_total{decision=\"allow\"}")
                .contains("airlock_guard_scan_seconds_bucket");
        String pem = plain.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.getPort() + "/ca.pem")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(pem).isEqualTo(f.ca.certificatePem());
    }

    @Test
    void gitOverHttpsGetsTheRealCredentialInjectedIntoBasicAuth() throws Exception {
        f.gitHttps.received.clear();
        Path home = Files.createTempDirectory(f.dir, "git-home");
        ProcessBuilder pb = new ProcessBuilder("git", "-c", "http.proxy=http://s1:" + GuardFixture.TOKEN + "@127.0.0.1:" + f.port(),
                "-c", "http.sslCAInfo=" + caPem, "-c", "credential.helper=", "-c", "http.proxyAuthMethod=basic",
                "ls-remote", "https://x-access-token:" + GuardFixture.GIT_PLACEHOLDER + "@git.test:" + f.gitHttps.port() + "/private/repo.git")
                .redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.toLowerCase().endsWith("_proxy") || k.startsWith("GIT_"));
        pb.environment().put("HOME", home.toString());
        pb.environment().put("GIT_TERMINAL_PROMPT", "0");
        pb.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        // The fake upstream is no git server, so git fails after the exchange; what matters is what reached it.
        FakeUpstream.Received first = f.gitHttps.received.poll(5, TimeUnit.SECONDS);
        FakeUpstream.Received retry = f.gitHttps.received.poll(5, TimeUnit.SECONDS);
        assertThat(first).as(out).isNotNull();
        assertThat(first.uri()).startsWith("/private/repo.git/info/refs");
        assertThat(retry).as(out).isNotNull();
        String decoded = new String(Base64.getDecoder().decode(retry.header("authorization").substring(6)), StandardCharsets.UTF_8);
        assertThat(decoded).isEqualTo("x-access-token:" + GuardFixture.REAL_GIT);
        assertThat(out).doesNotContain(GuardFixture.REAL_GIT);
    }

    /**
     * Node's global {@code fetch} ignores HTTP(S)_PROXY; the undici bundled with Node (reached with
     * {@code --expose-internals}, so nothing is downloaded) provides the {@code EnvHttpProxyAgent} that honours them.
     */
    private static final String NODE_FETCH = """
            const { EnvHttpProxyAgent, setGlobalDispatcher } = require('internal/deps/undici/undici');
            setGlobalDispatcher(new EnvHttpProxyAgent());
            const [url, body] = process.argv.slice(1);
            fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
              .then(async r => { process.stdout.write(r.status + '\\n' + await r.text()); })
              .catch(e => { console.error('fetch failed:', e, e.cause); process.exit(3); });
            """;

    private static CurlResult nodeFetch(String url, String body) throws Exception {
        Path stderr = Files.createTempFile(f.dir, "node", ".err");
        ProcessBuilder pb = new ProcessBuilder("node", "--expose-internals", "-e", NODE_FETCH, url, body)
                .redirectError(stderr.toFile());
        pb.environment().keySet().removeIf(k -> k.toLowerCase().endsWith("_proxy") || k.startsWith("NODE_"));
        pb.environment().put("HTTPS_PROXY", "http://s1:" + GuardFixture.TOKEN + "@127.0.0.1:" + f.port());
        pb.environment().put("NODE_EXTRA_CA_CERTS", caPem.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("node needs a bundled undici with EnvHttpProxyAgent (Node 20.20+): %s",
                Files.readString(stderr)).isZero();
        int nl = out.indexOf('\n');
        return new CurlResult(Integer.parseInt(out.substring(0, nl)), out.substring(nl + 1));
    }

    @Test
    void nodeFetchReachesAnAllowedHttpsUpstreamAndIsBlockedOnASecret() throws Exception {
        f.https.received.clear();
        String url = "https://api.test:" + f.https.port() + "/v1/node";
        CurlResult ok = nodeFetch(url, "{\"messages\":[\"hello\"]}");
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo("{\"ok\":true}");
        FakeUpstream.Received got = f.https.received.poll(5, TimeUnit.SECONDS);
        assertThat(got.uri()).isEqualTo("/v1/node");
        assertThat(got.bodyText()).isEqualTo("{\"messages\":[\"hello\"]}");

        CurlResult blocked = nodeFetch(url, "{\"aws\":\"" + GuardFixture.AWS_KEY + "\"}");
        assertThat(blocked.status()).isEqualTo(403);
        var json = Json.mapper().readTree(blocked.body());
        assertThat(json.get("rule").asText()).isEqualTo("aws-access-key-id");
        assertThat(json.get("where").asText()).isEqualTo("body");
        assertThat(blocked.body()).doesNotContain(GuardFixture.AWS_KEY);
        assertThat(f.https.received.poll(500, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void curlOverTheSessionUnixSocketSendsOriginFormAndIsPolicedByHost() throws Exception {
        f.http.received.clear();
        Process p = new ProcessBuilder("curl", "-sS", "--max-time", "10", "--unix-socket", f.dir.resolve("s1.sock").toString(),
                "-w", "\n%{http_code}", "http://api.test:" + f.http.port() + "/via-socket").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(out).endsWith("200");
        assertThat(f.http.received.poll(5, TimeUnit.SECONDS).uri()).isEqualTo("/via-socket");
        Process denied = new ProcessBuilder("curl", "-sS", "--max-time", "10", "--unix-socket", f.dir.resolve("s1.sock").toString(),
                "-w", "\n%{http_code}", "http://pastebin.com/raw/x").redirectErrorStream(true).start();
        String deniedOut = new String(denied.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(denied.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(deniedOut).endsWith("403").contains("deny:pastebin.com");
    }
}
