package dev.airlock.scan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The compiled, immutable form of a scanner: the keyword automaton over every rule's keywords, the map from
 * keyword to rules, the known-secret fingerprints and the decoders. Shared by every {@link EngineStream}.
 *
 * <p>Design notes. Every rule promises that each of its matches contains one of its keywords and is at most
 * {@link Rule#maxLength()} long. So a match containing a keyword occurrence at {@code h} lies within
 * {@code [h - maxLength, h + maxLength)}, or {@code [h - maxKeywordOffset, h + maxLength)} when the rule knows
 * its admitted keyword starts at most that far into a match; the engine runs the rule's RE2 pattern only on that
 * window widened by one byte each side (so {@code \b} and anchors see real context), with overlapping windows of
 * the same rule merged. Inside a merged window the matcher walks matches left to right exactly as it would over the whole
 * input, which is why the windowed engine reports what the reference path reports (property-tested).
 */
final class Engine {
    /** Decoded regions longer than this are decoded in pieces; it also bounds how long a region may be held back. */
    static final int MAX_REGION = 1 << 20;

    final List<Rule> rules;
    /** Per rule, how its matches are searched for in a window. */
    final RuleSearch[] searches;
    final KeywordAutomaton automaton;
    final Prefilter prefilter;
    final int[][] rulesByKeyword;
    final int maxRuleLength;
    final KnownSecrets known;
    final LayerDecoder[] decoders;
    final ScanLimits limits;
    final boolean inlineSuppression;

    Engine(List<Rule> rules, KnownSecrets known, ScanLimits limits, boolean inlineSuppression) {
        this.rules = List.copyOf(rules);
        this.searches = this.rules.stream().map(RuleSearch::of).toArray(RuleSearch[]::new);
        this.known = known;
        this.limits = limits;
        this.inlineSuppression = inlineSuppression;
        Map<String, List<Integer>> byKeyword = new LinkedHashMap<>();
        int max = 1;
        for (int r = 0; r < rules.size(); r++) {
            Rule rule = rules.get(r);
            max = Math.max(max, rule.maxLength());
            for (String k : rule.keywords()) {
                List<Integer> list = byKeyword.computeIfAbsent(k, x -> new ArrayList<>());
                if (!list.contains(r)) {
                    list.add(r);
                }
            }
        }
        this.maxRuleLength = max;
        List<String> keywords = new ArrayList<>(byKeyword.keySet());
        List<String> compiled = keywords.isEmpty() ? List.of("\u0000airlock-no-rules") : keywords;
        this.automaton = KeywordAutomaton.compile(compiled);
        this.prefilter = Prefilter.best(compiled, automaton);
        this.rulesByKeyword = new int[Math.max(1, keywords.size())][];
        for (int k = 0; k < rulesByKeyword.length; k++) {
            rulesByKeyword[k] = k < keywords.size()
                    ? byKeyword.get(keywords.get(k)).stream().mapToInt(Integer::intValue).toArray()
                    : new int[0];
        }
        this.decoders = new LayerDecoder[] {
                new JsonStringDecoder(), new PercentDecoder(), new Base64Decoder(prefilter instanceof VectorPrefilter),
                new CompressedDecoder()};
    }

    /** Rules that apply to the last path asked for: a proxy or a tree walk asks for the same path (or none) again and again. */
    private volatile ActiveRules lastActive;

    private record ActiveRules(String path, boolean[] active) {
    }

    /** Which rules apply to {@code path} (their path pattern matches and no path allowlist excludes it). Do not modify. */
    boolean[] activeRules(String path) {
        ActiveRules last = lastActive;
        if (last != null && java.util.Objects.equals(last.path, path)) {
            return last.active;
        }
        boolean[] active = new boolean[rules.size()];
        for (int r = 0; r < active.length; r++) {
            Rule rule = rules.get(r);
            active[r] = (rule.path() == null || (path != null && rule.path().matcher(path).find()))
                    && !rule.allowlist().allowsPath(path);
        }
        lastActive = new ActiveRules(path, active);
        return active;
    }

    /** Bytes after the last processed hit that must be present before a hit can be processed. */
    int tail() {
        return maxRuleLength + automaton.maxKeywordLength() + 2;
    }

    /** Bytes before the processing point that must be kept: a window's left half, a known-secret variant. */
    int carry() {
        return Math.max(maxRuleLength + automaton.maxKeywordLength() + 2, known.maxVariantLength() + 1);
    }
}
