package dev.airlock.drop.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.airlock.drop.server.EmbeddedS3Server;
import dev.airlock.drop.store.DropKeys;
import dev.airlock.drop.transfer.PresignedTransfer;
import dev.airlock.drop.transfer.PresignedUrl;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against the real embedded store: presigned URLs reach exactly their object, only until they expire. */
class PresignedAccessTest {
    @TempDir
    static Path data;
    static EmbeddedS3Server server;
    static S3Settings settings;
    static S3ObjectStore store;
    static DropSigner signer;
    final PresignedTransfer agent = new PresignedTransfer(Duration.ofSeconds(10));

    @BeforeAll
    static void start() throws Exception {
        server = EmbeddedS3Server.start(data, 0);
        settings = new S3Settings(server.endpoint(), "us-east-1", "airlock", true, server.accessKey(), server.secretKey());
        store = S3ObjectStore.open(settings).ensureBucket();
        signer = DropSigner.open(settings);
    }

    @AfterAll
    static void stop() {
        signer.close();
        store.close();
        server.close();
    }

    /** What `airlock drop serve` does: the bucket is made on the store itself (no S3 client), idempotently. */
    @Test
    void bucketMadeOnTheStoreItselfServesOverS3() throws Exception {
        server.ensureBucket("made-in-store");
        server.ensureBucket("made-in-store");
        S3Settings other = new S3Settings(server.endpoint(), "us-east-1", "made-in-store", true, server.accessKey(),
                server.secretKey());
        try (S3ObjectStore s = S3ObjectStore.open(other)) {
            s.put("k", "v".getBytes(StandardCharsets.UTF_8));
            try (var in = s.get("k")) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("v");
            }
        }
    }

    @Test
    void storeBindsLoopbackAndRoundTrips() throws Exception {
        assertThat(server.endpoint().getHost()).isEqualTo("127.0.0.1");
        store.put("runs/r1/input/0.tar.zst", "hello".getBytes());
        assertThat(store.get("runs/r1/input/0.tar.zst").readAllBytes()).isEqualTo("hello".getBytes());
        assertThat(store.exists("runs/r1/input/1.tar.zst")).isFalse();
    }

    @Test
    void getAndPutWorkForTheirObjectOnly() throws Exception {
        store.put(DropKeys.input("run-a", 1), "input-a".getBytes());
        store.put(DropKeys.input("run-b", 1), "input-b".getBytes());
        PresignedUrl get = signer.get(DropKeys.input("run-a", 1), Duration.ofMinutes(5));
        PresignedUrl put = signer.put(DropKeys.output("run-a", 1), Duration.ofMinutes(5));

        assertThat(agent.download(get, 1 << 20)).isEqualTo("input-a".getBytes());
        agent.upload(put, "output-a".getBytes());
        assertThat(store.get(DropKeys.output("run-a", 1)).readAllBytes()).isEqualTo("output-a".getBytes());
        assertThat(get.toString()).doesNotContain("Signature").doesNotContain(server.accessKey());

        // Same signature, another key: the path is part of what was signed.
        assertThat(status(() -> agent.download(retarget(get, DropKeys.input("run-b", 1)), 1 << 20))).isEqualTo(403);
        assertThat(status(() -> agent.upload(retarget(put, DropKeys.input("run-a", 1)), "x".getBytes()))).isEqualTo(403);
        assertThat(status(() -> agent.upload(retarget(put, DropKeys.output("run-b", 1)), "x".getBytes()))).isEqualTo(403);
        // Tampered expiry in the query string.
        assertThat(status(() -> agent.download(tamperQuery(get, "X-Amz-Expires=300", "X-Amz-Expires=3600"), 1 << 20)))
                .isEqualTo(403);
        // A GET URL cannot be used to write (method is signed too).
        PresignedUrl getAsPut = new PresignedUrl("PUT", get.uri(), get.key(), get.expiresAt());
        assertThat(status(() -> agent.upload(getAsPut, "overwrite".getBytes()))).isEqualTo(403);
        assertThat(store.get(DropKeys.input("run-a", 1)).readAllBytes()).isEqualTo("input-a".getBytes());
        assertThat(store.get(DropKeys.input("run-b", 1)).readAllBytes()).isEqualTo("input-b".getBytes());
    }

    @Test
    void urlsStopWorkingAfterExpiry() throws Exception {
        store.put(DropKeys.input("run-c", 1), "c".getBytes());
        // S3 signs whole seconds (X-Amz-Date), so a 1 s expiry can lapse before first use on a loaded machine.
        PresignedUrl get = signer.get(DropKeys.input("run-c", 1), Duration.ofSeconds(4));
        PresignedUrl put = signer.put(DropKeys.output("run-c", 1), Duration.ofSeconds(4));
        assertThat(agent.download(get, 100)).isEqualTo("c".getBytes());
        sleepUntil(get.expiresAt().plusMillis(1_500));
        assertThat(status(() -> agent.download(get, 100))).isEqualTo(403);
        assertThat(status(() -> agent.upload(put, "late".getBytes()))).isEqualTo(403);
        assertThat(store.exists(DropKeys.output("run-c", 1))).isFalse();
    }

    /** The git role reads its URL's expiry from the URL itself: it must be the one the signer set. */
    @Test
    void parsedExpiryIsTheSignersToTheSecond() {
        PresignedUrl put = signer.put(DropKeys.input("run-e", 1), Duration.ofMinutes(7));
        PresignedUrl parsed = PresignedUrl.parse("PUT", put.uri().toString(), "input snapshot");
        assertThat(Duration.between(parsed.expiresAt(), put.expiresAt()).abs()).isLessThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(parsed.uri()).isEqualTo(put.uri());
    }

    private static void sleepUntil(java.time.Instant instant) throws InterruptedException {
        long millis = Duration.between(java.time.Instant.now(), instant).toMillis();
        if (millis > 0) {
            Thread.sleep(millis);
        }
    }

    @Test
    void unsignedRequestsAreRefused() throws Exception {
        store.put(DropKeys.input("run-d", 1), "d".getBytes());
        var http = java.net.http.HttpClient.newHttpClient();
        URI object = URI.create(server.endpoint() + "/airlock/" + DropKeys.input("run-d", 1));
        var get = http.send(java.net.http.HttpRequest.newBuilder(object).GET().build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(403);
        assertThat(get.body()).doesNotContain("\nd");
        var put = http.send(java.net.http.HttpRequest.newBuilder(URI.create(server.endpoint() + "/airlock/"
                        + DropKeys.output("run-d", 1))).PUT(java.net.http.HttpRequest.BodyPublishers.ofString("x")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).isEqualTo(403);
        assertThat(store.exists(DropKeys.output("run-d", 1))).isFalse();
    }

    @Test
    void keysRejectTraversal() {
        assertThat(catchThrowableOfType(IllegalArgumentException.class, () -> DropKeys.input("../x", 1))).isNotNull();
        assertThat(catchThrowableOfType(IllegalArgumentException.class, () -> DropKeys.output("a/b", 1))).isNotNull();
    }

    interface Call {
        void run() throws Exception;
    }

    private static int status(Call call) throws Exception {
        PresignedTransfer.TransferException e = catchThrowableOfType(PresignedTransfer.TransferException.class, call::run);
        assertThat(e).as("request must be refused").isNotNull();
        return e.status();
    }

    private static PresignedUrl retarget(PresignedUrl url, String key) {
        String s = url.uri().toString().replace(url.key(), key);
        return new PresignedUrl(url.method(), URI.create(s), key, url.expiresAt());
    }

    private static PresignedUrl tamperQuery(PresignedUrl url, String from, String to) {
        String s = url.uri().toString();
        assertThat(s).contains(from);
        return new PresignedUrl(url.method(), URI.create(s.replace(from, to)), url.key(), url.expiresAt());
    }
}
