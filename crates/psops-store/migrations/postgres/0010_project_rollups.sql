-- A project's page reads its people's totals and its days from here instead of summing
-- every entry of the project (millions for an internal project everyone logs to):
-- minutes per project and person over all time, and per project and day (days since
-- 1970-01-01). Project time only; kept in the transaction of every entry change.
CREATE TABLE time_rollup_project_person (
    project_id       BIGINT NOT NULL,
    person_id        BIGINT NOT NULL,
    minutes          BIGINT NOT NULL,
    billable_minutes BIGINT NOT NULL,
    PRIMARY KEY (project_id, person_id)
);
INSERT INTO time_rollup_project_person (project_id, person_id, minutes, billable_minutes)
SELECT project_id, person_id, CAST(SUM(minutes) AS BIGINT), CAST(SUM(billable_minutes) AS BIGINT)
FROM time_rollup_day WHERE project_id <> 0 GROUP BY project_id, person_id;

CREATE TABLE time_rollup_project_day (
    project_id       BIGINT NOT NULL,
    day              BIGINT NOT NULL,
    minutes          BIGINT NOT NULL,
    billable_minutes BIGINT NOT NULL,
    PRIMARY KEY (project_id, day)
);
INSERT INTO time_rollup_project_day (project_id, day, minutes, billable_minutes)
SELECT project_id, day, CAST(SUM(minutes) AS BIGINT), CAST(SUM(billable_minutes) AS BIGINT)
FROM time_rollup_day WHERE project_id <> 0 GROUP BY project_id, day;
