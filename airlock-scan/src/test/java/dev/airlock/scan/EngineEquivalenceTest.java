package dev.airlock.scan;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The windowed engine reports exactly what the naive reference path reports. */
class EngineEquivalenceTest {
    private static final Scanner SCANNER = Scanner.builder().rules(TestRules.all()).build();

    static List<Finding> plain(ScanResult result) {
        if (result instanceof ScanResult.Incomplete i) {
            throw new AssertionError("incomplete: " + i.reason());
        }
        return result.findings().stream().filter(f -> f.encoding().equals("plain")).toList();
    }

    static String randomSecretText(long seed, int pieces) {
        Random rnd = new Random(seed);
        String alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder sb = new StringBuilder();
        for (int p = 0; p < pieces; p++) {
            switch (rnd.nextInt(9)) {
                case 0 -> {
                    sb.append("ghp_");
                    int n = 30 + rnd.nextInt(10);
                    for (int i = 0; i < n; i++) {
                        sb.append(alnum.charAt(rnd.nextInt(alnum.length())));
                    }
                }
                case 1 -> sb.append(rnd.nextBoolean() ? "PASSWORD = \"" : "passwd:").append("Xk9#q2Lm").append(rnd.nextInt(1000000));
                case 2 -> {
                    sb.append("AKIA");
                    for (int i = 0; i < 14 + rnd.nextInt(4); i++) {
                        sb.append("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".charAt(rnd.nextInt(32)));
                    }
                }
                case 3 -> sb.append("xoxb-").append(1000000000L + rnd.nextInt(1000000)).append('-')
                        .append(2000000000L + rnd.nextInt(100000)).append('-').append("AbCdEfGhIjKlMnOpQrStUvWx");
                case 4 -> sb.append("-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA").append("q".repeat(rnd.nextInt(80)))
                        .append(rnd.nextBoolean() ? "\n-----END RSA PRIVATE KEY-----" : "");
                case 5 -> sb.append(" \n\t=\":_-/".charAt(rnd.nextInt(9)));
                case 6 -> sb.append(alnum.charAt(rnd.nextInt(alnum.length())));
                case 7 -> sb.append("gHp_pAsSwOrD".substring(0, 1 + rnd.nextInt(12)));
                default -> {
                    for (int i = 0; i < rnd.nextInt(50); i++) {
                        sb.append((char) (32 + rnd.nextInt(95)));
                    }
                }
            }
        }
        return sb.toString();
    }

    /** Mostly ordinary text with a few planted secrets: many segments, a bounded number of findings. */
    static String sparseText(Random rnd) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            sb.append("the quick brown fox jumps over the lazy dog; int x = compute(y, 42);\n");
        }
        sb.append(randomSecretText(rnd.nextLong(), 10));
        return sb.toString();
    }

    @Property(tries = 300)
    void engineEqualsReferenceOnRandomInputsWithPlantedSecrets(@ForAll long seed, @ForAll @IntRange(min = 1, max = 400) int pieces) {
        byte[] data = randomSecretText(seed, pieces).getBytes(StandardCharsets.ISO_8859_1);
        assertThat(plain(SCANNER.scan(data, "x.txt"))).isEqualTo(SCANNER.referenceFindings(data, "x.txt"));
    }

    @Property(tries = 200)
    void engineEqualsReferenceOnArbitraryBytes(@ForAll("bytes") byte[] data) {
        assertThat(plain(SCANNER.scan(data, null))).isEqualTo(SCANNER.referenceFindings(data, null));
    }

    @Provide
    Arbitrary<byte[]> bytes() {
        List<Byte> alphabet = new java.util.ArrayList<>();
        for (byte b : "ghp_AKIAxoxb-password=\"-----BEGIN \n0123456789abcdefXYZ".getBytes(StandardCharsets.ISO_8859_1)) {
            alphabet.add(b);
        }
        Arbitrary<Byte> interesting = Arbitraries.of(alphabet);
        return Arbitraries.oneOf(Arbitraries.bytes(), interesting, interesting).array(byte[].class).ofMaxSize(3000);
    }

    @Test
    void everyRuleExampleIsFoundIdenticallyByEngineAndReference() {
        for (Rule rule : SCANNER.rules()) {
            for (String example : rule.examples()) {
                byte[] data = example.getBytes(StandardCharsets.UTF_8);
                List<Finding> reference = SCANNER.referenceFindings(data, "example.txt");
                assertThat(plain(SCANNER.scan(data, "example.txt"))).as(rule.id()).isEqualTo(reference);
                assertThat(reference).as(rule.id() + " finds its example").anyMatch(f -> f.ruleId().equals(rule.id()));
            }
            for (String negative : rule.negatives()) {
                byte[] data = negative.getBytes(StandardCharsets.UTF_8);
                assertThat(plain(SCANNER.scan(data, "n.txt"))).isEqualTo(SCANNER.referenceFindings(data, "n.txt"));
            }
        }
    }

    @Test
    void findsPlantedSecretsAcrossManySegments() {
        StringBuilder sb = new StringBuilder();
        Random rnd = new Random(7);
        while (sb.length() < 3 * EngineStream.SEGMENT) {
            sb.append(sparseText(rnd)).append('\n');
        }
        byte[] data = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
        List<Finding> reference = SCANNER.referenceFindings(data, "big.txt");
        assertThat(reference).hasSizeGreaterThan(100);
        assertThat(plain(SCANNER.scan(data, "big.txt"))).isEqualTo(reference);
    }
}
