package dev.airlock.cli.scan;

import dev.airlock.scan.Finding;
import java.util.ArrayList;
import java.util.List;

/** Everything one {@code airlock scan} run produced; the format writers only read it. */
final class ScanReport {
    final List<Finding> findings = new ArrayList<>();
    final List<ScanTargets.Skipped> skipped = new ArrayList<>();
    final List<String> errors = new ArrayList<>();
    long files;
    long bytes;
    double seconds;
}
