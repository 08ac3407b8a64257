-- Interchange (issue 6): the stable key each imported time entry came in under, so a
-- re-import of the same file adds nothing, and the hashed secret of each person's
-- calendar feeds.

ALTER TABLE time_entries ADD COLUMN source_key TEXT;
CREATE UNIQUE INDEX time_entries_source_key ON time_entries (person_id, source_key);

CREATE TABLE feed_tokens (
    person_id  BIGINT PRIMARY KEY REFERENCES people (id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);
