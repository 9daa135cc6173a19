-- What ties a run to GitHub, so later deliveries (review comments, failed check suites) find it again and the one
-- progress comment is edited in place. One row per run that was started from, or opened a pull request on, GitHub.
CREATE TABLE github_runs (
    run_id            VARCHAR(64)   PRIMARY KEY REFERENCES runs(id),
    repository        VARCHAR(201)  NOT NULL,
    issue_number      INT           NOT NULL,
    progress_comment  BIGINT,
    pull_number       INT,
    -- The commit Airlock pushed last on the run's branch: a check suite is only acted on when it ran on this one.
    pushed_commit     VARCHAR(64),
    revisions         INT           NOT NULL DEFAULT 0,
    -- The highest review comment id already handed to a revision, so one review's comments revise once.
    review_cursor     BIGINT        NOT NULL DEFAULT 0
);

