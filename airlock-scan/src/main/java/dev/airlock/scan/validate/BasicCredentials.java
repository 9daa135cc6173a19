package dev.airlock.scan.validate;

import dev.airlock.scan.SecretValidator;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * An HTTP {@code Basic} credential must decode to printable {@code user:password} text with a password that is
 * not a placeholder; arbitrary base64 after the word "Basic" fails.
 */
public final class BasicCredentials implements SecretValidator {
    private static final SecretValidator PLACEHOLDER = new NotPlaceholder();

    @Override
    public boolean accepts(CharSequence secret) {
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(secret.toString());
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
        String text = new String(decoded, StandardCharsets.UTF_8);
        int colon = text.indexOf(':');
        if (colon < 0) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7F || c == '\uFFFD') {
                return false;
            }
        }
        String password = text.substring(colon + 1);
        return password.length() >= 4 && PLACEHOLDER.accepts(password) && new NotTemplated().accepts(password);
    }

    @Override
    public String name() {
        return "basic-user-password";
    }
}
