-- The notification outbox: every message psops sends outside it, written in the same
-- transaction as the change that caused it and kept whether or not it could be mailed.
CREATE TABLE notifications (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    kind        TEXT NOT NULL,
    to_email    TEXT NOT NULL,
    to_name     TEXT NOT NULL,
    subject     TEXT NOT NULL,
    body        TEXT NOT NULL,
    project_id  BIGINT REFERENCES projects (id),
    about       TEXT,
    status      TEXT NOT NULL,
    attempts    BIGINT NOT NULL DEFAULT 0,
    last_error  TEXT,
    next_try_at TEXT,
    created_at  TEXT NOT NULL,
    sent_at     TEXT
);
CREATE INDEX notifications_waiting ON notifications (status, next_try_at);
CREATE INDEX notifications_project ON notifications (project_id, id);
