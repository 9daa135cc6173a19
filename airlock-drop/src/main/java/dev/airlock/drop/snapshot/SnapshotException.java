package dev.airlock.drop.snapshot;

/** A snapshot was refused; {@link #violation()} says precisely why. */
public final class SnapshotException extends Exception {
    private final transient Violation violation;

    public SnapshotException(Violation violation) {
        super(violation.describe());
        this.violation = violation;
    }

    public SnapshotException(Violation violation, Throwable cause) {
        super(violation.describe(), cause);
        this.violation = violation;
    }

    public Violation violation() {
        return violation;
    }
}
