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
    /** The longest of the generic rules' keywords ({@code passphrase}, {@code credential}). */
    static final int LONGEST_KEYWORD = 10;
    /** Name tail, then {@code [\\"'\]]{0,3}}, then {@code \s{0,4}}. */
    private static final int BEFORE_OPERATOR_MAX = NAME_TAIL_MAX + 3 + 4;
    /** After the operator's first byte: its second byte, {@code \s{0,4}}, {@code [rbuf@]?}, {@code \\?}. */
    private static final int BEFORE_QUOTE_MAX = 1 + 4 + 1 + 1;

    private static final byte NAME = 1;
    private static final byte CLOSE = 2;
    private static final byte SPACE = 4;
    private static final byte OPENER = 8;
    private static final byte[] CLASS = new byte[256];
    /** {@code [^\s"'`\\]}: the quoted value's bytes. */
    private static final boolean[] QUOTED_VALUE = valueBytes(" \t\n\f\r\"'`\\");
    /** {@code [^\s"'`\\,;&<>(){}\[\]]}: the line value's bytes. */
    private static final boolean[] LINE_VALUE = valueBytes(" \t\n\f\r\"'`\\,;&<>(){}[]");


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
                return quotedValueFollows(data, i + 1, limit);
            }
            if ((CLASS[c & 0xFF] & OPENER) == 0) {
                return false;
            }
        }
        return false;
    };

    /**
     * {@code ([^\s"'`\\]{8,128}) \\? ["'`]} at {@code from}. The value cannot hold the backslash or quote that
     * must follow it, so it is the whole run of value bytes there.
     */
    private static boolean quotedValueFollows(byte[] data, int from, int limit) {
        int end = valueEnd(data, from, limit, QUOTED_VALUE);
        if (end < 0 || end >= limit) {
            return end >= limit;
        }
        int c = data[end];
        if (c == '\\') {
            if (end + 1 >= limit) {
                return true;
            }
            c = data[end + 1];
        }
        return c == '"' || c == '\'' || c == '`';
    }

    /**
     * The end of the run of {@code member} bytes from {@code from} if it is 8..128 long (the generic values'
     * bounds), {@code limit} if the input ends first (undecided), else -1.
     */
    private static int valueEnd(byte[] data, int from, int limit, boolean[] member) {
        int stop = Math.min(limit, from + 129);
        int i = from;
        while (i < stop && member[data[i] & 0xFF]) {
            i++;
        }
        if (i == limit) {
            return limit;
        }
        return i - from >= 8 && i - from <= 128 ? i : -1;
    }

    /**
     * {@code NAME [\\"']? [ \t]{0,4} (=|:) [ \t]{0,4} VALUE{8,128} [ \t]{0,8} (\r?\n|\z)}. The value excludes
     * blanks and line ends, so it is the whole run of value bytes after the blanks.
     */
    static final HitFilter LINE = (data, end, limit) -> {
        int op = operator(data, end, limit);
        if (op < 0 || (data[op] != '=' && data[op] != ':')) {
            return false;
        }
        int i = skipBlanks(data, op + 1, limit, 4);
        if (i >= limit) {
            return true;
        }
        int valueEnd = valueEnd(data, i, limit, LINE_VALUE);
        if (valueEnd < 0 || valueEnd >= limit) {
            return valueEnd >= limit;
        }
        i = skipBlanks(data, valueEnd, limit, 8);
        if (i >= limit) {
            return true;
        }
        return data[i] == '\n' || (data[i] == '\r' && (i + 1 >= limit || data[i + 1] == '\n'));
    };

    /** Skips at most {@code max} spaces and tabs; returns where it stopped (a value byte cannot be a blank). */
    private static int skipBlanks(byte[] data, int at, int limit, int max) {
        int n = 0;
        while (n < max && at + n < limit && (data[at + n] == ' ' || data[at + n] == '\t')) {
            n++;
        }
        return at + n;
    }

    private static boolean[] valueBytes(String excluded) {
        boolean[] member = new boolean[256];
        for (int b = 0; b < 256; b++) {
            member[b] = excluded.indexOf(b) < 0;
        }
        return member;
    }

    /** {@code NAME >}. */
    static final HitFilter MARKUP = (data, end, limit) -> nameThen(data, end, limit, '>');

    /**
     * {@code [?&] [A-Za-z0-9_.-]{0,30} NAME =}. Every name keyword is made of {@code [A-Za-z0-9_.-]} and at most
     * {@value #LONGEST_KEYWORD} long, so before the keyword's end lie at most 30 + that many such bytes, and the
     * first other byte before them is the {@code ?} or {@code &}. (A URL's {@code token=} is a parameter; a
     * {@code GITHUB_TOKEN=} on its own line is not.)
     */
    static final HitFilter QUERY_PARAM = (data, end, limit) -> {
        int i = end - 1;
        int stop = Math.max(0, end - 1 - 30 - LONGEST_KEYWORD);
        while (i >= stop && (CLASS[data[i] & 0xFF] & NAME) != 0) {
            i--;
        }
        if (i >= stop ? data[i] != '?' && data[i] != '&' : stop > 0) {
            return false; // another byte before the name, or more name bytes than prefix and keyword can hold
        }
        return nameThen(data, end, limit, '=');
    };

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
