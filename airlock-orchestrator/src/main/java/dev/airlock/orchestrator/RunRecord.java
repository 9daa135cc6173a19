package dev.airlock.orchestrator;

import java.time.Instant;

/**
 * One row of the runs table; nullable fields are filled in as the run advances. {@code owner} is the
 * {@link RunOwner} driving it, {@code commitTime} the publish commit's time (epoch seconds) once chosen,
 * {@code guardPolicy} the operator's egress policy file (null = built in).
 */
public record RunRecord(String id, RunState state, String reason, String repo, String ref, String agent,
                        String taskSha256, String baseCommit, String inputId, String outputId, String branch,
                        Instant createdAt, Instant updatedAt, String owner, Long commitTime, String guardPolicy) {
}
