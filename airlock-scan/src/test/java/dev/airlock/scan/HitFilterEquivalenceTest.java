package dev.airlock.scan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.airlock.scan.rules.BuiltinRules;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Rules with a {@link HitFilter} skip RE2 at keyword hits the filter rejects; the engine must still report exactly
 * what the reference (every rule over the whole input, no filters) reports. Inputs are dense soups of the pieces
 * the generic patterns are made of, so names, operators, quotes and values meet in every arrangement.
 */
class HitFilterEquivalenceTest {
    private static final List<Rule> FILTERED = BuiltinRules.all().stream()
            .filter(r -> r.hitFilter() != HitFilter.ANY).toList();
    private static final Scanner FILTERED_ONLY = Scanner.builder().rules(FILTERED).build();
    private static final Scanner BUILTIN = Scanner.builder().build();

    private static final String[] PIECES = {
        "password", "PASSWD", "passphrase", "pwd", "Secret", "token", "apiKey", "api_key", "api-key", "api.key",
        "accessKey", "access_key", "auth-key", "authKey", "credential", "Credentials", "oauth_token",
        "_key", "Value", "-string", "str", "base", ".key", "s", "2", "_", "-", ".",
        "=", ":", ":=", "=>", "?=", ",", "(", ")", "\"", "'", "`", "\\", "]", "[", ">", "<", "</", "?", "&", "#",
        " ", "  ", "\t", "\n", "\r\n", "r", "b", "f", "@", "u", ";", "{", "}", "/", "%2F", "~", "+",
        "<apiToken>", "</apiToken>", "?access_token=", "&api_key=", "https://h.example/x?",
        "Xk9q2LmZ", "aB3dE5gH7jK9mN1p", "Qw8Er7Ty6Ui5Op4As3Df", "changeme", "${DB_PASSWORD}", "0123456789",
        "postgres://", "https://", "://", "deploy", "app:", "Xk9q2LmZaB3d", "@db.internal", "@", "user@host",
        "aws_secret_access_key", "SecretKey", "secret.access-KEY", "secret_", "access", "key", "KEY",
        "U8JZpDE0iGXlD6gNCFbaEPFjbD0kH8Oool8Dk/+9", "U8JZpDE0iGXlD6gNCFba",
        "aws_secret_access_key = U8JZpDE0iGXlD6gNCFbaEPFjbD0kH8Oool8Dk/+9\n", "{\"SecretAccessKey\": \"U8JZpDE0iGXlD6gNCFbaEPFjbD0kH8Oool8Dk/+9\"}", " = ",
        "getPassword(", "tokens.size()", "secretKeySpec", "x", "    ", "\\\"", "\"]", "\\\"]\\\"", "_key_value", "-base_str", "s9",
        "   \t", "password_string-strings7\\\"]    = \"Xk9q2LmZaB3dE5gH\"", "token_value-bases9\\\"\\\t\t\n\r\f:= r\\\"Qw8Er7Ty6Ui5Op4As3Df\\\" ",
        "password\\\"]  \t = \"Xk9q2LmZ",
        // Values at and just past the patterns' 128-character bound, and an AWS secret's 40 characters plus one.
        "Zq8Xw7Cv".repeat(16), "Zq8Xw7Cv".repeat(16) + "p", "Zq8Xw7Cv".repeat(5), "Zq8Xw7Cv".repeat(5) + "A",
        "AKIA", "ASIA", "akia", "Asia/Tokyo", "ASIA_PACIFIC", "AKIAQYLPMN5HHHFPZAM2", "ASIAZ7QWERTY2345ABCD", "QYLPMN5HHHFPZAM2",
        "AKIAQYLPMN5HHHFPZAM", "AKIAASIAQYLPMN5HHHFP", "Authorization", "authorization: ", "Authorization: Basic ",
        "Basic", "bearer ", "\"Authorization\": \"Bearer ", "ZGVwbG95OlhrOXEyTG1aYUIzZA==", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln", "eyJ", "EYJ", "xeyJ",
        "eyJhbGciOiJIUzI1NiJ9", ".eyJzdWIiOiIxMjM0NTY3ODkwIn0", ".c2lnbmF0dXJlLXNpZ25hdHVyZQ", "pwd-key.values7\"\\\"] :=    @\\\"aB3dE5gH7j\\\"",
    };

    static String soup(long seed, int pieces) {
        Random rnd = new Random(seed);
        StringBuilder sb = new StringBuilder();
        for (int p = 0; p < pieces; p++) {
            sb.append(PIECES[rnd.nextInt(PIECES.length)]);
        }
        return sb.toString();
    }

    @Property(tries = 400)
    void filteredRulesEqualReference(@ForAll long seed, @ForAll @IntRange(min = 1, max = 120) int pieces) {
        byte[] data = soup(seed, pieces).getBytes(StandardCharsets.ISO_8859_1);
        assertThat(EngineEquivalenceTest.plain(FILTERED_ONLY.scan(data, "x.txt")))
                .isEqualTo(FILTERED_ONLY.referenceFindings(data, "x.txt"));
    }

    @Property(tries = 60)
    void builtinRulesEqualReference(@ForAll long seed, @ForAll @IntRange(min = 1, max = 120) int pieces) {
        byte[] data = soup(seed, pieces).getBytes(StandardCharsets.ISO_8859_1);
        assertThat(EngineEquivalenceTest.plain(BUILTIN.scan(data, "x.txt")))
                .isEqualTo(BUILTIN.referenceFindings(data, "x.txt"));
    }

    /** Values of every length around the patterns' bounds, in each filtered shape: the filters' bounds are exact. */
    @Test
    void valueLengthBoundsAreTheFiltersBounds() {
        Random rnd = new Random(11);
        String alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        String[] shapes = {"password=%s\n", "api_key: %s  \r\n", "token = \"%s\"", "secret:%s", "x(\"pwd\", '%s')",
            "aws_secret_access_key = %s\n", "SecretKey\": \"%s\"}", "secret_key=%s=", "Authorization: Basic %s;",
            "AKIAQYLPMN5HHHFPZAM2 %s ", "AKIAQYLPMN5HHHFPZA %s ", "x eyJ%s.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ ",
            "eyJhbGciOiJIUzI1NiJ9.eyJ%s.c2lnbmF0dXJlLXNpZ25hdHVyZQ"};
        int findings = 0;
        for (String shape : shapes) {
            for (int n : new int[] {7, 8, 9, 10, 11, 39, 40, 41, 127, 128, 129, 1000, 1001}) {
                StringBuilder value = new StringBuilder();
                for (int i = 0; i < n; i++) {
                    value.append(alnum.charAt(rnd.nextInt(alnum.length())));
                }
                byte[] data = String.format(shape, value).getBytes(StandardCharsets.ISO_8859_1);
                List<Finding> reference = FILTERED_ONLY.referenceFindings(data, "x.txt");
                assertThat(EngineEquivalenceTest.plain(FILTERED_ONLY.scan(data, "x.txt"))).as(shape + " " + n)
                        .isEqualTo(reference);
                findings += reference.size();
            }
        }
        assertThat(findings).isGreaterThan(30);
    }

    /**
     * The paired AWS filter decides "a 40-character secret within 200 bytes": gaps around 200, gap bytes that are
     * and are not in the secret's alphabet, secrets of 39-41 characters, with and without a trailing {@code =}.
     */
    @Test
    void awsPairedGapAndSecretBoundsAreTheFiltersBounds() {
        String secret = "U8JZpDE0iGXlD6gNCFbaEPFjbD0kH8Oool8Dk/+9";
        int findings = 0;
        for (int gap : new int[] {0, 1, 2, 198, 199, 200, 201, 202, 203}) {
            for (String fill : new String[] {" ", ".", "a", "a.", "\n"}) {
                for (String value : new String[] {secret, secret.substring(1), secret + "Q", secret + "="}) {
                    for (String after : new String[] {" ", "", "=", "x"}) {
                        String gapText = fill.repeat(gap + 1).substring(0, gap);
                        byte[] data = ("AKIAQYLPMN5HHHFPZAM2" + gapText + " " + value + after)
                                .getBytes(StandardCharsets.ISO_8859_1);
                        List<Finding> reference = FILTERED_ONLY.referenceFindings(data, "x.txt");
                        assertThat(EngineEquivalenceTest.plain(FILTERED_ONLY.scan(data, "x.txt")))
                                .as("gap %d of '%s', value %s, then '%s'", gap, fill, value, after).isEqualTo(reference);
                        findings += (int) reference.stream().filter(f -> f.ruleId().equals("aws-secret-access-key-paired")).count();
                    }
                }
            }
        }
        assertThat(findings).isGreaterThan(50);
    }

    /** {@code [?&]} then at most 30 name bytes before the credential name: prefixes around 30, short and long names. */
    @Test
    void queryParameterPrefixBoundsAreTheFiltersBounds() {
        int findings = 0;
        for (String name : new String[] {"pwd", "token", "access_token", "passphrase", "credential"}) {
            for (int prefix = 0; prefix <= 34; prefix++) {
                for (String before : new String[] {"?", "&", "/", "\n", ""}) {
                    byte[] data = ("x" + before + "a1_.-".repeat(8).substring(0, prefix) + name + "=Zq8Xw7CvAb3dE5 ")
                            .getBytes(StandardCharsets.ISO_8859_1);
                    List<Finding> reference = FILTERED_ONLY.referenceFindings(data, "x.txt");
                    assertThat(EngineEquivalenceTest.plain(FILTERED_ONLY.scan(data, "x.txt")))
                            .as("'%s' + %d + %s", before, prefix, name).isEqualTo(reference);
                    findings += (int) reference.stream().filter(f -> f.ruleId().equals("generic-credential-query-param")).count();
                }
            }
        }
        assertThat(findings).isGreaterThan(100);
    }

    @Test
    void soupsReallyExerciseTheFilteredRules() {
        assertThat(FILTERED).extracting(Rule::id).contains("generic-credential-assignment",
                "generic-credential-line", "generic-credential-markup", "generic-credential-query-param");
        java.util.Set<String> found = new java.util.TreeSet<>();
        for (long seed = 0; seed < 1500; seed++) {
            byte[] data = soup(seed, 60).getBytes(StandardCharsets.ISO_8859_1);
            List<Finding> reference = FILTERED_ONLY.referenceFindings(data, "x.txt");
            assertThat(EngineEquivalenceTest.plain(FILTERED_ONLY.scan(data, "x.txt"))).as("seed %d", seed)
                    .isEqualTo(reference);
            reference.forEach(f -> found.add(f.ruleId()));
        }
        // Not vacuous: the soups produce findings of every filtered rule.
        assertThat(found).containsAll(FILTERED.stream().map(Rule::id).toList());
    }
}
