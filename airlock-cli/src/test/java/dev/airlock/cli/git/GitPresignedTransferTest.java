package dev.airlock.cli.git;

import static dev.airlock.cli.git.GitCliHarness.git;
import static dev.airlock.cli.git.GitCliHarness.line;
import static dev.airlock.cli.git.GitCliHarness.originWithCommits;
import static dev.airlock.cli.git.GitCliHarness.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.airlock.cli.git.GitCliHarness.Run;
import dev.airlock.drop.s3.DropSigner;
import dev.airlock.drop.s3.S3ObjectStore;
import dev.airlock.drop.s3.S3Settings;
import dev.airlock.drop.server.EmbeddedS3Server;
import dev.airlock.drop.snapshot.DirectorySink;
import dev.airlock.drop.snapshot.DirectorySnapshot;
import dev.airlock.drop.snapshot.Manifest;
import dev.airlock.drop.snapshot.Sha256;
import dev.airlock.drop.snapshot.SnapshotLimits;
import dev.airlock.drop.snapshot.SnapshotReader;
import dev.airlock.drop.store.DropKeys;
import dev.airlock.drop.transfer.PresignedTransfer;
import dev.airlock.drop.transfer.PresignedUrl;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The git role moves snapshots through presigned URLs only, against the real embedded S3 store: export PUTs the input
 * (and the history bundle) through the URLs it is given, publish GETs the output through its URL, and every refusal
 * of the store (wrong method, wrong object, expired, missing) or of the content (id mismatch, a download cut short)
 * ends the command with a clear reason and nothing uploaded or pushed. The drop's credentials are not even an option.
 */
class GitPresignedTransferTest {
    @TempDir
    static Path tmp;
    static EmbeddedS3Server s3;
    static S3Settings settings;
    static S3ObjectStore store;
    static DropSigner signer;
    static String origin;

    @BeforeAll
    static void start() throws Exception {
        s3 = EmbeddedS3Server.start(tmp.resolve("drop"), 0);
        settings = new S3Settings(s3.endpoint(), "us-east-1", "airlock", true, s3.accessKey(), s3.secretKey());
        store = S3ObjectStore.open(settings).ensureBucket();
        signer = DropSigner.open(settings);
        origin = originWithCommits(tmp, 2);
    }

    @AfterAll
    static void stop() {
        signer.close();
        store.close();
        s3.close();
    }

    @Test
    void exportUploadsThroughItsUrlsAndPublishDownloadsThroughOne() throws Exception {
        String cache = tmp.resolve("cache-ok.git").toString();
        Path local = tmp.resolve("ok-in.tar.zst");
        Path localHistory = tmp.resolve("ok-history.tar.zst");
        Run export = run("git", "export", "--remote", origin, "--cache", cache, "--out", local.toString(),
                "--input-url", put(DropKeys.input("ok", 0)), "--history=1", "--history-out", localHistory.toString(),
                "--history-url", put(DropKeys.history("ok", 0)));
        assertThat(export.code()).as(export.err()).isZero();
        assertThat(stored(DropKeys.input("ok", 0))).isEqualTo(Files.readAllBytes(local));
        byte[] history = stored(DropKeys.history("ok", 0));
        assertThat(history).isEqualTo(Files.readAllBytes(localHistory));
        assertThat(line(export.out(), "history ")).isEqualTo(Sha256.hex(history) + " commits 1");
        String commit = line(export.out(), "commit ");
        String inputId = line(export.out(), "snapshot ");

        Manifest out = agentEdits("ok", inputId);
        Run publish = run("git", "publish", "--remote", origin, "--cache", cache, "--base", commit,
                "--expected-output-id", out.id(), "--run", "ok", "--branch", "airlock/ok",
                "--output-url", signer.get(DropKeys.output("ok", 0), Duration.ofMinutes(5)).uri().toString());
        assertThat(publish.code()).as(publish.err()).isZero();
        assertThat(publish.out()).contains("to refs/heads/airlock/ok");
    }

    @Test
    void exportRefusedByTheStoreFailsWithTheReasonAndNoUrlInIt() throws Exception {
        // A GET URL cannot write: the method is signed.
        String get = signer.get(DropKeys.input("wrong-method", 0), Duration.ofMinutes(5)).uri().toString();
        Run refused = run("git", "export", "--remote", origin, "--cache", tmp.resolve("cache-403.git").toString(),
                "--input-url", get);
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err()).contains("upload refused or failed").contains("input snapshot")
                .contains("HTTP 403").doesNotContain("X-Amz-Signature").doesNotContain(s3.accessKey());
        assertThat(refused.out()).doesNotContain("snapshot ");
        assertThat(store.exists(DropKeys.input("wrong-method", 0))).isFalse();

        // An expired URL: the store refuses it and the message says it expired.
        PresignedUrl late = signer.put(DropKeys.input("expired", 0), Duration.ofSeconds(1));
        Thread.sleep(Math.max(0, Duration.between(Instant.now(), late.expiresAt()).toMillis()) + 1_500);
        Run expired = run("git", "export", "--remote", origin, "--cache", tmp.resolve("cache-403.git").toString(),
                "--input-url", late.uri().toString());
        assertThat(expired.code()).isEqualTo(1);
        assertThat(expired.err()).contains("HTTP 403").contains("expired");
        assertThat(store.exists(DropKeys.input("expired", 0))).isFalse();
    }

    @Test
    void publishRefusesAMissingOutputAnotherIdAndADownloadCutShort() throws Exception {
        String cache = tmp.resolve("cache-pub.git").toString();
        Run export = run("git", "export", "--remote", origin, "--cache", cache,
                "--input-url", put(DropKeys.input("pub", 0)));
        assertThat(export.code()).as(export.err()).isZero();
        String commit = line(export.out(), "commit ");

        // Nothing uploaded yet: 404 from the store, with its error code.
        Run missing = publish(cache, commit, "sha256:" + "0".repeat(64),
                signer.get(DropKeys.output("pub", 0), Duration.ofMinutes(5)).uri().toString());
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("the output could not be read").contains("HTTP 404").contains("NoSuchKey")
                .doesNotContain("X-Amz-Signature");

        Manifest out = agentEdits("pub", line(export.out(), "snapshot "));
        // A PUT URL does not read.
        Run wrongMethod = publish(cache, commit, out.id(),
                signer.put(DropKeys.output("pub", 0), Duration.ofMinutes(5)).uri().toString());
        assertThat(wrongMethod.code()).isEqualTo(1);
        assertThat(wrongMethod.err()).contains("HTTP 403");
        // Another object than the recorded one: refused by its hash.
        Run otherId = publish(cache, commit, "sha256:" + "1".repeat(64),
                signer.get(DropKeys.output("pub", 0), Duration.ofMinutes(5)).uri().toString());
        assertThat(otherId.code()).isEqualTo(1);
        assertThat(otherId.err()).contains("rejected").contains("is not the recorded");

        // A store that promises the whole object and sends half: the read fails, nothing is pushed.
        byte[] whole = stored(DropKeys.output("pub", 0));
        var server = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, whole.length);
            exchange.getResponseBody().write(whole, 0, whole.length / 2);
            exchange.getResponseBody().flush();
            exchange.close();
        });
        server.start();
        try {
            String amzDate = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC)
                    .format(Instant.now());
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/airlock/out?X-Amz-Date=" + amzDate
                    + "&X-Amz-Expires=300&X-Amz-Signature=" + "ab".repeat(32);
            Run cut = publish(cache, commit, out.id(), url);
            assertThat(cut.code()).isEqualTo(1);
            assertThat(cut.err()).startsWith("airlock git publish: ").doesNotContain("X-Amz-Signature");
            assertThat(cut.out()).doesNotContain("pushed");
        } finally {
            server.stop(0);
        }
        assertThat(branchExists("airlock/pub")).isFalse();
    }

    @Test
    void theGitRoleCannotBeGivenTheDropsCredentials() {
        Path credentials = tmp.resolve("drop").resolve("credentials");
        Run export = run("git", "export", "--remote", origin, "--cache", tmp.resolve("cache-x.git").toString(),
                "--out", tmp.resolve("x.tar.zst").toString(), "--drop-endpoint", s3.endpoint().toString(),
                "--drop-credentials", credentials.toString());
        assertThat(export.code()).isEqualTo(2);
        assertThat(export.err()).contains("Unknown option");
        Run publish = run("git", "publish", "--remote", origin, "--cache", tmp.resolve("cache-x.git").toString(),
                "--base", "HEAD", "--expected-output-id", "sha256:" + "0".repeat(64), "--run", "x", "--branch",
                "airlock/x", "--drop-endpoint", s3.endpoint().toString());
        assertThat(publish.code()).isEqualTo(2);
        assertThat(publish.err()).contains("Unknown option");
        // Anything but a presigned URL is refused before any work.
        Run plain = run("git", "export", "--remote", origin, "--cache", tmp.resolve("cache-x.git").toString(),
                "--input-url", s3.endpoint() + "/airlock/" + DropKeys.input("x", 0));
        assertThat(plain.code()).isEqualTo(2);
        assertThat(plain.err()).contains("not a presigned (SigV4) URL");
        Run noHistoryUrl = run("git", "export", "--remote", origin, "--cache", tmp.resolve("cache-x.git").toString(),
                "--input-url", put(DropKeys.input("x", 0)), "--history");
        assertThat(noHistoryUrl.code()).isEqualTo(2);
        assertThat(noHistoryUrl.err()).contains("needs --history-url");
    }

    /** The agent's side: download the input, edit, upload a delta through its own presigned PUT. */
    private static Manifest agentEdits(String run, String inputId) throws Exception {
        Path ws = Files.createDirectories(tmp.resolve("ws-" + run));
        Manifest input;
        try (InputStream in = new ByteArrayInputStream(stored(DropKeys.input(run, 0)))) {
            input = SnapshotReader.create().expectedId(inputId).read(in, new DirectorySink(ws)).manifest();
        }
        Files.writeString(ws.resolve("README.md"), "# edited by " + run + "\n");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Manifest out = DirectorySnapshot.write(ws, bytes, SnapshotLimits.DEFAULT, input);
        new PresignedTransfer(Duration.ofSeconds(30)).upload(signer.put(DropKeys.output(run, 0),
                Duration.ofMinutes(5)), bytes.toByteArray());
        return out;
    }

    private static Run publish(String cache, String commit, String expectedId, String url) {
        return run("git", "publish", "--remote", origin, "--cache", cache, "--base", commit, "--expected-output-id",
                expectedId, "--run", "pub", "--branch", "airlock/pub", "--output-url", url);
    }

    private static String put(String key) {
        return signer.put(key, Duration.ofMinutes(5)).uri().toString();
    }

    private static byte[] stored(String key) throws IOException {
        try (InputStream in = store.get(key)) {
            return in.readAllBytes();
        }
    }

    private static boolean branchExists(String branch) throws Exception {
        Process p = new ProcessBuilder("git", "--git-dir", origin, "rev-parse", "--verify", "-q", "refs/heads/" + branch)
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor() == 0;
    }


}
