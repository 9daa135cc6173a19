package dev.airlock.scan.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.airlock.scan.Finding;
import dev.airlock.scan.ScanResult;
import dev.airlock.scan.Scanner;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What LLM traffic carries besides code — base64 images, hashes, UUIDs, SRI digests — is high-entropy noise with
 * no credential in it. Seeded random noise of each kind must produce no finding at all.
 */
class RandomNoiseTest {
    private static final Scanner SCANNER = Scanner.builder().build();
    private final SplittableRandom random = new SplittableRandom(20261122);

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    @Test
    void base64BlobsProduceNoFinding() {
        String wrapped = Base64.getMimeEncoder().encodeToString(bytes(80_000));
        String dataUri = "{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\""
                + Base64.getEncoder().encodeToString(bytes(80_000)) + "\"}}";
        String urlSafe = Base64.getUrlEncoder().encodeToString(bytes(50_000));
        assertThat(scan(wrapped)).isEmpty();
        assertThat(scan(dataUri)).isEmpty();
        assertThat(scan(urlSafe)).isEmpty();
    }

    @Test
    void hashesUuidsAndIntegrityLinesProduceNoFinding() {
        StringBuilder b = new StringBuilder();
        HexFormat hex = HexFormat.of();
        for (int i = 0; i < 800; i++) {
            b.append("commit ").append(hex.formatHex(bytes(20))).append('\n');
            b.append("  \"id\": \"").append(new UUID(random.nextLong(), random.nextLong())).append("\",\n");
            b.append("  \"token\": \"").append(new UUID(random.nextLong(), random.nextLong())).append("\",\n");
            b.append("  \"integrity\": \"sha512-").append(Base64.getEncoder().encodeToString(bytes(64))).append("\",\n");
            b.append("github.com/x/y v1.2.").append(i).append(" h1:").append(Base64.getEncoder().encodeToString(bytes(32)))
                    .append('\n');
            b.append("digest: sha256:").append(hex.formatHex(bytes(32))).append('\n');
        }
        assertThat(scan(b.toString())).isEmpty();
    }

    private static List<Finding> scan(String text) {
        ScanResult result = SCANNER.scan(text.getBytes(StandardCharsets.US_ASCII), null);
        assertThat(result).isInstanceOf(ScanResult.Complete.class);
        return result.findings();
    }
}
