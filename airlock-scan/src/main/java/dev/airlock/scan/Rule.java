package dev.airlock.scan;

import com.google.re2j.Pattern;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One credential format. Immutable; build with {@link #builder(String)}.
 *
 * <p>The pattern is RE2 syntax compiled by RE2/J, so matching is linear in the input; the engine runs it only on
 * bounded windows around a keyword hit. Every keyword must be a literal that appears (case-insensitively) in
 * every match, so the prefilter never hides a true positive.
 *
 * @param id           stable identifier, e.g. {@code github-pat}
 * @param description  one line for humans
 * @param keywords     lower-case literals, at least one of which occurs in every match
 * @param pattern      the RE2 pattern
 * @param secretGroup  the capture group holding the secret; 0 for the whole match
 * @param minEntropy   minimum Shannon entropy (bits per character) of the secret; 0 to disable
 * @param validators   structural checks, all of which must pass
 * @param allowlist    values and paths this rule never reports
 * @param confidence   the confidence of a match that passes every check ({@code CERTAIN} if a checksum validator
 *                     passed, whatever this says)
 * @param maxLength    upper bound on the length of a match, used to size the window around keyword hits
 * @param path         optional RE2 pattern a file path must match for the rule to apply (gitleaks {@code path})
 * @param examples     strings containing a secret this rule must find
 * @param negatives    strings this rule must not report
 * @param hitFilter    necessary condition checked at each keyword hit before RE2 runs; {@link HitFilter#ANY} if none
 * @param maxKeywordOffset how far from a match's start, at most, a keyword occurrence that the hit filter admits
 *                     begins (every match has one); a window reaches only this far back from a hit. {@code maxLength}
 *                     unless the rule knows better (a pattern that starts with its keyword: 0)
 * @param secretSpan   how the secret group follows from a match's text without a second RE2 run; null to ask RE2
 * @param anchoredMatch the pattern matched at a given start without RE2; null to ask RE2
 */
public record Rule(
        String id,
        String description,
        List<String> keywords,
        Pattern pattern,
        int secretGroup,
        double minEntropy,
        List<SecretValidator> validators,
        Allowlist allowlist,
        Confidence confidence,
        int maxLength,
        Pattern path,
        List<String> examples,
        List<String> negatives,
        HitFilter hitFilter,
        int maxKeywordOffset,
        SecretSpan secretSpan,
        AnchoredMatch anchoredMatch) {

    /** Matches longer than this are not credentials; bounding them bounds every window. */
    public static final int MAX_MATCH_LENGTH = 16 * 1024;

    public Rule {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(pattern, "pattern of rule " + id);
        keywords = keywords.stream().map(k -> k.toLowerCase(Locale.ROOT)).toList();
        validators = List.copyOf(validators);
        examples = List.copyOf(examples);
        negatives = List.copyOf(negatives);
        hitFilter = hitFilter == null ? HitFilter.ANY : hitFilter;
        if (secretGroup < 0 || secretGroup > pattern.groupCount()) {
            throw new IllegalArgumentException("rule " + id + ": secretGroup " + secretGroup
                    + " but the pattern has " + pattern.groupCount() + " groups");
        }
        if (maxLength <= 0 || maxLength > MAX_MATCH_LENGTH) {
            throw new IllegalArgumentException("rule " + id + ": maxLength must be 1.." + MAX_MATCH_LENGTH);
        }
        if (maxKeywordOffset < 0 || maxKeywordOffset > maxLength) {
            throw new IllegalArgumentException("rule " + id + ": maxKeywordOffset must be 0.." + maxLength);
        }
        if (confidence == Confidence.CERTAIN) {
            throw new IllegalArgumentException("rule " + id + ": CERTAIN is earned by a checksum, not declared");
        }
    }

    public static Builder builder(String id) {
        return new Builder(id);
    }

    /** A validating builder; {@link #build()} rejects incomplete or inconsistent rules with the rule's id. */
    public static final class Builder {
        private final String id;
        private String description = "";
        private final List<String> keywords = new ArrayList<>();
        private String regex;
        private int secretGroup;
        private double minEntropy;
        private final List<SecretValidator> validators = new ArrayList<>();
        private Allowlist allowlist = Allowlist.EMPTY;
        private Confidence confidence = Confidence.HIGH;
        private int maxLength = 512;
        private String path;
        private final List<String> examples = new ArrayList<>();
        private final List<String> negatives = new ArrayList<>();
        private HitFilter hitFilter = HitFilter.ANY;
        private int maxKeywordOffset = -1;
        private SecretSpan secretSpan;
        private AnchoredMatch anchoredMatch;

        private Builder(String id) {
            this.id = Objects.requireNonNull(id, "id");
        }

        public Builder description(String description) {
            this.description = description;
            return this;
        }

        public Builder keywords(String... keywords) {
            this.keywords.addAll(List.of(keywords));
            return this;
        }

        public Builder regex(String regex) {
            this.regex = regex;
            return this;
        }

        public Builder secretGroup(int secretGroup) {
            this.secretGroup = secretGroup;
            return this;
        }

        public Builder minEntropy(double minEntropy) {
            this.minEntropy = minEntropy;
            return this;
        }

        public Builder validator(SecretValidator validator) {
            this.validators.add(validator);
            return this;
        }

        public Builder allowlist(Allowlist allowlist) {
            this.allowlist = allowlist;
            return this;
        }

        public Builder confidence(Confidence confidence) {
            this.confidence = confidence;
            return this;
        }

        public Builder maxLength(int maxLength) {
            this.maxLength = maxLength;
            return this;
        }

        public Builder path(String pathRegex) {
            this.path = pathRegex;
            return this;
        }

        public Builder example(String example) {
            this.examples.add(example);
            return this;
        }

        public Builder negative(String negative) {
            this.negatives.add(negative);
            return this;
        }

        /** A necessary condition checked at each keyword hit before RE2 runs (see {@link HitFilter}). */
        public Builder hitFilter(HitFilter hitFilter) {
            this.hitFilter = Objects.requireNonNull(hitFilter, "hitFilter");
            return this;
        }

        /**
         * Every match has a keyword occurrence admitted by the hit filter starting at most {@code bytes} after the
         * match's start (default: {@code maxLength}, which is always true). Narrows the window RE2 runs over; a
         * wrong value loses findings, which the engine-versus-reference property tests are there to catch.
         */
        public Builder maxKeywordOffset(int bytes) {
            this.maxKeywordOffset = bytes;
            return this;
        }

        /**
         * How the secret group's bounds follow from a match's text (see {@link SecretSpan}); a wrong one reports
         * wrong secrets, which the engine-versus-reference property tests are there to catch.
         */
        public Builder secretSpan(SecretSpan secretSpan) {
            this.secretSpan = Objects.requireNonNull(secretSpan, "secretSpan");
            return this;
        }

        /**
         * The pattern matched at a given start without RE2 (see {@link AnchoredMatch}); used only where the engine
         * tries anchored matches. A wrong one loses or invents findings, which the property tests are there to catch.
         */
        public Builder anchoredMatch(AnchoredMatch anchoredMatch) {
            this.anchoredMatch = Objects.requireNonNull(anchoredMatch, "anchoredMatch");
            return this;
        }

        public Rule build() {
            if (regex == null) {
                throw new IllegalArgumentException("rule " + id + ": no regex");
            }
            if (keywords.isEmpty()) {
                throw new IllegalArgumentException("rule " + id + ": no keywords; the prefilter needs at least one");
            }
            Pattern compiled;
            try {
                compiled = Pattern.compile(regex);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("rule " + id + ": regex does not compile as RE2: " + e.getMessage(), e);
            }
            Pattern compiledPath = path == null ? null : Pattern.compile(path);
            return new Rule(id, description, keywords, compiled, secretGroup, minEntropy, validators, allowlist,
                    confidence, maxLength, compiledPath, examples, negatives, hitFilter,
                    maxKeywordOffset < 0 ? maxLength : maxKeywordOffset, secretSpan,
                    anchoredMatch);
        }
    }
}
