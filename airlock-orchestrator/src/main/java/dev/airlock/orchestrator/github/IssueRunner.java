package dev.airlock.orchestrator.github;

import dev.airlock.orchestrator.RunListener;
import dev.airlock.orchestrator.RunOutcome;

/**
 * Runs the pipeline for one triggered issue (on the local runtime: a {@code LocalRun}), reporting phase changes to
 * {@code progress} (which edits the issue's progress comment).
 */
@FunctionalInterface
public interface IssueRunner {
    RunOutcome run(Trigger.Start trigger, RunListener progress) throws Exception;
}
