package dev.airlock.orchestrator;

/** A transition the state machine forbids, or one raced by another writer (the row was no longer in {@code from}). */
public final class IllegalTransitionException extends RuntimeException {
    public IllegalTransitionException(String run, RunState from, RunState to) {
        super("run " + run + ": cannot move from " + from.label() + " to " + to.label());
    }
}
