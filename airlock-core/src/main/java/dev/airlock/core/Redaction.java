package dev.airlock.core;

/**
 * The one way Airlock prints anything that might be a secret: the first four characters, an ellipsis and the
 * length, e.g. {@code ghp_…40}. Four characters identify the credential family (and so the key to rotate)
 * without giving an attacker a useful prefix of the random part.
 */
public final class Redaction {
    static final int VISIBLE_PREFIX = 4;

    private Redaction() {
    }

    /** Redacts {@code secret}; a value of four characters or fewer shows nothing but its length. */
    public static String redact(CharSequence secret) {
        if (secret == null) {
            return "null";
        }
        int length = secret.length();
        if (length <= VISIBLE_PREFIX) {
            return "…" + length;
        }
        StringBuilder out = new StringBuilder(VISIBLE_PREFIX + 8);
        for (int i = 0; i < VISIBLE_PREFIX; i++) {
            char c = secret.charAt(i);
            // Control characters in a prefix could forge log lines; they are not part of any credential prefix.
            out.append(Character.isISOControl(c) ? '?' : c);
        }
        return out.append('…').append(length).toString();
    }
}
