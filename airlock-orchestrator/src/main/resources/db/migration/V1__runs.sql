CREATE TABLE runs (
    id           VARCHAR(64)   PRIMARY KEY,
    state        VARCHAR(16)   NOT NULL,
    reason       VARCHAR(4000),
    repo         VARCHAR(4096) NOT NULL,
    ref          VARCHAR(255)  NOT NULL,
    agent        VARCHAR(4096) NOT NULL,
    task_sha256  VARCHAR(64)   NOT NULL,
    base_commit  VARCHAR(64),
    input_id     VARCHAR(80),
    output_id    VARCHAR(80),
    branch       VARCHAR(255),
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at   TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE run_events (
    seq          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id       VARCHAR(64)   NOT NULL REFERENCES runs(id),
    at           TIMESTAMP WITH TIME ZONE NOT NULL,
    state        VARCHAR(16)   NOT NULL,
    kind         VARCHAR(32)   NOT NULL,
    millis       BIGINT,
    message      VARCHAR(4000)
);

CREATE INDEX run_events_by_run ON run_events(run_id, seq);
