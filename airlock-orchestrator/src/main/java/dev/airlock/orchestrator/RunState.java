package dev.airlock.orchestrator;

import java.util.Locale;
import java.util.Set;

/**
 * The life of a run. Terminal states never change again; every other state moves only forward or to a terminal. The
 * one loop: a run whose draft pull request is open ({@code pr-opened}) may be revised ({@code revising}) on the same
 * branch — after review comments or a failed check suite — and comes back to {@code pr-opened} whether the revision
 * pushed or not (the pull request and its last pushed commit are still there).
 */
public enum RunState {
    QUEUED, EXPORTING, CODING, PUBLISHING, DONE, PR_OPENED, REVISING, FAILED, CANCELLED;

    /** No run process works on it: finished, or waiting for review with its pull request open. */
    public boolean terminal() {
        return this == DONE || this == PR_OPENED || this == FAILED || this == CANCELLED;
    }

    /** Whether {@code next} may follow this state. */
    public boolean allows(RunState next) {
        if (this == DONE) {
            // The branch is pushed and nothing about the code changes again; with GitHub, the pull request that
            // presents it is recorded afterwards.
            return next == PR_OPENED;
        }
        if (this == PR_OPENED) {
            return next == REVISING || next == CANCELLED;
        }
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
            case REVISING -> next == PR_OPENED;
            case DONE, PR_OPENED, FAILED, CANCELLED -> false;
        };
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static final Set<RunState> PHASES = Set.of(EXPORTING, CODING, PUBLISHING);
}
