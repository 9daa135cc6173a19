package dev.airlock.scan;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class DecodingTest {
    private static final Scanner SCANNER = Scanner.builder().rules(TestRules.all()).build();
    static final String PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAvRm3mKq0a1t5VbN9c2Xh4kP8s0QeZ7yJ\nq2Lm9Xk4Tg7HcW1nR5bE3fD6uA8sY0pK2vJ9mQ1zL4tG7hN\n-----END RSA PRIVATE KEY-----";
    static final String TOKEN = "ghp_aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dE3fG5";

    private static List<Finding> scan(byte[] data) {
        ScanResult r = SCANNER.scan(data, "body.json");
        if (r instanceof ScanResult.Incomplete i) {
            throw new AssertionError(i.reason());
        }
        return r.findings();
    }

    private static String jsonEscape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("/", "\\/");
    }

    @Test
    void pemPrivateKeyInsideAJsonStringIsFound() {
        String body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"here is my key " + jsonEscape(PEM) + " ok\"}]}";
        List<Finding> findings = scan(body.getBytes(StandardCharsets.UTF_8));
        assertThat(findings).anySatisfy(f -> {
            assertThat(f.ruleId()).isEqualTo("t-pem");
            assertThat(f.encoding()).isEqualTo("json");
            assertThat(f.offset()).isEqualTo(body.indexOf("here is my key"));
        });
        // Without decoding the escaped newlines the rule cannot match: the finding is due to decoding.
        assertThat(SCANNER.referenceFindings(body.getBytes(StandardCharsets.UTF_8), "body.json")).isEmpty();
    }

    @Test
    void unicodeEscapedTokenIsFound() {
        String escaped = TOKEN.chars().mapToObj(c -> String.format("\\u%04x", c)).reduce("", String::concat);
        List<Finding> f = scan(("{\"t\":\"" + escaped + "\"}").getBytes(StandardCharsets.UTF_8));
        assertThat(f).singleElement().satisfies(x -> assertThat(x.encoding()).isEqualTo("json"));
    }

    @Test
    void percentEncodedBase64AndNestedEncodingsAreFound() {
        String b64 = Base64.getEncoder().encodeToString(("token: " + TOKEN + "\n").getBytes(StandardCharsets.UTF_8));
        String url = "https://example.test/cb?state=" + URLEncoder.encode("a=" + TOKEN.replace("_", "/"), StandardCharsets.UTF_8)
                + "&x=" + URLEncoder.encode("{\"k\":\"" + TOKEN + "\"}", StandardCharsets.UTF_8);
        assertThat(scan(("data: " + b64).getBytes(StandardCharsets.US_ASCII)))
                .anySatisfy(x -> assertThat(x.encoding()).isEqualTo("base64"));
        assertThat(scan(url.getBytes(StandardCharsets.US_ASCII))).anySatisfy(x -> {
            assertThat(x.ruleId()).isEqualTo("t-github-pat");
            assertThat(x.encoding()).isEqualTo("percent");
        });
        String jsonInB64 = "{\"cfg\":\"" + Base64.getUrlEncoder().encodeToString(
                ("{\"key\":\"" + jsonEscape(PEM) + "\"}").getBytes(StandardCharsets.UTF_8)) + "\"}";
        assertThat(scan(jsonInB64.getBytes(StandardCharsets.US_ASCII)))
                .anySatisfy(x -> assertThat(x.encoding()).isEqualTo("base64>json"));
    }

    @Test
    void gzipBodyAndBase64OfGzipAreFound() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(("{\"token\":\"" + TOKEN + "\"}").getBytes(StandardCharsets.US_ASCII));
        }
        assertThat(scan(bytes.toByteArray())).anySatisfy(x -> assertThat(x.encoding()).isEqualTo("gzip"));
        String wrapped = "payload=" + Base64.getEncoder().encodeToString(bytes.toByteArray());
        assertThat(scan(wrapped.getBytes(StandardCharsets.US_ASCII)))
                .anySatisfy(x -> assertThat(x.encoding()).isEqualTo("base64>gzip"));
    }

    @Test
    void aPlainSecretIsReportedOnceNotAgainPerLayer() {
        List<Finding> f = scan(("{\"a\":\"line\\nnext " + TOKEN + "\"}").getBytes(StandardCharsets.US_ASCII));
        assertThat(f).singleElement().satisfies(x -> assertThat(x.encoding()).isEqualTo("plain"));
    }
}
