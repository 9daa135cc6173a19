package dev.airlock.sandbox;

import java.util.Locale;

/**
 * A named extra power a session can ask for: {@code net:HOST}, {@code net:*}, {@code fs:write:PATH},
 * {@code exec:background}, {@code budget:time:+SECONDS}. Parsing is strict: a request that does not name one of
 * these shapes is refused before any grant rule sees it.
 */
public record Capability(String kind, String argument) {

    public Capability {
        if (kind == null || argument == null) {
            throw new IllegalArgumentException("capability kind and argument are required");
        }
    }

    /** The capability's canonical name, e.g. {@code net:example.com}. */
    public String name() {
        return argument.isEmpty() ? kind : kind + ":" + argument;
    }

    /** Parses a requested capability; throws with a message listing the valid shapes. */
    public static Capability parse(String text) {
        if (text == null || text.length() > 300) {
            throw new IllegalArgumentException("capability name missing or longer than 300 characters");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c <= ' ' || c == 0x7f) {
                throw new IllegalArgumentException("capability name may not contain spaces or control characters");
            }
        }
        String t = text;
        if (t.equals("exec:background")) {
            return new Capability("exec:background", "");
        }
        if (t.startsWith("net:")) {
            String host = t.substring(4).toLowerCase(Locale.ROOT);
            if (host.equals("*") || isHost(host)) {
                return new Capability("net", host);
            }
        }
        if (t.startsWith("fs:write:")) {
            String path = t.substring(9);
            if (!path.isEmpty() && !path.contains("..")) {
                return new Capability("fs:write", path);
            }
        }
        if (t.startsWith("budget:time:+")) {
            String n = t.substring(13);
            if (isDigits(n, 5)) {
                return new Capability("budget:time", "+" + Integer.parseInt(n));
            }
        }
        throw new IllegalArgumentException("unknown capability '" + text
                + "'; valid: net:HOST, net:*, fs:write:PATH, exec:background, budget:time:+SECONDS");
    }

    // Hand-written checks: capability names come from the agent, and no regex engine runs on agent input.
    private static boolean isDigits(String s, int max) {
        if (s.isEmpty() || s.length() > max) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static boolean isHost(String s) {
        int colon = s.indexOf(':');
        String host = colon < 0 ? s : s.substring(0, colon);
        if (colon >= 0 && !isDigits(s.substring(colon + 1), 5)) {
            return false;
        }
        if (host.isEmpty() || host.length() > 253 || host.charAt(0) == '.' || host.charAt(0) == '-') {
            return false;
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '*';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Validates an auto-grant pattern: a capability name where the argument may be {@code *}. */
    static String parsePattern(String pattern) {
        if (pattern.endsWith(":*") || pattern.endsWith(":+*")) {
            String head = pattern.substring(0, pattern.lastIndexOf(':'));
            if (!head.equals("net") && !head.equals("fs:write") && !head.equals("budget:time")) {
                throw new IllegalArgumentException("bad auto-grant pattern " + pattern);
            }
            return pattern;
        }
        parse(pattern);
        return pattern;
    }

    /** Whether an auto-grant pattern covers this capability ({@code net:*} as a pattern matches every host). */
    boolean matches(String pattern) {
        if (pattern.equals(name())) {
            return true;
        }
        int colon = pattern.lastIndexOf(':');
        String head = pattern.substring(0, colon);
        String tail = pattern.substring(colon + 1);
        return head.equals(kind) && (tail.equals("*") || tail.equals("+*"));
    }
}
