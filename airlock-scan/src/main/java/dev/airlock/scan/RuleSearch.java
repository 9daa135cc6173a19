package dev.airlock.scan;

import com.google.re2j.Pattern;
import java.nio.charset.StandardCharsets;

/**
 * How {@link RuleMatcher} looks for one rule's matches in a window, prepared once per rule.
 *
 * <p>Design notes. An unanchored RE2/J search adds a new NFA thread for the pattern's start at every byte until
 * it finds a match, and for a pattern that starts with an alternation of names that is most of its cost. But every
 * match starts at most {@link Rule#maxKeywordOffset} before one of the rule's keyword occurrences (the invariant
 * the windows rely on), so when that offset is small the leftmost match is found by trying an <em>anchored</em>
 * match at each of those few start positions, in order: the first that matches starts leftmost, and anchored
 * there RE2 picks the same (leftmost-first) match as the unanchored search. Anchoring at {@code s} must still see
 * the byte before {@code s} ({@code \b}, {@code ^} and the other empty-width assertions look one character back and
 * nothing more), so the anchored match runs {@link #withContext} on the text from {@code s - 1}: one arbitrary
 * character, then the rule's pattern as capture group 1.
 */
final class RuleSearch {
    /** Anchored tries per keyword occurrence are {@code maxKeywordOffset + 1}; above this, search unanchored. */
    static final int MAX_ANCHORED_OFFSET = 4;

    final Rule rule;
    /** {@code (?s:.)(pattern)}, or null when the rule is searched unanchored. */
    final Pattern withContext;
    /** Lower-case ASCII bytes of each keyword; null when the rule is searched unanchored (a keyword not ASCII, an
     *  offset above {@link #MAX_ANCHORED_OFFSET}, or {@link #unanchored}). */
    final byte[][] keywords;
    /** Bit {@code c} set when some keyword starts with lower-case ASCII byte {@code c}. */
    private final long[] firstBytes = new long[2];

    private RuleSearch(Rule rule, boolean allowAnchored) {
        this.rule = rule;
        byte[][] kws = new byte[rule.keywords().size()][];
        boolean ascii = true;
        for (int k = 0; k < kws.length; k++) {
            String keyword = rule.keywords().get(k);
            ascii &= !keyword.isEmpty() && keyword.chars().allMatch(c -> c < 0x80);
            kws[k] = keyword.getBytes(StandardCharsets.ISO_8859_1);
        }
        boolean anchored = allowAnchored && ascii && rule.maxKeywordOffset() <= MAX_ANCHORED_OFFSET;
        this.keywords = anchored ? kws : null;
        if (anchored) {
            for (byte[] kw : kws) {
                firstBytes[kw[0] >> 6] |= 1L << (kw[0] & 63);
            }
        }
        this.withContext = anchored ? Pattern.compile("(?s:.)(" + rule.pattern().pattern() + ")",
                rule.pattern().flags()) : null;
    }

    /** Anchored where the rule allows it. */
    static RuleSearch of(Rule rule) {
        return new RuleSearch(rule, true);
    }

    /** Always the unanchored walk (the reference path, and callers that do not keep a prepared search). */
    static RuleSearch unanchored(Rule rule) {
        return new RuleSearch(rule, false);
    }

    boolean anchored() {
        return withContext != null;
    }

    /**
     * The first start in {@code [from, to)} of one of the rule's keywords (ASCII case folded, as the keyword
     * automaton matches) that ends by {@code to}, or -1.
     */
    int nextKeyword(CharSequence text, int from, int to) {
        long first0 = firstBytes[0];
        long first1 = firstBytes[1];
        for (int p = from; p < to; p++) {
            char c = lowerAscii(text.charAt(p));
            if (c >= 128 || ((c < 64 ? first0 : first1) & (1L << (c & 63))) == 0) {
                continue;
            }
            for (byte[] kw : keywords) {
                if (kw[0] == c && p + kw.length <= to && rest(text, p, kw)) {
                    return p;
                }
            }
        }
        return -1;
    }

    private static boolean rest(CharSequence text, int p, byte[] kw) {
        for (int k = 1; k < kw.length; k++) {
            if (lowerAscii(text.charAt(p + k)) != kw[k]) {
                return false;
            }
        }
        return true;
    }

    private static char lowerAscii(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
    }
}
