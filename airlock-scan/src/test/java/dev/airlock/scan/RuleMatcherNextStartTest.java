package dev.airlock.scan;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.re2j.Matcher;
import dev.airlock.scan.rules.BuiltinRules;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * {@link RuleMatcher} skips the part of a window where no keyword occurs (no match can start there). It must
 * report exactly what the plain leftmost-first walk over the whole text reports, for every built-in rule, on texts
 * dense with keywords, examples, negatives and near-misses in mixed case.
 */
class RuleMatcherNextStartTest {
    private static final List<Rule> RULES = BuiltinRules.all();
    private static final java.util.Map<String, RuleSearch> SEARCHES = RULES.stream()
            .collect(java.util.stream.Collectors.toMap(Rule::id, RuleSearch::of));
    private static final String[] GLUE = {"\n", " ", "=", ": ", "\"", "_", "x", "\r\n", "\t", "&", "?", "-", ""};

    /** The walk before the skip: every position after a match is searched. */
    static List<String> plainWalk(Rule rule, byte[] data) {
        Matcher m = rule.pattern().matcher(new Latin1View(data));
        List<String> out = new ArrayList<>();
        int at = 0;
        while (at <= data.length && m.find(at)) {
            int s = m.start(rule.secretGroup());
            int e = m.end(rule.secretGroup());
            at = Math.max(m.end(), m.start() + 1);
            if (s < 0 || e <= s) {
                continue;
            }
            RuleMatch match = RuleMatcher.check(rule, m.group(rule.secretGroup()), s, e);
            if (match != null) {
                out.add(match.secretStart() + ":" + match.secret());
            }
        }
        return out;
    }

    static String denseText(long seed) {
        Random rnd = new Random(seed);
        StringBuilder sb = new StringBuilder();
        int pieces = 4 + rnd.nextInt(24);
        for (int i = 0; i < pieces; i++) {
            Rule rule = RULES.get(rnd.nextInt(RULES.size()));
            String piece = switch (rnd.nextInt(4)) {
                case 0 -> rule.examples().isEmpty() ? rule.id() : rule.examples().get(rnd.nextInt(rule.examples().size()));
                case 1 -> rule.negatives().isEmpty() ? rule.id() : rule.negatives().get(rnd.nextInt(rule.negatives().size()));
                case 2 -> rule.keywords().get(rnd.nextInt(rule.keywords().size()));
                default -> {
                    // An example cut short or with its keyword repeated: matches that end or start next to another.
                    String ex = rule.examples().isEmpty() ? rule.id() : rule.examples().get(rnd.nextInt(rule.examples().size()));
                    yield rnd.nextBoolean() ? ex.substring(0, rnd.nextInt(ex.length() + 1)) : ex + ex;
                }
            };
            sb.append(rnd.nextInt(3) == 0 ? piece.toUpperCase(Locale.ROOT) : piece).append(GLUE[rnd.nextInt(GLUE.length)]);
        }
        return sb.toString();
    }

    @Property(tries = 300)
    void reportsWhatThePlainWalkReports(@ForAll long seed) {
        byte[] data = denseText(seed).getBytes(StandardCharsets.UTF_8);
        for (Rule rule : RULES) {
            List<String> found = new ArrayList<>();
            RuleMatcher.matchRegion(rule, new Latin1View(data), 0, data.length,
                    m -> found.add(m.secretStart() + ":" + m.secret()));
            List<String> plain = plainWalk(rule, data);
            assertThat(found).as("rule %s", rule.id()).isEqualTo(plain);
            List<String> anchored = new ArrayList<>();
            RuleMatcher.matchRegion(SEARCHES.get(rule.id()), new Latin1View(data), 0, data.length, 0, data.length,
                    m -> anchored.add(m.secretStart() + ":" + m.secret()));
            assertThat(anchored).as("rule %s, anchored where allowed", rule.id()).isEqualTo(plain);
        }
    }

    /** The property compares two lists; this shows the texts give it matches to compare (empty = empty proves nothing). */
    @Test
    void theDenseTextsHoldManyMatches() {
        int matches = 0;
        for (long seed = 0; seed < 50; seed++) {
            byte[] data = denseText(seed).getBytes(StandardCharsets.UTF_8);
            for (Rule rule : RULES) {
                matches += plainWalk(rule, data).size();
            }
        }
        assertThat(matches).isGreaterThan(100);
    }
}
