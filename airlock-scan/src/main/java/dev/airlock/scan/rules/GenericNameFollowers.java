package dev.airlock.scan.rules;

import dev.airlock.scan.HitFilter;

/**
 * Hit filters for the generic rules, derived by hand from their patterns in {@link GenericRules}. Every match of
 * those patterns starts its credential name ({@code NAME}) with a keyword, so the bytes right after that keyword
 * must be the rest of the name (at most {@value #NAME_TAIL_MAX} bytes of {@code [A-Za-z0-9_.-]}), closing
 * quotes/brackets and blanks, and then the operator. In code, names like {@code getPassword(} or {@code tokens.size}
 * fail that in a few bytes, which spares RE2 most windows. Each filter over-approximates its pattern: if it says
 * no, the pattern cannot match with its name at this keyword.
 */
final class GenericNameFollowers {
    /** {@code ([_.-]?(key|value|string|str|base)){0,2} s? [0-9]?}: 7 + 7 + 1 + 1. */
    static final int NAME_TAIL_MAX = 16;
    /** Name tail, then {@code [\\"'\]]{0,3}}, then {@code \s{0,4}}. */
    private static final int BEFORE_OPERATOR_MAX = NAME_TAIL_MAX + 3 + 4;
    /** After the operator's first byte: its second byte, {@code \s{0,4}}, {@code [rbuf@]?}, {@code \\?}. */
    private static final int BEFORE_QUOTE_MAX = 1 + 4 + 1 + 1;

    private static final byte NAME = 1;
    private static final byte CLOSE = 2;
    private static final byte SPACE = 4;
    private static final byte OPENER = 8;
    private static final byte[] CLASS = new byte[256];

    static {
        for (int c = 'a'; c <= 'z'; c++) {
            CLASS[c] |= NAME;
            CLASS[c - 32] |= NAME;
        }
        for (int c = '0'; c <= '9'; c++) {
            CLASS[c] |= NAME;
        }
        for (char c : "_.-".toCharArray()) {
            CLASS[c] |= NAME;
        }
        for (char c : "\\\"']".toCharArray()) {
            CLASS[c] |= CLOSE;
        }
        for (char c : " \t\n\u000B\f\r".toCharArray()) {
            CLASS[c] |= SPACE | OPENER;
        }
        // Between the operator's first byte and the opening quote: '=' or '>' (of ":=", "?=", "=>"), blanks,
        // a string prefix [rbuf@] and a backslash.
        for (char c : "=>rbuf@\\".toCharArray()) {
            CLASS[c] |= OPENER;
        }
    }

    private GenericNameFollowers() {
    }

    /** {@code NAME [\\"'\]]{0,3} \s{0,4} (:=|=>|\?=|=|:|,|\() \s{0,4} [rbuf@]? \\? ["'`]}. */
    static final HitFilter ASSIGNMENT = (data, end, limit) -> {
        int op = operator(data, end, limit);
        if (op < 0) {
            return false;
        }
        int b = data[op];
        if (b != ':' && b != '=' && b != '?' && b != ',' && b != '(') {
            return false;
        }
        int stop = Math.min(limit, op + 1 + BEFORE_QUOTE_MAX + 1);
        for (int i = op + 1; i < stop; i++) {
            int c = data[i];
            if (c == '"' || c == '\'' || c == '`') {
                return true;
            }
            if ((CLASS[c & 0xFF] & OPENER) == 0) {
                return false;
            }
        }
        return false;
    };

    /** {@code NAME [\\"']? [ \t]{0,4} (=|:)}. */
    static final HitFilter LINE = (data, end, limit) -> {
        int op = operator(data, end, limit);
        return op >= 0 && (data[op] == '=' || data[op] == ':');
    };

    /** {@code NAME >}. */
    static final HitFilter MARKUP = (data, end, limit) -> nameThen(data, end, limit, '>');

    /** {@code NAME =}. */
    static final HitFilter QUERY_PARAM = (data, end, limit) -> nameThen(data, end, limit, '=');

    /** The index of the first byte after the name tail, closers and blanks, or -1 if too far or past the end. */
    private static int operator(byte[] data, int end, int limit) {
        int stop = Math.min(limit, end + BEFORE_OPERATOR_MAX + 1);
        for (int i = end; i < stop; i++) {
            if ((CLASS[data[i] & 0xFF] & (NAME | CLOSE | SPACE)) == 0) {
                return i;
            }
        }
        return -1;
    }

    private static boolean nameThen(byte[] data, int end, int limit, char next) {
        int stop = Math.min(limit, end + NAME_TAIL_MAX + 1);
        for (int i = end; i < stop; i++) {
            int c = data[i];
            if (c == next) {
                return true;
            }
            if ((CLASS[c & 0xFF] & NAME) == 0) {
                return false;
            }
        }
        return false;
    }
}
