package dev.airlock.cli.sandbox;

import dev.airlock.it.GuardRedTeam;
import dev.airlock.sandbox.SandboxPolicy;
import dev.airlock.sandbox.redteam.RedTeamResult;
import dev.airlock.sandbox.redteam.RedTeamSuite;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code airlock redteam}: runs the sandbox red-team suite and class D through the real egress guard (loopback-only
 * upstream, resolver and dialler, so nothing leaves the machine) on this machine; exit 0 only with zero escapes.
 */
@Command(name = "redteam", mixinStandardHelpOptions = true,
        description = "Run the sandbox red-team suite (including class D through the real egress guard) on this machine and print class, case and result. Exit 0 = all blocked.")
public final class RedTeamCommand implements Callable<Integer> {
    @Option(names = "--policy", paramLabel = "FILE", description = "Base policy to attack (default: isolation defaults).")
    Path policy;

    @Override
    public Integer call() throws Exception {
        SandboxPolicy base = policy == null ? SandboxPolicy.defaults() : SandboxPolicy.load(policy);
        Path scratch = Files.createTempDirectory("airlock-redteam-");
        try {
            List<RedTeamResult> results = new ArrayList<>(RedTeamSuite.run(Files.createDirectory(scratch.resolve("sandbox")), base));
            results.addAll(GuardRedTeam.run(Files.createDirectory(scratch.resolve("guard")), base));
            System.out.printf("%-7s %-72s %s%n", "class", "case", "result");
            for (RedTeamResult r : results) {
                System.out.printf("%-7s %-72s %s%n", label(r.testCase().cls()), r.testCase().name(), r.outcome());
            }
            long escapes = results.stream().filter(r -> !r.verdict().blocked() || r.error() != null).count();
            long failed = results.stream().filter(r -> !r.passed()).count();
            System.out.printf("total: %d cases, %d blocked, %d escapes, %d failing (escape, error or missing denial event)%n",
                    results.size(), results.size() - escapes, escapes, failed);
            return failed == 0 ? 0 : 1;
        } finally {
            try (Stream<Path> s = Files.walk(scratch)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static String label(char cls) {
        return cls == GuardRedTeam.CLS ? "D-guard" : String.valueOf(cls);
    }
}
