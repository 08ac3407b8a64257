-- A project's phase in the delivery methodology, and every move of its status or phase,
-- dated and by whom.
ALTER TABLE projects ADD COLUMN phase TEXT;
CREATE TABLE project_moves (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id  BIGINT NOT NULL REFERENCES projects (id),
    from_status TEXT,
    to_status   TEXT NOT NULL,
    from_phase  TEXT,
    to_phase    TEXT,
    moved_by    BIGINT,
    moved_at    TEXT NOT NULL
);
CREATE INDEX project_moves_project ON project_moves (project_id, id);
