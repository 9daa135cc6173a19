package dev.airlock.sandbox.bench;

import dev.airlock.sandbox.ExecRequest;
import dev.airlock.sandbox.ExecResult;
import dev.airlock.sandbox.SandboxPolicy;
import dev.airlock.sandbox.SandboxSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Benchmark behind docs/benchmarks.md "Sandbox" (run by airlock-sandbox/bench/run.sh, not by the test suite):
 * session start, and per-call wall time of three commands in (1) a plain host fork/exec from the JVM, (2) a fresh
 * bubblewrap per call with the same namespaces, (3) one Airlock session. Prints medians in milliseconds as TSV.
 */
public final class SandboxBench {
    public static void main(String[] args) throws Exception {
        Path ws = Path.of(args[0]);
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        Map<String, List<String>> commands = new LinkedHashMap<>();
        commands.put("true", List.of("true"));
        commands.put("cat small file", List.of("cat", "small.txt"));
        commands.put("grep -r", List.of("grep", "-r", "-c", "needle", "src"));

        // Session start: open until the first call can run (includes planting canaries), then close.
        double[] start = new double[Math.max(10, n / 10)];
        for (int i = 0; i < start.length; i++) {
            long t0 = System.nanoTime();
            SandboxSession s = SandboxSession.open(SandboxPolicy.defaults(), ws);
            start[i] = (System.nanoTime() - t0) / 1e6;
            s.close();
        }
        System.out.printf("session start\t%.2f%n", median(start));

        try (SandboxSession s = SandboxSession.open(SandboxPolicy.defaults(), ws)) {
            for (Map.Entry<String, List<String>> c : commands.entrySet()) {
                int reps = c.getKey().startsWith("grep") ? n / 4 : n;
                double host = median(time(reps, () -> host(ws, c.getValue())));
                double bwrap = median(time(reps, () -> freshBwrap(ws, c.getValue())));
                double airlock = median(time(reps, () -> {
                    ExecResult r = s.exec(ExecRequest.of(c.getValue().toArray(String[]::new)));
                    if (!r.succeeded()) {
                        throw new IllegalStateException(r.stderrText());
                    }
                }));
                System.out.printf("%s\thost %.3f\tbwrap-per-call %.3f\tairlock-session %.3f%n", c.getKey(), host, bwrap, airlock);
            }
        }
    }

    interface Call {
        void run() throws Exception;
    }

    static double[] time(int reps, Call call) throws Exception {
        for (int i = 0; i < Math.min(20, reps); i++) {
            call.run(); // warm-up
        }
        double[] t = new double[reps];
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            call.run();
            t[i] = (System.nanoTime() - t0) / 1e6;
        }
        return t;
    }

    static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }

    static void host(Path ws, List<String> argv) throws Exception {
        Process p = new ProcessBuilder(argv).directory(ws.toFile()).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("host " + argv);
        }
    }

    static void freshBwrap(Path ws, List<String> argv) throws Exception {
        List<String> a = new ArrayList<>(List.of("bwrap", "--unshare-all", "--die-with-parent", "--new-session",
                "--ro-bind", "/usr", "/usr", "--symlink", "usr/bin", "/bin", "--symlink", "usr/lib", "/lib",
                "--symlink", "usr/lib64", "/lib64", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp",
                "--bind", ws.toString(), "/workspace", "--chdir", "/workspace"));
        a.addAll(argv);
        host(ws, a);
    }

    public static void prepare(Path ws) throws Exception {
        Files.writeString(ws.resolve("small.txt"), "hello\n");
        for (int i = 0; i < 500; i++) {
            Path f = ws.resolve("src/d" + (i % 20) + "/f" + i + ".txt");
            Files.createDirectories(f.getParent());
            Files.writeString(f, ("line of text " + i + (i % 7 == 0 ? " needle" : "") + "\n").repeat(80));
        }
    }
}
