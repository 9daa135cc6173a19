package dev.airlock.core;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Identifies one sandbox session everywhere: guard audit lines, denial events, grants. Restricted to a safe
 * alphabet so it can be embedded in paths, socket names and log lines without escaping.
 */
public record SessionId(String value) {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int MAX_LENGTH = 64;

    public SessionId {
        if (value == null || value.isEmpty() || value.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("session id must be 1.." + MAX_LENGTH + " characters");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!ok) {
                throw new IllegalArgumentException("session id may hold only [a-z0-9_-]");
            }
        }
    }

    /** A fresh random id, {@code s-} followed by 96 random bits in hex. */
    public static SessionId random() {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return new SessionId("s-" + HexFormat.of().formatHex(bytes));
    }

    @Override
    public String toString() {
        return value;
    }
}
