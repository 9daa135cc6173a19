package dev.airlock.drop.s3;

import java.net.URI;
import java.util.Objects;

/**
 * Where the drop lives and how to authenticate. Works with AWS S3 ({@code endpoint == null}), MinIO, s3proxy or any
 * S3-compatible endpoint ({@code endpoint} set, usually with {@code pathStyle}).
 *
 * @param secretKey never printed; {@link #toString()} redacts it
 */
public record S3Settings(URI endpoint, String region, String bucket, boolean pathStyle, String accessKey,
                         String secretKey) {
    public S3Settings {
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(accessKey, "accessKey");
        Objects.requireNonNull(secretKey, "secretKey");
        if (bucket.isEmpty() || bucket.length() > 63) {
            throw new IllegalArgumentException("bucket name must be 1-63 characters");
        }
    }

    @Override
    public String toString() {
        return "S3Settings[endpoint=" + endpoint + ", region=" + region + ", bucket=" + bucket + ", pathStyle="
                + pathStyle + ", accessKey=" + dev.airlock.core.Redaction.redact(accessKey) + ", secretKey="
                + dev.airlock.core.Redaction.redact(secretKey) + "]";
    }
}
