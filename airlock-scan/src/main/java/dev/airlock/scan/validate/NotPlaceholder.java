package dev.airlock.scan.validate;

import dev.airlock.scan.SecretValidator;
import java.util.List;
import java.util.Locale;

/**
 * Rejects values that say they are not real: {@code xxxx}, {@code changeme}, {@code your-key-here},
 * {@code redacted}, {@code dummy}, masked values ({@code ****}) and the like.
 */
public final class NotPlaceholder implements SecretValidator {
    /** Lower-case substrings that mark a value as a stand-in; shared with the structured rules' allowlists. */
    public static final List<String> MARKERS = List.of(
            "xxxx", "changeme", "change-me", "change_me", "your-", "your_", "yourkey", "yourtoken", "yoursecret",
            "yourpass", "redacted", "dummy", "example", "placeholder", "sample", "fake", "mock", "notreal",
            "not-a-real", "not_a_real", "insert", "replace", "****", "....", "\u2026", "<", ">", "todo", "secret_here",
            "key_here", "key-here", "token_here", "token-here", "password_here", "here", "foobar", "lorem", "test");

    /**
     * The markers by their first char (ASCII), the rest in {@link #OTHER_MARKERS}: every candidate is checked, and
     * one pass trying only the markers that start with each char beats a search per marker.
     */
    private static final String[][] MARKERS_BY_FIRST = new String[128][];
    private static final String[] OTHER_MARKERS = MARKERS.stream().filter(m -> m.charAt(0) >= 128)
            .toArray(String[]::new);

    static {
        for (int c = 0; c < 128; c++) {
            final char first = (char) c;
            MARKERS_BY_FIRST[c] = MARKERS.stream().filter(m -> m.charAt(0) == first).toArray(String[]::new);
        }
    }

    @Override
    public boolean accepts(CharSequence secret) {
        String lower = secret.toString().toLowerCase(Locale.ROOT);
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            for (String marker : c < 128 ? MARKERS_BY_FIRST[c] : OTHER_MARKERS) {
                if (lower.startsWith(marker, i)) {
                    return false;
                }
            }
        }
        return true;
    }

    @Override
    public String name() {
        return "not-placeholder";
    }
}
