package dev.airlock.orchestrator.github;

import dev.airlock.orchestrator.RunOutcome;

/** Runs the pipeline for one triggered issue (on the local runtime: a {@code LocalRun}). */
@FunctionalInterface
public interface IssueRunner {
    RunOutcome run(Trigger.Start trigger) throws Exception;
}
