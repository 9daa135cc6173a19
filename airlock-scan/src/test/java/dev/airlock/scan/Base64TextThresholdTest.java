package dev.airlock.scan;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The edge of "text" for a decoded base64 layer: at most a tenth of its bytes may be non-text, and each of the two
 * kinds that count (control bytes, and bytes >= 0x80 outside any UTF-8 sequence) counts on its own. A layer with
 * exactly {@code length / 10} such bytes is kept and its secret found; one more and the layer is dropped unscanned.
 * An off-by-one in either count would let binary through (cost) or hide a secret in nearly-text data (a miss).
 */
class Base64TextThresholdTest {
    private static final Scanner SCANNER = Scanner.builder().rules(TestRules.all()).build();
    /** A multiple of 10 (so a tenth is exact) and of 3 (so the base64 has no padding and no cut group). */
    private static final int LENGTH = 300;
    private static final int TENTH = LENGTH / 10;
    private static final String TOKEN = DecodingTest.TOKEN;

    /** Two control bytes other than tab and line ends. */
    private static final byte[] CONTROLS = {0x01, 0x7f};
    /** A stray continuation byte after ASCII, and a byte that is never UTF-8: each outside any sequence. */
    private static final byte[] NOT_UTF8 = {(byte) 0x80, (byte) 0xff};

    @Test
    void aTenthOfControlBytesIsStillTextOneMoreIsNot() {
        assertKeptAtATenthDroppedPastIt(CONTROLS);
    }

    @Test
    void aTenthOfBytesOutsideUtf8IsStillTextOneMoreIsNot() {
        assertKeptAtATenthDroppedPastIt(NOT_UTF8);
    }

    @Test
    void bothKindsAddUpToTheSameTenth() {
        byte[] mixed = {CONTROLS[0], NOT_UTF8[0], CONTROLS[1], NOT_UTF8[1]};
        assertKeptAtATenthDroppedPastIt(mixed);
    }

    @Test
    void wholeUtf8SequencesDoNotCount() {
        // A quarter of the bytes are parts of two-byte sequences (é): text, and the tenth is still all there for
        // the bytes that do count.
        byte[] layer = layer(TENTH, CONTROLS, "é");
        assertThat(decoded(layer)).isEqualTo(LENGTH);
        assertThat(base64Findings(layer)).isNotEmpty();
        assertThat(decoded(layer(TENTH + 1, CONTROLS, "é"))).isEqualTo(-1);
    }

    private void assertKeptAtATenthDroppedPastIt(byte[] kinds) {
        byte[] atTheTenth = layer(TENTH, kinds, "");
        assertThat(nonText(atTheTenth)).isEqualTo(TENTH);
        assertThat(decoded(atTheTenth)).as("decoded length").isEqualTo(LENGTH);
        assertThat(base64Findings(atTheTenth)).as("findings in the kept layer").singleElement()
                .satisfies(f -> assertThat(f.ruleId()).isEqualTo("t-github-pat"));

        byte[] past = layer(TENTH + 1, kinds, "");
        assertThat(nonText(past)).isEqualTo(TENTH + 1);
        assertThat(decoded(past)).as("a layer past the tenth is dropped").isEqualTo(-1);
        assertThat(base64Findings(past)).as("nothing is scanned in a dropped layer").isEmpty();
    }

    /**
     * {@value #LENGTH} bytes: the secret on a line of its own, then filler text (lower-case letters, and {@code extra}
     * repeated where given), with {@code count} non-text bytes taken in turn from {@code kinds}, each between two
     * ASCII letters so that no byte pair hides or doubles one. Neither gzip nor zlib at the start.
     */
    private static byte[] layer(int count, byte[] kinds, String extra) {
        byte[] head = ("token: " + TOKEN + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] extraBytes = extra.getBytes(StandardCharsets.UTF_8);
        byte[] b = new byte[LENGTH];
        System.arraycopy(head, 0, b, 0, head.length);
        int i = head.length;
        int placed = 0;
        while (i < LENGTH) {
            if (placed < count && i + 1 < LENGTH) {
                b[i++] = kinds[placed++ % kinds.length];
                b[i++] = 'q';
            } else if (extraBytes.length > 0 && i % 4 == 0 && i + extraBytes.length < LENGTH) {
                System.arraycopy(extraBytes, 0, b, i, extraBytes.length);
                i += extraBytes.length;
            } else {
                b[i] = (byte) ('a' + i % 26);
                i++;
            }
        }
        assertThat(placed).as("room for %d non-text bytes", count).isEqualTo(count);
        return b;
    }

    /** The count of non-text bytes by the definition, independently of the decoder's incremental counting. */
    private static int nonText(byte[] b) {
        boolean[] inSequence = Base64DecoderTest.utf8Sequences(b);
        int n = 0;
        for (int i = 0; i < b.length; i++) {
            int c = b[i] & 0xFF;
            boolean text = (c >= 0x20 && c < 0x7f) || c == '\n' || c == '\r' || c == '\t' || inSequence[i];
            n += text ? 0 : 1;
        }
        return n;
    }

    private static byte[] encoded(byte[] layer) {
        return Base64.getEncoder().encode(layer);
    }

    /** The decoder's answer for the whole region: the decoded length if kept, -1 if dropped. */
    private static int decoded(byte[] layer) {
        byte[] data = encoded(layer);
        LayerBuffer out = new LayerBuffer();
        int n = new Base64Decoder().decode(data, 0, data.length, Integer.MAX_VALUE, out);
        if (n >= 0) {
            assertThat(Arrays.copyOf(out.bytes, n)).isEqualTo(layer);
        }
        return n;
    }

    /** Findings of a scan of the base64 in a request body that came from its decoded layer. */
    private static List<Finding> base64Findings(byte[] layer) {
        byte[] body = ("data=" + new String(encoded(layer), StandardCharsets.US_ASCII) + "\n")
                .getBytes(StandardCharsets.US_ASCII);
        ScanResult r = SCANNER.scan(body, "body.txt");
        if (r instanceof ScanResult.Incomplete i) {
            throw new AssertionError(i.reason());
        }
        return r.findings().stream().filter(f -> f.encoding().equals("base64")).toList();
    }
}
