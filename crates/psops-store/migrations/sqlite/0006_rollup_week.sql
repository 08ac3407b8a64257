-- Minutes per person and ISO week, keyed by the day number of the week's Monday (1970-01-01,
-- day 0, was a Thursday): compliance and the home page read one week for everyone from
-- here instead of summing seven days of every project and category.
CREATE TABLE time_rollup_week (
    person_id        BIGINT NOT NULL,
    monday           BIGINT NOT NULL,
    minutes          BIGINT NOT NULL,
    billable_minutes BIGINT NOT NULL,
    approved_minutes BIGINT NOT NULL,
    PRIMARY KEY (person_id, monday)
);
INSERT INTO time_rollup_week (person_id, monday, minutes, billable_minutes, approved_minutes)
SELECT person_id, day - (((day + 3) % 7) + 7) % 7, SUM(minutes), SUM(billable_minutes), SUM(approved_minutes)
FROM time_rollup_day GROUP BY person_id, day - (((day + 3) % 7) + 7) % 7;
CREATE INDEX time_rollup_week_monday ON time_rollup_week (monday, person_id, minutes, billable_minutes, approved_minutes);

-- Reports read a range of days (or months) for everyone: with the figures in the index the
-- read is one ordered index scan instead of one table lookup per row.
DROP INDEX time_rollup_day_day;
CREATE INDEX time_rollup_day_day ON time_rollup_day (day, person_id, minutes, billable_minutes, approved_minutes);
DROP INDEX time_rollup_month_key;
CREATE INDEX time_rollup_month_key ON time_rollup_month (month_key, person_id, minutes, billable_minutes);

-- Compliance reads one week's submissions and approvals for everyone.
DROP INDEX timesheet_weeks_week;
CREATE INDEX timesheet_weeks_week ON timesheet_weeks (week_key, person_id, submitted_at);
DROP INDEX timesheet_approvals_week;
CREATE INDEX timesheet_approvals_week ON timesheet_approvals (week_key, person_id, approved_at);

-- Capacity reads a range of approved time off for everyone, person by person.
DROP INDEX time_off_person_date;
CREATE INDEX time_off_person_date ON time_off (person_id, off_date, status, minutes, kind);

-- What waits for approval is a small part of all time: an index of only that part.
CREATE INDEX time_entries_waiting ON time_entries (project_id, person_id, entry_date, minutes, billable) WHERE status = 'submitted';

-- A project's hours (its burn, its time by person and month) read from the index alone.
DROP INDEX time_entries_project_date;
CREATE INDEX time_entries_project_date ON time_entries (project_id, entry_date, person_id, minutes, billable);
