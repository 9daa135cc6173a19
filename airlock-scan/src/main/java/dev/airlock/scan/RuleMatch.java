package dev.airlock.scan;

/**
 * A match of one rule that passed every check, with char offsets relative to the text it was found in.
 *
 * @param rule        the rule
 * @param secretStart start of the secret (the secret group, or the whole match)
 * @param secretEnd   end of the secret, exclusive
 * @param secret      the secret itself; never print it, use {@link dev.airlock.core.Redaction}
 * @param confidence  {@code CERTAIN} when a checksum validator passed, else the rule's confidence
 */
public record RuleMatch(Rule rule, int secretStart, int secretEnd, String secret, Confidence confidence) {
}
