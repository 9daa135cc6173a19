package dev.airlock.scan.rules;

import dev.airlock.scan.HitFilter;

/**
 * Hit filters for structured rules whose keyword is common in code ({@code ://} in every URL, {@code secret} in
 * every crypto API). Each checks, from the keyword's end, the fixed shape that the rule's pattern requires right
 * there, and over-approximates it: if the filter says no, the pattern cannot match around this keyword.
 */
final class KeywordFollowers {
    private KeywordFollowers() {
    }

    /**
     * {@code url-credentials}: after {@code ://}, {@code [^\s:@/"'<>]{1,64} : [^\s:@/"'<>]{6,128} @}. The pattern's
     * user-info cannot contain {@code :} or {@code /}, so its {@code ://} is the one at this hit.
     */
    static final HitFilter URL_USER_INFO = (data, end, limit) -> {
        int user = userInfoPart(data, end, limit, 64);
        if (user < 1 || end + user >= limit || data[end + user] != ':') {
            return false;
        }
        int from = end + user + 1;
        int password = userInfoPart(data, from, limit, 128);
        return password >= 6 && from + password < limit && data[from + password] == '@';
    };

    /**
     * {@code aws-secret-access-key}: after {@code secret}, {@code [_.-]? (access [_.-]?)? key} (case-insensitive),
     * quotes, blanks, an operator and exactly 40 base64 characters. Each part's bytes differ from the next part's,
     * so taking the longest run of each part decides the whole. A {@code secret} inside the 40 characters is
     * covered by the match's leading one.
     */
    static final HitFilter SECRET_KEY_NAME = (data, end, limit) -> {
        int i = end;
        if (i < limit && isSeparator(data[i])) {
            i++;
        }
        if (startsWithIgnoreCase(data, i, limit, "access")) {
            i += 6;
            if (i < limit && isSeparator(data[i])) {
                i++;
            }
        }
        if (!startsWithIgnoreCase(data, i, limit, "key")) {
            return false;
        }
        // ["'\\]{0,2} \s{0,4} (:=|=>|=|:|>) \s{0,4} ["'\\]{0,2} ([A-Za-z0-9/+]{40}) (?:[^A-Za-z0-9/+=]|\z)
        i = skip(data, i + 3, limit, "\"'\\", 2);
        i = skip(data, i, limit, " \t\n\f\r", 4);
        if (i >= limit) {
            return false;
        }
        if (i + 1 < limit && ((data[i] == ':' && data[i + 1] == '=') || (data[i] == '=' && data[i + 1] == '>'))) {
            i += 2;
        } else if (data[i] == '=' || data[i] == ':' || data[i] == '>') {
            i++;
        } else {
            return false;
        }
        i = skip(data, i, limit, " \t\n\f\r", 4);
        i = skip(data, i, limit, "\"'\\", 2);
        int n = 0;
        while (n <= 40 && i + n < limit && isBase64Standard(data[i + n])) {
            n++;
        }
        return i + n >= limit || (n == 40 && data[i + n] != '=');
    };

    private static boolean isBase64Standard(byte b) {
        return (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '/' || b == '+';
    }

    /**
     * {@code aws-access-key-id} and {@code aws-secret-access-key-paired}: both patterns start with the upper-case
     * literal {@code AKIA|ASIA|ABIA|ACCA} followed by {@code [A-Z2-7]{16}}. Admits only such a leading occurrence
     * ({@code Asia/Tokyo}, {@code ASIA_PACIFIC} are not); an occurrence further inside a match is covered by the
     * match's own leading one.
     */
    static final HitFilter AWS_KEY_ID = (data, end, limit) -> {
        if (end < 4 || end + 16 > limit) {
            return false;
        }
        for (int i = end - 4; i < end; i++) {
            if (data[i] < 'A' || data[i] > 'Z') {
                return false;
            }
        }
        for (int i = end; i < end + 16; i++) {
            byte b = data[i];
            if (!((b >= 'A' && b <= 'Z') || (b >= '2' && b <= '7'))) {
                return false;
            }
        }
        return true;
    };

    /**
     * {@code aws-secret-access-key-paired}: a key id as {@link #AWS_KEY_ID} admits it, then within 200 bytes a byte
     * outside {@code [A-Za-z0-9/+]} followed by a run of exactly 40 of them that is not followed by {@code =}:
     * {@code .{0,200}? [^A-Za-z0-9/+] ([A-Za-z0-9/+]{40}) (?:[^A-Za-z0-9/+=]|\z)}. Exact, not an approximation:
     * it is whether the pattern has a match starting at this key id, without the 200-state NFA RE2 runs for the
     * lazy gap over every byte of the window.
     */
    static final HitFilter AWS_KEY_ID_THEN_SECRET = (data, end, limit) -> {
        if (!AWS_KEY_ID.admits(data, end, limit)) {
            return false;
        }
        int gapStart = end + 16;
        int i = gapStart;
        while (i < limit) {
            if (isBase64Standard(data[i])) {
                i++;
                continue;
            }
            if (i > gapStart + 200) {
                return false;
            }
            int run = i + 1;
            int n = 0;
            while (n <= 40 && run + n < limit && isBase64Standard(data[run + n])) {
                n++;
            }
            if (n == 40 && (run + n == limit || data[run + n] != '=')) {
                return true;
            }
            i = run + n;
        }
        return false;
    };

    /**
     * {@code jwt}: the pattern starts {@code \\b eyJ [A-Za-z0-9_-]{10,1000} \\. eyJ}, case-sensitive. Admits only
     * such a leading occurrence (the header segment holds no dot, so it is the whole run after {@code eyJ}); an
     * {@code eyJ} further inside a token is covered by the token's leading one. Random base64 is full of
     * {@code eyj} in some case; almost never of this shape.
     */
    static final HitFilter JWT_HEADER = (data, end, limit) -> {
        if (end < 3 || data[end - 3] != 'e' || data[end - 2] != 'y' || data[end - 1] != 'J') {
            return false;
        }
        if (end >= 4 && isWordByte(data[end - 4])) {
            return false; // no \b before the token
        }
        int i = end;
        int stop = Math.min(limit, end + 1001);
        while (i < stop && (isWordByte(data[i]) || data[i] == '-')) {
            i++;
        }
        if (i >= limit) {
            return true;
        }
        int n = i - end;
        if (n < 10 || n > 1000 || data[i] != '.') {
            return false;
        }
        return i + 4 > limit || (data[i + 1] == 'e' && data[i + 2] == 'y' && data[i + 3] == 'J');
    };

    private static boolean isWordByte(byte b) {
        return (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '_';
    }

    /**
     * {@code http-basic-auth} / {@code http-bearer-token}: after {@code authorization},
     * {@code [\\"']{0,3} \s{0,4} [:=,>]? \s{0,4} [\\"']{0,3}} and then the scheme, case-insensitive.
     */
    static HitFilter authorizationScheme(String scheme) {
        return (data, end, limit) -> {
            int i = skip(data, end, limit, "\\\"'", 3);
            i = skip(data, i, limit, " \t\n\u000B\f\r", 4);
            i = skip(data, i, limit, ":=,>", 1);
            i = skip(data, i, limit, " \t\n\u000B\f\r", 4);
            i = skip(data, i, limit, "\\\"'", 3);
            return startsWithIgnoreCase(data, i, limit, scheme);
        };
    }

    /** Skips at most {@code max} bytes from {@code set}; over-approximates each bounded repeat by taking the longest. */
    private static int skip(byte[] data, int at, int limit, String set, int max) {
        int n = 0;
        while (n < max && at + n < limit && set.indexOf(data[at + n]) >= 0) {
            n++;
        }
        return at + n;
    }

    /** Length of the run of user-info bytes at {@code from}, capped at {@code max + 1}. */
    private static int userInfoPart(byte[] data, int from, int limit, int max) {
        int n = 0;
        while (n <= max && from + n < limit && !userInfoStop(data[from + n])) {
            n++;
        }
        return n;
    }

    private static boolean userInfoStop(byte b) {
        return switch (b) {
            case ' ', '\t', '\n', '\f', '\r', ':', '@', '/', '"', '\'', '<', '>' -> true;
            default -> false;
        };
    }

    private static boolean isSeparator(byte b) {
        return b == '_' || b == '.' || b == '-';
    }

    private static boolean startsWithIgnoreCase(byte[] data, int at, int limit, String lower) {
        if (at + lower.length() > limit) {
            return false;
        }
        for (int k = 0; k < lower.length(); k++) {
            int c = data[at + k];
            if (c >= 'A' && c <= 'Z') {
                c += 32;
            }
            if (c != lower.charAt(k)) {
                return false;
            }
        }
        return true;
    }
}
