package dev.airlock.scan;

/**
 * How sure the scanner is that a finding is a live credential. Callers decide what blocks; the guard blocks
 * {@link #CERTAIN} and {@link #HIGH} by default and logs {@link #GENERIC}.
 */
public enum Confidence {
    /** A checksum verified, or an operator-supplied known secret matched. */
    CERTAIN,
    /** A structured, vendor-specific format matched (prefix, length, alphabet). */
    HIGH,
    /** A heuristic: a high-entropy value near a credential keyword. */
    GENERIC;

    /** True when this confidence is at least as strong as {@code threshold}. */
    public boolean atLeast(Confidence threshold) {
        return ordinal() <= threshold.ordinal();
    }
}
