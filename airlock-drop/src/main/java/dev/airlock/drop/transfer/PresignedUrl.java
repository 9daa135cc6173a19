package dev.airlock.drop.transfer;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Objects;

/**
 * A capability to GET or PUT exactly one object until {@code expiresAt}. The query string is a bearer credential:
 * {@link #toString()} shows only method, key and expiry.
 */
public record PresignedUrl(String method, URI uri, String key, Instant expiresAt) {
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");
    /** SigV4 presigned URLs live at most a week; anything longer is not one. */
    private static final long MAX_AMZ_EXPIRES_SECONDS = Duration.ofDays(7).toSeconds();

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

    /**
     * A SigV4 presigned URL as handed over by the orchestrator, its expiry read from its own {@code X-Amz-Date} and
     * {@code X-Amz-Expires} (what the store enforces), so that a refusal can say the URL had expired.
     * {@code label} names the object in messages (the key itself need not be known to the holder).
     *
     * @throws IllegalArgumentException if the text is not an http(s) URL signed with SigV4 query parameters
     */
    public static PresignedUrl parse(String method, String url, String label) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("the " + label + " URL is not a URL");
        }
        String query = uri.getRawQuery();
        String date = query == null ? null : parameter(query, "X-Amz-Date");
        String expires = query == null ? null : parameter(query, "X-Amz-Expires");
        if (date == null || expires == null || query.indexOf("X-Amz-Signature=") < 0) {
            throw new IllegalArgumentException("the " + label + " URL is not a presigned (SigV4) URL");
        }
        Instant signedAt;
        long seconds;
        try {
            signedAt = LocalDateTime.parse(date, AMZ_DATE).toInstant(ZoneOffset.UTC);
            seconds = Long.parseLong(expires);
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new IllegalArgumentException("the " + label + " URL has an unreadable X-Amz-Date or X-Amz-Expires");
        }
        if (seconds < 1 || seconds > MAX_AMZ_EXPIRES_SECONDS) {
            throw new IllegalArgumentException("the " + label + " URL's X-Amz-Expires is out of range");
        }
        return new PresignedUrl(method, uri, label, signedAt.plusSeconds(seconds));
    }

    /** The raw value of {@code name} in an {@code a=b&c=d} query, or null. */
    private static String parameter(String query, String name) {
        int from = 0;
        while (from <= query.length()) {
            int end = query.indexOf('&', from);
            if (end < 0) {
                end = query.length();
            }
            if (end - from > name.length() && query.startsWith(name, from) && query.charAt(from + name.length()) == '=') {
                return query.substring(from + name.length() + 1, end);
            }
            from = end + 1;
        }
        return null;
    }

    @Override
    public String toString() {
        return "PresignedUrl[" + method + " " + key + " until " + expiresAt + "]";
    }
}
