package dev.airlock.scan;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class StreamingTest {
    /** A PEM private key as it travels inside a JSON string. */
    private static final String PEM_IN_JSON = DecodingTest.PEM.replace("\n", "\\n");
    /** A token line, base64-encoded. */
    private static final String TOKEN_BASE64 = java.util.Base64.getEncoder().encodeToString(
            ("token: " + DecodingTest.TOKEN + "\n").getBytes(StandardCharsets.US_ASCII));

    private static final Scanner SCANNER = Scanner.builder().rules(TestRules.all()).build();

    private static ScanResult chunked(Scanner scanner, byte[] data, int[] cuts) {
        try (ScanStream s = scanner.open("s.txt")) {
            int at = 0;
            for (int cut : cuts) {
                int c = Math.min(Math.max(cut, at), data.length);
                s.write(data, at, c - at);
                at = c;
            }
            s.write(data, at, data.length - at);
            return s.finish();
        }
    }

    @Property(tries = 60)
    void aSecretSplitAtAnyChunkBoundaryIsFound(@ForAll long seed, @ForAll @IntRange(min = 0, max = 6000) int near) {
        Random rnd = new Random(seed);
        // Around the first segment boundary, where the engine actually cuts its buffer.
        int pad = EngineStream.SEGMENT - 3000 + near;
        String secret = "ghp_" + "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dE3fG5";
        String text = "x".repeat(pad) + "\ntoken=" + secret + "\n" + "y".repeat(rnd.nextInt(3000));
        byte[] data = text.getBytes(StandardCharsets.US_ASCII);
        int[] cuts = new int[1 + rnd.nextInt(20)];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = rnd.nextInt(data.length + 1);
        }
        java.util.Arrays.sort(cuts);
        ScanResult result = chunked(SCANNER, data, cuts);
        assertThat(result).isInstanceOf(ScanResult.Complete.class);
        assertThat(result.findings()).singleElement().satisfies(f -> {
            assertThat(f.ruleId()).isEqualTo("t-github-pat");
            assertThat(f.offset()).isEqualTo(pad + 7);
            assertThat(f.line()).isEqualTo(2);
            assertThat(f.column()).isEqualTo(7);
        });
    }

    @Property(tries = 60)
    void encodedSecretsSplitAtAnyChunkBoundaryAreFound(@ForAll long seed) {
        Random rnd = new Random(seed);
        String text = "z".repeat(EngineStream.SEGMENT - 4000 + rnd.nextInt(6000)) + "\n{\"content\":\"key " + PEM_IN_JSON + "\"}\n"
                + "w".repeat(rnd.nextInt(3000)) + "\ndata: " + TOKEN_BASE64 + "\n" + "q".repeat(rnd.nextInt(100));
        byte[] data = text.getBytes(StandardCharsets.US_ASCII);
        int[] cuts = new int[1 + rnd.nextInt(30)];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = rnd.nextBoolean() ? rnd.nextInt(data.length + 1) : data.length - 1 - rnd.nextInt(8000);
        }
        java.util.Arrays.sort(cuts);
        ScanResult result = chunked(SCANNER, data, cuts);
        assertThat(result).isInstanceOf(ScanResult.Complete.class);
        assertThat(result.findings()).isEqualTo(SCANNER.scan(data, "s.txt").findings());
        assertThat(result.findings()).extracting(Finding::ruleId, Finding::encoding)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("t-pem", "json"),
                        org.assertj.core.groups.Tuple.tuple("t-github-pat", "base64"));
    }

    @Property(tries = 4)
    void chunkedEqualsWholeOnMultiSegmentInput(@ForAll long seed) {
        Random rnd = new Random(seed);
        StringBuilder sb = new StringBuilder();
        while (sb.length() < EngineStream.SEGMENT + 300_000) {
            sb.append(EngineEquivalenceTest.sparseText(rnd)).append('\n');
        }
        byte[] data = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
        int[] cuts = new int[5];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = rnd.nextInt(data.length);
        }
        java.util.Arrays.sort(cuts);
        List<Finding> whole = SCANNER.referenceFindings(data, "s.txt");
        assertThat(EngineEquivalenceTest.plain(chunked(SCANNER, data, cuts))).isEqualTo(whole);
    }

    /**
     * An array over one segment is read in place (no copy into the stream's buffer): its findings, with line,
     * column and suppression, must be those of the same bytes streamed in arbitrary chunks, which are copied and
     * shifted. Secrets, encoded regions and suppressed lines are planted near every segment boundary.
     */
    @Property(tries = 6)
    void inPlaceScanEqualsChunkedStreamOnMultiSegmentInput(@ForAll long seed) {
        Random rnd = new Random(seed);
        String[] plants = {"\n{\"content\":\"key " + PEM_IN_JSON + "\"}\n", "\ndata: " + TOKEN_BASE64 + "\n",
            "\ntoken=ghp_aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dE3fG5\n",
            "\ntoken=ghp_aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dE3fG5 # airlock:allow\n"};
        StringBuilder sb = new StringBuilder();
        int segments = 2 + rnd.nextInt(2);
        for (int k = 1; k <= segments; k++) {
            while (sb.length() < k * EngineStream.SEGMENT - 2000 - rnd.nextInt(3000)) {
                sb.append(EngineEquivalenceTest.sparseText(rnd)).append('\n');
            }
            for (int p = 0; p < 6; p++) {
                sb.append(plants[rnd.nextInt(plants.length)]).append("x".repeat(rnd.nextInt(900)));
            }
        }
        byte[] data = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
        int[] cuts = new int[1 + rnd.nextInt(8)];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = rnd.nextInt(data.length);
        }
        java.util.Arrays.sort(cuts);
        List<Finding> inPlace = SCANNER.scan(data, "s.txt").findings();
        assertThat(inPlace).extracting(Finding::ruleId).contains("t-pem", "t-github-pat");
        assertThat(inPlace).isEqualTo(chunked(SCANNER, data, cuts).findings());
    }

    @Test
    void lineAndColumnAreCountedAcrossDroppedSegments() {
        String secret = "ghp_" + "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dE3fG5";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 100_000; i++) {
            sb.append("line ").append(i).append(" of filler text\n");
        }
        sb.append("  k=").append(secret).append('\n');
        ScanResult result = SCANNER.scan(sb.toString().getBytes(StandardCharsets.US_ASCII), "f");
        assertThat(result.findings()).singleElement().satisfies(f -> {
            assertThat(f.line()).isEqualTo(100_001);
            assertThat(f.column()).isEqualTo(5);
        });
    }

    @Test
    void byteCapMakesTheResultIncompleteNotClean() {
        Scanner capped = Scanner.builder().rules(TestRules.all()).limits(ScanLimits.DEFAULT.withMaxBytes(1000)).build();
        ScanResult result = capped.scan(new byte[5000], "f");
        assertThat(result).isInstanceOfSatisfying(ScanResult.Incomplete.class,
                r -> assertThat(r.reason()).contains("1000 bytes"));
    }

    @Test
    void timeCapMakesTheResultIncompleteNotClean() {
        Scanner slow = Scanner.builder().rules(TestRules.all())
                .limits(ScanLimits.DEFAULT.withMaxTime(Duration.ofNanos(1))).build();
        byte[] data = "password = \"Xk9#q2Lm12345\"\n".repeat(100_000).getBytes(StandardCharsets.US_ASCII);
        assertThat(slow.scan(data, "f")).isInstanceOfSatisfying(ScanResult.Incomplete.class,
                r -> assertThat(r.reason()).contains("time limit"));
    }
}
