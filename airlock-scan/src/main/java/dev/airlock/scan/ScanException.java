package dev.airlock.scan;

/** A rule set, rule file or known-secrets source that cannot be used safely. The message names what and why. */
public class ScanException extends RuntimeException {
    public ScanException(String message) {
        super(message);
    }

    public ScanException(String message, Throwable cause) {
        super(message, cause);
    }
}
