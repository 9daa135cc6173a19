package dev.airlock.scan;

import com.google.re2j.Matcher;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs one rule over a region of text and applies every post-match check: secret group, entropy, allowlist,
 * validators. This is the single definition of what a rule reports; the engine decides only where to run it.
 */
public final class RuleMatcher {
    private RuleMatcher() {
    }

    /**
     * Reports every accepted match of {@code rule} that lies within {@code [from, to)} of {@code text}.
     * The caller bounds the region; the RE2 engine is linear in its length.
     */
    public static void matchRegion(Rule rule, CharSequence text, int from, int to, Consumer<RuleMatch> sink) {
        matchRegion(rule, text, from, to, from, to, sink);
    }

    /**
     * Reports the matches of {@code rule} in the window {@code [from, to)} of a text whose real bounds are
     * {@code [lower, limit)}, exactly as a walk over the whole text would report them there.
     *
     * <p>Design notes. RE2 sees only the window, so at its edges {@code \z}, {@code $}, {@code \A}, {@code ^} and
     * {@code \b} see a text boundary that is not there: a value cut at the window's end would match
     * {@code (?:\n|\z)} and be reported truncated. A match that touches an edge which is not a real bound
     * cannot contain the keyword hit that opened the window (the window reaches {@code maxLength + 1} past every
     * hit), so such a match means the window is too small: it is widened by {@code maxLength + 1} at that edge
     * and matched again, until no match touches an artificial edge.
     */
    public static void matchRegion(Rule rule, CharSequence text, int from, int to, int lower, int limit,
                                   Consumer<RuleMatch> sink) {
        matchRegion(RuleSearch.unanchored(rule), text, from, to, lower, limit, sink);
    }

    /**
     * As {@link #matchRegion(Rule, CharSequence, int, int, int, int, Consumer)} with the rule prepared once: the
     * engine's path, anchored where {@link RuleSearch} allows (the plain walk above is the reference it is tested
     * against).
     */
    static void matchRegion(RuleSearch search, CharSequence text, int from, int to, int lower, int limit,
                            Consumer<RuleMatch> sink) {
        Rule rule = search.rule;
        List<RuleMatch> found = new ArrayList<>();
        while (true) {
            found.clear();
            int edges = search.anchored() ? walkAnchored(search, text, from, to, lower, limit, found)
                    : walk(rule, text, from, to, lower, limit, found, 0);
            if (edges == 0) {
                break;
            }
            int grow = rule.maxLength() + 1;
            if ((edges & 1) != 0) {
                from = Math.max(lower, from - grow);
            }
            if ((edges & 2) != 0) {
                to = Math.min(limit, to + grow);
            }
        }
        found.forEach(sink);
    }

    /**
     * One leftmost-first walk from {@code start} (window-relative); returns 1 if a match started at an artificial
     * start, 2 if one ended at an artificial end.
     */
    private static int walk(Rule rule, CharSequence text, int from, int to, int lower, int limit, List<RuleMatch> out,
                            int start) {
        Matcher m = rule.pattern().matcher(text.subSequence(from, to));
        int at = start;
        int edges = 0;
        while (at <= to - from && m.find(at)) {
            if (m.start() == 0 && from > lower) {
                edges |= 1;
            }
            if (m.end() == to - from && to < limit) {
                edges |= 2;
            }
            int group = rule.secretGroup();
            int s = m.start(group);
            int e = m.end(group);
            // A match that does not consume input would loop forever; advance by at least one char.
            at = nextStart(rule, text, from, to, Math.max(m.end(), m.start() + 1));
            if (s < 0 || e <= s) {
                continue;
            }
            String secret = m.group(group);
            RuleMatch match = check(rule, secret, from + s, from + e);
            if (match != null) {
                out.add(match);
            }
        }
        return edges;
    }

    /**
     * The same walk as {@link #walk}, by anchored matches at the only places a match can start: for each keyword
     * occurrence {@code k} in the window, {@code [k - maxKeywordOffset, k]} (see {@link RuleSearch}). Each try may
     * read up to the rule's maximum length, so a window dense with keyword occurrences that do not start a match
     * (an attacker's {@code AKIAAKIA…}) would cost far more than one pass: once the tries have read about twice the
     * window, the rest of the window goes to the linear unanchored walk, which finds the same matches.
     */
    private static int walkAnchored(RuleSearch search, CharSequence text, int from, int to, int lower, int limit,
                                    List<RuleMatch> out) {
        Rule rule = search.rule;
        int offset = rule.maxKeywordOffset();
        int group = rule.secretGroup();
        int edges = 0;
        int at = from; // no match starts before this
        long budget = 2L * (to - from) + rule.maxLength();
        while (at < to) {
            if (budget < 0) {
                return edges | walk(rule, text, from, to, lower, limit, out, at - from);
            }
            int k = search.nextKeyword(text, at, to);
            if (k < 0) {
                break;
            }
            int matchEnd = -1;
            int s = Math.max(at, k - offset);
            Matcher m = null;
            int base = 0;
            int g = 0;
            for (; s <= k; s++) {
                budget -= Math.min(rule.maxLength() + 1L, to - s);
                // At the window's start RE2 sees a text boundary, as the unanchored walk over the window does.
                if (s == from) {
                    m = rule.pattern().matcher(text.subSequence(from, to));
                    base = from;
                    g = group;
                } else {
                    m = search.withContext.matcher(text.subSequence(s - 1, to));
                    base = s - 1;
                    g = group + 1;
                }
                if (m.lookingAt()) {
                    matchEnd = base + m.end();
                    break;
                }
            }
            if (matchEnd < 0) {
                at = k + 1;
                continue;
            }
            if (s == from && from > lower) {
                edges |= 1;
            }
            if (matchEnd == to && to < limit) {
                edges |= 2;
            }
            at = Math.max(matchEnd, s + 1);
            int gs = m.start(g);
            int ge = m.end(g);
            if (gs < 0 || ge <= gs) {
                continue;
            }
            RuleMatch match = check(rule, m.group(g), base + gs, base + ge);
            if (match != null) {
                out.add(match);
            }
        }
        return edges;
    }

    /**
     * Where the search for the next match may start, given that none starts before {@code at} (window-relative):
     * every match holds a keyword occurrence starting at most {@link Rule#maxKeywordOffset} after the match's start,
     * so the next one starts no earlier than the first keyword occurrence at or after {@code at}, less that offset;
     * with no occurrence left there is no match left, and the (unanchored, costly) RE2 walk over the rest of the
     * window is skipped. Returns past the window's end in that case.
     */
    static int nextStart(Rule rule, CharSequence text, int from, int to, int at) {
        int first = Integer.MAX_VALUE;
        for (String keyword : rule.keywords()) {
            if (!isAscii(keyword)) {
                return at; // the text holds its UTF-8 bytes, one char each: not worth a second search
            }
            int k = indexOfIgnoreAsciiCase(text, keyword, from + at, Math.min(to, first), to);
            if (k >= 0) {
                first = k;
            }
        }
        return first == Integer.MAX_VALUE ? to - from + 1 : Math.max(at, first - from - rule.maxKeywordOffset());
    }

    /** A plain loop: this runs after every match, where a stream per keyword would allocate. */
    private static boolean isAscii(String keyword) {
        for (int i = 0; i < keyword.length(); i++) {
            if (keyword.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /**
     * The first start in {@code [from, before)} of {@code keyword} (lower-case ASCII) ending by {@code to}, with
     * ASCII case folding as the keyword automaton does, or -1.
     */
    private static int indexOfIgnoreAsciiCase(CharSequence text, String keyword, int from, int before, int to) {
        int n = keyword.length();
        char first = keyword.charAt(0);
        for (int p = from; p < before && p + n <= to; p++) {
            if (lowerAscii(text.charAt(p)) != first) {
                continue;
            }
            int k = 1;
            while (k < n && lowerAscii(text.charAt(p + k)) == keyword.charAt(k)) {
                k++;
            }
            if (k == n) {
                return p;
            }
        }
        return -1;
    }

    private static char lowerAscii(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
    }

    /** Applies entropy, allowlist and validators to one candidate; returns null if the rule does not report it. */
    public static RuleMatch check(Rule rule, String secret, int secretStart, int secretEnd) {
        if (rule.minEntropy() > 0 && Entropy.shannon(secret) < rule.minEntropy()) {
            return null;
        }
        if (rule.allowlist().allowsSecret(secret)) {
            return null;
        }
        boolean checksum = false;
        for (SecretValidator validator : rule.validators()) {
            if (!validator.accepts(secret)) {
                return null;
            }
            checksum |= validator.verifiesChecksum();
        }
        Confidence confidence = checksum ? Confidence.CERTAIN : rule.confidence();
        return new RuleMatch(rule, secretStart, secretEnd, secret, confidence);
    }
}
