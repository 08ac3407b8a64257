//! `BulkStore`: a whole organisation into an empty database, fast. Records go in with
//! their ids fixed; time goes in batch by batch through `bulk_copy`, with the rollup
//! rows of each batch summed in memory (a person's time is wholly in one batch, so the
//! rows are final) — cheaper than a `GROUP BY` over the raw entries afterwards, which
//! re-reads every row and on SQLite parses every text date. Secondary indexes of the
//! big tables are dropped first and rebuilt at the end (one sort instead of millions
//! of random inserts); commits fall every half million entries so neither the WAL nor
//! PostgreSQL's transaction grows without bound. No audit rows: this is a load, not a
//! change anyone made.

use async_trait::async_trait;
use psops_core::bulk::{LoadStats, OrgRecords, TimeBatch};
use psops_core::code::Code;
use psops_core::reporting::week_key;
use psops_core::rule::Rule;
use psops_core::store::BulkStore;
use psops_core::{Error, Result};

use crate::Db;
use crate::bulk_copy::copy_rows;
use crate::db::{Backend, Pools, Tx, Value, sql};
use crate::rollups::{self, Deltas, category_key, figures};

/// Entries between commits.
const COMMIT_EVERY: u64 = 500_000;
/// The tables whose secondary indexes are rebuilt after the load.
const BIG_TABLES: [&str; 4] = [
    "time_entries",
    "time_rollup_day",
    "time_rollup_week",
    "time_rollup_month",
];
const RECORD_TABLES: [&str; 12] = [
    "partners",
    "holiday_calendars",
    "accounts",
    "contacts",
    "people",
    "projects",
    "assignments",
    "role_rates",
    "cost_rates",
    "fx_rates",
    "person_skills",
    "person_certifications",
];

pub(crate) fn v(x: impl Into<Value>) -> Value {
    x.into()
}

#[async_trait]
impl BulkStore for Db {
    async fn holds_records(&self) -> Result<bool> {
        for table in RECORD_TABLES.iter().chain(&["time_entries"]) {
            let q = sql(format!("SELECT 1 AS one FROM {table} LIMIT 1"));
            if self.pools.optional(q).await?.is_some() {
                return Ok(true);
            }
        }
        Ok(false)
    }

    async fn refresh_statistics(&self) -> Result<()> {
        Ok(self.pools.vacuum().await?)
    }

    async fn bulk_load(
        &self,
        records: &OrgRecords,
        batches: &mut (dyn Iterator<Item = TimeBatch> + Send),
        progress: &(dyn for<'s> Fn(&'s LoadStats) + Send + Sync),
    ) -> Result<LoadStats> {
        if self.holds_records().await? {
            return Err(Error::conflict(
                "database",
                Rule::NotEmpty,
                "the database already holds an organisation; load into a fresh database",
            ));
        }
        tune(&self.pools, true).await?;
        let loaded = load(&self.pools, records, batches, progress).await;
        tune(&self.pools, false).await?;
        loaded
    }
}

/// On SQLite, a large page cache and no fsync while loading; the defaults after.
async fn tune(pools: &Pools, loading: bool) -> Result<()> {
    let pragmas = if loading {
        "PRAGMA cache_size = -262144; PRAGMA synchronous = OFF;"
    } else {
        "PRAGMA cache_size = -2000; PRAGMA synchronous = NORMAL;"
    };
    Ok(pools.sqlite_pragmas(pragmas).await?)
}

async fn load(
    pools: &Pools,
    records: &OrgRecords,
    batches: &mut (dyn Iterator<Item = TimeBatch> + Send),
    progress: &(dyn for<'s> Fn(&'s LoadStats) + Send + Sync),
) -> Result<LoadStats> {
    let mut tx = pools.begin().await?;
    let mut stats = crate::bulk_records::write_records(&mut tx, records).await?;
    let indexes = drop_indexes(&mut tx).await?;
    let mut since_commit = 0;
    let mut project_days = ProjectDays::new();
    for batch in batches {
        since_commit += batch.entries.len() as u64;
        write_batch(&mut tx, batch, &mut stats, &mut project_days).await?;
        if since_commit >= COMMIT_EVERY {
            tx.commit().await?;
            tx = pools.begin().await?;
            since_commit = 0;
        }
        progress(&stats);
    }
    let days = project_days.into_iter().collect();
    stats.rollup_rows += copy_rollup(&mut tx, &rollups::PROJECT_DAY, days).await?;
    for create in indexes {
        tx.execute_script(&create).await?;
    }
    if tx.backend() == Backend::Postgres {
        for table in RECORD_TABLES {
            let q = format!("SELECT setval(pg_get_serial_sequence('{table}', 'id'), MAX(id)) FROM {table}");
            tx.execute_script(&q).await?;
        }
    }
    tx.commit().await?;
    // Statistics for the planner and the visibility map now, rather than whenever
    // autovacuum gets to the new tables: until then PostgreSQL plans every read as if
    // they were empty, and reads every covering index's rows from the table as well.
    pools.vacuum().await?;
    Ok(stats)
}

/// Drops the secondary indexes of the big tables; returns the statements that rebuild them.
async fn drop_indexes(tx: &mut Tx) -> Result<Vec<String>> {
    let list = BIG_TABLES.map(|t| format!("'{t}'")).join(", ");
    let q = match tx.backend() {
        Backend::Sqlite => format!(
            "SELECT name, sql AS definition FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL \
             AND tbl_name IN ({list}) ORDER BY name"
        ),
        Backend::Postgres => format!(
            "SELECT indexname AS name, indexdef AS definition FROM pg_indexes WHERE schemaname = current_schema() \
             AND tablename IN ({list}) AND indexname NOT IN (SELECT conname FROM pg_constraint) ORDER BY indexname"
        ),
    };
    let mut creates = Vec::new();
    for row in tx.all(sql(q)).await? {
        let name: String = row.get("name")?;
        creates.push(row.get::<String>("definition")?);
        tx.execute_script(&format!("DROP INDEX {name}")).await?;
    }
    Ok(creates)
}

/// A project's minutes by day, summed over the batches.
type ProjectDays = std::collections::BTreeMap<rollups::ProjectKey, [i64; 2]>;

/// Copies rows of a rollup keyed by two numbers.
async fn copy_rollup<const N: usize>(
    tx: &mut Tx,
    table: &rollups::Rollup<N>,
    rows: Vec<((i64, i64), [i64; N])>,
) -> Result<u64> {
    let cols: Vec<&str> = table.keys.iter().chain(table.figures.iter()).copied().collect();
    let rows = rows
        .into_iter()
        .map(|((a, b), figures)| [v(a), v(b)].into_iter().chain(figures.into_iter().map(v)).collect())
        .collect();
    copy_rows(tx, table.name, &cols, rows).await
}

async fn write_batch(tx: &mut Tx, b: TimeBatch, stats: &mut LoadStats, project_days: &mut ProjectDays) -> Result<()> {
    let mut deltas = Deltas::default();
    let mut rows = Vec::with_capacity(b.entries.len());
    for e in b.entries {
        let f = figures(e.minutes, e.billable, e.status, 1);
        let project = e.project_id.unwrap_or(0);
        deltas.add(e.person_id, e.date, project, category_key(e.category), f);
        rows.push(vec![
            v(e.person_id),
            v(e.project_id),
            v(e.category.map(|c| c.code())),
            v(e.date),
            v(e.minutes),
            v(e.billable),
            v(e.note),
            v(e.status.code()),
            v(e.created_at),
            v(e.updated_at),
        ]);
    }
    let crate::rollups::Rows {
        days,
        weeks,
        months,
        project_people,
        project_days: these_days,
    } = deltas.into_rows();
    stats.entries += copy_rows(tx, "time_entries", &crate::time_entries::NEW_COLUMNS, rows).await?;
    let day_rows = days.into_iter().map(|((person, day, project, category), d)| {
        vec![
            v(person),
            v(day),
            v(project),
            v(category.as_ref()),
            v(d[0]),
            v(d[1]),
            v(d[2]),
        ]
    });
    let cols = [
        "person_id",
        "day",
        "project_id",
        "category",
        "minutes",
        "billable_minutes",
        "approved_minutes",
    ];
    stats.rollup_rows += copy_rows(tx, "time_rollup_day", &cols, day_rows.collect()).await?;
    rollups::moved(tx, &crate::follow::EVERYONE).await?;
    stats.rollup_rows += copy_rollup(tx, &rollups::WEEK, weeks).await?;
    stats.rollup_rows += copy_rollup(tx, &rollups::MONTH, months).await?;
    // A person's time is wholly in one batch, so their project rows are final here; a
    // project's days span batches and are written once, at the end.
    stats.rollup_rows += copy_rollup(tx, &rollups::PROJECT_PERSON, project_people).await?;
    for (key, [m, b]) in these_days {
        let sums = project_days.entry(key).or_default();
        sums[0] += m;
        sums[1] += b;
    }
    let off = b.time_off.into_iter().map(|o| {
        vec![
            v(o.person_id),
            v(o.date),
            v(o.minutes),
            v(o.kind.code()),
            v(o.note),
            v(o.status.code()),
            v(o.decided_at),
            v(o.created_at),
            v(o.decided_at.unwrap_or(o.created_at)),
        ]
    });
    let cols = [
        "person_id",
        "off_date",
        "minutes",
        "kind",
        "note",
        "status",
        "decided_at",
        "created_at",
        "updated_at",
    ];
    stats.time_off += copy_rows(tx, "time_off", &cols, off.collect()).await?;
    let weeks = b
        .weeks
        .iter()
        .map(|w| vec![v(w.person_id), v(week_key(w.week)), v(w.submitted_at)]);
    let cols = ["person_id", "week_key", "submitted_at"];
    stats.weeks += copy_rows(tx, "timesheet_weeks", &cols, weeks.collect()).await?;
    let approvals = b.approvals.iter().map(|a| {
        vec![
            v(a.person_id),
            v(week_key(a.week)),
            v(a.project_id.unwrap_or(0)),
            v(a.approved_at),
        ]
    });
    let cols = ["person_id", "week_key", "project_id", "approved_at"];
    stats.approvals += copy_rows(tx, "timesheet_approvals", &cols, approvals.collect()).await?;
    let rejections = b.rejections.into_iter().map(|r| {
        vec![
            v(r.person_id),
            v(week_key(r.week)),
            v(r.project_id),
            v(r.reason),
            v(r.rejected_at),
            v(r.entries),
        ]
    });
    let cols = [
        "person_id",
        "week_key",
        "project_id",
        "reason",
        "rejected_at",
        "entries",
    ];
    stats.rejections += copy_rows(tx, "timesheet_rejections", &cols, rejections.collect()).await?;
    crate::follow::timesheets(tx).await?;
    Ok(())
}
