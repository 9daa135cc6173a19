package dev.airlock.orchestrator;

/**
 * What ties a run to GitHub (table {@code github_runs}): the repository ({@code owner/name}), the issue it works on,
 * its one progress comment, its draft pull request, the commit Airlock pushed last, how many revisions it had and the
 * highest review comment id already handed to one. Nullable fields are filled in as the run advances.
 */
public record GitHubLink(String runId, String repository, int issue, Long progressComment, Integer pullNumber,
                         String pushedCommit, int revisions, long reviewCursor) {
}
