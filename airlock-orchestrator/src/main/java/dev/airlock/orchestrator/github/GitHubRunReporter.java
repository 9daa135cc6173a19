package dev.airlock.orchestrator.github;

import dev.airlock.orchestrator.RunListener;
import dev.airlock.orchestrator.RunOutcome;
import dev.airlock.orchestrator.RunRecord;
import dev.airlock.orchestrator.RunState;
import dev.airlock.orchestrator.RunStore;
import java.io.IOException;
import java.io.PrintStream;
import java.sql.SQLException;
import java.time.Duration;

/**
 * Takes a triggered issue through a run and reports on GitHub: ONE progress comment, created when the run starts
 * and edited in place afterwards, and a draft pull request from {@code airlock/<run>} when the branch was pushed
 * (then the run moves {@code done → pr-opened}).
 */
final class GitHubRunReporter {
    private final GitHubApi api;
    private final RunStore store;
    private final IssueRunner runner;
    private final String baseBranch;
    private final PrintStream log;

    GitHubRunReporter(GitHubApi api, RunStore store, IssueRunner runner, String baseBranch, PrintStream log) {
        this.log = log;
        this.api = api;
        this.store = store;
        this.runner = runner;
        this.baseBranch = baseBranch;
    }

    void handle(Trigger.Start t) throws Exception {
        long comment = api.createComment(t.repo(), t.issue(),
                "Airlock: run requested by @" + t.sender() + " is starting.");
        RunOutcome outcome;
        try {
            outcome = runner.run(t, new CommentProgress(t, comment));
        } catch (Exception e) {
            api.updateComment(t.repo(), comment, "Airlock: the run could not be carried out (" + e.getClass()
                    .getSimpleName() + "). Nothing was pushed; see `airlock runs` on the orchestrator host.");
            throw e;
        }
        switch (outcome) {
            case RunOutcome.Published p -> {
                String url = openPull(t, p);
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
    }

    private String openPull(Trigger.Start t, RunOutcome.Published p) throws IOException, SQLException {
        RunRecord record = store.get(p.run()).orElseThrow(() -> new IllegalStateException("run " + p.run()
                + " is not in the run database"));
        String url = api.createDraftPull(t.repo(), "Airlock: #" + t.issue() + " (run " + p.run() + ")", p.branch(),
                baseBranch, PullRequestBody.of(t, record, p));
        store.record(p.run(), RunStore.Field.PULL_REQUEST, url);
        store.transition(p.run(), RunState.DONE, RunState.PR_OPENED, url);
        return url;
    }

    /** Edits the one progress comment as each phase starts; a failed edit is logged, never fatal to the run. */
    private final class CommentProgress implements RunListener {
        private final Trigger.Start trigger;
        private final long comment;

        CommentProgress(Trigger.Start trigger, long comment) {
            this.trigger = trigger;
            this.comment = comment;
        }

        @Override
        public void phaseStarted(String run, RunState phase) {
            try {
                api.updateComment(trigger.repo(), comment, "Airlock: run `" + run + "` requested by @"
                        + trigger.sender() + " is " + phase.label() + "…");
            } catch (IOException e) {
                log.println("github: progress comment not updated: " + e.getMessage());
            }
        }

        @Override
        public void phaseFinished(String run, RunState phase, Duration elapsed, String detail) {
            // the next phase's start (or the outcome) edits the comment
        }
    }

    private static String inline(String s) {
        String one = s.replace('`', '\'').replace('\n', ' ');
        return "`" + (one.length() > 500 ? one.substring(0, 500) + "…" : one) + "`";
    }
}
