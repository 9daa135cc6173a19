package dev.airlock.scan.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.airlock.scan.Confidence;
import dev.airlock.scan.Finding;
import dev.airlock.scan.ScanResult;
import dev.airlock.scan.Scanner;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Precision on real code that holds no credentials: the JDK's {@code java.base} sources and the installed tree of
 * a few popular npm packages. Structured (certain/high) findings there are false positives and fail the test;
 * generic findings are counted and printed (recorded in docs/benchmarks.md, "Scanner precision").
 *
 * <p>By default a deterministic subset (every 4th JDK source file) keeps the test fast on the reference engine;
 * {@code -Dairlock.fullCorpus=true} scans all of {@code java.base}.
 */
class RealCodeCorpusTest {
    private static final Scanner SCANNER = Scanner.builder().build();
    private static final boolean FULL = Boolean.getBoolean("airlock.fullCorpus");
    private static final int SUBSET_STRIDE = 8;
    private static final long MAX_FILE = 4L * 1024 * 1024;

    @Test
    void jdkSourcesHoldNoStructuredFinding() throws IOException {
        Path srcZip = Path.of(System.getProperty("java.home"), "lib", "src.zip");
        Assumptions.assumeTrue(Files.isRegularFile(srcZip), "the JDK has no lib/src.zip: " + srcZip);
        Tally tally = new Tally("jdk java.base" + (FULL ? "" : " (every " + SUBSET_STRIDE + "th file)"));
        try (ZipFile zip = new ZipFile(srcZip.toFile())) {
            int index = 0;
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                if (entry.isDirectory() || !entry.getName().startsWith("java.base/")) {
                    continue;
                }
                if (!FULL && index++ % SUBSET_STRIDE != 0) {
                    continue;
                }
                try (InputStream in = zip.getInputStream(entry)) {
                    tally.add(entry.getName(), in.readAllBytes());
                }
            }
        }
        tally.report();
        assertThat(tally.files).isGreaterThan(FULL ? 3000 : 350);
        assertThat(tally.structured).as("certain/high findings on JDK sources").isEmpty();
    }

    @Test
    void npmPackagesAndLockfileHoldNoStructuredFinding(@TempDir Path dir) throws Exception {
        Path npm = Stream.of("/usr/bin/npm", "/usr/local/bin/npm").map(Path::of).filter(Files::isExecutable)
                .findFirst().orElse(null);
        Assumptions.assumeTrue(npm != null, "npm is not installed; the npm half of the real-code corpus is skipped");
        Files.writeString(dir.resolve("package.json"), "{\"name\":\"corpus\",\"version\":\"1.0.0\",\"private\":true}");
        Process install = new ProcessBuilder(npm.toString(), "install", "--no-audit", "--no-fund", "--silent",
                "express@4.21.2", "lodash@4.17.21", "axios@1.7.9", "left-pad@1.3.0", "jsonwebtoken@9.0.2",
                "dotenv@16.4.7")
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("npm.log").toFile()).start();
        boolean done = install.waitFor(5, TimeUnit.MINUTES);
        if (!done) {
            install.destroyForcibly();
        }
        Assumptions.assumeTrue(done && install.exitValue() == 0,
                "npm install failed (no registry access?): " + Files.readString(dir.resolve("npm.log")));
        Tally tally = new Tally("npm node_modules + package-lock.json");
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                if (file.getFileName().toString().equals("npm.log") || Files.size(file) > MAX_FILE) {
                    continue;
                }
                byte[] bytes = Files.readAllBytes(file);
                if (isBinary(bytes)) {
                    continue;
                }
                tally.add(dir.relativize(file).toString(), bytes);
            }
        }
        // The guard sees lockfiles inside request bodies, with no path to allowlist by.
        Path lock = dir.resolve("package-lock.json");
        assertThat(lock).exists();
        tally.add(null, Files.readAllBytes(lock));
        tally.report();
        assertThat(tally.files).isGreaterThan(200);
        assertThat(tally.structured).as("certain/high findings on npm packages").isEmpty();
    }

    private static boolean isBinary(byte[] bytes) {
        for (int i = 0; i < Math.min(bytes.length, 8000); i++) {
            if (bytes[i] == 0) {
                return true;
            }
        }
        return false;
    }

    private static final class Tally {
        final String corpus;
        final List<String> structured = new ArrayList<>();
        final TreeMap<String, Integer> genericByRule = new TreeMap<>();
        final List<String> genericSamples = new ArrayList<>();
        int files;
        long bytes;
        final long start = System.nanoTime();

        Tally(String corpus) {
            this.corpus = corpus;
        }

        void add(String path, byte[] content) {
            files++;
            bytes += content.length;
            ScanResult result = SCANNER.scan(content, path);
            assertThat(result).as(String.valueOf(path)).isInstanceOf(ScanResult.Complete.class);
            for (Finding f : result.findings()) {
                String where = f.ruleId() + " " + f.confidence() + " " + (path == null ? "(no path)" : path) + ":"
                        + f.line() + " " + f.redacted();
                if (f.confidence() == Confidence.GENERIC) {
                    genericByRule.merge(f.ruleId(), 1, Integer::sum);
                    if (genericSamples.size() < 40) {
                        genericSamples.add(where);
                    }
                } else {
                    structured.add(where);
                }
            }
        }

        void report() {
            double seconds = (System.nanoTime() - start) / 1e9;
            int generic = genericByRule.values().stream().mapToInt(Integer::intValue).sum();
            System.out.printf("real-code corpus %s: %d files, %.1f MB, %.1f s, %d certain/high, %d generic %s%n",
                    corpus, files, bytes / 1e6, seconds, structured.size(), generic, genericByRule);
            genericSamples.forEach(s -> System.out.println("  generic: " + s));
            structured.forEach(s -> System.out.println("  STRUCTURED: " + s));
        }
    }
}
