-- Escalations: on an account, or on one of its projects, with a severity whose cadence
-- sets when the next update is due, a DRI, exit criteria and a status moved by actions.
-- What the close recorded (the customer's agreement, RCA, outcome, sentiment) is kept
-- as JSON in `closure`.
CREATE TABLE escalations (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    status               TEXT NOT NULL,
    raised_by            BIGINT REFERENCES users (id),
    opened_at            TEXT NOT NULL,
    last_update_at       TEXT NOT NULL,
    next_update_due      TEXT NOT NULL,
    standup_set_at       TEXT,
    investigating_at     TEXT,
    mitigated_at         TEXT,
    resolved_at          TEXT,
    closed_at            TEXT,
    closure              TEXT,
    overdue_notice_until TEXT,
    account_id           BIGINT NOT NULL REFERENCES accounts (id),
    project_id           BIGINT REFERENCES projects (id),
    severity             TEXT NOT NULL,
    title                TEXT NOT NULL,
    description          TEXT,
    dri_id               BIGINT NOT NULL REFERENCES people (id),
    exit_criteria        TEXT NOT NULL,
    standup_cadence      TEXT,
    product_at_fault     BOOLEAN NOT NULL DEFAULT FALSE,
    version              BIGINT NOT NULL DEFAULT 1,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    archived_at          TEXT
);
CREATE INDEX escalations_project ON escalations (project_id);
CREATE INDEX escalations_account ON escalations (account_id);
CREATE INDEX escalations_dri ON escalations (dri_id);
CREATE INDEX escalations_due ON escalations (status, next_update_due);

-- An escalation's timeline: every update, with the status change it records if any.
CREATE TABLE escalation_updates (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    escalation_id BIGINT NOT NULL REFERENCES escalations (id),
    at            TEXT NOT NULL,
    by_user       BIGINT REFERENCES users (id),
    by_name       TEXT NOT NULL,
    text          TEXT NOT NULL,
    from_status   TEXT,
    to_status     TEXT
);
CREATE INDEX escalation_updates_of ON escalation_updates (escalation_id, at);
