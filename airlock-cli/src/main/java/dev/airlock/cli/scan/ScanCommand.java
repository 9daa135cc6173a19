package dev.airlock.cli.scan;

import dev.airlock.scan.Confidence;
import dev.airlock.scan.Finding;
import dev.airlock.scan.KnownSecrets;
import dev.airlock.scan.Rule;
import dev.airlock.scan.ScanException;
import dev.airlock.scan.ScanResult;
import dev.airlock.scan.Scanner;
import dev.airlock.scan.gitleaks.GitleaksConfig;
import dev.airlock.scan.rules.BuiltinRules;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code airlock scan}: find secrets in files, directories or stdin. Exit 0 clean, 1 findings, 2 error. */
@Command(name = "scan", mixinStandardHelpOptions = true,
        description = {"Scan files, directories or stdin (-) for secrets.",
                "Directories are walked; .git directories, binary files and symbolic links are skipped and reported.",
                "A line containing 'airlock:allow' suppresses findings on that line.",
                "Exit 0 = no findings, 1 = findings, 2 = error or incomplete scan."})
public final class ScanCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files or directories to scan, or - for stdin.")
    List<String> paths;

    @Option(names = "--format", defaultValue = "text", paramLabel = "text|json|sarif",
            description = "Output format (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--rules", paramLabel = "FILE",
            description = "Add rules from a gitleaks-format TOML file; a rule that cannot run safely is refused.")
    Path rulesFile;

    @Option(names = "--no-builtin-rules", description = "Use only the rules from --rules.")
    boolean noBuiltinRules;

    @Option(names = "--known-secrets", paramLabel = "FILE",
            description = "Exact values that must never appear: lines NAME=value, or NAME to read environment variable NAME.")
    Path knownSecretsFile;

    @Option(names = "--min-confidence", defaultValue = "generic", paramLabel = "certain|high|generic",
            description = "Report findings at least this confident (default: ${DEFAULT-VALUE}).")
    String minConfidence;

    private Map<String, String> env = System.getenv();
    private InputStream stdin = System.in;

    /** For tests: the environment and stdin the command reads. */
    ScanCommand withEnvironment(Map<String, String> env, InputStream stdin) {
        this.env = env;
        this.stdin = stdin;
        return this;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ReportFormat fmt;
        Confidence threshold;
        try {
            fmt = ReportFormat.valueOf(format.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            err.println("airlock scan: --format must be text, json or sarif, not '" + format + "'");
            return 2;
        }
        try {
            threshold = Confidence.valueOf(minConfidence.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            err.println("airlock scan: --min-confidence must be certain, high or generic, not '" + minConfidence + "'");
            return 2;
        }
        List<Rule> rules = new ArrayList<>();
        KnownSecrets known = KnownSecrets.NONE;
        try {
            if (!noBuiltinRules) {
                rules.addAll(BuiltinRules.all());
            }
            if (rulesFile != null) {
                GitleaksConfig.Imported imported = GitleaksConfig.load(rulesFile);
                imported.warnings().forEach(w -> err.println("airlock scan: warning: " + w));
                rules.addAll(imported.rules());
            }
            if (rules.isEmpty()) {
                err.println("airlock scan: no rules: --no-builtin-rules needs --rules FILE");
                return 2;
            }
            if (knownSecretsFile != null) {
                known = KnownSecretsFile.load(knownSecretsFile, env);
            }
        } catch (ScanException e) {
            err.println("airlock scan: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            err.println("airlock scan: cannot read " + e.getMessage());
            return 2;
        }
        Scanner scanner = Scanner.builder().rules(rules).knownSecrets(known).inlineSuppression(true).build();
        ScanReport report = new ScanReport();
        long started = System.nanoTime();
        List<String> fileArgs = paths.stream().filter(p -> !p.equals("-")).toList();
        if (paths.contains("-")) {
            scanOne(scanner, "-", stdin, report, threshold);
        }
        ScanTargets targets = ScanTargets.expand(fileArgs);
        report.skipped.addAll(targets.skipped());
        report.errors.addAll(targets.errors());
        for (Path file : targets.files()) {
            try (InputStream in = Files.newInputStream(file)) {
                scanOne(scanner, file.toString(), in, report, threshold);
            } catch (IOException e) {
                report.errors.add(file + ": cannot read (" + e.getClass().getSimpleName() + ")");
            }
        }
        report.seconds = (System.nanoTime() - started) / 1e9;
        fmt.write(report, rules, out);
        out.flush();
        report.errors.forEach(e -> err.println("airlock scan: " + e));
        if (!report.errors.isEmpty()) {
            return 2;
        }
        return report.findings.isEmpty() ? 0 : 1;
    }

    private void scanOne(Scanner scanner, String name, InputStream in, ScanReport report, Confidence threshold) {
        CountingInput counting = new CountingInput(in);
        ScanResult result;
        try {
            result = scanner.scan(counting, name);
        } catch (IOException e) {
            report.errors.add(name + ": read failed (" + e.getClass().getSimpleName() + ")");
            return;
        }
        report.files++;
        report.bytes += counting.count;
        for (Finding f : result.findings()) {
            if (f.confidence().atLeast(threshold)) {
                report.findings.add(f);
            }
        }
        switch (result) {
            case ScanResult.Complete c -> {
            }
            case ScanResult.Incomplete i -> report.errors.add(name + ": scan incomplete, not known to be clean: "
                    + i.reason());
        }
    }

    private static final class CountingInput extends java.io.FilterInputStream {
        long count;

        CountingInput(InputStream in) {
            super(in);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public int read() throws IOException {
            int c = super.read();
            if (c >= 0) {
                count++;
            }
            return c;
        }
    }
}
