package dev.airlock.orchestrator;

import java.time.Duration;

/** Progress of a run as it happens; the CLI prints plain lines. */
public interface RunListener {
    void phaseStarted(String run, RunState phase);

    void phaseFinished(String run, RunState phase, Duration elapsed, String detail);

    RunListener NONE = new RunListener() {
        public void phaseStarted(String run, RunState phase) {
        }

        public void phaseFinished(String run, RunState phase, Duration elapsed, String detail) {
        }
    };
}
