package dev.airlock.scan;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

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
 *
 * <p>A capture group costs RE2/J a second run over the match, so where the secret group follows from the match's
 * text ({@link #secretSpan}) the engine's search takes it from there; the reference search never does.
 */
final class RuleSearch {
    /** Anchored tries per keyword occurrence are {@code maxKeywordOffset + 1}; above this, search unanchored. */
    static final int MAX_ANCHORED_OFFSET = 4;

    final Rule rule;
    /** {@code (?s:.)(pattern)}, or null when the rule is searched unanchored. */
    final Pattern withContext;
    /** Lower-case ASCII bytes of each keyword; null when some keyword is not ASCII (or empty). */
    private final byte[][] keywords;
    /** Bit {@code c} set when some keyword starts with lower-case ASCII byte {@code c}. */
    private final long[] firstBytes = new long[2];
    /** The keywords by their first byte, in the rule's order. */
    private final byte[][][] byFirst = new byte[128][][];
    /** The secret group is the whole match: {@code \b(...)\b} and the like. */
    private final boolean wholeMatchIsSecret;
    /** The rule's own {@link SecretSpan}; null in the reference search or when the rule has none. */
    private final SecretSpan ruleSpan;
    /** The anchored try without RE2 (the rule's own, or {@link TokenShape}'s); null to ask RE2. */
    final AnchoredMatch direct;

    private RuleSearch(Rule rule, boolean fast) {
        this.rule = rule;
        byte[][] kws = new byte[rule.keywords().size()][];
        boolean ascii = true;
        for (int k = 0; k < kws.length; k++) {
            String keyword = rule.keywords().get(k);
            ascii &= !keyword.isEmpty() && keyword.chars().allMatch(c -> c < 0x80);
            kws[k] = keyword.getBytes(StandardCharsets.ISO_8859_1);
        }
        this.keywords = ascii ? kws : null;
        if (ascii) {
            for (byte[] kw : kws) {
                firstBytes[kw[0] >> 6] |= 1L << (kw[0] & 63);
            }
            for (int c = 0; c < 128; c++) {
                final int first = c;
                byFirst[c] = Arrays.stream(kws).filter(kw -> kw[0] == first).toArray(byte[][]::new);
            }
        }
        boolean anchored = fast && ascii && rule.maxKeywordOffset() <= MAX_ANCHORED_OFFSET;
        this.withContext = anchored ? Pattern.compile("(?s:.)(" + rule.pattern().pattern() + ")",
                rule.pattern().flags()) : null;
        this.wholeMatchIsSecret = fast && rule.secretGroup() == 1
                && GroupShape.isWholeMatch(rule.pattern().pattern());
        this.ruleSpan = fast && rule.secretGroup() > 0 ? rule.secretSpan() : null;
        this.direct = !anchored ? null : rule.anchoredMatch() != null ? rule.anchoredMatch()
                : rule.pattern().flags() == 0 ? TokenShape.of(rule.pattern().pattern()) : null;
    }

    /** Anchored where the rule allows it, secret groups located without RE2 where the rule's shape allows it. */
    static RuleSearch of(Rule rule) {
        return new RuleSearch(rule, true);
    }

    /** The reference: always the unanchored walk, every group from RE2. */
    static RuleSearch unanchored(Rule rule) {
        return new RuleSearch(rule, false);
    }

    boolean anchored() {
        return withContext != null;
    }

    /** Whether {@link #nextKeyword} can be asked: every keyword is ASCII. */
    boolean searchesKeywords() {
        return keywords != null;
    }

    /**
     * RE2's anchored try at {@code start} in the window {@code [from, to)}: a matcher that found the rule's match
     * there (its group {@code g} is the rule's group {@code g - 1} when it runs {@link #withContext}), or null.
     * At the window's start RE2 sees a text boundary, as the unanchored walk over the window does.
     */
    Matcher lookingAt(CharSequence text, int start, int from, int to) {
        Matcher m = start == from ? rule.pattern().matcher(text.subSequence(from, to))
                : withContext.matcher(text.subSequence(lookingAtBase(start, from), to));
        return m.lookingAt() ? m : null;
    }

    /** Where the text seen by {@link #lookingAt} at {@code start} begins: its offsets are relative to this. */
    static int lookingAtBase(int start, int from) {
        return start == from ? from : start - 1;
    }

    /** The group of {@link #lookingAt}'s matcher at {@code start} that holds the rule's secret group. */
    int lookingAtGroup(int start, int from) {
        return start == from ? rule.secretGroup() : rule.secretGroup() + 1;
    }

    /** Whether {@link #secretSpan} answers without RE2 for a rule that has a secret group. */
    boolean locatesSecret() {
        return rule.secretGroup() > 0 && (wholeMatchIsSecret || ruleSpan != null);
    }

    /**
     * The secret group of the match {@code text[matchStart, matchEnd)} as {@code start << 32 | end}, or
     * {@link SecretSpan#UNKNOWN} when RE2 must be asked.
     */
    long secretSpan(CharSequence text, int matchStart, int matchEnd) {
        if (rule.secretGroup() == 0 || wholeMatchIsSecret) {
            return SecretSpan.of(matchStart, matchEnd);
        }
        return ruleSpan == null ? SecretSpan.UNKNOWN : ruleSpan.locate(text, matchStart, matchEnd);
    }

    /**
     * The first start in {@code [from, to)} of one of the rule's keywords (ASCII case folded, as the keyword
     * automaton matches) that ends by {@code to}, or -1. Only when {@link #searchesKeywords()}.
     */
    int nextKeyword(CharSequence text, int from, int to) {
        if (text instanceof Latin1View view) {
            // The engine's case: the bytes directly, without a call and a bounds check per char.
            int base = view.offset();
            int k = nextKeyword(view.bytes(), base + from, base + to);
            return k < 0 ? -1 : k - base;
        }
        for (int p = from; p < to; p++) {
            char c = lowerAscii(text.charAt(p));
            if (c >= 128 || ((c < 64 ? firstBytes[0] : firstBytes[1]) & (1L << (c & 63))) == 0) {
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

    private int nextKeyword(byte[] data, int from, int to) {
        long first0 = firstBytes[0];
        long first1 = firstBytes[1];
        for (int p = from; p < to; p++) {
            int c = data[p];
            if (c >= 'A' && c <= 'Z') {
                c += 32;
            }
            if (c < 0 || ((c < 64 ? first0 : first1) & (1L << (c & 63))) == 0) {
                continue;
            }
            for (byte[] kw : byFirst[c]) {
                if (p + kw.length <= to && rest(data, p, kw)) {
                    return p;
                }
            }
        }
        return -1;
    }

    private static boolean rest(byte[] data, int p, byte[] kw) {
        for (int k = 1; k < kw.length; k++) {
            int c = data[p + k];
            if (c >= 'A' && c <= 'Z') {
                c += 32;
            }
            if (c != kw[k]) {
                return false;
            }
        }
        return true;
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
