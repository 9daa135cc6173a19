package dev.airlock.orchestrator.github;

/** {@code owner/name} of a GitHub repository, validated so it can be placed in an API path as is. */
public record RepoName(String owner, String name) {
    public RepoName {
        if (!valid(owner) || !valid(name)) {
            throw new IllegalArgumentException("not a GitHub repository name: " + owner + "/" + name);
        }
    }

    public static RepoName parse(String full) {
        int slash = full.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("expected owner/name, got " + full);
        }
        return new RepoName(full.substring(0, slash), full.substring(slash + 1));
    }

    String path() {
        return "repos/" + owner + "/" + name;
    }

    private static boolean valid(String s) {
        if (s == null || s.isEmpty() || s.length() > 100 || s.equals(".") || s.equals("..")) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
                    || c == '.')) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return owner + "/" + name;
    }
}
