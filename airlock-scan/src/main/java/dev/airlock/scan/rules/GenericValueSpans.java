package dev.airlock.scan.rules;

import dev.airlock.scan.SecretSpan;

/**
 * Where the value lies in a match of a generic rule, read off the match itself (see {@link SecretSpan}), derived by
 * hand from the patterns in {@link GenericRules}. Each pattern pins its value down: the bytes around the value
 * are ones the value cannot contain.
 */
final class GenericValueSpans {
    private GenericValueSpans() {
    }

    /**
     * {@code generic-credential-assignment}: the match ends {@code VALUE \\? ["'`]} and the value holds no quote,
     * backslash or blank, so it ends before the closing quote (and its optional backslash) and starts after the
     * last byte it cannot hold, the opening quote.
     */
    static final SecretSpan QUOTED = (text, start, end) -> {
        int valueEnd = end - 1;
        if (valueEnd > start && text.charAt(valueEnd - 1) == '\\') {
            valueEnd--;
        }
        int valueStart = valueEnd;
        while (valueStart > start && quotedValueByte(text.charAt(valueStart - 1))) {
            valueStart--;
        }
        return SecretSpan.of(valueStart, valueEnd);
    };

    private static boolean quotedValueByte(char c) {
        return switch (c) {
            case ' ', '\t', '\n', '\f', '\r', '"', '\'', '`', '\\' -> false;
            default -> true;
        };
    }

    /**
     * {@code generic-credential-line}: {@code NAME [\\"']? [ \t]{0,4} (=|:) [ \t]{0,4} VALUE [ \t]{0,8} (\r?\n|\z)}.
     * The name holds neither {@code =} nor {@code :}, so the first of them is the operator; the value starts after
     * the blanks that follow it and, holding no blank or line end, ends at the first of those.
     */
    static final SecretSpan LINE_VALUE = (text, start, end) -> {
        int i = start;
        while (i < end && text.charAt(i) != '=' && text.charAt(i) != ':') {
            i++;
        }
        i++;
        while (i < end && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
            i++;
        }
        int valueStart = i;
        while (i < end && !lineValueEnd(text.charAt(i))) {
            i++;
        }
        return valueStart < end ? SecretSpan.of(valueStart, i) : SecretSpan.UNKNOWN;
    };

    private static boolean lineValueEnd(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    /**
     * {@code generic-credential-markup}: {@code < [A-Za-z0-9_.:-]{0,30} NAME > \s{0,4} VALUE \s{0,4} </}. Only the
     * tag's end is a {@code >} before the value, which holds no blank and no {@code <}.
     */
    static final SecretSpan ELEMENT_TEXT = (text, start, end) -> {
        int i = start;
        while (i < end && text.charAt(i) != '>') {
            i++;
        }
        i++;
        while (i < end && isSpace(text.charAt(i))) {
            i++;
        }
        int valueStart = i;
        while (i < end && !isSpace(text.charAt(i)) && text.charAt(i) != '<') {
            i++;
        }
        return valueStart < end ? SecretSpan.of(valueStart, i) : SecretSpan.UNKNOWN;
    };

    /**
     * {@code generic-credential-query-param}: {@code [?&] [A-Za-z0-9_.-]{0,30} NAME = VALUE ([&#"'\s<]|\z)}. The
     * name holds no {@code =}, so the first is the operator; the value ends at the first byte it cannot hold.
     */
    static final SecretSpan QUERY_VALUE = (text, start, end) -> {
        int i = start;
        while (i < end && text.charAt(i) != '=') {
            i++;
        }
        int valueStart = ++i;
        while (i < end && !queryValueEnd(text.charAt(i))) {
            i++;
        }
        return valueStart < end ? SecretSpan.of(valueStart, i) : SecretSpan.UNKNOWN;
    };

    /** RE2's {@code \s}. */
    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
    }

    private static boolean queryValueEnd(char c) {
        return c == '&' || c == '#' || c == '"' || c == '\'' || c == '<' || isSpace(c);
    }
}
