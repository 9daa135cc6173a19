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

    @Override
    public boolean accepts(CharSequence secret) {
        String lower = secret.toString().toLowerCase(Locale.ROOT);
        for (String marker : MARKERS) {
            if (lower.contains(marker)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String name() {
        return "not-placeholder";
    }
}
