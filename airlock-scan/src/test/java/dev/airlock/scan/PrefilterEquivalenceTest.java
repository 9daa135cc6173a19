package dev.airlock.scan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.airlock.scan.rules.BuiltinRules;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The vector prefilter reports exactly the events of the scalar one (keyword DFA + byte-class loop): the same
 * keyword occurrences, triggers and base64 runs (and line feed counts), for any bytes, any scanned sub-range and
 * any keyword set.
 * The engine tests then cover what the events are used for.
 */
class PrefilterEquivalenceTest {
    private static final List<String> BUILTIN = keywords(BuiltinRules.all());
    /** Short, long, overlapping, punctuation and non-ASCII keywords: every corner of the anchor tables. */
    private static final List<String> ODD = List.of("q~", "ab", "abc", "abcd", "bcde", "-----begin", "é_key", "\u00ff\u00fe",
            "://", "x", "aaaa", "aaaaaaaa", "%2f", "\\u00", "sk-ant-api03-");

    static List<String> keywords(List<Rule> rules) {
        LinkedHashSet<String> all = new LinkedHashSet<>();
        rules.forEach(r -> all.addAll(r.keywords()));
        return List.copyOf(all);
    }

    /** The events as comparable text: hits as a sorted set (the scalar one reports them by end, the vector by anchor). */
    static String events(Prefilter prefilter, byte[] data, int lower, int from, int len) {
        LayerEvents e = new LayerEvents();
        e.hit(99, 99); // stale content must be cleared
        prefilter.scan(data, lower, from, len, e);
        long[] hits = new long[e.hitCount / 2];
        for (int i = 0; i < e.hitCount; i += 2) {
            hits[i / 2] = ((long) e.hits[i + 1] << 32) | e.hits[i];
        }
        Arrays.sort(hits);
        return "hits " + Arrays.toString(hits) + "\ntriggers " + Arrays.toString(Arrays.copyOf(e.triggers, e.triggerCount))
                + "\nruns " + Arrays.toString(Arrays.copyOf(e.runs, e.runCount))
                + "\nline feeds " + prefilter.countLineFeeds(data, from, len);
    }

    private static final java.util.Map<List<String>, Prefilter[]> COMPILED = new java.util.concurrent.ConcurrentHashMap<>();

    static void assertSame(List<String> keywords, byte[] data, int lower, int from, int len) {
        Prefilter[] both = COMPILED.computeIfAbsent(keywords, k -> new Prefilter[] {
                new ScalarPrefilter(KeywordAutomaton.compile(k)), new VectorPrefilter(new KeywordAnchors(k))});
        Prefilter scalar = both[0];
        Prefilter vector = both[1];
        assertThat(events(vector, data, lower, from, len)).isEqualTo(events(scalar, data, lower, from, len));
        int lineFeeds = 0;
        for (int i = from; i < len; i++) {
            lineFeeds += data[i] == '\n' ? 1 : 0;
        }
        assertThat(scalar.countLineFeeds(data, from, len)).isEqualTo(lineFeeds);
    }

    @Test
    void theVectorPrefilterIsTheOneTestsRun() {
        Assumptions.assumeTrue(VectorPrefilter.supported(), "no 512-bit vectors on this machine");
        assertThat(new Engine(BuiltinRules.all(), KnownSecrets.NONE, ScanLimits.DEFAULT, false).prefilter)
                .isInstanceOf(VectorPrefilter.class);
    }

    @Property(tries = 400)
    void sameEventsOnArbitraryBytesAndRanges(@ForAll("bytes") byte[] data, @ForAll long seed) {
        Random rnd = new Random(seed);
        int len = data.length == 0 ? 0 : rnd.nextInt(data.length + 1);
        int from = len == 0 ? 0 : rnd.nextInt(len + 1);
        int lower = rnd.nextInt(from + 1);
        assertSame(rnd.nextBoolean() ? BUILTIN : ODD, data, lower, from, len);
    }

    @Provide
    Arbitrary<byte[]> bytes() {
        List<Byte> interesting = new ArrayList<>();
        for (byte b : String.join("", BUILTIN).concat(String.join("", ODD)).concat("\\%=\n \"AKIA+/_-")
                .toUpperCase().concat(String.join("", BUILTIN)).getBytes(StandardCharsets.UTF_8)) {
            interesting.add(b);
        }
        Arbitrary<Byte> picked = Arbitraries.of(interesting);
        // Long base64-alphabet stretches exercise the run masks across 64-byte blocks.
        Arbitrary<Byte> alphabet = Arbitraries.of((byte) 'a', (byte) 'Z', (byte) '0', (byte) '+', (byte) '/', (byte) '_');
        return Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(1, Arbitraries.bytes()),
                        net.jqwik.api.Tuple.of(3, picked),
                        net.jqwik.api.Tuple.of(4, alphabet))
                .array(byte[].class).ofMaxSize(700);
    }

    /**
     * Layers of several of the vector prefilter's chunks (8 KiB of blocks whose masks are computed before their
     * events are emitted): keywords, triggers and base64 runs of every length straddle block and chunk boundaries.
     */
    @Property(tries = 60)
    void sameEventsOnLayersOfSeveralChunks(@ForAll long seed) {
        Random rnd = new Random(seed);
        byte[] data = new byte[rnd.nextInt(4 * 8192) + 8000];
        byte[] keywordBytes = String.join(" ", BUILTIN).getBytes(StandardCharsets.UTF_8);
        byte[] alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < data.length; ) {
            int n = Math.min(data.length - i, 1 + rnd.nextInt(rnd.nextInt(10) == 0 ? 400 : 40));
            switch (rnd.nextInt(4)) {
                case 0 -> {
                    for (int j = 0; j < n; j++) {
                        data[i + j] = alphabet[rnd.nextInt(alphabet.length)];
                    }
                }
                case 1 -> {
                    int at = rnd.nextInt(keywordBytes.length);
                    n = Math.min(n, keywordBytes.length - at);
                    System.arraycopy(keywordBytes, at, data, i, n);
                }
                case 2 -> {
                    data[i] = (byte) "\\% \n=\"".charAt(rnd.nextInt(6));
                    n = 1;
                }
                default -> {
                    for (int j = 0; j < n; j++) {
                        data[i + j] = (byte) rnd.nextInt();
                    }
                }
            }
            i += Math.max(1, n);
        }
        int len = data.length - rnd.nextInt(200);
        int from = rnd.nextBoolean() ? 0 : rnd.nextInt(9000);
        assertSame(BUILTIN, data, rnd.nextInt(from + 1), from, len);
    }

    @Test
    void sameEventsOnPlantedKeywordsAtEveryOffset() {
        for (String keyword : BUILTIN) {
            byte[] kw = keyword.toUpperCase().getBytes(StandardCharsets.UTF_8);
            for (int at = 0; at < 140; at += 7) {
                byte[] data = new byte[200];
                Arrays.fill(data, (byte) 'a');
                System.arraycopy(kw, 0, data, Math.min(at, data.length - kw.length), kw.length);
                assertSame(BUILTIN, data, 0, 0, data.length);
                assertSame(BUILTIN, data, 0, Math.min(at, 60), data.length - at % 5);
            }
        }
    }

    @Test
    void sameEventsOnJdkSources() throws IOException {
        Path srcZip = Path.of(System.getProperty("java.home"), "lib", "src.zip");
        Assumptions.assumeTrue(Files.isRegularFile(srcZip), "the JDK has no lib/src.zip: " + srcZip);
        int files = 0;
        try (ZipFile zip = new ZipFile(srcZip.toFile())) {
            int index = 0;
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                if (entry.isDirectory() || !entry.getName().startsWith("java.base/") || index++ % 16 != 0) {
                    continue;
                }
                try (InputStream in = zip.getInputStream(entry)) {
                    byte[] data = in.readAllBytes();
                    assertSame(BUILTIN, data, 0, 0, data.length);
                    files++;
                }
            }
        }
        assertThat(files).isGreaterThan(150);
    }

    /** The four-bytes-at-once case folding of candidate words folds each byte exactly as the byte-wise one does. */
    @Test
    void wordFoldingFoldsEveryByteLikeTheByteFold() {
        Random rnd = new Random(7);
        for (int b = 0; b < 256; b++) {
            for (int p = 0; p < 4; p++) {
                int word = rnd.nextInt() & ~(0xFF << (8 * p)) | b << (8 * p);
                int expected = 0;
                for (int q = 0; q < 4; q++) {
                    expected |= KeywordAnchors.fold(word >>> (8 * q) & 0xFF) << (8 * q);
                }
                assertThat(KeywordAnchors.foldWord(word)).as("byte %d at %d of %08x", b, p, word).isEqualTo(expected);
            }
        }
    }
}
