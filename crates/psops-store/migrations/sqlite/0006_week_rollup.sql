-- Minutes per person and ISO week, for reports drawn week by week: a quarter's weeks for
-- 5,000 people are about 65,000 rows here instead of 400,000 in the daily rollup.
-- `week_start` is the day number (days since 1970-01-01) of the week's Monday; rows exist
-- exactly when entries do, kept in the same transaction as the entries like the others.
-- Keyed week first and stored in key order, so a run of weeks is one sequential read;
-- one person's weeks are found through the second index.
CREATE TABLE time_rollup_week (
    person_id        BIGINT NOT NULL,
    week_start       BIGINT NOT NULL,
    minutes          BIGINT NOT NULL,
    billable_minutes BIGINT NOT NULL,
    PRIMARY KEY (week_start, person_id)
) WITHOUT ROWID;
CREATE INDEX time_rollup_week_person ON time_rollup_week (person_id);

-- From the daily rollup as it stands. 1970-01-05, day 4, was a Monday; adding a multiple
-- of 7 keeps the remainder positive for every date the store accepts (from 1900).
INSERT INTO time_rollup_week (person_id, week_start, minutes, billable_minutes)
SELECT person_id, day - ((day + 28003) % 7), SUM(minutes), SUM(billable_minutes)
FROM time_rollup_day
GROUP BY person_id, day - ((day + 28003) % 7);

-- The daily rollup is read by day range (a range's edges, a week's compliance): an index
-- holding the figures too answers those reads without visiting the table row by row.
DROP INDEX time_rollup_day_day;
CREATE INDEX time_rollup_day_day ON time_rollup_day (day, person_id, minutes, billable_minutes, approved_minutes);
