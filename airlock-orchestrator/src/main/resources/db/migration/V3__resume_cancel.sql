-- Who drives a run: "<pid>:<process start, epoch ms>" of the orchestrator process that owns it. Transitions are
-- compare-and-set on (state, owner), so two orchestrators never both drive one run; a dead owner makes the run
-- resumable (`airlock resume`).
ALTER TABLE runs ADD COLUMN owner VARCHAR(64);
-- Author/committer time of the publish commit, recorded before the git role runs: a resumed publish makes the
-- identical commit, so pushing it again is a no-op rather than a second, different branch tip.
ALTER TABLE runs ADD COLUMN commit_time BIGINT;
-- The operator's egress policy file for the guard role (null = built in), so a resumed run uses the same policy.
ALTER TABLE runs ADD COLUMN guard_policy VARCHAR(4096);

-- Role processes a run started and that may still be alive: after a crash of the orchestrator, `airlock resume` and
-- `airlock cancel` find and kill them (pid and start time together, so a reused pid is never killed).
CREATE TABLE run_processes (
    run_id       VARCHAR(64)   NOT NULL REFERENCES runs(id),
    role         VARCHAR(16)   NOT NULL,
    pid          BIGINT        NOT NULL,
    started_ms   BIGINT        NOT NULL,
    PRIMARY KEY (run_id, pid, started_ms)
);
