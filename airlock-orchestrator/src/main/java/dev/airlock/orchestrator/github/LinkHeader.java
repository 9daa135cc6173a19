package dev.airlock.orchestrator.github;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/**
 * The {@code rel="next"} target of an RFC 8288 {@code Link} header, as GitHub sends it for paginated lists:
 * {@code <https://api.github.com/repositories/1/issues/2/comments?page=2>; rel="next", <…>; rel="last"}. A plain
 * scan (no regular expressions) over a bounded header; anything malformed is no link.
 */
final class LinkHeader {
    /** Longer Link headers are refused (GitHub's are a few hundred bytes). */
    static final int MAX_LENGTH = 8 * 1024;

    private LinkHeader() {
    }

    /** The {@code rel="next"} URI, if the header names one. */
    static Optional<URI> next(String header) {
        if (header == null || header.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        int i = 0;
        while (i < header.length()) {
            int open = header.indexOf('<', i);
            if (open < 0) {
                return Optional.empty();
            }
            int close = header.indexOf('>', open + 1);
            if (close < 0) {
                return Optional.empty();
            }
            int end = header.indexOf(',', close);
            if (end < 0) {
                end = header.length();
            }
            if (isNext(header.substring(close + 1, end))) {
                try {
                    return Optional.of(new URI(header.substring(open + 1, close).strip()));
                } catch (java.net.URISyntaxException e) {
                    return Optional.empty();
                }
            }
            i = end + 1;
        }
        return Optional.empty();
    }

    /** Whether {@code ; rel="next"} (or a space-separated rel list containing {@code next}) is among the params. */
    private static boolean isNext(String params) {
        for (String param : params.split(";")) {
            int eq = param.indexOf('=');
            if (eq < 0 || !param.substring(0, eq).strip().equalsIgnoreCase("rel")) {
                continue;
            }
            String value = param.substring(eq + 1).strip();
            if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                value = value.substring(1, value.length() - 1);
            }
            for (String rel : value.toLowerCase(Locale.ROOT).split(" ")) {
                if (rel.equals("next")) {
                    return true;
                }
            }
        }
        return false;
    }
}
