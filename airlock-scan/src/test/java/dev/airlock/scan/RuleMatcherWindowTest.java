package dev.airlock.scan;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A window's edges are not the text's edges: {@code \z} and {@code \b} must not match there. Before the fix a value
 * running past the end of a window matched {@code (?:\n|\z)} at the window's end and was reported truncated (a
 * second, wrong finding next to the real one found from a later window).
 */
class RuleMatcherWindowTest {
    private static final Rule LINE = Rule.builder("t-line").keywords("secret=")
            .regex("secret=([A-Za-z0-9]{8,128})(?:\\n|\\z)").secretGroup(1).maxLength(140).build();
    private static final Rule WORD = Rule.builder("t-word").keywords("tok")
            .regex("\\btok[a-z]{4}\\b").maxLength(12).build();

    static List<String> secrets(Rule rule, String text, int from, int to) {
        byte[] data = text.getBytes(StandardCharsets.US_ASCII);
        List<String> out = new ArrayList<>();
        RuleMatcher.matchRegion(rule, new Latin1View(data), from, to, 0, data.length,
                m -> out.add(m.secretStart() + ":" + m.secret()));
        return out;
    }

    /** Every match the window reports is one the whole-text walk reports. */
    static List<String> whole(Rule rule, String text) {
        return secrets(rule, text, 0, text.length());
    }

    @Test
    void aValueCutByTheWindowEndIsNotReportedTruncated() {
        String value = "a1B2c3D4e5".repeat(10);
        String text = "x secret=" + value + "\nmore";
        assertThat(whole(LINE, text)).containsExactly("9:" + value);
        assertThat(secrets(LINE, text, 0, 60)).containsExactly("9:" + value);
        // A value that runs on (no line end) is no match at all, whatever the window.
        String runsOn = "x secret=" + value + value + value + " y";
        assertThat(whole(LINE, runsOn)).isEmpty();
        assertThat(secrets(LINE, runsOn, 0, 60)).isEmpty();
    }

    /**
     * The engine-level case found on the synthetic benchmark mix: a hit just before a segment's cutoff opens a window
     * that ends inside a token whose own hit lies just after the cutoff (processed with the next segment). The old
     * engine reported the token truncated at the window's end ({@code ghp_…20}) as well as whole.
     */
    @Test
    void aTokenStraddlingASegmentCutoffIsReportedOnceAndWhole() {
        int segment = EngineStream.SEGMENT;
        StringBuilder sb = new StringBuilder();
        while (sb.length() < segment - 170) {
            sb.append("lorem ipsum dolor sit amet\n");
        }
        sb.setLength(segment - 171);
        sb.append('\n').append("password=Xk9q2LmZaB3dE5gH\n");
        while (sb.length() < segment - 2) {
            sb.append(' ');
        }
        sb.append("GITHUB_TOKEN=ghp_").append("k3Jd9QmZ2xLw8RtY5vNb1HcF6gPa0sTe4uVy").append('\n');
        while (sb.length() < segment + 20_000) {
            sb.append("lorem ipsum dolor sit amet\n");
        }
        byte[] data = sb.toString().getBytes(StandardCharsets.US_ASCII);
        Scanner scanner = Scanner.builder().rules(dev.airlock.scan.rules.BuiltinRules.all().stream()
                .filter(r -> r.id().startsWith("generic-")).toList()).build();
        List<Finding> reference = scanner.referenceFindings(data, "x.env");
        assertThat(reference).extracting(Finding::redacted).contains("ghp_…40");
        assertThat(EngineEquivalenceTest.plain(scanner.scan(data, "x.env"))).isEqualTo(reference);
    }

    @Test
    void wordBoundariesAtTheWindowEdgesSeeTheRealNeighbours() {
        String text = "xxtokenab tokenab";
        assertThat(whole(WORD, text)).containsExactly("10:tokenab");
        // "tokenab" inside "xxtokenab" is no word; widening may find the real one next to it, never this one.
        assertThat(secrets(WORD, text, 2, 9)).doesNotContain("2:tokenab").isSubsetOf(whole(WORD, text));
        assertThat(secrets(WORD, text, 10, 17)).containsExactly("10:tokenab");
    }

    /** Rules anchored at their keyword, with assertions and line ends that look at the neighbours of a match. */
    private static final List<Rule> ANCHORABLE = List.of(
            Rule.builder("t-word0").keywords("tok").regex("\\btok[a-z]{4}\\b").maxLength(12).maxKeywordOffset(0).build(),
            Rule.builder("t-line0").keywords("secret=").regex("(?m)^secret=([A-Za-z0-9]{2,20})(?:\\n|$)")
                    .secretGroup(1).maxLength(40).maxKeywordOffset(0).build(),
            Rule.builder("t-off2").keywords("ab").regex("\\B[x-z]{0,2}ab+([0-9]{1,3})\\b").secretGroup(1).maxLength(12)
                    .maxKeywordOffset(2).build());

    /**
     * The anchored search ({@link RuleSearch}) reports what the unanchored walk reports over every window of these
     * texts, including windows that start or end next to a match, inside a keyword or on a line end.
     */
    @Test
    void anchoredSearchesReportWhatTheUnanchoredWalkReportsInEveryWindow() {
        String[] texts = {"xtokabcd tokefgh\ntokijkl.tokmnopq", "secret=ab12\nxsecret=cd34\nsecret=ef\nsecret=",
            "zab12 yzab3 ab45x xab6 abbb789 ab1234", "tokabcd secret=x1\nab12"};
        int compared = 0;
        for (Rule rule : ANCHORABLE) {
            RuleSearch anchored = RuleSearch.of(rule);
            assertThat(anchored.anchored()).as(rule.id()).isTrue();
            for (String text : texts) {
                byte[] data = text.getBytes(StandardCharsets.US_ASCII);
                for (int from = 0; from <= data.length; from++) {
                    for (int to = from; to <= data.length; to++) {
                        List<String> expected = new ArrayList<>();
                        RuleMatcher.matchRegion(rule, new Latin1View(data), from, to, 0, data.length,
                                m -> expected.add(m.secretStart() + ":" + m.secret()));
                        List<String> actual = new ArrayList<>();
                        RuleMatcher.matchRegion(anchored, new Latin1View(data), from, to, 0, data.length,
                                m -> actual.add(m.secretStart() + ":" + m.secret()));
                        assertThat(actual).as("%s in [%d, %d) of %s", rule.id(), from, to, text).isEqualTo(expected);
                        compared += expected.size();
                    }
                }
            }
        }
        assertThat(compared).isGreaterThan(100);
    }

    /**
     * A window dense with keyword occurrences that start no match ({@code AKIAAKIA…}, each try reading up to the
     * rule's 270 characters) spends the anchored tries' budget long before its end; the linear walk that takes over
     * must still find the pair at the end, exactly as the reference walk does.
     */
    @Test
    void aWindowDenseWithFailingTriesIsFinishedByTheLinearWalkWithTheSameFindings() {
        Rule pair = Rule.builder("t-pair").keywords("AKIA")
                .regex("AKIA[A-Z2-7]{16}(?s:.{0,200}?)[^A-Za-z0-9/+]([A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+]|$)")
                .secretGroup(1).maxLength(270).maxKeywordOffset(0).build();
        String secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLE42";
        String text = "AKIA".repeat(20_000) + " AKIAQ2RSTUVWXYZ23456 key=" + secret + "\n";
        byte[] data = text.getBytes(StandardCharsets.US_ASCII);
        List<String> expected = new ArrayList<>();
        RuleMatcher.matchRegion(pair, new Latin1View(data), 0, data.length, 0, data.length,
                m -> expected.add(m.secretStart() + ":" + m.secret()));
        List<String> actual = new ArrayList<>();
        RuleMatcher.matchRegion(RuleSearch.of(pair), new Latin1View(data), 0, data.length, 0, data.length,
                m -> actual.add(m.secretStart() + ":" + m.secret()));
        assertThat(RuleSearch.of(pair).anchored()).isTrue();
        assertThat(expected).containsExactly(text.indexOf(secret) + ":" + secret);
        assertThat(actual).isEqualTo(expected);
    }
}
