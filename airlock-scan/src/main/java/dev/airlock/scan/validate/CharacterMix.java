package dev.airlock.scan.validate;

import dev.airlock.scan.SecretValidator;

/**
 * Requires the character classes a generated credential almost always has. {@link #LETTER_AND_DIGIT} drops
 * words, identifiers and numbers; {@link #MIXED_CASE_AND_DIGIT} additionally drops hex and single-case strings,
 * for base62/base64 formats recognised by length alone.
 */
public final class CharacterMix implements SecretValidator {
    private static final int LETTER = 1;
    private static final int DIGIT = 2;
    private static final int UPPER = 4;
    private static final int LOWER = 8;

    public static final CharacterMix LETTER_AND_DIGIT = new CharacterMix("letter-and-digit", LETTER | DIGIT);
    public static final CharacterMix MIXED_CASE_AND_DIGIT = new CharacterMix("mixed-case-and-digit",
            UPPER | LOWER | DIGIT);
    public static final CharacterMix MIXED_CASE = new CharacterMix("mixed-case", UPPER | LOWER);

    private final String name;
    private final int required;

    private CharacterMix(String name, int required) {
        this.name = name;
        this.required = required;
    }

    @Override
    public boolean accepts(CharSequence s) {
        int seen = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'a' && c <= 'z') {
                seen |= LETTER | LOWER;
            } else if (c >= 'A' && c <= 'Z') {
                seen |= LETTER | UPPER;
            } else if (c >= '0' && c <= '9') {
                seen |= DIGIT;
            }
        }
        return (seen & required) == required;
    }

    @Override
    public String name() {
        return "charset-" + name;
    }
}
