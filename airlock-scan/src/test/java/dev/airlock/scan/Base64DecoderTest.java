package dev.airlock.scan;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The hand-written base64 decoder (early give-up on binary, reusable output) keeps exactly what the definition
 * it replaced kept: {@code java.util.Base64} over the region without its padding and a dangling last character,
 * null for mixed alphabets, and the result only if it is gzip/zlib or at least 90 % text (printable ASCII, tab, line
 * ends, and bytes of UTF-8 sequences: random binary and decoded hex digits or UUIDs, mostly bytes {@code >= 0x80}
 * that no UTF-8 sequence explains, are not text).
 */
class Base64DecoderTest {
    private final Base64Decoder decoder = new Base64Decoder();
    private final LayerBuffer out = new LayerBuffer();

    /** The definition: what {@code Base64Decoder.decode} did before it was written by hand. */
    static byte[] reference(byte[] data, int start, int end, int maxOutput) {
        int n = end;
        while (n > start && data[n - 1] == '=') {
            n--;
        }
        int len = n - start;
        len -= len % 4 == 1 ? 1 : 0;
        len = (int) Math.min(len, (maxOutput / 3) * 4L);
        String s = new String(data, start, len, java.nio.charset.StandardCharsets.ISO_8859_1);
        boolean url = s.indexOf('-') >= 0 || s.indexOf('_') >= 0;
        if (url && (s.indexOf('+') >= 0 || s.indexOf('/') >= 0)) {
            return null;
        }
        byte[] decoded;
        try {
            decoded = (url ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int printable = 0;
        boolean[] inSequence = utf8Sequences(decoded);
        for (int i = 0; i < decoded.length; i++) {
            int c = decoded[i] & 0xFF;
            if ((c >= 0x20 && c < 0x7f) || c == '\n' || c == '\r' || c == '\t' || inSequence[i]) {
                printable++;
            }
        }
        boolean gzip = decoded.length >= 3 && (decoded[0] & 0xFF) == 0x1f && (decoded[1] & 0xFF) == 0x8b && decoded[2] == 8;
        boolean zlib = decoded.length >= 2 && (decoded[0] & 0xFF) == 0x78 && ((0x78 * 256 + (decoded[1] & 0xFF)) % 31) == 0
                && (decoded[1] & 0x20) == 0;
        return gzip || zlib || printable * 10 >= decoded.length * 9 ? decoded : null;
    }

    /**
     * Which bytes {@code >= 0x80} belong to a UTF-8 sequence: a lead byte C2-DF, E0-EF or F0-F4 with its 1, 2 or 3
     * continuation bytes (80-BF), or the part of one cut by either end of the layer (at most 3 leading continuation
     * bytes; a lead byte followed only by continuation bytes up to the end).
     */
    static boolean[] utf8Sequences(byte[] b) {
        boolean[] in = new boolean[b.length];
        for (int i = 0; i < b.length && i < 3 && (b[i] & 0xC0) == 0x80; i++) {
            in[i] = true;
        }
        for (int i = 0; i < b.length; i++) {
            int c = b[i] & 0xFF;
            int need = c >= 0xC2 && c <= 0xDF ? 1 : c >= 0xE0 && c <= 0xEF ? 2 : c >= 0xF0 && c <= 0xF4 ? 3 : 0;
            if (need == 0) {
                continue;
            }
            int got = 0;
            while (got < need && i + 1 + got < b.length && (b[i + 1 + got] & 0xC0) == 0x80) {
                got++;
            }
            if (got == need || i + 1 + got == b.length) {
                for (int k = i; k <= i + got; k++) {
                    in[k] = true;
                }
                i += got;
            }
        }
        return in;
    }

    private void assertSameAsReference(byte[] data, int start, int end, int maxOutput) {
        byte[] expected = reference(data, start, end, maxOutput);
        int n = decoder.decode(data, start, end, maxOutput, out);
        byte[] actual = n < 0 ? null : Arrays.copyOf(out.bytes, n);
        assertThat(actual).as("decode of %s", new String(data, start, end - start, java.nio.charset.StandardCharsets.ISO_8859_1))
                .isEqualTo(expected);
    }

    /** Encodings of mostly-text, random binary and compressed payloads, in both alphabets, cut anywhere. */
    @Property(tries = 3000)
    void keepsExactlyWhatTheDefinitionKeeps(@ForAll("payloads") byte[] payload, @ForAll boolean url,
                                            @ForAll @IntRange(max = 3) int cutStart, @ForAll @IntRange(max = 3) int cutEnd,
                                            @ForAll @IntRange(min = 1, max = 400) int maxOutput) {
        String encoded = (url ? Base64.getUrlEncoder() : Base64.getEncoder()).encodeToString(payload);
        byte[] data = ("..." + encoded + "...").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        int start = Math.min(3 + cutStart, data.length - 3);
        int end = Math.max(start, data.length - 3 - cutEnd);
        assertSameAsReference(data, start, end, maxOutput);
        assertSameAsReference(data, start, end, Integer.MAX_VALUE - 16);
    }

    @Provide
    Arbitrary<byte[]> payloads() {
        Arbitrary<byte[]> binary = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
        // Text with a sprinkling of control bytes: around the 90 % threshold.
        Arbitrary<byte[]> text = Arbitraries.integers().between(0, 300).flatMap(n -> Arbitraries.integers().between(0, 25)
                .map(percent -> {
                    Random r = new Random(n * 31L + percent);
                    byte[] b = new byte[n];
                    for (int i = 0; i < n; i++) {
                        b[i] = (byte) (r.nextInt(100) < percent ? r.nextInt(32) : 32 + r.nextInt(95));
                    }
                    return b;
                }));
        // Non-ASCII text in UTF-8 and in Latin-1 (the same words): only the UTF-8 one is text, around the threshold.
        Arbitrary<byte[]> accented = Arbitraries.integers().between(0, 100).flatMap(n -> Arbitraries.integers().between(0, 40)
                .flatMap(percent -> Arbitraries.of(StandardCharsets.UTF_8, StandardCharsets.ISO_8859_1).map(charset -> {
                    Random r = new Random(n * 41L + percent);
                    StringBuilder sb = new StringBuilder();
                    for (int i = 0; i < n; i++) {
                        sb.append(r.nextInt(100) < percent ? "éüßñ€中".charAt(r.nextInt(6)) : (char) ('a' + r.nextInt(26)));
                    }
                    return sb.toString().getBytes(charset);
                })));
        Arbitrary<byte[]> compressed = binary.map(Base64DecoderTest::gzip);
        Arbitrary<byte[]> zlibMagic = binary.map(b -> {
            byte[] c = Arrays.copyOf(new byte[] {0x78, (byte) 0x9c}, b.length + 2);
            System.arraycopy(b, 0, c, 2, b.length);
            return c;
        });
        return Arbitraries.oneOf(binary, text, accented, compressed, zlibMagic);
    }

    /** Arbitrary regions as the engine forms them: a run of alphabet characters (mixed alphabets included), then at most two {@code =}. */
    @Property(tries = 2000)
    void arbitraryAlphabetRunsDecodeAsTheDefinition(@ForAll("runs") String run,
                                                    @ForAll @IntRange(min = 1, max = 200) int maxOutput) {
        byte[] data = run.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        assertSameAsReference(data, 0, data.length, maxOutput);
        assertSameAsReference(data, 0, data.length, Integer.MAX_VALUE - 16);
    }

    @Provide
    Arbitrary<String> runs() {
        return Arbitraries.strings().withChars("AQgw09+/-_Zz").ofMaxLength(120)
                .flatMap(run -> Arbitraries.integers().between(0, 2).map(pad -> run + "=".repeat(pad)));
    }

    /** What the benchmark mix is full of: hex commit ids and UUIDs are base64-alphabet runs, but not encoded text. */
    @Test
    void hexDigitsAndUuidsAreNotTextButEncodedUtf8Is() {
        Random r = new Random(11);
        for (int i = 0; i < 200; i++) {
            byte[] hex = (Long.toHexString(r.nextLong() | 1L << 63) + Long.toHexString(r.nextLong() | 1L << 63))
                    .getBytes(StandardCharsets.US_ASCII);
            byte[] uuid = new java.util.UUID(r.nextLong(), r.nextLong()).toString().getBytes(StandardCharsets.US_ASCII);
            assertThat(decoder.decode(hex, 0, hex.length, Integer.MAX_VALUE - 16, out)).as(new String(hex)).isEqualTo(-1);
            assertThat(decoder.decode(uuid, 0, uuid.length, Integer.MAX_VALUE - 16, out)).as(new String(uuid)).isEqualTo(-1);
        }
        byte[] text = "Grüße, ключ доступа: ghp_0123456789abcdefABCDEF0123456789abcd — 中文".getBytes(StandardCharsets.UTF_8);
        byte[] data = Base64.getEncoder().encode(text);
        assertThat(Arrays.copyOf(out.bytes, decoder.decode(data, 0, data.length, Integer.MAX_VALUE - 16, out))).isEqualTo(text);
    }

    @Test
    void reusesItsOutputAcrossRegionsOfEverySize() {
        Random r = new Random(7);
        for (int size = 0; size < 2000; size += 1 + size / 8) {
            byte[] text = new byte[size];
            for (int i = 0; i < size; i++) {
                text[i] = (byte) (32 + r.nextInt(95));
            }
            byte[] data = Base64.getEncoder().encode(text);
            assertSameAsReference(data, 0, data.length, Integer.MAX_VALUE - 16);
            assertThat(Arrays.copyOf(out.bytes, decoder.decode(data, 0, data.length, Integer.MAX_VALUE - 16, out)))
                    .isEqualTo(text);
        }
    }

    static byte[] gzip(byte[] b) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
                gz.write(b);
            }
            return bytes.toByteArray();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
