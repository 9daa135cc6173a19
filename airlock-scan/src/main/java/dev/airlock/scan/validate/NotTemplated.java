package dev.airlock.scan.validate;

import dev.airlock.scan.SecretValidator;

/**
 * Rejects template and interpolation syntax, whose real value lives elsewhere: {@code ${VAR}}, {@code {{ x }}},
 * {@code <token>}, {@code %(name)s}, {@code %s}, {@code #{x}}, {@code $(cmd)}, {@code $VAR}, {@code @token@},
 * {@code %VAR%}.
 */
public final class NotTemplated implements SecretValidator {
    private static final String[] MARKERS = {"${", "{{", "}}", "<", ">", "%(", "%s", "%d", "#{", "$(", "[[", "]]", "@{"};

    @Override
    public boolean accepts(CharSequence secret) {
        String s = secret.toString();
        for (String marker : MARKERS) {
            if (s.contains(marker)) {
                return false;
            }
        }
        if (s.length() >= 2 && s.charAt(0) == '$' && Character.isLetter(s.charAt(1))) {
            return false;
        }
        if (s.length() >= 3 && ((s.charAt(0) == '@' && s.charAt(s.length() - 1) == '@')
                || (s.charAt(0) == '%' && s.charAt(s.length() - 1) == '%'))) {
            return false;
        }
        return true;
    }

    @Override
    public String name() {
        return "not-templated";
    }
}
