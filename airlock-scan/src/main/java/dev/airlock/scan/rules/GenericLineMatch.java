package dev.airlock.scan.rules;

import dev.airlock.scan.AnchoredMatch;

/**
 * The {@code generic-credential-line} pattern matched at a keyword by hand (see {@link AnchoredMatch}): every
 * {@code TOKEN=...} line of an {@code .env} file is a match, and RE2/J's NFA costs microseconds per line.
 *
 * <p>The pattern is {@code NAME [\\"']? [ \t]{0,4} (=|:) [ \t]{0,4} VALUE{8,128} [ \t]{0,8} (\r?\n|\z)} with
 * {@code NAME = HEAD TAIL}, {@code HEAD} the alternation of credential names and
 * {@code TAIL = ([_.-]?(key|value|string|str|base)){0,2} s? [0-9]?}, case-insensitive. Why a match, when there is
 * one, is the one found here: at most one head alternative fits at a start; the name, closer and blanks cannot hold
 * {@code =} or {@code :}, so the operator is the first byte after them outside their alphabet, and only whether
 * the bytes before it parse (not how) matters; after the operator every part is greedy over bytes the next part
 * cannot start with, so RE2 has no choice left: a blank run longer than its bound, or a value run outside
 * {@code [8, 128]}, fails at every shorter length too. The text holds one byte per char (Latin-1), so RE2's
 * case folding adds nothing beyond ASCII letters.
 */
final class GenericLineMatch {
    private static final String[] HEADS = {"password", "passwd", "passphrase", "pwd", "secret", "token"};
    private static final String[] SEPARATED_HEADS = {"api", "access", "auth"};
    private static final String[] TAIL_WORDS = {"key", "value", "string", "str", "base"};
    /** {@code ([_.-]?(value|string)){2} s [0-9] ["] [ \t]{4}}: 7 + 7 + 1 + 1 + 1 + 4. */
    private static final int MAX_TAIL = 21;

    private GenericLineMatch() {
    }

    static final AnchoredMatch LINE = (text, start, from, to) -> {
        int h = headEnd(text, start, to);
        if (h < 0) {
            return -1;
        }
        int op = h;
        while (op < to && op - h <= MAX_TAIL && tailByte(text.charAt(op))) {
            op++;
        }
        if (op >= to || op - h > MAX_TAIL || (text.charAt(op) != '=' && text.charAt(op) != ':')
                || !parsesAsTail(text, h, op)) {
            return -1;
        }
        int value = op + 1;
        int blanks = 0;
        while (value < to && blanks <= 4 && isBlank(text.charAt(value))) {
            value++;
            blanks++;
        }
        if (blanks > 4) {
            return -1;
        }
        int end = value;
        while (end < to && end - value <= 128 && valueByte(text.charAt(end))) {
            end++;
        }
        if (end - value < 8 || end - value > 128) {
            return -1;
        }
        blanks = 0;
        while (end < to && blanks <= 8 && isBlank(text.charAt(end))) {
            end++;
            blanks++;
        }
        if (blanks > 8) {
            return -1;
        }
        if (end == to) {
            return to; // \z: the window's end is the text's end to RE2
        }
        char c = text.charAt(end);
        if (c == '\n') {
            return end + 1;
        }
        return c == '\r' && end + 1 < to && text.charAt(end + 1) == '\n' ? end + 2 : -1;
    };

    /** The end of the name alternative at {@code start}, or -1. */
    private static int headEnd(CharSequence text, int start, int to) {
        for (String head : HEADS) {
            if (startsWithIgnoreCase(text, start, to, head)) {
                return start + head.length();
            }
        }
        for (String head : SEPARATED_HEADS) {
            if (startsWithIgnoreCase(text, start, to, head)) {
                int i = start + head.length();
                if (i < to && isSeparator(text.charAt(i))) {
                    i++;
                }
                return startsWithIgnoreCase(text, i, to, "key") ? i + 3 : -1;
            }
        }
        return startsWithIgnoreCase(text, start, to, "credential") ? start + 10 : -1;
    }

    /** {@code text[from, to)} is in {@code TAIL [\\"']? [ \t]{0,4}}; each optional part is told by its last byte. */
    private static boolean parsesAsTail(CharSequence text, int from, int to) {
        int e = to;
        int blanks = 0;
        while (e > from && isBlank(text.charAt(e - 1))) {
            e--;
            blanks++;
        }
        if (blanks > 4) {
            return false;
        }
        if (e > from && (text.charAt(e - 1) == '\\' || text.charAt(e - 1) == '"' || text.charAt(e - 1) == '\'')) {
            e--;
        }
        if (e > from && text.charAt(e - 1) >= '0' && text.charAt(e - 1) <= '9') {
            e--;
        }
        if (e > from && (text.charAt(e - 1) | 0x20) == 's') {
            e--;
        }
        return tailWords(text, from, e, 2);
    }

    /** {@code text[from, to)} is at most {@code left} times {@code [_.-]? WORD}. */
    private static boolean tailWords(CharSequence text, int from, int to, int left) {
        if (from == to) {
            return true;
        }
        if (left == 0) {
            return false;
        }
        int i = isSeparator(text.charAt(from)) ? from + 1 : from;
        for (String word : TAIL_WORDS) {
            if (startsWithIgnoreCase(text, i, to, word) && tailWords(text, i + word.length(), to, left - 1)) {
                return true;
            }
        }
        return false;
    }

    /** The alphabet of the tail, closer and blanks: {@code [A-Za-z0-9_.-\\"' \t]}. */
    private static boolean tailByte(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || isSeparator(c)
                || c == '\\' || c == '"' || c == '\'' || isBlank(c);
    }

    /** {@code [^\s"'`\\,;&<>(){}\[\]]}. */
    private static boolean valueByte(char c) {
        return switch (c) {
            case ' ', '\t', '\n', '\f', '\r', '"', '\'', '`', '\\', ',', ';', '&', '<', '>', '(', ')', '{', '}', '[',
                 ']' -> false;
            default -> true;
        };
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }

    private static boolean isSeparator(char c) {
        return c == '_' || c == '.' || c == '-';
    }

    private static boolean startsWithIgnoreCase(CharSequence text, int at, int to, String lower) {
        if (at + lower.length() > to) {
            return false;
        }
        for (int k = 0; k < lower.length(); k++) {
            char c = text.charAt(at + k);
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
