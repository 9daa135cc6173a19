package dev.airlock.scan;

import com.google.re2j.Matcher;
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
        Matcher m = rule.pattern().matcher(text.subSequence(from, to));
        int at = 0;
        while (at <= to - from && m.find(at)) {
            int group = rule.secretGroup();
            int s = m.start(group);
            int e = m.end(group);
            // A match that does not consume input would loop forever; advance by at least one char.
            at = Math.max(m.end(), m.start() + 1);
            if (s < 0 || e <= s) {
                continue;
            }
            String secret = m.group(group);
            RuleMatch match = check(rule, secret, from + s, from + e);
            if (match != null) {
                sink.accept(match);
            }
        }
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
