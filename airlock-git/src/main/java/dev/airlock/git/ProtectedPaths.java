package dev.airlock.git;

import java.util.List;

/**
 * Operator-configured globs for paths an agent must not change without review: {@code *} matches within one
 * component, {@code **} any number of components. Matched by hand (no regular expressions on agent-chosen paths);
 * a pattern without '/' matches that name in any directory only if it starts with {@code **}/, otherwise it is
 * anchored at the root. Matching is case-insensitive so {@code .GitHub/Workflows} does not slip through on
 * case-insensitive checkouts.
 */
public record ProtectedPaths(List<String> patterns) {
    public static final ProtectedPaths DEFAULT = new ProtectedPaths(List.of(
            ".github/workflows/**", ".gitmodules", ".gitattributes", "**/.gitattributes", "CODEOWNERS",
            ".github/CODEOWNERS", "docs/CODEOWNERS", "gradlew", "gradlew.bat", "mvnw", "mvnw.cmd",
            "gradle/wrapper/**", ".mvn/wrapper/**", ".mvn/extensions.xml"));

    public ProtectedPaths {
        patterns = List.copyOf(patterns);
    }

    public boolean matches(String path) {
        String p = path.toLowerCase(java.util.Locale.ROOT);
        for (String pattern : patterns) {
            if (glob(pattern.toLowerCase(java.util.Locale.ROOT).split("/", -1), 0, p.split("/", -1), 0)) {
                return true;
            }
        }
        return false;
    }

    private static boolean glob(String[] pat, int pi, String[] path, int si) {
        if (pi == pat.length) {
            return si == path.length;
        }
        if (pat[pi].equals("**")) {
            for (int k = si; k <= path.length; k++) {
                if (glob(pat, pi + 1, path, k)) {
                    return true;
                }
            }
            return false;
        }
        return si < path.length && component(pat[pi], 0, path[si], 0) && glob(pat, pi + 1, path, si + 1);
    }

    private static boolean component(String pat, int pi, String s, int si) {
        while (pi < pat.length()) {
            char c = pat.charAt(pi);
            if (c == '*') {
                for (int k = si; k <= s.length(); k++) {
                    if (component(pat, pi + 1, s, k)) {
                        return true;
                    }
                }
                return false;
            }
            if (si >= s.length() || s.charAt(si) != c) {
                return false;
            }
            pi++;
            si++;
        }
        return si == s.length();
    }
}
