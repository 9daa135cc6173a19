package dev.airlock.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class KnownSecretsTest {
    private static final String SECRET = "s3cr3t/Value+With\"Quote";
    private static final Scanner SCANNER = Scanner.builder().rules(List.of())
            .knownSecrets(KnownSecrets.of(Map.of("DB_PASSWORD", SECRET))).build();

    private static List<Finding> scan(String text) {
        ScanResult r = SCANNER.scan(text.getBytes(StandardCharsets.UTF_8), "t");
        assertThat(r).isInstanceOf(ScanResult.Complete.class);
        return r.findings().stream().filter(f -> f.ruleId().equals("known-secret:DB_PASSWORD")).toList();
    }

    private static String reverse(String s) {
        return new StringBuilder(s).reverse().toString();
    }

    @Test
    void findsEveryWireFormOfTheSecret() {
        byte[] utf8 = SECRET.getBytes(StandardCharsets.UTF_8);
        Map<String, String> forms = new java.util.LinkedHashMap<>();
        forms.put("plain", "x=" + SECRET + ";");
        forms.put("reversed", "x=" + reverse(SECRET) + ";");
        forms.put("hex", "h=" + HexFormat.of().formatHex(utf8));
        forms.put("HEX", "h=" + HexFormat.of().withUpperCase().formatHex(utf8));
        forms.put("percent", "q=" + URLEncoder.encode(SECRET, StandardCharsets.UTF_8).replace("+", "%20"));
        forms.put("json", "{\"p\":\"" + SECRET.replace("\"", "\\\"") + "\"}");
        forms.put("json-slash", "{\"p\":\"" + SECRET.replace("\"", "\\\"").replace("/", "\\/") + "\"}");
        for (int align = 0; align < 3; align++) {
            String prefix = "ab".substring(0, align);
            forms.put("base64-" + align, "Authorization: Basic " + Base64.getEncoder().encodeToString((prefix + SECRET).getBytes(StandardCharsets.UTF_8)));
            forms.put("base64url-" + align, "t=" + Base64.getUrlEncoder().withoutPadding().encodeToString(("user:" + prefix + SECRET + "!").getBytes(StandardCharsets.UTF_8)));
        }
        forms.forEach((name, text) -> {
            List<Finding> found = scan("first line\n" + text + "\n");
            assertThat(found).as(name).isNotEmpty();
            assertThat(found).allSatisfy(f -> {
                assertThat(f.confidence()).isEqualTo(Confidence.CERTAIN);
                assertThat(f.line()).isEqualTo(2);
                assertThat(f.redacted()).isEqualTo("s3cr…" + SECRET.length());
            });
        });
    }

    @Test
    void findsTheSecretInsideNestedEncodingsToo() {
        String json = "{\"auth\":\"" + Base64.getEncoder().encodeToString(("k=" + SECRET).getBytes(StandardCharsets.UTF_8)) + "\"}";
        assertThat(scan(json)).isNotEmpty();
    }

    @Property(tries = 300)
    void noFalsePositivesOnNearMisses(@ForAll long seed, @ForAll @IntRange(min = 0, max = 22) int position) {
        Random rnd = new Random(seed);
        char[] c = SECRET.toCharArray();
        c[position] = (char) (c[position] ^ (1 + rnd.nextInt(30)));
        String nearMiss = new String(c);
        String text = "a " + nearMiss + " b " + Base64.getEncoder().encodeToString(nearMiss.getBytes(StandardCharsets.UTF_8))
                + " " + HexFormat.of().formatHex(nearMiss.getBytes(StandardCharsets.UTF_8)) + " " + SECRET.substring(0, 22);
        assertThat(scan(text)).isEmpty();
    }

    @Test
    void noFalsePositivesOnRandomText() {
        Random rnd = new Random(1);
        byte[] data = new byte[4 << 20];
        rnd.nextBytes(data);
        ScanResult r = SCANNER.scan(data, "r");
        assertThat(r.findings()).noneMatch(f -> f.ruleId().startsWith("known-secret"));
    }

    @Test
    void refusesShortValuesAndBadNames() {
        assertThatThrownBy(() -> KnownSecrets.of(Map.of("X", "short"))).hasMessageContaining("shorter than 8");
        assertThatThrownBy(() -> KnownSecrets.of(Map.of("bad name", "longenough"))).hasMessageContaining("must be");
    }

    @Test
    void holdsNoPlainValue() throws Exception {
        KnownSecrets ks = KnownSecrets.of(Map.of("K", SECRET));
        for (java.lang.reflect.Field f : KnownSecrets.class.getDeclaredFields()) {
            f.setAccessible(true);
            Object v = f.get(ks);
            assertThat(String.valueOf(v)).doesNotContain(SECRET);
        }
        assertThat(ks.names()).containsExactly("K");
    }
}
