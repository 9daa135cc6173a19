package dev.airlock.scan.validate;

import dev.airlock.scan.SecretValidator;

/** Rejects UUIDs ({@code 8-4-4-4-12} hex): identifiers everywhere in real code and requests, rarely secrets. */
public final class NotUuid implements SecretValidator {

    @Override
    public boolean accepts(CharSequence s) {
        if (s.length() != 36) {
            return true;
        }
        for (int i = 0; i < 36; i++) {
            char c = s.charAt(i);
            boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
            if (dash ? c != '-' : Character.digit(c, 16) < 0) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String name() {
        return "not-uuid";
    }
}
