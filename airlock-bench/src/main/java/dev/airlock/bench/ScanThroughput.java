package dev.airlock.bench;

import dev.airlock.scan.ScanLimits;
import dev.airlock.scan.ScanResult;
import dev.airlock.scan.Scanner;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Quick single-thread throughput: warm up (at least 400 MB scanned, {@code -Dairlock.bench.warmUpMB}), then N timed passes; prints the median in MB/s (10^6 bytes).
 * {@code ScanThroughput dir|synthetic PATH|SIZE_MB RULESET [ITERATIONS]}. JMH ({@link ScanBenchmark}) gives the
 * careful numbers; this exists so the comparison script finishes in a minute on a shared machine.
 */
public final class ScanThroughput {
    public static void main(String[] args) throws Exception {
        String kind = args[0];
        List<byte[]> inputs = kind.equals("dir") ? Corpus.files(Path.of(args[1]))
                : List.of(Corpus.synthetic(Integer.parseInt(args[1]) * 1_000_000, 42));
        // The default per-scan limits (30 s wall clock, 10 s CPU) are safety bounds for untrusted input; one 100 MB
        // scan on a loaded shared machine can exceed them, and an incomplete scan would not measure anything.
        Scanner scanner = Scanner.builder().rules(BenchRules.of(args[2]))
                .limits(ScanLimits.DEFAULT.withMaxTime(java.time.Duration.ofMinutes(10))
                        .withMaxCpuTime(java.time.Duration.ofMinutes(10))).build();
        int iterations = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        long bytes = inputs.stream().mapToLong(b -> b.length).sum();
        // Steady state takes C2 a few hundred MB of input: on the ~1600 small files of java.base/java the first
        // five or six passes (~150 MB) run at a fifth of the later speed. Warm up on bytes, not on a pass count.
        long warmUpBytes = Long.getLong("airlock.bench.warmUpMB", 400) * 1_000_000;
        long findings = pass(scanner, inputs);
        int warmUpPasses = 1;
        for (long warmed = bytes; warmUpPasses < 2 || warmed < warmUpBytes; warmed += bytes, warmUpPasses++) {
            pass(scanner, inputs);
        }
        double[] mbps = new double[iterations];
        double[] cpuMbps = new double[iterations];
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        for (int i = 0; i < iterations; i++) {
            long t0 = System.nanoTime();
            long c0 = threads.getCurrentThreadCpuTime();
            pass(scanner, inputs);
            mbps[i] = bytes / 1e6 / ((System.nanoTime() - t0) / 1e9);
            cpuMbps[i] = bytes / 1e6 / ((threads.getCurrentThreadCpuTime() - c0) / 1e9);
        }
        // Each pass in order: a JVM whose JIT settled on slower code shows it as a level series, not as noise.
        System.out.println("# " + warmUpPasses + " warm-up passes; timed passes (MB per CPU-second, in order): " + Arrays.stream(cpuMbps)
                .mapToObj(v -> String.format(Locale.ROOT, "%.0f", v)).collect(java.util.stream.Collectors.joining(" ")));
        Arrays.sort(mbps);
        Arrays.sort(cpuMbps);
        // Wall-clock MB/s depends on how busy the machine is; MB per CPU-second of the scanning thread much less.
        System.out.printf(Locale.ROOT, "airlock corpus=%s rules=%s prefilter=%s files=%d bytes=%d findings=%d median_MBps=%.1f "
                        + "min=%.1f max=%.1f median_MB_per_cpu_s=%.1f%n",
                kind.equals("dir") ? args[1] : "synthetic-" + args[1] + "MB", args[2], scanner.prefilter(), inputs.size(), bytes, findings,
                mbps[iterations / 2], mbps[0], mbps[iterations - 1], cpuMbps[iterations / 2]);
    }

    static long pass(Scanner scanner, List<byte[]> inputs) {
        long findings = 0;
        for (byte[] in : inputs) {
            ScanResult r = scanner.scan(in, "f");
            if (r instanceof ScanResult.Incomplete i) {
                throw new IllegalStateException("benchmark input scanned incompletely: " + i.reason());
            }
            findings += r.findings().size();
        }
        return findings;
    }
}
