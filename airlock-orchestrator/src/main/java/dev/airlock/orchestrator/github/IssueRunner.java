package dev.airlock.orchestrator.github;

import dev.airlock.orchestrator.RunListener;
import dev.airlock.orchestrator.RunOutcome;
import java.util.Map;

/**
 * Runs the pipeline for one triggered issue (on the local runtime: a {@code LocalRun}), reporting phase changes to
 * {@code progress} (which edits the issue's progress comment); and, for a runner that can, revises a run's pull
 * request on its branch.
 */
@FunctionalInterface
public interface IssueRunner {
    RunOutcome run(Trigger.Start trigger, RunListener progress) throws Exception;

    /**
     * Phase {@code phase} (1, 2, …) of run {@code run} of GitHub repository {@code repo} (as the run database links
     * them, never as a delivery claims): code again on the tip of {@code branch} and push one commit on top. {@code attachments} (relative name → untrusted text, e.g. {@code review-comments.json},
     * {@code ci-logs/1-test.log}) reach the agent only as files next to its task.
     */
    record Revision(RepoName repo, String run, String branch, int phase, String task, Map<String, String> attachments) {
        public Revision {
            attachments = Map.copyOf(attachments);
        }
    }

    default RunOutcome revise(Revision revision, RunListener progress) throws Exception {
        throw new UnsupportedOperationException("this runner does not revise pull requests");
    }
}
