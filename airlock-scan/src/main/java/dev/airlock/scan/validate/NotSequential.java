package dev.airlock.scan.validate;

import dev.airlock.scan.SecretValidator;
import java.util.Locale;

/**
 * Rejects made-up values: a run of five or more consecutive characters ({@code abcde}, {@code 12345},
 * {@code 98765}), a character repeated five times, or a keyboard walk ({@code qwerty}, {@code asdf}).
 */
public final class NotSequential implements SecretValidator {
    private static final int RUN = 5;
    private static final String[] WALKS = {"qwert", "asdfg", "zxcvb", "qazwsx", "1qaz", "password", "passw0rd",
        "letmein", "secret123"};

    @Override
    public boolean accepts(CharSequence secret) {
        String s = secret.toString().toLowerCase(Locale.ROOT);
        for (String walk : WALKS) {
            if (s.contains(walk)) {
                return false;
            }
        }
        int up = 1;
        int down = 1;
        int same = 1;
        for (int i = 1; i < s.length(); i++) {
            int delta = s.charAt(i) - s.charAt(i - 1);
            boolean alnum = Character.isLetterOrDigit(s.charAt(i)) && Character.isLetterOrDigit(s.charAt(i - 1));
            up = alnum && delta == 1 ? up + 1 : 1;
            down = alnum && delta == -1 ? down + 1 : 1;
            same = delta == 0 ? same + 1 : 1;
            if (up >= RUN || down >= RUN || same >= RUN) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String name() {
        return "not-sequential";
    }
}
