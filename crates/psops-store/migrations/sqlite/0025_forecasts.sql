-- Forecast snapshots: the revenue and billable-hours forecast as it stood when kept (the
-- monthly job keeps one on the first of each month; finance can keep one at any time).
-- Every snapshot stays with its time; forecast accuracy compares a month's actual revenue
-- with the latest snapshot kept before the month began. The header carries the totals so
-- the list of snapshots never sums lines.
CREATE TABLE forecast_snapshots (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    taken_at           TEXT NOT NULL,
    taken_by           BIGINT REFERENCES users (id),
    via                TEXT,
    from_month         TEXT NOT NULL,
    months             BIGINT NOT NULL,
    reporting_currency TEXT NOT NULL,
    revenue_minor      BIGINT NOT NULL,
    upside_minor       BIGINT NOT NULL,
    billable_minutes   BIGINT NOT NULL,
    lines              BIGINT NOT NULL
);
CREATE INDEX forecast_snapshots_taken ON forecast_snapshots (taken_at, id);

-- One project's forecast for one month in a snapshot: weighted amount and its upside in
-- the project's currency and in the reporting currency, weighted hours and billable hours
-- with their upside.
CREATE TABLE forecast_lines (
    snapshot_id             BIGINT NOT NULL REFERENCES forecast_snapshots (id),
    project_id              BIGINT NOT NULL REFERENCES projects (id),
    month                   TEXT NOT NULL,
    currency                TEXT NOT NULL,
    amount_minor            BIGINT NOT NULL,
    upside_minor            BIGINT NOT NULL,
    reporting_minor         BIGINT NOT NULL,
    reporting_upside_minor  BIGINT NOT NULL,
    minutes                 BIGINT NOT NULL,
    upside_minutes          BIGINT NOT NULL,
    billable_minutes        BIGINT NOT NULL,
    billable_upside_minutes BIGINT NOT NULL,
    PRIMARY KEY (snapshot_id, month, project_id)
);
