package dev.airlock.orchestrator.github;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.orchestrator.GitHubLink;
import dev.airlock.orchestrator.RunListener;
import dev.airlock.orchestrator.RunOutcome;
import dev.airlock.orchestrator.RunRecord;
import dev.airlock.orchestrator.RunState;
import dev.airlock.orchestrator.RunStore;
import java.io.IOException;
import java.io.PrintStream;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Takes a triggered issue through a run and reports on GitHub: ONE progress comment on the issue, created when the
 * run starts and edited in place afterwards (also by every later revision), and a draft pull request from
 * {@code airlock/<run>} when the branch was pushed (then the run moves {@code done → pr-opened}).
 *
 * <p>Revisions: review comments (or a review requesting changes) by users with write access, and a failed check suite
 * on the commit Airlock pushed last, start a new phase on the same branch ({@code pr-opened → revising →
 * pr-opened}) with the comments ({@value #REVIEW_FILE}) or the failing checks' logs ({@value #CI_LOG_DIR}/…) as
 * files next to the task — stripped of hidden text and bounded in size. At most {@code maxRevisions} per run.
 */
public final class GitHubRunReporter {
    static final String REVIEW_FILE = "review-comments.json";
    static final String CI_LOG_DIR = "ci-logs";
    private static final int MAX_COMMENT_CHARS = 16 * 1024;
    private static final int MAX_HUNK_CHARS = 4 * 1024;
    private static final int MAX_FAILED_CHECKS = 10;
    private static final int MAX_CHECK_OUTPUT_CHARS = 16 * 1024;
    private static final int LOG_TAIL_BYTES = 64 * 1024;
    private static final int MAX_ISSUE_COMMENTS = 50;

    private final Function<RepoName, GitHubApi> apis;
    private final RunStore store;
    private final IssueRunner runner;
    private final String baseBranch;
    private final int maxRevisions;
    private final PrintStream log;
    private final ObjectMapper json = new ObjectMapper();

    /** @param apis the API client for each repository (with an App, each holds a token narrowed to that one) */
    public GitHubRunReporter(Function<RepoName, GitHubApi> apis, RunStore store, IssueRunner runner, String baseBranch,
                             int maxRevisions, PrintStream log) {
        if (maxRevisions < 0) {
            throw new IllegalArgumentException("--max-revisions must be 0 or more");
        }
        this.log = log;
        this.apis = apis;
        this.store = store;
        this.runner = runner;
        this.baseBranch = baseBranch;
        this.maxRevisions = maxRevisions;
    }

    /**
     * The task for issue {@code number}, fetched through the API: title, body and the comments of users with write
     * access (others' text is left out: it must not steer the agent), all stripped of hidden text.
     */
    public static String issueTask(GitHubApi api, RepoName repo, int number) throws IOException {
        GitHubApi.Issue issue = api.issue(repo, number);
        StringBuilder task = new StringBuilder("# ").append(HiddenText.strip(issue.title()).strip()).append("\n\n")
                .append(HiddenText.strip(issue.body()).strip()).append('\n');
        Map<String, Boolean> writers = new HashMap<>();
        int kept = 0;
        GitHubApi.Listing<GitHubApi.Comment> comments = api.issueComments(repo, number);
        boolean cut = comments.truncated();
        for (GitHubApi.Comment c : comments) {
            if (kept == MAX_ISSUE_COMMENTS) {
                cut = true;
                break;
            }
            if (c.author().isEmpty()) {
                continue;
            }
            if (writers.computeIfAbsent(c.author(), a -> canWriteQuietly(api, repo, a))) {
                String body = HiddenText.strip(c.body()).strip();
                if (!body.isEmpty()) {
                    task.append(kept == 0 ? "\n## Comments\n" : "").append("\n### @").append(c.author()).append("\n\n")
                            .append(bounded(body, MAX_COMMENT_CHARS)).append('\n');
                    kept++;
                }
            }
        }
        if (cut) {
            task.append("\n(Note from Airlock: this issue has more comments than it reads — at most ")
                    .append(GitHubApi.MAX_PAGES * 100).append(" comments and ").append(MAX_ISSUE_COMMENTS)
                    .append(" by writers; later comments are not included.)\n");
        }
        return task.toString();
    }

    /** Runs {@code t} and reports; returns the outcome (the pull request URL is in the run database). */
    public RunOutcome handle(Trigger.Start t) throws Exception {
        GitHubApi api = apis.apply(t.repo());
        String requester = requester(t.sender());
        long comment = api.createComment(t.repo(), t.issue(), "Airlock: run requested by " + requester
                + " is starting.");
        RunOutcome outcome;
        try {
            outcome = runner.run(t, new CommentProgress(t.repo(), comment, "requested by " + requester));
        } catch (Exception e) {
            api.updateComment(t.repo(), comment, "Airlock: the run could not be carried out (" + e.getClass()
                    .getSimpleName() + "). Nothing was pushed; see `airlock runs` on the orchestrator host.");
            throw e;
        }
        store.linkGitHub(outcome.run(), t.repo().toString(), t.issue(), comment);
        switch (outcome) {
            case RunOutcome.Published p -> {
                String url = openPull(t, requester, p);
                api.updateComment(t.repo(), comment, "Airlock: run `" + p.run() + "` pushed `" + p.branch()
                        + "` (" + p.changes().describe() + ") and opened draft pull request " + url + ".");
            }
            case RunOutcome.Refused r -> api.updateComment(t.repo(), comment, "Airlock: run `" + r.run()
                    + "` was refused in " + r.phase().label() + "; nothing was pushed. Reason: "
                    + inline(r.reason()));
            case RunOutcome.Failed f -> api.updateComment(t.repo(), comment, "Airlock: run `" + f.run()
                    + "` failed in " + f.phase().label() + "; nothing was pushed. Reason: " + inline(f.reason()));
            case RunOutcome.Cancelled c -> api.updateComment(t.repo(), comment, "Airlock: run `" + c.run()
                    + "` was cancelled in " + c.phase().label() + "; nothing was pushed. Reason: " + inline(c.reason()));
        }
        return outcome;
    }

    /** Revises after review comments by writers (the sender's write access was checked by the caller). */
    void handle(Trigger.Review r) throws Exception {
        GitHubApi api = apis.apply(r.repo());
        Optional<Target> target = target(r.repo(), r.pull());
        if (target.isEmpty()) {
            return;
        }
        GitHubLink link = target.get().link();
        Map<String, Boolean> writers = new HashMap<>();
        writers.put(r.sender(), true);
        ArrayNode comments = json.createArrayNode();
        long cursor = link.reviewCursor();
        GitHubApi.Listing<GitHubApi.Comment> review = api.reviewComments(r.repo(), r.pull());
        for (GitHubApi.Comment c : review) {
            if (c.id() <= link.reviewCursor() || c.author().isEmpty()
                    || !writers.computeIfAbsent(c.author(), a -> canWriteQuietly(api, r.repo(), a))) {
                continue;
            }
            ObjectNode o = comments.addObject().put("id", c.id()).put("author", c.author())
                    .put("body", bounded(HiddenText.strip(c.body()), MAX_COMMENT_CHARS));
            if (c.path() != null) {
                o.put("path", c.path()).put("line", c.line());
            }
            if (c.diffHunk() != null) {
                o.put("diff_hunk", bounded(HiddenText.strip(c.diffHunk()), MAX_HUNK_CHARS));
            }
            cursor = Math.max(cursor, c.id());
        }
        if (comments.isEmpty() && r.request().isEmpty()) {
            log.println("github: " + r.repo() + "#" + r.pull() + ": no review comment newer than the last revision; "
                    + "nothing to do");
            return;
        }
        if (!withinLimit(api, r.repo(), r.pull(), link)) {
            return;
        }
        int phase = link.revisions() + 1;
        StringBuilder task = new StringBuilder(issueTask(api, r.repo(), link.issue()))
                .append("\n## Revision ").append(phase).append(": address the review\n\n")
                .append("Reviewers asked for changes on the draft pull request #").append(r.pull())
                .append(" that holds your earlier work (the workspace is its current head). ");
        if (!comments.isEmpty()) {
            task.append("Their review comments are in `.airlock/").append(REVIEW_FILE)
                    .append("` (author, path, line, diff_hunk, body).");
        }
        if (review.truncated()) {
            task.append("\n\n(Note from Airlock: the pull request has more review comments than it reads — the "
                    + "first ").append(GitHubApi.MAX_PAGES * 100).append("; newer ones are not included.)");
        }
        if (!r.request().isEmpty()) {
            task.append("\n\n### Request by @").append(r.sender()).append("\n\n")
                    .append(bounded(r.request(), MAX_COMMENT_CHARS));
        }
        Map<String, String> files = new LinkedHashMap<>();
        if (!comments.isEmpty()) {
            files.put(REVIEW_FILE, json.writerWithDefaultPrettyPrinter().writeValueAsString(comments));
        }
        revise(target.get(), phase, "review by @" + r.sender(), "@" + r.sender(), task.append('\n').toString(), files,
                cursor);
    }

    /** Fixes after a failed check suite on the commit Airlock pushed last, with the failing checks' logs as files. */
    void handle(Trigger.CheckFailure c) throws Exception {
        GitHubApi api = apis.apply(c.repo());
        Optional<Target> target = target(c.repo(), c.pull());
        if (target.isEmpty()) {
            return;
        }
        GitHubLink link = target.get().link();
        if (!c.headSha().equals(link.pushedCommit())) {
            log.println("github: " + c.repo() + "#" + c.pull() + ": check suite " + c.suite() + " ran on "
                    + c.headSha() + ", not on the commit Airlock pushed last; nothing to do");
            return;
        }
        if (!withinLimit(api, c.repo(), c.pull(), link)) {
            return;
        }
        Map<String, String> files = new LinkedHashMap<>();
        int n = 0;
        GitHubApi.Listing<GitHubApi.CheckRun> checks = api.checkRuns(c.repo(), c.suite());
        for (GitHubApi.CheckRun run : checks) {
            if (!run.conclusion().equals("failure") && !run.conclusion().equals("timed_out")) {
                continue;
            }
            if (++n > MAX_FAILED_CHECKS) {
                break;
            }
            StringBuilder text = new StringBuilder("check: ").append(run.name()).append("\nconclusion: ")
                    .append(run.conclusion()).append("\n\n").append(bounded(run.output(), MAX_CHECK_OUTPUT_CHARS));
            if (run.app().equals("github-actions")) {
                try {
                    text.append("\n\n--- job log (end) ---\n").append(api.jobLogTail(c.repo(), run.id(),
                            LOG_TAIL_BYTES));
                } catch (IOException e) {
                    text.append("\n\n(the job log could not be fetched: ").append(e.getMessage()).append(")");
                }
            }
            files.put(CI_LOG_DIR + "/" + n + "-" + fileName(run.name()) + ".log", HiddenText.strip(text.toString()));
        }
        if (files.isEmpty()) {
            log.println("github: " + c.repo() + "#" + c.pull() + ": check suite " + c.suite()
                    + " has no failed check run; nothing to do");
            return;
        }
        int phase = link.revisions() + 1;
        String task = issueTask(api, c.repo(), link.issue()) + "\n## Revision " + phase + ": fix the failing checks\n\n"
                + "The checks on the draft pull request #" + c.pull() + " (your earlier work; the workspace is its "
                + "current head, commit " + c.headSha() + ") failed. The failing checks' output and the end of their "
                + "logs are in `.airlock/" + CI_LOG_DIR + "/`. Fix the cause.\n"
                + (checks.truncated() ? "\n(Note from Airlock: the suite has more check runs than it reads — the "
                + "first " + GitHubApi.MAX_PAGES * 100 + "; failures among the rest are not included.)\n" : "");
        revise(target.get(), phase, "failed checks", "the failed check suite " + c.suite(), task, files,
                link.reviewCursor());
    }

    private record Target(GitHubLink link, RunRecord run) {
    }

    /** The Airlock run behind pull request {@code pull}, if it is one and it is waiting for review. */
    private Optional<Target> target(RepoName repo, int pull) throws SQLException, IOException {
        GitHubApi api = apis.apply(repo);
        Optional<GitHubLink> link = store.gitHubRunForPull(repo.toString(), pull);
        if (link.isEmpty()) {
            log.println("github: " + repo + "#" + pull + " is not an Airlock pull request; nothing to do");
            return Optional.empty();
        }
        RunRecord run = store.get(link.get().runId()).orElseThrow();
        if (run.state() != RunState.PR_OPENED) {
            log.println("github: run " + run.id() + " is " + run.state().label() + "; no revision now");
            return Optional.empty();
        }
        return Optional.of(new Target(link.get(), run));
    }

    /** Whether the run may have one more revision; if not, says so in its progress comment. */
    private boolean withinLimit(GitHubApi api, RepoName repo, int pull, GitHubLink link) throws IOException {
        if (link.revisions() < maxRevisions) {
            return true;
        }
        log.println("github: run " + link.runId() + " had its " + maxRevisions + " revisions; no more");
        if (link.progressComment() != null) {
            api.updateComment(repo, link.progressComment(), "Airlock: run `" + link.runId() + "` has had "
                    + maxRevisions + " revision(s), the limit (`--max-revisions`); pull request #" + pull
                    + " is left for a human to finish.");
        }
        return false;
    }

    private void revise(Target target, int phase, String why, String requester, String task, Map<String, String> files,
                        long cursor) throws Exception {
        GitHubLink link = target.link();
        RepoName repo = RepoName.parse(link.repository());
        GitHubApi api = apis.apply(repo);
        String what = "revision " + phase + " (" + why + ")";
        long comment = link.progressComment();
        api.updateComment(repo, comment, "Airlock: run `" + link.runId() + "`, " + what + ", is starting.");
        RunOutcome outcome;
        try {
            outcome = runner.revise(new IssueRunner.Revision(repo, link.runId(), target.run().branch(), phase, task, files),
                    new CommentProgress(repo, comment, what));
        } catch (Exception e) {
            store.recordRevision(link.runId(), null, cursor);
            api.updateComment(repo, comment, "Airlock: run `" + link.runId() + "`, " + what + ", could not be "
                    + "carried out (" + e.getClass().getSimpleName() + "). Nothing was pushed.");
            throw e;
        }
        switch (outcome) {
            case RunOutcome.Published p -> {
                store.recordRevision(link.runId(), p.commit(), cursor);
                RunRecord record = store.get(p.run()).orElseThrow();
                api.updatePullBody(repo, link.pullNumber(), PullRequestBody.of(link.issue(), requester, record, p,
                        phase, store.budget(p.run())));
                api.updateComment(repo, comment, "Airlock: run `" + p.run() + "`, " + what + ", pushed `"
                        + p.commit() + "` on `" + p.branch() + "` (" + p.changes().describe() + "), pull request #"
                        + link.pullNumber() + ".");
            }
            case RunOutcome.Refused r -> {
                store.recordRevision(link.runId(), null, cursor);
                api.updateComment(repo, comment, "Airlock: run `" + r.run() + "`, " + what + ", was refused in "
                        + r.phase().label() + "; nothing was pushed. Reason: " + inline(r.reason()));
            }
            case RunOutcome.Failed f -> {
                store.recordRevision(link.runId(), null, cursor);
                api.updateComment(repo, comment, "Airlock: run `" + f.run() + "`, " + what + ", failed in "
                        + f.phase().label() + "; nothing was pushed. Reason: " + inline(f.reason()));
            }
            case RunOutcome.Cancelled c -> {
                store.recordRevision(link.runId(), null, cursor);
                api.updateComment(repo, comment, "Airlock: run `" + c.run() + "`, " + what + ", was cancelled in "
                        + c.phase().label() + "; nothing was pushed. Reason: " + inline(c.reason()));
            }
        }
    }

    private String openPull(Trigger.Start t, String requester, RunOutcome.Published p)
            throws IOException, SQLException {
        RunRecord record = store.get(p.run()).orElseThrow(() -> new IllegalStateException("run " + p.run()
                + " is not in the run database"));
        GitHubApi.PullRequest pull = apis.apply(t.repo()).createDraftPull(t.repo(), "Airlock: #" + t.issue() + " (run " + p.run() + ")",
                p.branch(), baseBranch, PullRequestBody.of(t.issue(), requester, record, p, 0,
                        store.budget(p.run())));
        store.record(p.run(), RunStore.Field.PULL_REQUEST, pull.url());
        store.recordPullRequest(p.run(), pull.number(), p.commit());
        store.transition(p.run(), RunState.DONE, RunState.PR_OPENED, pull.url());
        return pull.url();
    }

    /** Edits the one progress comment as each phase starts; a failed edit is logged, never fatal to the run. */
    private final class CommentProgress implements RunListener {
        private final RepoName repo;
        private final long comment;
        private final String what;

        CommentProgress(RepoName repo, long comment, String what) {
            this.repo = repo;
            this.comment = comment;
            this.what = what;
        }

        @Override
        public void phaseStarted(String run, RunState phase) {
            try {
                apis.apply(repo).updateComment(repo, comment, "Airlock: run `" + run + "` " + what + " is " + phase.label() + "…");
            } catch (IOException e) {
                log.println("github: progress comment not updated: " + e.getMessage());
            }
        }

        @Override
        public void phaseFinished(String run, RunState phase, Duration elapsed, String detail) {
            // the next phase's start (or the outcome) edits the comment
        }
    }

    private static boolean canWriteQuietly(GitHubApi api, RepoName repo, String user) {
        try {
            return api.canWrite(repo, user);
        } catch (IOException e) {
            return false; // fail closed: an unknown author's text does not reach the agent
        }
    }

    private static String requester(String sender) {
        return sender == null ? "the operator (`airlock run --issue`)" : "@" + sender;
    }

    /** A check name as a file name: letters, digits, '-', '_' and '.', at most 60 characters. */
    static String fileName(String name) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < name.length() && b.length() < 60; i++) {
            char c = name.charAt(i);
            b.append(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
                    ? c : '_');
        }
        return b.isEmpty() ? "check" : b.toString();
    }

    private static String bounded(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "\n[… " + (s.length() - max) + " more characters omitted]";
    }

    private static String inline(String s) {
        String one = s.replace('`', '\'').replace('\n', ' ');
        return "`" + (one.length() > 500 ? one.substring(0, 500) + "…" : one) + "`";
    }
}
