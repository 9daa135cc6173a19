package dev.airlock.bench;

import dev.airlock.scan.Scanner;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: one full pass over a corpus per invocation, single thread. Throughput in MB/s = corpus bytes / score.
 * The corpus directory comes from {@code -Dairlock.bench.javaBase=DIR} (see run-scan-bench.sh); the synthetic
 * corpus is 100 MB generated in memory.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 8) // 8 passes: >= 400 MB for the inputs here (>= 50 MB), where C2 settles (see ScanThroughput)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgs = {"-Xmx4g", "--add-modules", "jdk.incubator.vector"})
public class ScanBenchmark {
    @Param({"java.base", "synthetic-100MB"})
    public String corpus;

    @Param({"builtin", "builtin+gitleaks"})
    public String rules;

    private List<byte[]> inputs;
    private Scanner scanner;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        inputs = corpus.equals("java.base")
                ? Corpus.files(Path.of(System.getProperty("airlock.bench.javaBase")))
                : List.of(Corpus.synthetic(100_000_000, 42));
        scanner = Scanner.builder().rules(BenchRules.of(rules)).build();
        System.out.printf("%n[corpus %s: %d bytes]%n", corpus, inputs.stream().mapToLong(b -> b.length).sum());
    }

    @Benchmark
    public long scanCorpus() {
        return ScanThroughput.pass(scanner, inputs);
    }
}
