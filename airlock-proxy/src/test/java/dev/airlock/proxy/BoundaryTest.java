package dev.airlock.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every refusal, driven with raw bytes over a socket so nothing a client library normalises can hide a bug:
 * smuggling framings, destinations that must never be dialled, policy refusals, size and time bounds.
 */
class BoundaryTest {
    static GuardFixture f;
    static String auth;

    @BeforeAll
    static void start() throws Exception {
        f = new GuardFixture("");
        auth = "Proxy-Authorization: " + GuardFixture.proxyAuth() + "\r\n";
    }

    @AfterAll
    static void stop() throws Exception {
        f.close();
    }

    @BeforeEach
    void clear() {
        f.http.received.clear();
    }

    private String url(String host) {
        return "http://" + host + ":" + f.http.port();
    }

    private void assertNoDialFor(int dialsBefore) {
        assertThat(f.connector.dials).hasSize(dialsBefore);
        assertThat(f.connector.refusedNonLoopback).isEmpty();
    }

    @Test
    void validRawRequestPasses() throws Exception {
        String r = f.raw("POST " + url("api.test") + "/x HTTP/1.1\r\nHost: api.test:" + f.http.port() + "\r\n" + auth
                + "Content-Length: 5\r\nConnection: close\r\n\r\nhello");
        assertThat(r).startsWith("HTTP/1.1 200");
        assertThat(f.http.received.poll(5, TimeUnit.SECONDS).bodyText()).isEqualTo("hello");
    }

    @Test
    void pipelinedRequestsAreAnsweredOneAtATimeInOrder() throws Exception {
        // Four requests in one write: the first is slow upstream, so the others are decoded while it is in flight.
        // Each must be judged on its own head (the third carries a secret), the answers must come back in order, and
        // the refusal closes the connection, so the fourth is never forwarded.
        String head = " HTTP/1.1\r\nHost: api.test:" + f.http.port() + "\r\n" + auth;
        String r = f.raw("GET " + url("api.test") + "/slow?ms=300" + head + "\r\n"
                + "GET " + url("api.test") + "/second" + head + "\r\n"
                + "POST " + url("api.test") + "/third" + head + "Content-Length: 30\r\n\r\n"
                + "{\"aws\":\"" + GuardFixture.AWS_KEY + "\"}"
                + "GET " + url("api.test") + "/fourth" + head + "\r\n");
        List<String> statuses = new ArrayList<>();
        for (int i = r.indexOf("HTTP/1.1 "); i >= 0; i = r.indexOf("HTTP/1.1 ", i + 1)) {
            statuses.add(r.substring(i + 9, i + 12));
        }
        assertThat(statuses).as("guard answered:%n%s", r).containsExactly("200", "200", "403");
        assertThat(r.substring(r.indexOf("HTTP/1.1 403"))).contains("aws-access-key-id");
        assertThat(f.http.received.poll(5, TimeUnit.SECONDS).uri()).isEqualTo("/slow?ms=300");
        assertThat(f.http.received.poll(5, TimeUnit.SECONDS).uri()).isEqualTo("/second");
        assertThat(f.http.received).isEmpty();
    }

    @Test
    void missingOrWrongProxyCredentialsGet407() throws Exception {
        String none = f.raw("GET " + url("api.test") + "/ HTTP/1.1\r\nHost: api.test:" + f.http.port() + "\r\n\r\n");
        assertThat(none).startsWith("HTTP/1.1 407").containsIgnoringCase("Proxy-Authenticate: Basic");
        String wrong = f.raw("GET " + url("api.test") + "/ HTTP/1.1\r\nHost: api.test:" + f.http.port()
                + "\r\nProxy-Authorization: Basic " + java.util.Base64.getEncoder().encodeToString("s1:wrong-token-000000".getBytes())
                + "\r\n\r\n");
        assertThat(wrong).startsWith("HTTP/1.1 407");
        assertThat(f.http.received).isEmpty();
    }

    @Test
    void clTeSmugglingIsRejected() throws Exception {
        String r = f.raw("POST " + url("api.test") + "/ HTTP/1.1\r\nHost: api.test:" + f.http.port() + "\r\n" + auth
                + "Content-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: api.test\r\n\r\n");
        assertThat(r).startsWith("HTTP/1.1 400");
        assertThat(r).doesNotContain("HTTP/1.1 200");
        assertThat(f.http.received).isEmpty();
    }

    @Test
    void teClSmugglingIsRejected() throws Exception {
        String r = f.raw("POST " + url("api.test") + "/ HTTP/1.1\r\nHost: api.test:" + f.http.port() + "\r\n" + auth
                + "Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n5c\r\nGPOST / HTTP/1.1\r\n\r\n0\r\n\r\n");
        assertThat(r).startsWith("HTTP/1.1 400");
        assertThat(f.http.received).isEmpty();
    }

    @Test
    void obfuscatedTransferEncodingIsRejected() throws Exception {
        String r = f.raw("POST " + url("api.test") + "/ HTTP/1.1\r\nHost: api.test:" + f.http.port() + "\r\n" + auth
                + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n");
        assertThat(r).startsWith("HTTP/1.1 400");
        assertThat(f.http.received).isEmpty();
    }

    @Test
    void duplicateContentLengthIsRejected() throws Exception {
        String r = f.raw("POST " + url("api.test") + "/ HTTP/1.1\r\nHost: api.test:" + f.http.port() + "\r\n" + auth
                + "Content-Length: 5\r\nContent-Length: 20\r\n\r\nhello");
        assertThat(r).startsWith("HTTP/1.1 400");
        String same = f.raw("POST " + url("api.test") + "/ HTTP/1.1\r\nHost: api.test:" + f.http.port() + "\r\n" + auth
                + "Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello");
        assertThat(same).startsWith("HTTP/1.1 400");
        assertThat(f.http.received).isEmpty();
    }

    @Test
    void obsFoldIsRejected() throws Exception {
        String r = f.raw("GET " + url("api.test") + "/ HTTP/1.1\r\nHost: api.test:" + f.http.port() + "\r\n" + auth
                + "X-Folded: first\r\n second\r\n\r\n");
        assertThat(r).startsWith("HTTP/1.1 400");
        assertThat(f.http.received).isEmpty();
    }

    @Test
    void invalidChunkSizesAreRejected() throws Exception {
        for (String size : new String[] {"zz", "-1", "0x10", "1 1"}) {
            String r = f.raw("POST " + url("api.test") + "/ HTTP/1.1\r\nHost: api.test:" + f.http.port() + "\r\n" + auth
                    + "Transfer-Encoding: chunked\r\n\r\n" + size + "\r\nhello\r\n0\r\n\r\n");
            assertThat(r).as("chunk size %s", size).startsWith("HTTP/1.1 400");
        }
        assertThat(f.http.received).isEmpty();
    }

    @Test
    void secretSplitAcrossChunksIsFound() throws Exception {
        String key = GuardFixture.AWS_KEY;
        String a = "{\"k\":\"" + key.substring(0, 9);
        String b = key.substring(9) + "\"}";
        String r = f.raw("POST " + url("api.test") + "/ HTTP/1.1\r\nHost: api.test:" + f.http.port() + "\r\n" + auth
                + "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(a.length()) + "\r\n" + a + "\r\n"
                + Integer.toHexString(b.length()) + "\r\n" + b + "\r\n0\r\n\r\n");
        assertThat(r).startsWith("HTTP/1.1 403").contains("aws-access-key-id");
        assertThat(f.http.received).isEmpty();
    }

    @Test
    void secretInsideGzipBodyIsFound() throws Exception {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(("{\"aws\":\"" + GuardFixture.AWS_KEY + "\"}").getBytes(StandardCharsets.UTF_8));
        }
        byte[] head = ("POST " + url("api.test") + "/ HTTP/1.1\r\nHost: api.test:" + f.http.port() + "\r\n" + auth
                + "Content-Encoding: gzip\r\nContent-Length: " + gz.size() + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream req = new ByteArrayOutputStream();
        req.write(head);
        req.write(gz.toByteArray());
        assertThat(f.raw(req.toByteArray())).startsWith("HTTP/1.1 403").contains("aws-access-key-id");
        assertThat(f.http.received).isEmpty();
    }

    @Test
    void gzipBombIsRefusedWith413() throws Exception {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(new byte[1 << 20]); // 1 MiB of zeros: beyond the 256 KiB decoded cap, ~1 KiB on the wire
        }
        byte[] head = ("POST " + url("api.test") + "/ HTTP/1.1\r\nHost: api.test:" + f.http.port() + "\r\n" + auth
                + "Content-Encoding: gzip\r\nContent-Length: " + gz.size() + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream req = new ByteArrayOutputStream();
        req.write(head);
        req.write(gz.toByteArray());
        assertThat(f.raw(req.toByteArray())).startsWith("HTTP/1.1 413");
        assertThat(f.http.received).isEmpty();
    }

    /** Produced by Node's zlib.brotliCompressSync (quality 11): a JSON note carrying the session canary. */
    private static final String BROTLI_CANARY = "GykBMI3TDXdT9XQZodJ35/Wu/Q4k+c6xuSaLHJIW0WFJCxM5cGueYQB8cnstseUCFKGPFMNiOu8IVv66LvdIpXlJNTD0nwfHiDE6lwy47TOAPg==";
    /** Produced by Node's zlib.brotliCompressSync: 2 MiB of 'a' in 14 bytes. */
    private static final String BROTLI_BOMB = "m///H/glwuKxQCD3/gM=";

    private byte[] brotliPost(byte[] body) throws Exception {
        ByteArrayOutputStream req = new ByteArrayOutputStream();
        req.write(("POST " + url("api.test") + "/ HTTP/1.1\r\nHost: api.test:" + f.http.port() + "\r\n" + auth
                + "Content-Encoding: br\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        req.write(body);
        return req.toByteArray();
    }

    @Test
    void secretInsideBrotliBodyIsFound() throws Exception {
        String r = f.raw(brotliPost(java.util.Base64.getDecoder().decode(BROTLI_CANARY)));
        assertThat(r).startsWith("HTTP/1.1 403").contains("canary");
        assertThat(f.http.received).isEmpty();
    }

    @Test
    void brotliBombIsRefusedWith413() throws Exception {
        assertThat(f.raw(brotliPost(java.util.Base64.getDecoder().decode(BROTLI_BOMB)))).startsWith("HTTP/1.1 413");
        assertThat(f.http.received).isEmpty();
    }

    @Test
    void corruptBrotliBodyIsRefusedNotForwardedUnscanned() throws Exception {
        String r = f.raw("POST " + url("api.test") + "/ HTTP/1.1\r\nHost: api.test:" + f.http.port() + "\r\n" + auth
                + "Content-Encoding: br\r\nContent-Length: 4\r\n\r\nabcd");
        assertThat(r).startsWith("HTTP/1.1 415");
        assertThat(f.http.received).isEmpty();
    }

    @Test
    void bodyAboveTheCapIs413() throws Exception {
        String big = "x".repeat(70_000);
        String declared = f.raw("POST " + url("api.test") + "/ HTTP/1.1\r\nHost: api.test:" + f.http.port() + "\r\n" + auth
                + "Content-Length: " + big.length() + "\r\n\r\n" + big);
        assertThat(declared).startsWith("HTTP/1.1 413");
        String chunked = f.raw("POST " + url("api.test") + "/ HTTP/1.1\r\nHost: api.test:" + f.http.port() + "\r\n" + auth
                + "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(big.length()) + "\r\n" + big + "\r\n0\r\n\r\n");
        assertThat(chunked).startsWith("HTTP/1.1 413").contains("\"rule\":\"body-too-large\"");
        assertThat(f.auditText().lines().filter(l -> l.contains("body-too-large")).count()).isGreaterThanOrEqualTo(2);
        assertThat(f.http.received).isEmpty();
    }

    @Test
    void expectContinueIsAnsweredOnlyAfterTheHeadIsAccepted() throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", f.port()), 2000);
            s.setSoTimeout(3000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write(("POST " + url("api.test") + "/ HTTP/1.1\r\nHost: api.test:" + f.http.port() + "\r\n" + auth
                    + "Expect: 100-continue\r\nConnection: close\r\nContent-Length: 5\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            byte[] buf = new byte[25];
            int n = in.read(buf);
            assertThat(new String(buf, 0, n, StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 100 Continue");
            out.write("hello".getBytes(StandardCharsets.ISO_8859_1));
            assertThat(GuardFixture.readAll(in)).contains("HTTP/1.1 200");
        }
        String denied = f.raw("POST " + url("pastebin.com") + "/ HTTP/1.1\r\nHost: pastebin.com:" + f.http.port() + "\r\n" + auth
                + "Expect: 100-continue\r\nContent-Length: 5\r\n\r\n");
        assertThat(denied).startsWith("HTTP/1.1 403").doesNotContain("100 Continue");
    }

    @Test
    void denylistBeatsAllowlistAndNothingIsResolvedOrDialled() throws Exception {
        int dials = f.connector.dials.size();
        String r = f.raw("GET " + url("pastebin.com") + "/raw HTTP/1.1\r\nHost: pastebin.com:" + f.http.port() + "\r\n" + auth + "\r\n");
        assertThat(r).startsWith("HTTP/1.1 403").contains("deny:pastebin.com");
        assertNoDialFor(dials);
        assertThat(f.resolver.queries).doesNotContain("pastebin.com");
    }

    @Test
    void hostNotOnAllowlistIsRefused() throws Exception {
        int dials = f.connector.dials.size();
        String r = f.raw("GET " + url("evil.test") + "/ HTTP/1.1\r\nHost: evil.test:" + f.http.port() + "\r\n" + auth + "\r\n");
        assertThat(r).startsWith("HTTP/1.1 403").contains("not-allowlisted");
        assertNoDialFor(dials);
    }

    @Test
    void metadataAddressBehindAnAllowedNameIsNeverDialled() throws Exception {
        int dials = f.connector.dials.size();
        for (String host : new String[] {"metadata.test", "mixed.test", "mapped.test"}) {
            String r = f.raw("GET " + url(host) + "/latest/meta-data HTTP/1.1\r\nHost: " + host + ":" + f.http.port() + "\r\n" + auth + "\r\n");
            assertThat(r).as(host).startsWith("HTTP/1.1 403").contains("forbidden address range");
        }
        assertNoDialFor(dials);
    }

    @Test
    void ipLiteralsAreRefusedBeforeAnyLookupOrDial() throws Exception {
        int dials = f.connector.dials.size();
        int queries = f.resolver.queries.size();
        for (String host : new String[] {"169.254.169.254", "127.0.0.1", "[::1]", "[::ffff:169.254.169.254]", "2130706433", "0x7f.1", "10.0.0.1"}) {
            String r = f.raw("GET http://" + host + "/ HTTP/1.1\r\nHost: " + host + "\r\n" + auth + "\r\n");
            assertThat(r).as(host).startsWith("HTTP/1.1 403").contains("ip-literal");
        }
        assertNoDialFor(dials);
        assertThat(f.resolver.queries).hasSize(queries);
    }

    @Test
    void portOutsidePolicyIsRefused() throws Exception {
        int dials = f.connector.dials.size();
        String r = f.raw("GET http://api.test:22/ HTTP/1.1\r\nHost: api.test:22\r\n" + auth + "\r\n");
        assertThat(r).startsWith("HTTP/1.1 403").contains("\"rule\":\"port\"");
        assertNoDialFor(dials);
    }

    @Test
    void methodRestrictionIsEnforced() throws Exception {
        String post = f.raw("POST " + url("get-only.test") + "/ HTTP/1.1\r\nHost: get-only.test:" + f.http.port() + "\r\n" + auth
                + "Content-Length: 2\r\n\r\n{}");
        assertThat(post).startsWith("HTTP/1.1 403").contains("methods:get-only.test");
        String get = f.raw("GET " + url("get-only.test") + "/ HTTP/1.1\r\nHost: get-only.test:" + f.http.port() + "\r\n" + auth
                + "Connection: close\r\n\r\n");
        assertThat(get).startsWith("HTTP/1.1 200");
    }

    @Test
    void hostHeaderMismatchIsRefused() throws Exception {
        String r = f.raw("GET " + url("api.test") + "/ HTTP/1.1\r\nHost: pastebin.com\r\n" + auth + "\r\n");
        assertThat(r).startsWith("HTTP/1.1 403").contains("host-mismatch");
        assertThat(f.http.received).isEmpty();
    }

    @Test
    void webSocketUpgradeIsRefused() throws Exception {
        String r = f.raw("GET " + url("api.test") + "/ws HTTP/1.1\r\nHost: api.test:" + f.http.port() + "\r\n" + auth
                + "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
        assertThat(r).startsWith("HTTP/1.1 403").contains("websocket");
        assertThat(f.http.received).isEmpty();
    }

    @Test
    void connectWithCrLfInHostIsRejected() throws Exception {
        int dials = f.connector.dials.size();
        String bareCr = f.raw("CONNECT api.test\rX-Injected: 1:" + f.https.port() + " HTTP/1.1\r\n" + auth + "\r\n");
        assertThat(bareCr).startsWith("HTTP/1.1 400");
        String encoded = f.raw("CONNECT api.test%0d%0aX-Injected:%20" + f.https.port() + ":" + f.https.port() + " HTTP/1.1\r\n" + auth + "\r\n");
        assertThat(encoded).startsWith("HTTP/1.1 4");
        assertThat(encoded).doesNotContain("200 Connection Established");
        assertNoDialFor(dials);
    }

    @Test
    void nonTlsBytesInsideConnectAreRefused() throws Exception {
        int dials = f.connector.dials.size();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", f.port()), 2000);
            s.setSoTimeout(3000);
            OutputStream out = s.getOutputStream();
            out.write(("CONNECT api.test:" + f.https.port() + " HTTP/1.1\r\nHost: api.test:" + f.https.port() + "\r\n" + auth + "\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = s.getInputStream();
            byte[] buf = new byte[39];
            int n = in.readNBytes(buf, 0, buf.length);
            assertThat(new String(buf, 0, n, StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 200 Connection Established");
            out.write("SSH-2.0-OpenSSH_9.2\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String rest = GuardFixture.readAll(in);
            assertThat(rest).doesNotContain("SSH");
            assertThat(s.getInputStream().read()).isEqualTo(-1); // closed by the guard
        }
        assertNoDialFor(dials);
        assertThat(f.auditText()).contains("non-tls-tunnel");
    }

    @Test
    void oversizedHeadersAreBounded() throws Exception {
        String r = f.raw("GET " + url("api.test") + "/ HTTP/1.1\r\nHost: api.test:" + f.http.port() + "\r\n" + auth
                + "X-Big: " + "a".repeat(20_000) + "\r\n\r\n");
        assertThat(r).startsWith("HTTP/1.1 431");
        String line = f.raw("GET " + url("api.test") + "/" + "a".repeat(20_000) + " HTTP/1.1\r\n\r\n");
        assertThat(line).startsWith("HTTP/1.1 414");
        assertThat(f.http.received).isEmpty();
    }

    @Test
    void slowlorisIsCutOffAtTheRequestDeadline() throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", f.port()), 2000);
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            long start = System.nanoTime();
            boolean closed = false;
            byte[] head = ("GET " + url("api.test") + "/ HTTP/1.1\r\nHost: api.test\r\nX-Slow: ").getBytes(StandardCharsets.ISO_8859_1);
            try {
                for (int i = 0; i < 40; i++) {
                    out.write(head[i % head.length]);
                    out.flush();
                    Thread.sleep(200);
                }
            } catch (java.io.IOException e) {
                closed = true;
            }
            if (!closed) {
                closed = s.getInputStream().read() == -1;
            }
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(closed).isTrue();
            // Deadline is 2 s in the fixture; trickling for 8 s must not keep the connection open.
            assertThat(ms).isLessThan(9_000);
        }
    }
}
