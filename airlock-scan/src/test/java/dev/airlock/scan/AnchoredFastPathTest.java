package dev.airlock.scan;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.re2j.Matcher;
import dev.airlock.scan.rules.BuiltinRules;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * The engine's anchored tries without RE2 ({@link AnchoredMatch}: {@link TokenShape}, the generic line matcher) and
 * its secret groups read off the match ({@link SecretSpan}, whole-match groups) must be exactly what RE2 reports:
 * the same match end at every start of every window, and the same group. Texts are dense with every built-in rule's
 * examples, negatives, keywords, cut and doubled examples, in mixed case, glued by the bytes the patterns' bounds
 * are made of; windows are cut at random around each start, so {@code \b} and {@code \z} see artificial edges.
 */
class AnchoredFastPathTest {
    private static final List<Rule> RULES = BuiltinRules.all();
    /** The rules with a fast path: the others are RE2's alone. */
    private static final List<RuleSearch> SEARCHES = RULES.stream().map(RuleSearch::of)
            .filter(s -> s.direct != null || s.locatesSecret()).toList();
    private static final String[] GLUE = {"\n", " ", "=", ": ", "\"", "_", "x", "\r\n", "\t", "&", "?", "-", "",
        "\r", "  \t ", "'", "`", "\\", ",", ">", "<", "</", "9", "s", "_key", "-Value", ".str", "é", "\u000B", "\f",
        "Zq8Xw7Cv".repeat(16), "Zq8Xw7Cv".repeat(16) + "p", "Zq8Xw7Cv", "=\"", " = '", "\t\t\t\t\t\t\t\t\t"};

    static String text(long seed) {
        Random rnd = new Random(seed);
        StringBuilder sb = new StringBuilder();
        int pieces = 4 + rnd.nextInt(30);
        for (int i = 0; i < pieces; i++) {
            Rule rule = RULES.get(rnd.nextInt(RULES.size()));
            String ex = rule.examples().isEmpty() ? rule.id() : rule.examples().get(rnd.nextInt(rule.examples().size()));
            String piece = switch (rnd.nextInt(5)) {
                case 0 -> ex;
                case 1 -> rule.negatives().isEmpty() ? rule.id() : rule.negatives().get(rnd.nextInt(rule.negatives().size()));
                case 2 -> rule.keywords().get(rnd.nextInt(rule.keywords().size()));
                case 3 -> mutate(ex, rnd);
                default -> rnd.nextBoolean() ? ex.substring(0, rnd.nextInt(ex.length() + 1)) : ex + ex;
            };
            sb.append(rnd.nextInt(4) == 0 ? piece.toUpperCase(Locale.ROOT) : piece).append(GLUE[rnd.nextInt(GLUE.length)]);
        }
        return sb.toString();
    }

    /** An example with a few bytes replaced, inserted or removed: lengths one off a bound, a class byte swapped. */
    private static String mutate(String s, Random rnd) {
        StringBuilder sb = new StringBuilder(s);
        for (int n = 1 + rnd.nextInt(3); n > 0 && !sb.isEmpty(); n--) {
            int at = rnd.nextInt(sb.length());
            String b = GLUE[rnd.nextInt(GLUE.length)];
            switch (rnd.nextInt(3)) {
                case 0 -> sb.deleteCharAt(at);
                case 1 -> sb.insert(at, b.isEmpty() ? "A" : b.substring(0, 1));
                default -> sb.setCharAt(at, b.isEmpty() ? '_' : b.charAt(0));
            }
        }
        return sb.toString();
    }

    /** Compares every fast path with RE2 at every start of {@code data}; returns how many matches it compared. */
    static int compare(byte[] data, Random rnd) {
        Latin1View text = new Latin1View(data);
        int matches = 0;
        for (RuleSearch search : SEARCHES) {
            for (int start = 0; start < data.length; start++) {
                int from = Math.max(0, start - rnd.nextInt(3));
                int to = Math.min(data.length, start + 1 + rnd.nextInt(search.rule.maxLength() + 8));
                if (search.anchored()) {
                    Matcher m = search.lookingAt(text, start, from, to);
                    int re2End = m == null ? -1 : (start == from ? from : start - 1) + m.end();
                    if (search.direct != null) {
                        assertThat(search.direct.endOf(text, start, from, to))
                                .as("rule %s at %d in [%d, %d) of %s", search.rule.id(), start, from, to, show(data))
                                .isEqualTo(re2End);
                    }
                    if (m != null) {
                        int g = start == from ? search.rule.secretGroup() : search.rule.secretGroup() + 1;
                        int base = start == from ? from : start - 1;
                        matches += checkSpan(search, text, start, re2End, m, g, base, data);
                    }
                } else {
                    Matcher m = search.rule.pattern().matcher(text.subSequence(from, to));
                    if (m.find(start - from) && m.start() == start - from) {
                        matches += checkSpan(search, text, start, from + m.end(), m, search.rule.secretGroup(), from, data);
                    }
                }
            }
        }
        return matches;
    }

    private static int checkSpan(RuleSearch search, Latin1View text, int start, int end, Matcher m, int group, int base,
                                 byte[] data) {
        long span = search.secretSpan(text, start, end);
        if (span != SecretSpan.UNKNOWN) {
            int s = m.start(group) < 0 ? -1 : base + m.start(group);
            int e = m.end(group) < 0 ? -1 : base + m.end(group);
            assertThat(new int[] {(int) (span >>> 32), (int) span})
                    .as("secret of rule %s in [%d, %d) of %s", search.rule.id(), start, end, show(data))
                    .containsExactly(s, e);
        }
        return 1;
    }

    private static String show(byte[] data) {
        return new String(data, StandardCharsets.ISO_8859_1).replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t");
    }

    @Property(tries = 100)
    void fastPathsAgreeWithRe2(@ForAll long seed) {
        compare(text(seed).getBytes(StandardCharsets.UTF_8), new Random(seed));
    }

    private static final String[] NAMES = {"password", "PassWd", "passphrase", "pwd", "SECRET", "token", "apikey",
        "api_key", "Api-Key", "api.key", "api__key", "accesskey", "access_key", "access-KEY", "auth.key", "authkey",
        "credential", "pass", "api", "access_", "credentials", "tokens", "token_key", "token_Key_value", "token_str",
        "token_string", "token_strings", "token_stringbase", "token.value-base", "token_key_key_key", "token_keys9",
        "tokens9", "token9s", "token_s", "tokenss", "token-", "token_x", "secret_value_str2", "pwd_base.key"};
    private static final String[] CLOSERS = {"", "\\", "\"", "'", "\"'", "]", "`"};
    private static final String[] BLANKS = {"", " ", "\t", "  \t ", "    ", "     ", " \t \t \t"};
    private static final String[] OPERATORS = {"=", ":", "==", ":=", ",", "-", "=>"};
    private static final String[] ENDS = {"", "\n", "\r\n", "\r", "\n\r", "x", ",", "\f", "\u000B\n", "\"", "=\n"};

    /**
     * {@code generic-credential-line} at every bound of its pattern: names with every tail, closers, blank runs
     * around the operator, values of 7..9 and 127..129 bytes, 0..9 trailing blanks, every line end, and windows
     * cut inside any of it.
     */
    @Property(tries = 3000)
    void genericLineMatchesAtItsBounds(@ForAll long seed) {
        Random rnd = new Random(seed);
        int[] lengths = {0, 1, 7, 8, 9, 20, 127, 128, 129};
        StringBuilder value = new StringBuilder();
        for (int n = lengths[rnd.nextInt(lengths.length)]; n > 0; n--) {
            value.append("aZ9.=:/+~@%-é\u000B".charAt(rnd.nextInt(14)));
        }
        String text = (rnd.nextBoolean() ? "x" : "") + NAMES[rnd.nextInt(NAMES.length)] + CLOSERS[rnd.nextInt(CLOSERS.length)]
                + BLANKS[rnd.nextInt(BLANKS.length)] + OPERATORS[rnd.nextInt(OPERATORS.length)]
                + BLANKS[rnd.nextInt(BLANKS.length)] + value + " \t".repeat(5).substring(0, rnd.nextInt(11))
                + ENDS[rnd.nextInt(ENDS.length)] + (rnd.nextBoolean() ? "" : "more");
        byte[] data = text.getBytes(StandardCharsets.ISO_8859_1);
        RuleSearch line = SEARCHES.stream().filter(s -> s.rule.id().equals("generic-credential-line")).findFirst()
                .orElseThrow();
        Latin1View view = new Latin1View(data);
        int start = text.startsWith("x") ? 1 : 0;
        for (int to : new int[] {data.length, rnd.nextInt(data.length + 1)}) {
            if (to <= start) {
                continue;
            }
            Matcher m = line.lookingAt(view, start, 0, to);
            int re2End = m == null ? -1 : (start == 0 ? 0 : start - 1) + m.end();
            assertThat(line.direct.endOf(view, start, 0, to)).as("%s in [0, %d)", show(data), to).isEqualTo(re2End);
            if (m != null) {
                checkSpan(line, view, start, re2End, m, start == 0 ? 1 : 2, start == 0 ? 0 : start - 1, data);
            }
        }
    }

    @Test
    void theFastPathsAreUsedAndTheTextsHoldTheirMatches() {
        assertThat(SEARCHES.stream().filter(s -> s.direct != null).map(s -> s.rule.id()))
                .contains("github-pat", "github-oauth", "aws-access-key-id", "generic-credential-line");
        assertThat(SEARCHES.stream().filter(RuleSearch::locatesSecret).map(s -> s.rule.id()))
                .contains("github-pat", "generic-credential-assignment", "generic-credential-line",
                        "generic-credential-markup", "generic-credential-query-param");
        int matches = 0;
        for (long seed = 0; seed < 40; seed++) {
            matches += compare(text(seed).getBytes(StandardCharsets.UTF_8), new Random(seed));
        }
        assertThat(matches).isGreaterThan(200);
    }

    @Test
    void groupShapeTellsWholeMatchGroupsOnly() {
        assertThat(GroupShape.isWholeMatch("\\b(ghp_[A-Za-z0-9]{36})\\b")).isTrue();
        assertThat(GroupShape.isWholeMatch("^(a[)\\]]b)$")).isTrue();
        assertThat(GroupShape.isWholeMatch("\\b(a)(b)\\b")).isFalse();
        assertThat(GroupShape.isWholeMatch("\\b(a)b")).isFalse();
        assertThat(GroupShape.isWholeMatch("x(a)")).isFalse();
        assertThat(GroupShape.isWholeMatch("(a)|b")).isFalse();
        assertThat(GroupShape.isWholeMatch("(a)?")).isFalse();
        assertThat(GroupShape.isWholeMatch("(?:a)")).isFalse();
        assertThat(GroupShape.isWholeMatch("\\b(a[)]\\b")).isFalse();
        assertThat(GroupShape.isWholeMatch("(a\\)")).isFalse();
    }

    @Test
    void tokenShapeRecognisesOnlyItsShape() {
        assertThat(TokenShape.of("\\b((?:AKIA|ASIA)[A-Z2-7]{16})\\b")).isNotNull();
        assertThat(TokenShape.of("\\b(sk_live_[A-Za-z0-9]{24,247})\\b")).isNotNull();
        assertThat(TokenShape.of("\\b(glpat-[A-Za-z0-9_-]{20})\\b")).isNull(); // '-' is not a word character
        assertThat(TokenShape.of("\\b(x[A-Z]{2}y[A-Z]{3})\\b")).isNull();
        assertThat(TokenShape.of("\\b((?:AB|ABC)[A-Z]{2})\\b")).isNull();
        assertThat(TokenShape.of("\\b(x[^A-Z]{2})\\b")).isNull();
        assertThat(TokenShape.of("\\b(x[A-Z]{2})")).isNull();
        assertThat(TokenShape.of("\\b(x[A-Z]*)\\b")).isNull();
    }
}
