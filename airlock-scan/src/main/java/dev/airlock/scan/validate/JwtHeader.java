package dev.airlock.scan.validate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.core.json.Json;
import dev.airlock.scan.SecretValidator;
import java.io.IOException;
import java.util.Base64;

/**
 * A JWT's first segment must be base64url of a JSON object naming its algorithm ({@code "alg"}), and its second
 * segment must be base64url of a JSON object. Random {@code eyJ…} strings and truncated tokens fail.
 */
public final class JwtHeader implements SecretValidator {
    private static final int MAX_SEGMENT = 8 * 1024;

    @Override
    public boolean accepts(CharSequence secret) {
        String s = secret.toString();
        int dot = s.indexOf('.');
        int dot2 = dot < 0 ? -1 : s.indexOf('.', dot + 1);
        if (dot <= 0 || dot2 < 0 || dot > MAX_SEGMENT || dot2 - dot > 4 * MAX_SEGMENT) {
            return false;
        }
        JsonNode header = decodeObject(s.substring(0, dot));
        JsonNode payload = decodeObject(s.substring(dot + 1, dot2));
        return header != null && payload != null && header.path("alg").isTextual();
    }

    private static JsonNode decodeObject(String segment) {
        try {
            byte[] json = Base64.getUrlDecoder().decode(stripPadding(segment));
            JsonNode node = Json.mapper().readTree(json);
            return node != null && node.isObject() ? node : null;
        } catch (IllegalArgumentException | IOException notJson) {
            return null;
        }
    }

    private static String stripPadding(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '=') {
            end--;
        }
        return s.substring(0, end);
    }

    @Override
    public String name() {
        return "jwt-header";
    }
}
