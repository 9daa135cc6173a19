-- What each run spent against its budgets: LLM tokens as counted by the egress guard from the API responses, the
-- coding phase's wall time as measured by the orchestrator. `exceeded` names the budget that stopped the run, if any.
CREATE TABLE run_budgets (
    run_id              VARCHAR(64)  PRIMARY KEY REFERENCES runs(id),
    input_tokens        BIGINT       NOT NULL,
    output_tokens       BIGINT       NOT NULL,
    token_budget        BIGINT       NOT NULL,
    unmetered           BIGINT       NOT NULL,
    wall_millis         BIGINT       NOT NULL,
    wall_budget_millis  BIGINT       NOT NULL,
    exceeded            VARCHAR(16)
);
