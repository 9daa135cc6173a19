package dev.airlock.scan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.airlock.scan.rules.BuiltinRules;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * {@code EngineStream.decodeRegions} decodes base64 runs as its walk reaches them instead of collecting every
 * region and sorting; the regions (and the layers they decode to) must still be decoded in exactly the order of
 * the definition it replaced, kept here: collect the gzip region at the layer's start, then runs and triggers in
 * input order (a run before the trigger byte that ends it), sort by start (ties in the order found), decode each
 * in pieces, and unwrap every decoded layer the same way one level deeper.
 */
class RegionOrderTest {
    private static final Engine ENGINE = new Engine(BuiltinRules.all(), KnownSecrets.NONE, ScanLimits.DEFAULT, false);

    @Property(tries = 1500)
    void regionsAndLayersAreDecodedInTheDefinitionsOrder(@ForAll long seed, @ForAll @IntRange(min = 1, max = 60) int pieces) {
        byte[] data = mix(new Random(seed), pieces);
        List<String> actual = new ArrayList<>();
        EngineStream stream = new EngineStream(ENGINE, null);
        stream.trace = (depth, decoder, start, end) -> actual.add(depth + ":" + decoder + ":" + start + "-" + end);
        ScanResult result = stream.scanWhole(data, data.length);
        // Layers nested past the depth limit make the result incomplete, and are in the definition too; the
        // decode budget is not: these inputs are far below it.
        assertThat(result instanceof ScanResult.Incomplete i ? i.reason() : "").doesNotStartWith("decoded");
        List<String> expected = new ArrayList<>();
        definition(data, data.length, 0, expected);
        assertThat(actual).as(new String(data, StandardCharsets.ISO_8859_1)).isEqualTo(expected);
    }

    /** The order of the former implementation, for a whole layer ({@code last}, nothing carried over). */
    private static void definition(byte[] data, int len, int depth, List<String> out) {
        LayerEvents events = new LayerEvents();
        ENGINE.prefilter.scan(data, 0, 0, len, events);
        List<long[]> regions = new ArrayList<>(); // {start, index, end, decoder}
        long compressed = ENGINE.decoders[3].regionAround(data, 0, 0, len);
        if (compressed >= 0) {
            regions.add(new long[] {compressed >>> 32, regions.size(), (int) compressed, 3});
        }
        int doneJson = 0;
        int donePercent = 0;
        int t = 0;
        int u = 0;
        while (t < events.triggerCount || u < events.runCount) {
            if (u < events.runCount && (t >= events.triggerCount || events.runs[u + 1] <= events.triggers[t])) {
                int rs = events.runs[u];
                int re = events.runs[u + 1];
                u += 2;
                long r = re - rs >= Base64Decoder.MIN_RUN ? Base64Decoder.regionOfRun(data, rs, re, len) : -1;
                if (r >= 0) {
                    regions.add(new long[] {rs, regions.size(), (int) r, 2});
                }
                continue;
            }
            int i = events.triggers[t++];
            int d = data[i] == '\\' ? 0 : 1;
            int done = d == 0 ? doneJson : donePercent;
            if (i < done) {
                continue;
            }
            long r = ENGINE.decoders[d].regionAround(data, i, done, len);
            if (r < 0) {
                continue;
            }
            regions.add(new long[] {r >>> 32, regions.size(), (int) r, d});
            if (d == 0) {
                doneJson = (int) r;
            } else {
                donePercent = (int) r;
            }
        }
        regions.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        for (long[] region : regions) {
            int which = (int) region[3];
            LayerDecoder decoder = ENGINE.decoders[which];
            int piece = Engine.MAX_REGION - Engine.MAX_REGION % decoder.alignment();
            for (int s = (int) region[0], end = (int) region[2]; s < end; ) {
                int e = end - s > piece ? s + piece : end;
                out.add(depth + ":" + which + ":" + s + "-" + e);
                if (depth < ScanLimits.DEFAULT.maxDecodeDepth()) {
                    LayerBuffer layer = new LayerBuffer();
                    int n = decoder.decode(data, s, e, Integer.MAX_VALUE - 16, layer);
                    if (n >= 0) {
                        definition(Arrays.copyOf(layer.bytes, n), n, depth + 1, out);
                    }
                }
                s = e;
            }
        }
    }

    /**
     * Pieces that make regions overlap and nest: JSON strings around base64 runs, percent-encoding next to them
     * (a percent region reaches back over a run), base64 of JSON, of percent-encoding and of base64, gzip.
     */
    static byte[] mix(Random r, int pieces) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int p = 0; p < pieces; p++) {
            byte[] piece = switch (r.nextInt(12)) {
                case 0 -> base64(r, text(r, 10 + r.nextInt(80)));
                case 1 -> base64(r, random(r, 20 + r.nextInt(120)));
                case 2 -> ("\"" + new String(text(r, r.nextInt(20)), StandardCharsets.ISO_8859_1) + "\\n"
                        + new String(base64(r, text(r, 20 + r.nextInt(40))), StandardCharsets.ISO_8859_1)
                        + (r.nextBoolean() ? "\\u00e9\\\"x\"" : "\"")).getBytes(StandardCharsets.ISO_8859_1);
                case 3 -> ("a%2F" + new String(base64(r, text(r, 20 + r.nextInt(40))), StandardCharsets.ISO_8859_1)
                        + (r.nextBoolean() ? "%3D" : "")).getBytes(StandardCharsets.ISO_8859_1);
                case 4 -> base64(r, ("{\"k\":\"line\\nkey\\t" + new String(text(r, 30), StandardCharsets.ISO_8859_1)
                        + "\"}").getBytes(StandardCharsets.ISO_8859_1));
                case 5 -> base64(r, ("q=" + "%41%2f".repeat(1 + r.nextInt(5)) + new String(text(r, 20), StandardCharsets.ISO_8859_1))
                        .getBytes(StandardCharsets.ISO_8859_1));
                case 6 -> base64(r, base64(r, text(r, 30 + r.nextInt(60))));
                case 7 -> base64(r, Base64DecoderTest.gzip(text(r, 40 + r.nextInt(100))));
                case 8 -> ("sha512-" + "A".repeat(86) + "==").getBytes(StandardCharsets.ISO_8859_1);
                case 9 -> new byte[] {(byte) " \n\"%\\=\t"
                        .charAt(r.nextInt(7))};
                case 10 -> p == 0 ? Base64DecoderTest.gzip(text(r, 50)) : text(r, r.nextInt(30));
                default -> text(r, r.nextInt(40));
            };
            out.writeBytes(piece);
        }
        return out.toByteArray();
    }

    private static byte[] base64(Random r, byte[] b) {
        String s = (r.nextBoolean() ? Base64.getEncoder() : Base64.getUrlEncoder()).encodeToString(b);
        return (r.nextInt(4) == 0 ? s.replace("=", "") : s).getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] text(Random r, int n) {
        byte[] b = new byte[n];
        String chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 _-+/=%\\\":.,\n";
        for (int i = 0; i < n; i++) {
            b[i] = (byte) chars.charAt(r.nextInt(chars.length()));
        }
        return b;
    }

    private static byte[] random(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }
}
