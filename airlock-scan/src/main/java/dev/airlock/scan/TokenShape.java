package dev.airlock.scan;

import java.util.ArrayList;
import java.util.List;

/**
 * Recognises the commonest token pattern, {@code \b(PREFIX[CLASS]{n,m})\b} with a literal prefix (or an
 * alternation of equal-length ones) and a class of word characters, and matches it at a given start without RE2
 * (see {@link AnchoredMatch}). Anything it does not recognise is left to RE2.
 *
 * <p>Why this is RE2's answer: the class holds only word characters, so a run of them longer than {@code m}, or
 * followed by another word character, leaves no {@code \b} at any shorter length either; the match is the whole
 * run when its length is in {@code [n, m]} and a non-word character (or the window's end) follows. Equal-length
 * prefixes end at the same place whichever alternative RE2 prefers.
 */
final class TokenShape implements AnchoredMatch {
    private final char[][] prefixes;
    private final boolean[] member = new boolean[128];
    private final int min;
    private final int max;

    private TokenShape(char[][] prefixes, int min, int max) {
        this.prefixes = prefixes;
        this.min = min;
        this.max = max;
    }

    /** The matcher for {@code regex}, or null when it is not of the recognised shape. */
    static TokenShape of(String regex) {
        if (!regex.startsWith("\\b(") || !regex.endsWith(")\\b")) {
            return null;
        }
        String inner = regex.substring(3, regex.length() - 3);
        int bracket = inner.indexOf('[');
        if (bracket < 0) {
            return null;
        }
        List<String> prefixes = prefixes(inner.substring(0, bracket));
        int close = inner.indexOf(']', bracket);
        if (prefixes == null || close < 0 || close + 1 >= inner.length() || inner.charAt(close + 1) != '{'
                || !inner.endsWith("}")) {
            return null;
        }
        String count = inner.substring(close + 2, inner.length() - 1);
        int min;
        int max;
        try {
            int comma = count.indexOf(',');
            min = Integer.parseInt(comma < 0 ? count : count.substring(0, comma));
            max = comma < 0 ? min : Integer.parseInt(count.substring(comma + 1));
        } catch (NumberFormatException e) {
            return null;
        }
        if (min < 1 || max < min) {
            return null;
        }
        char[][] literal = prefixes.stream().map(String::toCharArray).toArray(char[][]::new);
        TokenShape shape = new TokenShape(literal, min, max);
        String set = inner.substring(bracket + 1, close);
        for (int i = 0; i < set.length(); i++) {
            char lo = set.charAt(i);
            char hi = lo;
            if (i + 2 < set.length() && set.charAt(i + 1) == '-') {
                hi = set.charAt(i + 2);
                i += 2;
            }
            if (!isWord(lo) || !isWord(hi) || hi < lo) {
                return null; // a class with other characters (or escapes) would need RE2's backtracking
            }
            for (char c = lo; c <= hi; c++) {
                shape.member[c] = true;
            }
        }
        return shape;
    }

    /** {@code lit} or {@code (?:lit|lit|...)} of equal lengths; literals of word characters, {@code -} and {@code \.}. */
    private static List<String> prefixes(String text) {
        List<String> out = new ArrayList<>();
        if (text.startsWith("(?:") && text.endsWith(")")) {
            for (String alt : text.substring(3, text.length() - 1).split("\\|", -1)) {
                out.add(literal(alt));
            }
        } else {
            out.add(literal(text));
        }
        for (String p : out) {
            if (p == null || p.isEmpty() || p.length() != out.get(0).length()) {
                return null;
            }
        }
        return out;
    }

    private static String literal(String text) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length() && text.charAt(i + 1) == '.') {
                sb.append('.');
                i++;
            } else if (isWord(c) || c == '-') {
                sb.append(c);
            } else {
                return null;
            }
        }
        return sb.toString();
    }

    @Override
    public int endOf(CharSequence text, int start, int from, int to) {
        int n = prefixes[0].length;
        if (start + n + min > to) {
            return -1;
        }
        boolean prevWord = start > from && isWord(text.charAt(start - 1));
        if (prevWord == isWord(text.charAt(start)) || !anyPrefixAt(text, start)) {
            return -1;
        }
        int at = start + n;
        int limit = Math.min(to, at + max + 1);
        int run = 0;
        while (at + run < limit && inClass(text.charAt(at + run))) {
            run++;
        }
        int end = at + run;
        return run >= min && run <= max && (end == to || !isWord(text.charAt(end))) ? end : -1;
    }

    private boolean anyPrefixAt(CharSequence text, int start) {
        next:
        for (char[] p : prefixes) {
            for (int k = 0; k < p.length; k++) {
                if (text.charAt(start + k) != p[k]) {
                    continue next;
                }
            }
            return true;
        }
        return false;
    }

    private boolean inClass(char c) {
        return c < 128 && member[c];
    }

    /** RE2's {@code \b} word characters: ASCII only. */
    static boolean isWord(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    }
}
