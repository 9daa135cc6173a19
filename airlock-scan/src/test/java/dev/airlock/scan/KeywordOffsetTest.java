package dev.airlock.scan;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.re2j.Matcher;
import dev.airlock.scan.rules.BuiltinRules;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * A rule that declares {@link Rule#maxKeywordOffset()} below its {@code maxLength} gets windows that reach only
 * that far back from a hit. The declaration is checked directly: in every match of the rule's pattern over its
 * examples, the soups of {@link HitFilterEquivalenceTest} and random planted secrets, some keyword occurrence that
 * the rule's hit filter admits starts at most that far after the match's start.
 */
class KeywordOffsetTest {
    private static final List<Rule> NARROWED = BuiltinRules.all().stream()
            .filter(r -> r.maxKeywordOffset() < r.maxLength()).toList();

    @Test
    void everyMatchHasAnAdmittedKeywordWithinTheDeclaredOffset() {
        assertThat(NARROWED).extracting(Rule::id).contains("generic-credential-line", "generic-credential-query-param",
                "aws-secret-access-key-paired", "github-pat");
        List<String> texts = new ArrayList<>();
        for (long seed = 0; seed < 600; seed++) {
            texts.add(HitFilterEquivalenceTest.soup(seed, 60));
            texts.add(EngineEquivalenceTest.randomSecretText(seed, 40));
        }
        int matches = 0;
        for (Rule rule : NARROWED) {
            List<String> inputs = new ArrayList<>(texts);
            inputs.addAll(rule.examples());
            inputs.addAll(rule.negatives());
            for (String text : inputs) {
                byte[] data = text.getBytes(StandardCharsets.ISO_8859_1);
                Matcher m = rule.pattern().matcher(new Latin1View(data));
                int at = 0;
                while (at <= data.length && m.find(at)) {
                    assertThat(admittedKeywordWithin(rule, data, m.start(), m.end()))
                            .as("%s: match [%d,%d) of %s", rule.id(), m.start(), m.end(), text).isTrue();
                    matches++;
                    at = Math.max(m.end(), m.start() + 1);
                }
            }
        }
        assertThat(matches).isGreaterThan(1000);
    }

    private static boolean admittedKeywordWithin(Rule rule, byte[] data, int start, int end) {
        String lower = new String(data, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
        for (String keyword : rule.keywords()) {
            for (int k = lower.indexOf(keyword, start); k >= 0 && k <= start + rule.maxKeywordOffset();
                 k = lower.indexOf(keyword, k + 1)) {
                if (k + keyword.length() <= end && rule.hitFilter().admits(data, k + keyword.length(), data.length)) {
                    return true;
                }
            }
        }
        return false;
    }
}
