package dev.airlock.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {
    // GitHub docs, "Validating webhook deliveries": the published test vector.
    private static final String SECRET = "It's a Secret to Everybody";
    private static final byte[] PAYLOAD = "Hello, World!".getBytes(StandardCharsets.UTF_8);
    private static final String EXPECTED =
            "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

    @Test
    void matchesGitHubsDocumentedTestVector() {
        WebhookSignature s = new WebhookSignature(SECRET);
        assertThat(s.sign(PAYLOAD)).isEqualTo(EXPECTED);
        assertThat(s.verify(PAYLOAD, EXPECTED)).isTrue();
    }

    @Test
    void rejectsForgeriesAndMalformedHeaders() {
        WebhookSignature s = new WebhookSignature(SECRET);
        assertThat(s.verify("Hello, World?".getBytes(StandardCharsets.UTF_8), EXPECTED)).isFalse();
        assertThat(new WebhookSignature("another secret").verify(PAYLOAD, EXPECTED)).isFalse();
        String flipped = EXPECTED.substring(0, EXPECTED.length() - 1) + "8";
        assertThat(s.verify(PAYLOAD, flipped)).isFalse();
        assertThat(s.verify(PAYLOAD, null)).isFalse();
        assertThat(s.verify(PAYLOAD, "")).isFalse();
        assertThat(s.verify(PAYLOAD, EXPECTED.substring(7))).isFalse();
        assertThat(s.verify(PAYLOAD, "sha1=" + EXPECTED.substring(7))).isFalse();
        assertThat(s.verify(PAYLOAD, "sha256=" + "zz".repeat(32))).isFalse();
        assertThat(s.verify(PAYLOAD, EXPECTED + "00")).isFalse();
    }
}
