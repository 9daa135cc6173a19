package dev.airlock.cli.scan;

import dev.airlock.scan.Finding;
import dev.airlock.scan.ScanResult;
import dev.airlock.scan.Scanner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code airlock scan}: find secrets in files, directories or stdin. Exit 0 clean, 1 findings, 2 error. */
@Command(name = "scan", mixinStandardHelpOptions = true,
        description = "Scan files, directories or stdin (-) for secrets. Exit 0 = none, 1 = findings, 2 = error.")
public final class ScanCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files or directories to scan, or - for stdin.")
    List<String> paths;

    @Override
    public Integer call() throws Exception {
        Scanner scanner = Scanner.builder().build();
        boolean found = false;
        for (String p : paths) {
            ScanResult result = p.equals("-")
                    ? scanner.scan(System.in, "-")
                    : scanner.scan(Files.readAllBytes(Path.of(p)), p);
            for (Finding f : result.findings()) {
                found = true;
                System.out.printf("%s:%d:%d %s %s %s%n", f.path(), f.line(), f.column(), f.ruleId(),
                        f.confidence().name().toLowerCase(java.util.Locale.ROOT), f.redacted());
            }
        }
        return found ? 1 : 0;
    }
}
