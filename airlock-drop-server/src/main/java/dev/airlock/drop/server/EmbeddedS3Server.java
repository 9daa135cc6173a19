package dev.airlock.drop.server;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import software.amazon.awssdk.services.s3.model.CreateBucketRequest;
import software.amazon.awssdk.services.s3.model.HeadBucketRequest;

/**
 * The default dead drop: an S3-compatible server (s3proxy) with a filesystem backend, AWS Signature V4 required,
 * bound to 127.0.0.1 only. Credentials are random, generated on first start and kept in {@code credentials}
 * (mode 0600) under the data directory; whoever may read that file holds the drop's full power.
 *
 * <pre>{@code
 * try (EmbeddedS3Server s3 = EmbeddedS3Server.start(EmbeddedS3Server.defaultDataDir(), 0)) {
 *     URI endpoint = s3.endpoint();
 * }
 * }</pre>
 */
public final class EmbeddedS3Server implements AutoCloseable {
    private final S3Proxy proxy;
    private final FilesystemNio2BlobStore blobs;
    private final URI endpoint;
    private final String accessKey;
    private final String secretKey;

    private EmbeddedS3Server(S3Proxy proxy, FilesystemNio2BlobStore blobs, URI endpoint, String accessKey,
                             String secretKey) {
        this.proxy = proxy;
        this.blobs = blobs;
        this.endpoint = endpoint;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
    }

    /** {@code $XDG_DATA_HOME/airlock/drop}, or {@code ~/.local/share/airlock/drop}. */
    public static Path defaultDataDir() {
        String xdg = System.getenv("XDG_DATA_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".local", "share");
        return base.resolve("airlock").resolve("drop");
    }

    /** Starts on 127.0.0.1:{@code port} (0 = ephemeral), storing objects under {@code dataDir/objects}. */
    public static EmbeddedS3Server start(Path dataDir, int port) throws IOException {
        Objects.requireNonNull(dataDir, "dataDir");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        Files.createDirectories(dataDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path objects = dataDir.resolve("objects");
        Files.createDirectories(objects);
        List<String> creds = credentials(dataDir.resolve("credentials"));
        skipJettyMemoryProbe();
        FilesystemNio2BlobStore blobs = new FilesystemNio2BlobStore(objects.toString());
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(blobs)
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V4, creds.get(0), creds.get(1))
                .jettyMaxThreads(16)
                // Stopped at once: a graceful stop waited (~1 s, up to s3proxy's default 30 s) for clients' idle
                // keep-alive connections — the orchestrator's own — at the end of every run. Nothing is cut short:
                // each object is written to a temporary file and renamed into place, and the run that used the store
                // is over when its orchestrator stops it.
                .stopTimeout(0)
                .build();
        try {
            proxy.start();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!"STARTED".equals(proxy.getState())) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("s3proxy did not start within 10 s (state " + proxy.getState() + ")");
                }
                Thread.sleep(5);
            }
        } catch (IOException e) {
            stopQuietly(proxy);
            throw e;
        } catch (Exception e) {
            stopQuietly(proxy);
            throw new IOException("cannot start the embedded S3 store on 127.0.0.1:" + port + ": " + e.getMessage(), e);
        }
        return new EmbeddedS3Server(proxy, blobs, URI.create("http://127.0.0.1:" + proxy.getPort()), creds.get(0), creds.get(1));
    }

    /** s3proxy's shaded Jetty reads its tuning properties under its relocated package name. */
    static final String JETTY_REFERENCES_PER_CACHE_LINE =
            "org.gaul.shaded.org.eclipse.jetty.util.referencesPerCacheLine";

    /**
     * Tells Jetty how many object references share a cache line, which it otherwise asks the JMX platform MBean
     * server (whether compressed oops are on): starting that server was ~15–20 % of the store's start-up CPU. The
     * value only pads Jetty's thread pool queue against false sharing; 64-byte lines of 4-byte compressed references
     * (every heap under 32 GB, as here) give 16. An operator's own setting is kept.
     */
    private static void skipJettyMemoryProbe() {
        if (System.getProperty(JETTY_REFERENCES_PER_CACHE_LINE) == null) {
            System.setProperty(JETTY_REFERENCES_PER_CACHE_LINE, "16");
        }
    }

    private static List<String> credentials(Path file) throws IOException {
        if (!Files.exists(file)) {
            SecureRandom random = new SecureRandom();
            byte[] id = new byte[10];
            byte[] secret = new byte[30];
            random.nextBytes(id);
            random.nextBytes(secret);
            String text = "AIRLOCK" + HexFormat.of().withUpperCase().formatHex(id) + "\n"
                    + HexFormat.of().formatHex(secret) + "\n";
            // Written whole under a private name, then linked into place: several stores starting at once on a
            // fresh directory (concurrent `airlock run`s) agree on one complete file, never read a half-written one.
            Path tmp = Files.createTempFile(file.getParent(), "credentials-", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                Files.writeString(tmp, text, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
                Files.createLink(file, tmp);
            } catch (java.nio.file.FileAlreadyExistsException another) {
                // another store created it first; use theirs
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.size() < 2 || lines.get(0).isBlank() || lines.get(1).isBlank()) {
            throw new IOException("malformed credentials file " + file + ": expected access key and secret key lines;"
                    + " delete it to generate new ones");
        }
        return List.of(lines.get(0).strip(), lines.get(1).strip());
    }

    private static void stopQuietly(S3Proxy proxy) {
        try {
            proxy.stop();
        } catch (Exception ignored) {
            // already failing; the start error is what matters
        }
    }

    /**
     * Creates {@code bucket} if absent, on the store itself rather than over S3: the store's process then never
     * builds an S3 client (the AWS SDK's client start-up was a second of every drop start).
     */
    public void ensureBucket(String bucket) throws IOException {
        try {
            blobs.headBucket(HeadBucketRequest.builder().bucket(bucket).build());
        } catch (RuntimeException absent) {
            try {
                blobs.createContainer(CreateBucketRequest.builder().bucket(bucket).build());
            } catch (RuntimeException e) {
                // Stores starting at once on a fresh directory (concurrent `airlock run`s) race to create it: one
                // wins, and the bucket being there is all the others need.
                try {
                    blobs.headBucket(HeadBucketRequest.builder().bucket(bucket).build());
                } catch (RuntimeException stillAbsent) {
                    throw new IOException("cannot create bucket " + bucket + ": " + e.getMessage(), e);
                }
            }
        }
    }

    public URI endpoint() {
        return endpoint;
    }

    public int port() {
        return endpoint.getPort();
    }

    public String accessKey() {
        return accessKey;
    }

    /** The secret key; never print it (use {@code Redaction.redact}). */
    public String secretKey() {
        return secretKey;
    }

    @Override
    public void close() {
        stopQuietly(proxy);
    }
}
