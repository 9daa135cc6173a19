-- Webhook deliveries already accepted: a replayed X-GitHub-Delivery id is recognised and ignored.
CREATE TABLE webhook_deliveries (
    delivery_id  VARCHAR(64)   PRIMARY KEY,
    event        VARCHAR(64)   NOT NULL,
    received_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

-- The draft pull request a run opened (state PR_OPENED follows DONE).
ALTER TABLE runs ADD COLUMN pull_request VARCHAR(1024);
