-- Time reporting (issue 4): capacity-policy overrides, regional holiday calendars, time
-- off, the rollups reports read, weekly timesheet submissions, approvals and rejections,
-- and finance's locked periods. Rollups are backfilled from the entries already stored.
-- Dates are TEXT 'YYYY-MM-DD', timestamps RFC 3339 TEXT in UTC.

CREATE TABLE policy_overrides (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    scope_kind     TEXT NOT NULL CHECK (scope_kind IN ('region', 'function', 'person')),
    scope_value    TEXT NOT NULL,
    effective_from TEXT NOT NULL,
    effective_to   TEXT,
    changes        TEXT NOT NULL,
    created_at     TEXT NOT NULL
);

CREATE TABLE holiday_calendars (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT NOT NULL,
    region     TEXT NOT NULL,
    version    BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX holiday_calendars_region_key ON holiday_calendars (lower(region));

CREATE TABLE holidays (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    calendar_id  BIGINT NOT NULL REFERENCES holiday_calendars (id) ON DELETE CASCADE,
    holiday_date TEXT NOT NULL,
    name         TEXT NOT NULL,
    minutes      BIGINT CHECK (minutes IS NULL OR (minutes > 0 AND minutes <= 1440))
);
CREATE UNIQUE INDEX holidays_calendar_date_key ON holidays (calendar_id, holiday_date);
CREATE INDEX holidays_date ON holidays (holiday_date);

CREATE TABLE time_off (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id  BIGINT NOT NULL REFERENCES people (id),
    off_date   TEXT NOT NULL,
    minutes    BIGINT NOT NULL CHECK (minutes > 0 AND minutes <= 1440),
    kind       TEXT NOT NULL,
    note       TEXT,
    status     TEXT NOT NULL,
    decided_by BIGINT,
    decided_at TEXT,
    reason     TEXT,
    version    BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX time_off_person_date ON time_off (person_id, off_date);
CREATE INDEX time_off_date ON time_off (off_date);

-- Minutes per person, day (days since 1970-01-01), project (0 for internal time) and
-- internal category ('' for project time), kept in the transaction of every entry change.
CREATE TABLE time_rollup_day (
    person_id        BIGINT NOT NULL,
    day              BIGINT NOT NULL,
    project_id       BIGINT NOT NULL DEFAULT 0,
    category         TEXT NOT NULL DEFAULT '',
    minutes          BIGINT NOT NULL,
    billable_minutes BIGINT NOT NULL,
    approved_minutes BIGINT NOT NULL,
    PRIMARY KEY (person_id, day, project_id, category)
);
CREATE INDEX time_rollup_day_day ON time_rollup_day (day);

-- Minutes per person and month (year * 12 + month - 1).
CREATE TABLE time_rollup_month (
    person_id        BIGINT NOT NULL,
    month_key        BIGINT NOT NULL,
    minutes          BIGINT NOT NULL,
    billable_minutes BIGINT NOT NULL,
    PRIMARY KEY (person_id, month_key)
);
CREATE INDEX time_rollup_month_key ON time_rollup_month (month_key);

-- Weeks are year * 100 + ISO week.
CREATE TABLE timesheet_weeks (
    person_id    BIGINT NOT NULL REFERENCES people (id),
    week_key     BIGINT NOT NULL,
    submitted_at TEXT NOT NULL,
    submitted_by BIGINT,
    PRIMARY KEY (person_id, week_key)
);
CREATE INDEX timesheet_weeks_week ON timesheet_weeks (week_key);

CREATE TABLE timesheet_approvals (
    person_id   BIGINT NOT NULL REFERENCES people (id),
    week_key    BIGINT NOT NULL,
    project_id  BIGINT NOT NULL DEFAULT 0,
    approved_at TEXT NOT NULL,
    approved_by BIGINT,
    PRIMARY KEY (person_id, week_key, project_id)
);
CREATE INDEX timesheet_approvals_week ON timesheet_approvals (week_key);

CREATE TABLE timesheet_rejections (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id   BIGINT NOT NULL REFERENCES people (id),
    week_key    BIGINT NOT NULL,
    project_id  BIGINT REFERENCES projects (id),
    reason      TEXT NOT NULL,
    rejected_by BIGINT,
    rejected_at TEXT NOT NULL,
    entries     BIGINT NOT NULL
);
CREATE INDEX timesheet_rejections_person_week ON timesheet_rejections (person_id, week_key);

CREATE TABLE locked_periods (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    start_date TEXT NOT NULL,
    end_date   TEXT NOT NULL,
    locked_by  BIGINT,
    locked_at  TEXT NOT NULL,
    CHECK (end_date >= start_date)
);
CREATE INDEX locked_periods_dates ON locked_periods (start_date, end_date);

INSERT INTO time_rollup_day (person_id, day, project_id, category, minutes, billable_minutes, approved_minutes)
SELECT person_id, CAST(julianday(entry_date) - 2440587.5 AS BIGINT), COALESCE(project_id, 0), COALESCE(category, ''),
       SUM(minutes), SUM(CASE WHEN billable THEN minutes ELSE 0 END),
       SUM(CASE WHEN status = 'approved' THEN minutes ELSE 0 END)
FROM time_entries
GROUP BY person_id, entry_date, COALESCE(project_id, 0), COALESCE(category, '');

INSERT INTO time_rollup_month (person_id, month_key, minutes, billable_minutes)
SELECT person_id,
       CAST(substr(entry_date, 1, 4) AS BIGINT) * 12 + CAST(substr(entry_date, 6, 2) AS BIGINT) - 1 AS mk,
       SUM(minutes), SUM(CASE WHEN billable THEN minutes ELSE 0 END)
FROM time_entries
GROUP BY person_id, mk;
