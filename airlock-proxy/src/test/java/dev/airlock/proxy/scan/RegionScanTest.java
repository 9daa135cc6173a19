package dev.airlock.proxy.scan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.airlock.scan.Finding;
import dev.airlock.scan.ScanResult;
import dev.airlock.scan.Scanner;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RegionScanTest {
    private static final Scanner SCANNER = Scanner.builder().build();
    private static final String AWS_KEY = "AKIAZ3MSJV4WWNKWW5FG";

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static ScanResult scan(RegionScan scan, String where, byte[] body) {
        scan.addLatin1("request-line", "POST", " ", "/v1/messages");
        scan.addLatin1("header:content-type", "Content-Type", ": ", "application/json");
        scan.add(where, body);
        return scan.finish();
    }

    @Test
    void theReusedBufferNeverLeaksAnEarlierRequestIntoTheNextScan() {
        byte[] secretBody = bytes("{\"padding\":\"" + "x".repeat(3000) + "\",\"key\":\"" + AWS_KEY + "\"}");
        try (RegionScan first = new RegionScan(SCANNER)) {
            ScanResult r = scan(first, "body", secretBody);
            assertThat(r.findings()).extracting(Finding::ruleId).anyMatch(id -> id.contains("aws"));
            assertThat(first.where(r.findings().getFirst())).isEqualTo("body");
        }
        // Same thread, so the same gathered buffer, now holding the secret past the shorter request's end.
        try (RegionScan second = new RegionScan(SCANNER)) {
            ScanResult r = scan(second, "body", bytes("{\"hello\":\"world\"}"));
            assertThat(r.findings()).isEmpty();
            assertThat(r).isInstanceOf(ScanResult.Complete.class);
        }
    }

    @Test
    void aRequestOverTheGatherLimitIsStreamedAndStillScannedWhole() {
        // One secret in what was gathered before the switch to streaming, one at the very end of what was streamed.
        byte[] body = new byte[RegionScan.GATHER_MAX + 4096];
        Arrays.fill(body, (byte) ' ');
        byte[] key = bytes(AWS_KEY);
        System.arraycopy(key, 0, body, body.length - key.length - 1, key.length);
        try (RegionScan scan = new RegionScan(SCANNER)) {
            scan.addLatin1("request-line", "POST", " ", "/v1/upload");
            scan.addLatin1("header:x-token", "X-Token", ": ", AWS_KEY);
            scan.add("body", body);
            scan.add("body(form-decoded)", bytes("a=b"));
            ScanResult r = scan.finish();
            assertThat(r).isInstanceOf(ScanResult.Complete.class);
            assertThat(r.findings()).extracting(scan::where).containsExactlyInAnyOrder("header:x-token", "body");
        }
    }
}
