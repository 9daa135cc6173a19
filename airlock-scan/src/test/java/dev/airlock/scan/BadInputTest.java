package dev.airlock.scan;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile and degenerate input: every case ends with a defined result and a clear reason, never a crash. */
class BadInputTest {
    private static final Scanner SCANNER = Scanner.builder().rules(TestRules.all()).build();

    @Test
    void binaryInputIsScannedWithoutError() {
        byte[] data = new byte[3 << 20];
        new Random(3).nextBytes(data);
        byte[] secret = DecodingTest.TOKEN.getBytes(StandardCharsets.US_ASCII);
        data[1_000_000] = ' ';
        System.arraycopy(secret, 0, data, 1_000_001, secret.length);
        data[1_000_001 + secret.length] = ' ';
        ScanResult r = SCANNER.scan(data, "blob.bin");
        assertThat(r).isInstanceOf(ScanResult.Complete.class);
        assertThat(r.findings()).anySatisfy(f -> assertThat(f.offset()).isEqualTo(1_000_001));
    }

    @Test
    void invalidUtf8AroundASecretDoesNotHideIt() {
        byte[] prefix = {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xFE, ' '};
        byte[] secret = (DecodingTest.TOKEN + " \uD800").getBytes(StandardCharsets.ISO_8859_1);
        byte[] data = new byte[prefix.length + secret.length];
        System.arraycopy(prefix, 0, data, 0, prefix.length);
        System.arraycopy(secret, 0, data, prefix.length, secret.length);
        assertThat(SCANNER.scan(data, "bad.txt").findings())
                .singleElement().satisfies(f -> assertThat(f.column()).isEqualTo(6));
    }

    @Test
    void oneGigabyteSingleLineFileEndsAsIncompleteAtTheByteCap(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("one-line.txt");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(1L << 30); // sparse: no disk, no memory
            raf.seek((1L << 30) - 100);
            raf.write(("x " + DecodingTest.TOKEN).getBytes(StandardCharsets.US_ASCII));
        }
        Scanner capped = Scanner.builder().rules(TestRules.all()).limits(ScanLimits.DEFAULT.withMaxBytes(64L << 20)).build();
        try (InputStream in = Files.newInputStream(file)) {
            ScanResult r = capped.scan(in, file.toString());
            assertThat(r).isInstanceOfSatisfying(ScanResult.Incomplete.class,
                    i -> assertThat(i.reason()).isEqualTo("input exceeds the scan limit of 67108864 bytes"));
        }
    }

    @Test
    void tenMegabytesOfOneLetter() {
        byte[] data = new byte[10 << 20];
        Arrays.fill(data, (byte) 'a');
        assertThat(SCANNER.scan(data, "a.txt")).isEqualTo(new ScanResult.Complete(java.util.List.of()));
    }

    @Test
    void tenMegabytesOfPaddedBase64() {
        String block = "QUFB".repeat(255) + "QQ==\n";
        String padded = block.repeat((10 << 20) / block.length());
        ScanResult r = SCANNER.scan(padded.getBytes(StandardCharsets.US_ASCII), "b64.txt");
        assertThat(r).isInstanceOf(ScanResult.Complete.class);
        assertThat(r.findings()).isEmpty();
        byte[] equals = new byte[10 << 20];
        Arrays.fill(equals, (byte) '=');
        assertThat(SCANNER.scan(equals, "eq.txt")).isInstanceOf(ScanResult.Complete.class);
        String oneRun = "QUFB".repeat((10 << 20) / 4) + "==";
        assertThat(SCANNER.scan(oneRun.getBytes(StandardCharsets.US_ASCII), "run.txt"))
                .isInstanceOf(ScanResult.Complete.class);
    }

    @Test
    void deeplyNestedEncodingsStopAtTheDepthLimitAsIncomplete() {
        String layer = "token=" + DecodingTest.TOKEN;
        for (int i = 0; i < 12; i++) {
            layer = "{\"v\":\"" + Base64.getEncoder().encodeToString(layer.getBytes(StandardCharsets.UTF_8)) + "\"}";
        }
        ScanResult r = SCANNER.scan(layer.getBytes(StandardCharsets.US_ASCII), "nested.json");
        assertThat(r).isInstanceOfSatisfying(ScanResult.Incomplete.class,
                i -> assertThat(i.reason()).isEqualTo("encodings nested deeper than 4 layers"));

        String shallow = "token=" + DecodingTest.TOKEN;
        for (int i = 0; i < 3; i++) {
            shallow = Base64.getEncoder().encodeToString(shallow.getBytes(StandardCharsets.UTF_8));
        }
        ScanResult found = SCANNER.scan(shallow.getBytes(StandardCharsets.US_ASCII), "3.txt");
        assertThat(found).isInstanceOf(ScanResult.Complete.class);
        assertThat(found.findings()).singleElement()
                .satisfies(f -> assertThat(f.encoding()).isEqualTo("base64>base64>base64"));
    }

    @Test
    void decompressionBombIsCutAtTheDecodeBudget() throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(bytes)) {
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 200; i++) {
                gz.write(zeros);
            }
        }
        Scanner small = Scanner.builder().rules(TestRules.all())
                .limits(new ScanLimits(1L << 30, java.time.Duration.ofSeconds(30), 4, 16L << 20)).build();
        ScanResult r = small.scan(bytes.toByteArray(), "bomb.gz");
        assertThat(r).isInstanceOfSatisfying(ScanResult.Incomplete.class,
                i -> assertThat(i.reason()).isEqualTo("decoded content exceeds the limit of 16777216 bytes"));
    }

    /**
     * Nested base64 in JSON, over and over: decoding work out of proportion to the input's size. A CPU-time cap
     * far below what that costs (1 µs: any two clock readings a megabyte of work apart are further apart than
     * that, so this cannot be flaky) ends the scan as incomplete (the wall-clock bound is an hour, so it is not what
     * stops it); the same scan under the default cap completes.
     */
    @Test
    void cpuTimeCapEndsAPathologicalScanAsIncomplete() {
        String layer = "note: nothing secret in here, only words to unwrap";
        for (int i = 0; i < 3; i++) {
            layer = "{\"v\":\"" + Base64.getEncoder().encodeToString(layer.getBytes(StandardCharsets.UTF_8)) + "\"}";
        }
        ScanLimits generous = ScanLimits.DEFAULT.withMaxTime(java.time.Duration.ofHours(1));
        Scanner capped = Scanner.builder().rules(TestRules.all())
                .limits(generous.withMaxCpuTime(java.time.Duration.ofNanos(1000))).build();
        Scanner uncapped = Scanner.builder().rules(TestRules.all()).limits(generous).build();
        for (int size : new int[] {3 << 20, 900 << 10}) { // streamed in segments, and one segment read in place
            byte[] data = (layer + "\n").repeat(size / (layer.length() + 1)).getBytes(StandardCharsets.US_ASCII);
            assertThat(capped.scan(data, "nested.json")).isInstanceOfSatisfying(ScanResult.Incomplete.class,
                    i -> assertThat(i.reason()).isEqualTo("scan exceeded its CPU time limit of 1 µs"));
            assertThat(uncapped.scan(data, "nested.json")).isEqualTo(new ScanResult.Complete(java.util.List.of()));
        }
    }
}
