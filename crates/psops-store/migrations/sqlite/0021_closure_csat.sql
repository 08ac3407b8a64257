-- CSAT surveys: one per closing project (a training class will own one through a column
-- of its own beside project_id), sent to a customer contact as a single-use link that
-- expires. Only the SHA-256 of the link's token is kept.
CREATE TABLE surveys (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id  BIGINT REFERENCES projects (id),
    contact_id  BIGINT NOT NULL REFERENCES contacts (id),
    to_name     TEXT NOT NULL,
    to_email    TEXT NOT NULL,
    offering    TEXT NOT NULL,
    token_hash  TEXT NOT NULL,
    sent_by     BIGINT REFERENCES users (id),
    sent_at     TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    answered_at TEXT,
    score       BIGINT CHECK (score BETWEEN 1 AND 5),
    comment     TEXT,
    version     BIGINT NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    CHECK (project_id IS NOT NULL),
    CHECK ((answered_at IS NULL) = (score IS NULL))
);
CREATE UNIQUE INDEX surveys_token_key ON surveys (token_hash);
CREATE INDEX surveys_project ON surveys (project_id, id);
CREATE INDEX surveys_sent ON surveys (sent_at);

-- A project's closure checklist, one row per project once first written.
CREATE TABLE project_closures (
    project_id      BIGINT PRIMARY KEY REFERENCES projects (id),
    meeting_on      TEXT,
    signoff_how     TEXT,
    signoff_by      TEXT,
    signoff_on      TEXT,
    retro_on        TEXT,
    retro_notes     TEXT,
    deliverables    TEXT,
    lessons_learned TEXT,
    closeout_by     BIGINT REFERENCES people (id),
    closeout_on     TEXT,
    version         BIGINT NOT NULL DEFAULT 1,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
