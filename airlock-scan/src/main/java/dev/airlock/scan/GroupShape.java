package dev.airlock.scan;

/**
 * Reads a pattern's text just far enough to tell whether capture group 1 is always the whole match: the pattern
 * is {@code (...)} with only empty-width assertions ({@code \b \B ^ $ \A \z}) around it, as most token rules are
 * ({@code \b(ghp_[A-Za-z0-9]{36})\b}). Anything it does not recognise answers no, which only costs RE2's second
 * run for the group.
 */
final class GroupShape {
    private GroupShape() {
    }

    static boolean isWholeMatch(String regex) {
        int i = skipAssertions(regex, 0);
        if (i + 1 >= regex.length() || regex.charAt(i) != '(' || regex.charAt(i + 1) == '?') {
            return false;
        }
        int close = closingParen(regex, i);
        return close > 0 && skipAssertions(regex, close + 1) == regex.length();
    }

    /** Past the empty-width assertions starting at {@code i}. */
    private static int skipAssertions(String regex, int i) {
        while (i < regex.length()) {
            char c = regex.charAt(i);
            if (c == '^' || c == '$') {
                i++;
            } else if (c == '\\' && i + 1 < regex.length() && "bBAz".indexOf(regex.charAt(i + 1)) >= 0) {
                i += 2;
            } else {
                break;
            }
        }
        return i;
    }

    /** The index of the parenthesis closing the one at {@code open}, or -1 if the text is not understood. */
    private static int closingParen(String regex, int open) {
        int depth = 0;
        int i = open;
        while (i < regex.length()) {
            char c = regex.charAt(i);
            if (c == '\\') {
                i = escapeEnd(regex, i);
                if (i < 0) {
                    return -1;
                }
                continue;
            }
            if (c == '[') {
                i = classEnd(regex, i);
                if (i < 0) {
                    return -1;
                }
                continue;
            }
            if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return i;
            }
            i++;
        }
        return -1;
    }

    /** Past the escape at {@code i}: {@code \x}, or {@code \p{...}} / {@code \x{...}} with braces. */
    private static int escapeEnd(String regex, int i) {
        if (i + 1 >= regex.length()) {
            return -1;
        }
        char e = regex.charAt(i + 1);
        if ((e == 'p' || e == 'P' || e == 'x') && i + 2 < regex.length() && regex.charAt(i + 2) == '{') {
            int close = regex.indexOf('}', i + 3);
            return close < 0 ? -1 : close + 1;
        }
        return i + 2;
    }

    /** Past the character class opening at {@code i}; a {@code ]} right after {@code [} or {@code [^} is literal. */
    private static int classEnd(String regex, int i) {
        int j = i + 1;
        if (j < regex.length() && regex.charAt(j) == '^') {
            j++;
        }
        if (j < regex.length() && regex.charAt(j) == ']') {
            j++;
        }
        while (j < regex.length()) {
            char c = regex.charAt(j);
            if (c == '\\') {
                j = escapeEnd(regex, j);
                if (j < 0) {
                    return -1;
                }
            } else if (c == '[' && j + 1 < regex.length() && regex.charAt(j + 1) == ':') {
                int close = regex.indexOf(":]", j + 2);
                if (close < 0) {
                    return -1;
                }
                j = close + 2;
            } else if (c == ']') {
                return j + 1;
            } else {
                j++;
            }
        }
        return -1;
    }
}
