package dev.airlock.scan;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The vector steps of {@link Base64Decoder} ({@link VectorBase64Block}) decide exactly as the scalar loop: the same
 * decoded bytes, the same counts per step, and the same keep/give-up result on random, textual, UTF-8, compressed
 * and adversarial input (characters outside the alphabet, bytes {@code >= 0x80}, mixed alphabets, padding, every
 * length mod 4, regions ending at the array's end, output caps).
 */
class VectorBase64BlockTest {
    private final Base64Decoder scalar = new Base64Decoder(false);
    private final Base64Decoder vector = new Base64Decoder(true);
    private final LayerBuffer scalarOut = new LayerBuffer();
    private final LayerBuffer vectorOut = new LayerBuffer();

    private void assertSameDecision(byte[] data, int start, int end, int maxOutput) {
        int expected = scalar.decode(data, start, end, maxOutput, scalarOut);
        int actual = vector.decode(data, start, end, maxOutput, vectorOut);
        String what = new String(data, start, end - start, StandardCharsets.ISO_8859_1);
        assertThat(actual).as("decode of %s (max %d)", what, maxOutput).isEqualTo(expected);
        if (expected >= 0) {
            assertThat(Arrays.copyOf(vectorOut.bytes, actual)).as("decode of %s", what)
                    .isEqualTo(Arrays.copyOf(scalarOut.bytes, expected));
        }
    }

    /** The payloads of {@link Base64DecoderTest} (text near the 90 % line, UTF-8 and Latin-1, gzip, zlib, binary). */
    @Property(tries = 3000)
    void encodedPayloadsDecideAsTheScalarLoop(@ForAll("payloads") byte[] payload, @ForAll boolean url,
                                              @ForAll @IntRange(max = 3) int cutStart, @ForAll @IntRange(max = 3) int cutEnd,
                                              @ForAll @IntRange(max = 70) int slack,
                                              @ForAll @IntRange(min = 1, max = 400) int maxOutput) {
        String encoded = (url ? Base64.getUrlEncoder() : Base64.getEncoder()).encodeToString(payload);
        // Bytes after the region: none (vector loads cannot reach past the array, so the scalar loop decodes it)
        // up to more than a step.
        byte[] data = ("..." + encoded + ".".repeat(slack)).getBytes(StandardCharsets.ISO_8859_1);
        int start = Math.min(3 + cutStart, data.length - slack);
        int end = Math.max(start, data.length - slack - cutEnd);
        assertSameDecision(data, start, end, maxOutput);
        assertSameDecision(data, start, end, Integer.MAX_VALUE - 16);
    }

    @Provide
    Arbitrary<byte[]> payloads() {
        return new Base64DecoderTest().payloads();
    }

    /** Characters of every kind, mostly from the alphabet so that runs are long, at any offset and length. */
    @Property(tries = 3000)
    void arbitraryBytesDecideAsTheScalarLoop(@ForAll("adversarial") byte[] data, @ForAll @IntRange(max = 400) int from,
                                             @ForAll @IntRange(max = 400) int length,
                                             @ForAll @IntRange(min = 1, max = 400) int maxOutput) {
        int start = Math.min(from, data.length);
        int end = Math.min(data.length, start + length);
        assertSameDecision(data, start, end, maxOutput);
        assertSameDecision(data, start, end, Integer.MAX_VALUE - 16);
    }

    @Provide
    Arbitrary<byte[]> adversarial() {
        byte[] all = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_".getBytes(StandardCharsets.US_ASCII);
        Arbitrary<Byte> alphabet = Arbitraries.integers().between(0, all.length - 1).map(k -> all[k]);
        // Characters that decode to controls, to ASCII text, to UTF-8 leads and continuations: A-H give sextets
        // 0-7 (control bytes), g-z and digits lead bytes and continuations depending on position.
        Arbitrary<Byte> standard = Arbitraries.of((byte) 'A', (byte) 'Q', (byte) 'g', (byte) 'w', (byte) '0', (byte) '9',
                (byte) 'Z', (byte) 'z', (byte) '+', (byte) '/');
        Arbitrary<Byte> odd = Arbitraries.of((byte) '=', (byte) '.', (byte) 0, (byte) 0x80, (byte) 0xC3, (byte) 0xFF,
                (byte) '-', (byte) '_', (byte) ' ', (byte) 0x7F);
        Arbitrary<Byte> mixed = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(60, alphabet), net.jqwik.api.Tuple.of(30, standard), net.jqwik.api.Tuple.of(1, odd));
        return Arbitraries.oneOf(mixed.array(byte[].class).ofMaxSize(450),
                standard.array(byte[].class).ofMaxSize(300),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(300));
    }

    /** Text re-encoded with a stray control byte or non-UTF-8 byte every so often: around the 90 % line. */
    @Property(tries = 2000)
    void textNearTheThresholdDecidesAsTheScalarLoop(@ForAll @IntRange(min = 0, max = 600) int n,
                                                    @ForAll @IntRange(max = 30) int percent, @ForAll long seed,
                                                    @ForAll boolean url) {
        Random r = new Random(seed);
        byte[] text = new byte[n];
        for (int i = 0; i < n; i++) {
            int k = r.nextInt(100);
            text[i] = (byte) (k < percent / 2 ? r.nextInt(32) : k < percent ? 0x80 + r.nextInt(128) : 32 + r.nextInt(95));
        }
        byte[] data = (url ? Base64.getUrlEncoder() : Base64.getEncoder()).encode(text);
        assertSameDecision(data, 0, data.length, Integer.MAX_VALUE - 16);
        byte[] padded = Arrays.copyOf(data, data.length + 64);
        assertSameDecision(padded, 0, data.length, Integer.MAX_VALUE - 16);
    }

    /** One step against the scalar definitions of its counts, for any number of quads and any byte before them. */
    @Property(tries = 3000)
    void oneStepCountsAsTheScalarDefinitions(@ForAll("blocks") byte[] chars, @ForAll @IntRange(min = 1, max = 16) int quads,
                                             @ForAll @IntRange(max = 255) int previous) {
        byte[] o = new byte[64];
        int r = VectorBase64Block.decode(chars, 0, o, 0, quads, previous);
        int kinds = 0;
        int controls = 0;
        int pairs = 0;
        int before = previous;
        for (int q = 0; q < quads; q++) {
            int bits = 0;
            for (int k = 0; k < 4; k++) {
                int v = Base64Decoder.value(chars[4 * q + k]);
                kinds |= v < 0 ? Base64Decoder.STANDARD_ONLY | Base64Decoder.URL_ONLY
                        : v & (Base64Decoder.STANDARD_ONLY | Base64Decoder.URL_ONLY);
                bits |= (v & 63) << (18 - 6 * k);
            }
            for (int k = 0; k < 3; k++) {
                int b = bits >> (16 - 8 * k) & 0xFF;
                if (Base64Decoder.value(chars[4 * q]) >= 0 && Base64Decoder.value(chars[4 * q + 1]) >= 0
                        && Base64Decoder.value(chars[4 * q + 2]) >= 0 && Base64Decoder.value(chars[4 * q + 3]) >= 0) {
                    assertThat(o[3 * q + k]).as("byte %d", 3 * q + k).isEqualTo((byte) b);
                }
                b = o[3 * q + k] & 0xFF;
                controls += Base64Decoder.nonText(b);
                boolean asciiBefore = before < 0x80;
                boolean leadBefore = before >= 0xC0;
                boolean continuation = b >= 0x80 && b < 0xC0;
                pairs += (asciiBefore && continuation) || (leadBefore && !continuation) ? 1 : 0;
                before = b;
            }
        }
        assertThat(r & 0xFF).as("controls").isEqualTo(controls);
        assertThat(r >>> 8 & 0xFF).as("pairs").isEqualTo(pairs);
        assertThat(r >>> 16).as("alphabets").isEqualTo(kinds);
    }

    @Provide
    Arbitrary<byte[]> blocks() {
        return Arbitraries.oneOf(
                Arbitraries.strings().withChars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
                        .ofLength(64).map(s -> s.getBytes(StandardCharsets.US_ASCII)),
                Arbitraries.strings().withChars("AQgw09+/-_Zz=.").ofLength(64).map(s -> s.getBytes(StandardCharsets.US_ASCII)),
                Arbitraries.bytes().array(byte[].class).ofSize(64));
    }
}
