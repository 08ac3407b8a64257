-- Reminders about a person's weekly timesheet: the outbox. Each is kept whether or not
-- it could be mailed (psops has no mail transport yet, so mailed stays false).
CREATE TABLE reminders (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id BIGINT NOT NULL REFERENCES people (id),
    week_key BIGINT NOT NULL,
    message  TEXT NOT NULL,
    sent_by  BIGINT,
    sent_at  TEXT NOT NULL,
    mailed   BOOLEAN NOT NULL DEFAULT 0
);
CREATE INDEX reminders_person ON reminders (person_id, id);
