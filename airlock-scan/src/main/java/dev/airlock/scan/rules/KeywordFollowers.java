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

    /** {@code aws-secret-access-key}: after {@code secret}, {@code [_.-]? (access [_.-]?)? key}, case-insensitive. */
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
        return startsWithIgnoreCase(data, i, limit, "key");
    };

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
