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
                    : walk(search, text, from, to, lower, limit, found, 0);
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
    private static int walk(RuleSearch search, CharSequence text, int from, int to, int lower, int limit,
                            List<RuleMatch> out, int start) {
        Rule rule = search.rule;
        Matcher m = rule.pattern().matcher(text.subSequence(from, to));
        int at = start;
        int edges = 0;
        while (at <= to - from && m.find(at)) {
            int ms = m.start();
            int me = m.end();
            if (ms == 0 && from > lower) {
                edges |= 1;
            }
            if (me == to - from && to < limit) {
                edges |= 2;
            }
            // A match that does not consume input would loop forever; advance by at least one char.
            at = nextStart(search, text, from, to, Math.max(me, ms + 1));
            report(search, text, m, rule.secretGroup(), from, from + ms, from + me, from, to, out);
        }
        return edges;
    }

    /**
     * Checks the secret group of the match {@code text[matchStart, matchEnd)}: from the match's shape where
     * {@link RuleSearch#secretSpan} knows it, else from RE2 ({@code m}, which found the match over the text from
     * {@code base}, or when the match was found without RE2, an anchored RE2 try at the match's start).
     */
    private static void report(RuleSearch search, CharSequence text, Matcher m, int group, int base, int matchStart,
                               int matchEnd, int from, int to, List<RuleMatch> out) {
        long span = search.secretSpan(text, matchStart, matchEnd);
        int s;
        int e;
        if (span == SecretSpan.UNKNOWN) {
            if (m == null) {
                m = search.lookingAt(text, matchStart, from, to);
                if (m == null) {
                    throw new IllegalStateException("rule " + search.rule.id() + ": RE2 does not match where its "
                            + "anchored matcher did");
                }
                base = RuleSearch.lookingAtBase(matchStart, from);
                group = search.lookingAtGroup(matchStart, from);
            }
            s = m.start(group);
            e = m.end(group);
            if (s < 0 || e <= s) {
                return;
            }
            s += base;
            e += base;
        } else {
            s = (int) (span >>> 32);
            e = (int) span;
            if (e <= s) {
                return;
            }
        }
        RuleMatch match = check(search.rule, text.subSequence(s, e).toString(), s, e);
        if (match != null) {
            out.add(match);
        }
    }

    /**
     * The same walk as {@link #walk}, by anchored matches at the only places a match can start: for each keyword
     * occurrence {@code k} in the window, {@code [k - maxKeywordOffset, k]} (see {@link RuleSearch}), by the rule's
     * {@link AnchoredMatch} where it has one, else by RE2. Each try may
     * read up to the rule's maximum length, so a window dense with keyword occurrences that do not start a match
     * (an attacker's {@code AKIAAKIA…}) would cost far more than one pass: once the tries have read about twice the
     * window, the rest of the window goes to the linear unanchored walk, which finds the same matches. Successful
     * tries are charged only their match's length.
     */
    private static int walkAnchored(RuleSearch search, CharSequence text, int from, int to, int lower, int limit,
                                    List<RuleMatch> out) {
        Rule rule = search.rule;
        AnchoredMatch direct = search.direct;
        int offset = rule.maxKeywordOffset();
        int edges = 0;
        int at = from; // no match starts before this
        long budget = 2L * (to - from) + rule.maxLength();
        while (at < to) {
            if (budget < 0) {
                return edges | walk(search, text, from, to, lower, limit, out, at - from);
            }
            int k = search.nextKeyword(text, at, to);
            if (k < 0) {
                break;
            }
            int matchEnd = -1;
            int s = Math.max(at, k - offset);
            Matcher m = null;
            for (; s <= k; s++) {
                budget -= Math.min(rule.maxLength() + 1L, to - s);
                if (direct != null) {
                    matchEnd = direct.endOf(text, s, from, to);
                } else {
                    m = search.lookingAt(text, s, from, to);
                    matchEnd = m == null ? -1 : RuleSearch.lookingAtBase(s, from) + m.end();
                }
                if (matchEnd >= 0) {
                    // A match is charged what it spans, not the maximum a failed try may read: matches do not
                    // overlap, so they cost at most one pass, and a window of adjacent .env lines stays anchored.
                    budget += Math.min(rule.maxLength() + 1L, to - s) - (matchEnd - s + 1L);
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
            report(search, text, m, search.lookingAtGroup(s, from), RuleSearch.lookingAtBase(s, from), s, matchEnd,
                    from, to, out);
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
    static int nextStart(RuleSearch search, CharSequence text, int from, int to, int at) {
        if (!search.searchesKeywords()) {
            return at; // the text holds a non-ASCII keyword's UTF-8 bytes, one char each: not worth a second search
        }
        int first = from + at > to ? -1 : search.nextKeyword(text, from + at, to);
        return first < 0 ? to - from + 1 : Math.max(at, first - from - search.rule.maxKeywordOffset());
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
