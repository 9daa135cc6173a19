package dev.airlock.orchestrator;

import java.util.Locale;
import java.util.Set;

/** The life of a run. Terminal states never change again; every other state moves only forward or to a terminal. */
public enum RunState {
    QUEUED, EXPORTING, CODING, PUBLISHING, DONE, FAILED, CANCELLED;

    public boolean terminal() {
        return this == DONE || this == FAILED || this == CANCELLED;
    }

    /** Whether {@code next} may follow this state. */
    public boolean allows(RunState next) {
        if (terminal()) {
            return false;
        }
        if (next == FAILED || next == CANCELLED) {
            return true;
        }
        return switch (this) {
            case QUEUED -> next == EXPORTING;
            case EXPORTING -> next == CODING;
            case CODING -> next == PUBLISHING;
            case PUBLISHING -> next == DONE;
            case DONE, FAILED, CANCELLED -> false;
        };
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    static final Set<RunState> PHASES = Set.of(EXPORTING, CODING, PUBLISHING);
}
