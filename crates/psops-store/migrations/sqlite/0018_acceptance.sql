-- Milestone acceptance: the request sent to a customer contact (sign-off sent), the
-- sign-off received (who, how, when) or passive acceptance once the business days of
-- notice run out; and the evidence (links and files) kept with a milestone.
CREATE TABLE milestone_acceptances (
    milestone_id   BIGINT PRIMARY KEY REFERENCES milestones (id),
    state          TEXT NOT NULL,
    requested_on   TEXT,
    contact_id     BIGINT REFERENCES contacts (id),
    contact_name   TEXT,
    contact_email  TEXT,
    passive_days   BIGINT,
    passive_on     TEXT,
    notice_id      BIGINT REFERENCES notifications (id),
    requests_sent  BIGINT NOT NULL DEFAULT 0,
    accepted_on    TEXT,
    accepted_by    TEXT,
    method         TEXT,
    note           TEXT,
    passive_used   BOOLEAN NOT NULL DEFAULT FALSE
);
-- The sweep and the portfolio read the requests still out, by their date.
CREATE INDEX milestone_acceptances_waiting ON milestone_acceptances (state, passive_on);

-- A file's content is kept as base64 text (at most 2 MiB before encoding).
CREATE TABLE milestone_evidence (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    milestone_id   BIGINT NOT NULL REFERENCES milestones (id),
    kind           TEXT NOT NULL,
    url            TEXT,
    file_name      TEXT,
    content_type   TEXT,
    size_bytes     BIGINT,
    content        TEXT,
    note           TEXT,
    added_at       TEXT NOT NULL
);
CREATE INDEX milestone_evidence_milestone ON milestone_evidence (milestone_id, id);
