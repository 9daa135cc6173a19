package dev.airlock.scan;

import java.util.List;

/**
 * The outcome of one scan. A scan that hit a byte, time or depth limit is {@link Incomplete}: the caller must
 * treat it as "not known to be clean" — the guard blocks it, the CLI exits 2.
 */
public sealed interface ScanResult {

    List<Finding> findings();

    /** Every byte was examined within the limits. */
    record Complete(List<Finding> findings) implements ScanResult {
        public Complete {
            findings = List.copyOf(findings);
        }
    }

    /** Scanning stopped early; {@code findings} holds what was found before it stopped. */
    record Incomplete(List<Finding> findings, String reason) implements ScanResult {
        public Incomplete {
            findings = List.copyOf(findings);
        }
    }
}
