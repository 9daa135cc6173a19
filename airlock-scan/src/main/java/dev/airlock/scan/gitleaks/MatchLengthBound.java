package dev.airlock.scan.gitleaks;

import java.nio.charset.StandardCharsets;

/**
 * Computes an upper bound on the length (in bytes of the scanned Latin-1 view) of any match of an RE2 pattern,
 * or {@link #UNBOUNDED}. A small recursive-descent reader of RE2 syntax: atoms, classes, groups, alternation and
 * the quantifiers {@code * + ? {n} {n,} {n,m}}; zero-width assertions count 0. The engine sizes its windows
 * from this bound, so a pattern it cannot bound cannot be run.
 */
final class MatchLengthBound {
    static final long UNBOUNDED = Long.MAX_VALUE;

    private final String re;
    private int pos;

    private MatchLengthBound(String re) {
        this.re = re;
    }

    /** The bound, or {@link #UNBOUNDED}; throws {@link IllegalArgumentException} on syntax it does not know. */
    static long of(String regex) {
        MatchLengthBound p = new MatchLengthBound(regex);
        long n = p.alternation();
        if (p.pos != regex.length()) {
            throw new IllegalArgumentException("unexpected ')' at " + p.pos);
        }
        return n;
    }

    private long alternation() {
        long max = sequence();
        while (pos < re.length() && re.charAt(pos) == '|') {
            pos++;
            max = Math.max(max, sequence());
        }
        return max;
    }

    private long sequence() {
        long total = 0;
        while (pos < re.length() && re.charAt(pos) != '|' && re.charAt(pos) != ')') {
            long atom = atom();
            long times = quantifier();
            total = add(total, mul(atom, times));
        }
        return total;
    }

    private long atom() {
        char c = re.charAt(pos);
        switch (c) {
            case '(' -> {
                pos++;
                if (re.startsWith("?", pos)) {
                    pos++;
                    if (re.startsWith("P<", pos) || re.startsWith("<", pos)) {
                        pos = re.indexOf('>', pos) + 1;
                    } else {
                        while (pos < re.length() && re.charAt(pos) != ':' && re.charAt(pos) != ')') {
                            pos++; // flags such as (?i) or (?s:
                        }
                        if (pos < re.length() && re.charAt(pos) == ')') {
                            pos++;
                            return 0; // flag group: (?i)
                        }
                        pos++;
                    }
                }
                long inner = alternation();
                expect(')');
                return inner;
            }
            case '[' -> {
                skipClass();
                return 1;
            }
            case '^', '$' -> {
                pos++;
                return 0;
            }
            case '\\' -> {
                return escape();
            }
            default -> {
                pos++;
                return c < 0x80 ? 1 : String.valueOf(c).getBytes(StandardCharsets.UTF_8).length;
            }
        }
    }

    private long escape() {
        pos++;
        if (pos >= re.length()) {
            throw new IllegalArgumentException("trailing backslash");
        }
        char e = re.charAt(pos++);
        switch (e) {
            case 'b', 'B', 'A', 'z' -> {
                return 0;
            }
            case 'Q' -> {
                int end = re.indexOf("\\E", pos);
                int stop = end < 0 ? re.length() : end;
                long n = re.substring(pos, stop).getBytes(StandardCharsets.UTF_8).length;
                pos = end < 0 ? re.length() : end + 2;
                return n;
            }
            case 'x' -> {
                if (re.startsWith("{", pos)) {
                    pos = re.indexOf('}', pos) + 1;
                } else {
                    pos += 2;
                }
                return 1;
            }
            case 'p', 'P' -> {
                if (re.startsWith("{", pos)) {
                    pos = re.indexOf('}', pos) + 1;
                } else {
                    pos++;
                }
                return 1;
            }
            default -> {
                return 1;
            }
        }
    }

    private void skipClass() {
        pos++; // [
        if (re.startsWith("^", pos)) {
            pos++;
        }
        if (re.startsWith("]", pos)) {
            pos++;
        }
        while (pos < re.length() && re.charAt(pos) != ']') {
            if (re.charAt(pos) == '\\') {
                pos += 2;
            } else if (re.startsWith("[:", pos)) {
                pos = re.indexOf(":]", pos) + 2;
            } else {
                pos++;
            }
        }
        expect(']');
    }

    private long quantifier() {
        if (pos >= re.length()) {
            return 1;
        }
        char q = re.charAt(pos);
        long times;
        if (q == '*' || q == '+') {
            pos++;
            times = UNBOUNDED;
        } else if (q == '?') {
            pos++;
            times = 1;
        } else if (q == '{' && re.indexOf('}', pos) > 0 && re.substring(pos + 1, re.indexOf('}', pos)).matches("\\d+(,\\d*)?")) {
            String body = re.substring(pos + 1, re.indexOf('}', pos));
            pos = re.indexOf('}', pos) + 1;
            int comma = body.indexOf(',');
            times = comma < 0 ? Long.parseLong(body)
                    : comma == body.length() - 1 ? UNBOUNDED : Long.parseLong(body.substring(comma + 1));
        } else {
            return 1;
        }
        if (pos < re.length() && (re.charAt(pos) == '?' || re.charAt(pos) == '+')) {
            pos++; // lazy (or possessive, which RE2 rejects later anyway)
        }
        return times;
    }

    private void expect(char c) {
        if (pos >= re.length() || re.charAt(pos) != c) {
            throw new IllegalArgumentException("expected '" + c + "' at " + pos);
        }
        pos++;
    }

    private static long add(long a, long b) {
        return a == UNBOUNDED || b == UNBOUNDED || a + b < 0 ? UNBOUNDED : a + b;
    }

    private static long mul(long a, long b) {
        if (a == 0 || b == 0) {
            return 0;
        }
        return a == UNBOUNDED || b == UNBOUNDED || a > UNBOUNDED / b ? UNBOUNDED : a * b;
    }
}
