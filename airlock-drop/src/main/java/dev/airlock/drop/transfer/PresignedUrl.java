package dev.airlock.drop.transfer;

import java.net.URI;
import java.time.Instant;
import java.util.Objects;

/**
 * A capability to GET or PUT exactly one object until {@code expiresAt}. The query string is a bearer credential:
 * {@link #toString()} shows only method, key and expiry.
 */
public record PresignedUrl(String method, URI uri, String key, Instant expiresAt) {
    public PresignedUrl {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(expiresAt, "expiresAt");
        if (!method.equals("GET") && !method.equals("PUT")) {
            throw new IllegalArgumentException("method must be GET or PUT");
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
            throw new IllegalArgumentException("presigned URL must be http(s)");
        }
    }

    @Override
    public String toString() {
        return "PresignedUrl[" + method + " " + key + " until " + expiresAt + "]";
    }
}
