package dev.airlock.orchestrator;

import java.time.Instant;

/** One row of the runs table; nullable fields are filled in as the run advances. */
public record RunRecord(String id, RunState state, String reason, String repo, String ref, String agent,
                        String taskSha256, String baseCommit, String inputId, String outputId, String branch,
                        Instant createdAt, Instant updatedAt) {
}
