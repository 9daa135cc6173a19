package dev.airlock.sandbox;

import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-session fake credentials planted in the sandbox's {@code $HOME}. They are worthless, random per session and
 * known to the egress guard, which blocks any request carrying one: a canary leaving the sandbox is proof of an
 * exfiltration attempt, not a leak.
 */
public final class Canaries {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String UPPER32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private final Map<String, String> values;

    private Canaries(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    static Canaries generate() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("aws_access_key_id", "AKIA" + random(UPPER32, 16));
        m.put("aws_secret_access_key", random(ALNUM, 40));
        m.put("github_token", "ghp_" + random(ALNUM, 36));
        return new Canaries(m);
    }

    private static String random(String alphabet, int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    /** name → value; hand these to the guard's known-secrets list. Never print them unredacted. */
    public Map<String, String> values() {
        return values;
    }

    /** Files to plant, relative to {@code $HOME}. */
    Map<String, String> files() {
        Map<String, String> f = new LinkedHashMap<>();
        f.put(".aws/credentials", "[default]\naws_access_key_id = " + values.get("aws_access_key_id")
                + "\naws_secret_access_key = " + values.get("aws_secret_access_key") + "\n");
        f.put(".netrc", "machine github.com\nlogin agent\npassword " + values.get("github_token") + "\n");
        return f;
    }

    static Canaries none() {
        return new Canaries(Map.of());
    }
}
