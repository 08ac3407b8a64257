-- Weekly health reports: one per project per ISO week ('2026-W48', which sorts in week
-- order as text); a second filing for the week is refused by the unique index and the
-- week's report is changed instead, each change audited.
CREATE TABLE health_reports (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id        BIGINT NOT NULL REFERENCES projects (id),
    week              TEXT NOT NULL,
    overall           TEXT NOT NULL,
    summary           TEXT NOT NULL,
    schedule_on_track BOOLEAN NOT NULL,
    schedule_why      TEXT,
    scope_on_track    BOOLEAN NOT NULL,
    scope_why         TEXT,
    budget_on_track   BOOLEAN NOT NULL,
    budget_why        TEXT,
    sentiment         TEXT NOT NULL,
    filed_by          BIGINT NOT NULL REFERENCES people (id),
    version           BIGINT NOT NULL DEFAULT 1,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    archived_at       TEXT
);
CREATE UNIQUE INDEX health_reports_week ON health_reports (project_id, week);

-- The RAID log: risks, actions, issues and decisions of a project. Impacts are the
-- sorted codes joined by commas ('budget,timeline').
CREATE TABLE raid_items (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id  BIGINT NOT NULL REFERENCES projects (id),
    kind        TEXT NOT NULL,
    title       TEXT NOT NULL,
    description TEXT,
    priority    TEXT NOT NULL,
    impacts     TEXT NOT NULL,
    owner_id    BIGINT REFERENCES people (id),
    mitigation  TEXT,
    due_date    TEXT,
    status      TEXT NOT NULL,
    escalated   BOOLEAN NOT NULL,
    version     BIGINT NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    archived_at TEXT
);
CREATE INDEX raid_items_project ON raid_items (project_id, due_date);
CREATE INDEX raid_items_escalated ON raid_items (escalated, status, project_id);

-- Which project managers were told of their overdue health reports in which week: the
-- overdue job queues one notification per manager per week, whichever node runs it.
CREATE TABLE health_overdue_notices (
    person_id       BIGINT NOT NULL REFERENCES people (id),
    week            TEXT NOT NULL,
    notification_id BIGINT NOT NULL,
    created_at      TEXT NOT NULL,
    PRIMARY KEY (person_id, week)
);
