package dev.airlock.scan;

import com.google.re2j.Pattern;
import java.util.List;
import java.util.Locale;

/**
 * Values a rule must not report: documentation examples, placeholders, stopwords. Stopwords are matched
 * case-insensitively as substrings of the secret; regexes (RE2, linear-time) must match the secret.
 *
 * @param stopwords lower-case substrings that disqualify a secret
 * @param regexes   RE2 patterns; a secret matching any of them is ignored
 * @param paths     RE2 patterns over the file path; a finding in a matching path is ignored
 */
public record Allowlist(List<String> stopwords, List<Pattern> regexes, List<Pattern> paths) {
    public static final Allowlist EMPTY = new Allowlist(List.of(), List.of(), List.of());

    public Allowlist {
        stopwords = stopwords.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
        regexes = List.copyOf(regexes);
        paths = List.copyOf(paths);
    }

    /** True when {@code secret} is an allowed (non-reportable) value. */
    public boolean allowsSecret(String secret) {
        if (!stopwords.isEmpty()) {
            String lower = secret.toLowerCase(Locale.ROOT);
            for (String stopword : stopwords) {
                if (lower.contains(stopword)) {
                    return true;
                }
            }
        }
        for (Pattern regex : regexes) {
            if (regex.matcher(secret).find()) {
                return true;
            }
        }
        return false;
    }

    /** True when findings in {@code path} are not reported. A null path (stdin, a request body) is never allowed. */
    public boolean allowsPath(String path) {
        if (path == null) {
            return false;
        }
        for (Pattern pattern : paths) {
            if (pattern.matcher(path).find()) {
                return true;
            }
        }
        return false;
    }
}
