package dev.airlock.drop.s3;

import dev.airlock.drop.transfer.PresignedUrl;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Turns the drop's credentials into single-object, short-lived capabilities: a presigned GET for a phase's input
 * and a presigned PUT for its output. The signature binds method, bucket, key and expiry, so the holder can reach
 * nothing else. Held by the orchestrator only; the agent side never loads this class.
 */
public final class DropSigner implements AutoCloseable {
    public static final Duration MAX_EXPIRY = Duration.ofHours(1);

    private final S3Presigner presigner;
    private final String bucket;
    private final Clock clock;

    private DropSigner(S3Presigner presigner, String bucket, Clock clock) {
        this.presigner = presigner;
        this.bucket = bucket;
        this.clock = clock;
    }

    public static DropSigner open(S3Settings settings) {
        return open(settings, Clock.systemUTC());
    }

    public static DropSigner open(S3Settings settings, Clock clock) {
        var builder = S3Presigner.builder()
                .region(Region.of(settings.region()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(settings.accessKey(), settings.secretKey())))
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(settings.pathStyle()).build());
        if (settings.endpoint() != null) {
            builder.endpointOverride(settings.endpoint());
        }
        return new DropSigner(builder.build(), settings.bucket(), clock);
    }

    public PresignedUrl get(String key, Duration expiry) {
        check(expiry);
        var req = presigner.presignGetObject(p -> p.signatureDuration(expiry)
                .getObjectRequest(g -> g.bucket(bucket).key(key)));
        return new PresignedUrl("GET", toUri(req.url()), key, Instant.now(clock).plus(expiry));
    }

    public PresignedUrl put(String key, Duration expiry) {
        check(expiry);
        var req = presigner.presignPutObject(p -> p.signatureDuration(expiry)
                .putObjectRequest(g -> g.bucket(bucket).key(key)));
        return new PresignedUrl("PUT", toUri(req.url()), key, Instant.now(clock).plus(expiry));
    }

    private static void check(Duration expiry) {
        if (expiry.isNegative() || expiry.isZero() || expiry.compareTo(MAX_EXPIRY) > 0) {
            throw new IllegalArgumentException("presigned URL expiry must be within (0, " + MAX_EXPIRY + "]");
        }
    }

    private static URI toUri(java.net.URL url) {
        try {
            return url.toURI();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException("presigner produced an invalid URL", e);
        }
    }

    @Override
    public void close() {
        presigner.close();
    }
}
