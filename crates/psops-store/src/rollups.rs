//! The rollups reports read instead of raw entries: minutes per person, day, project and
//! category (`time_rollup_day`, with billable and approved minutes) and per person and
//! month (`time_rollup_month`). Every entry write collects its changes as deltas and
//! applies them in its own transaction with one upsert per table; rows that fall to zero
//! are deleted, so a rollup row exists exactly when entries do. `verify` recomputes both
//! from the entries.

use std::collections::BTreeMap;

use psops_core::Result;
use psops_core::code::Code;
use psops_core::dates::day_number;
use psops_core::reporting::{RollupDifference, RollupFigures, month_key};
use psops_core::time_entries::{EntryStatus, TimeEntry};
use time::Date;

use crate::db::{Pools, Sql, Tx, sql};

type DayKey = (i64, i64, i64, String);
type MonthKey = (i64, i64);

/// Rows per multi-row statement: 7 arguments each stays far below both drivers' limits.
const CHUNK: usize = 400;

/// Changes to the rollups, summed per row before anything is written.
#[derive(Debug, Default)]
pub(crate) struct Deltas {
    day: BTreeMap<DayKey, [i64; 3]>,
    month: BTreeMap<MonthKey, [i64; 2]>,
}

fn day_key(e: &TimeEntry) -> DayKey {
    (
        e.person_id.get(),
        day_number(e.date),
        e.project_id.map_or(0, |p| p.get()),
        e.category.map(|c| c.code().to_string()).unwrap_or_default(),
    )
}

impl Deltas {
    /// Adds (`sign` 1) or removes (`sign` -1) an entry as it stands.
    pub fn entry(&mut self, e: &TimeEntry, sign: i64) {
        let m = e.minutes.get() * sign;
        let billable = if e.billable { m } else { 0 };
        let approved = if e.status == EntryStatus::Approved { m } else { 0 };
        let d = self.day.entry(day_key(e)).or_default();
        d[0] += m;
        d[1] += billable;
        d[2] += approved;
        let mo = self.month.entry((e.person_id.get(), month_key(e.date))).or_default();
        mo[0] += m;
        mo[1] += billable;
    }

    /// An entry's status moving from `before` to `after`: only approved minutes change.
    pub fn status(&mut self, e: &TimeEntry, before: EntryStatus, after: EntryStatus) {
        let approved = |s| i64::from(s == EntryStatus::Approved);
        let sign = approved(after) - approved(before);
        if sign != 0 {
            self.day.entry(day_key(e)).or_default()[2] += e.minutes.get() * sign;
        }
    }

    pub async fn write(self, tx: &mut Tx) -> Result<()> {
        let days: Vec<(DayKey, [i64; 3])> = self
            .day
            .into_iter()
            .filter(|(_, d)| d.iter().any(|v| *v != 0))
            .collect();
        let months: Vec<(MonthKey, [i64; 2])> = self
            .month
            .into_iter()
            .filter(|(_, d)| d.iter().any(|v| *v != 0))
            .collect();
        for chunk in days.chunks(CHUNK) {
            let mut q = sql(
                "INSERT INTO time_rollup_day (person_id, day, project_id, category, minutes, billable_minutes, \
                 approved_minutes) VALUES ",
            );
            for (i, ((person, day, project, category), d)) in chunk.iter().enumerate() {
                q.push(if i == 0 { "(" } else { ", (" });
                q.push_bind(*person)
                    .push(", ")
                    .push_bind(*day)
                    .push(", ")
                    .push_bind(*project);
                q.push(", ").push_bind(category.as_str()).push(", ").push_bind(d[0]);
                q.push(", ").push_bind(d[1]).push(", ").push_bind(d[2]).push(")");
            }
            q.push(
                " ON CONFLICT (person_id, day, project_id, category) DO UPDATE SET \
                 minutes = time_rollup_day.minutes + excluded.minutes, \
                 billable_minutes = time_rollup_day.billable_minutes + excluded.billable_minutes, \
                 approved_minutes = time_rollup_day.approved_minutes + excluded.approved_minutes",
            );
            tx.execute(q).await?;
        }
        for chunk in months.chunks(CHUNK) {
            let mut q = sql("INSERT INTO time_rollup_month (person_id, month_key, minutes, billable_minutes) VALUES ");
            for (i, ((person, month), d)) in chunk.iter().enumerate() {
                q.push(if i == 0 { "(" } else { ", (" });
                q.push_bind(*person).push(", ").push_bind(*month).push(", ");
                q.push_bind(d[0]).push(", ").push_bind(d[1]).push(")");
            }
            q.push(
                " ON CONFLICT (person_id, month_key) DO UPDATE SET \
                 minutes = time_rollup_month.minutes + excluded.minutes, \
                 billable_minutes = time_rollup_month.billable_minutes + excluded.billable_minutes",
            );
            tx.execute(q).await?;
        }
        // Only removals can empty a row.
        let emptied = |v: i64| v < 0;
        let day_keys = days.iter().filter(|(_, d)| emptied(d[0])).map(|(k, _)| (k.0, k.1));
        delete_empty(tx, "time_rollup_day", "day", day_keys).await?;
        let month_keys = months.iter().filter(|(_, d)| emptied(d[0])).map(|(k, _)| *k);
        delete_empty(tx, "time_rollup_month", "month_key", month_keys).await
    }
}

/// Deletes the zero rows among `(person, key)` pairs, one statement per person.
async fn delete_empty(tx: &mut Tx, table: &str, column: &str, keys: impl Iterator<Item = (i64, i64)>) -> Result<()> {
    let mut by_person: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for (person, key) in keys {
        by_person.entry(person).or_default().push(key);
    }
    for (person, keys) in by_person {
        for chunk in keys.chunks(CHUNK) {
            let mut q = sql(format!("DELETE FROM {table} WHERE minutes = 0 AND person_id = "));
            q.push_bind(person).push(&format!(" AND {column} IN ("));
            push_list(&mut q, chunk);
            q.push(")");
            tx.execute(q).await?;
        }
    }
    Ok(())
}

pub(crate) fn push_list(q: &mut Sql, values: &[i64]) {
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            q.push(", ");
        }
        q.push_bind(*v);
    }
}

fn figures(r: &crate::db::Row, approved: bool) -> Result<RollupFigures> {
    Ok(RollupFigures {
        minutes: r.get("minutes")?,
        billable_minutes: r.get("billable_minutes")?,
        approved_minutes: if approved { r.get("approved_minutes")? } else { 0 },
    })
}

fn differences<K: Ord + Clone>(
    expected: BTreeMap<K, RollupFigures>,
    mut stored: BTreeMap<K, RollupFigures>,
    out: &mut Vec<RollupDifference>,
    describe: impl Fn(&K, RollupFigures, RollupFigures) -> RollupDifference,
) {
    for (k, e) in expected {
        let s = stored.remove(&k).unwrap_or_default();
        if s != e {
            out.push(describe(&k, e, s));
        }
    }
    for (k, s) in stored {
        out.push(describe(&k, RollupFigures::default(), s));
    }
}

/// Recomputes both rollups from the raw entries and lists every row that differs.
pub(crate) async fn verify(pools: &Pools) -> Result<Vec<RollupDifference>> {
    let rows = pools
        .all(sql(
            "SELECT person_id, entry_date, COALESCE(project_id, 0) AS project_id, COALESCE(category, '') AS category, \
             CAST(SUM(minutes) AS BIGINT) AS minutes, \
             CAST(SUM(CASE WHEN billable THEN minutes ELSE 0 END) AS BIGINT) AS billable_minutes, \
             CAST(SUM(CASE WHEN status = 'approved' THEN minutes ELSE 0 END) AS BIGINT) AS approved_minutes \
             FROM time_entries GROUP BY person_id, entry_date, COALESCE(project_id, 0), COALESCE(category, '')",
        ))
        .await?;
    let mut want_day: BTreeMap<DayKey, RollupFigures> = BTreeMap::new();
    let mut want_month: BTreeMap<MonthKey, RollupFigures> = BTreeMap::new();
    for r in &rows {
        let person: i64 = r.get("person_id")?;
        let date: Date = r.get("entry_date")?;
        let f = figures(r, true)?;
        want_day.insert((person, day_number(date), r.get("project_id")?, r.get("category")?), f);
        let m = want_month.entry((person, month_key(date))).or_default();
        m.minutes += f.minutes;
        m.billable_minutes += f.billable_minutes;
    }
    let mut have_day = BTreeMap::new();
    let q = "SELECT person_id, day, project_id, category, minutes, billable_minutes, approved_minutes \
             FROM time_rollup_day";
    for r in pools.all(sql(q)).await? {
        let key: DayKey = (
            r.get("person_id")?,
            r.get("day")?,
            r.get("project_id")?,
            r.get("category")?,
        );
        have_day.insert(key, figures(&r, true)?);
    }
    let mut have_month = BTreeMap::new();
    let q = "SELECT person_id, month_key, minutes, billable_minutes FROM time_rollup_month";
    for r in pools.all(sql(q)).await? {
        have_month.insert((r.get("person_id")?, r.get("month_key")?), figures(&r, false)?);
    }
    let mut out = Vec::new();
    differences(want_day, have_day, &mut out, |k, expected, stored| RollupDifference {
        rollup: "day".into(),
        person_id: psops_core::Id::new(k.0),
        key: k.1,
        project_id: k.2,
        category: k.3.clone(),
        expected,
        stored,
    });
    differences(want_month, have_month, &mut out, |k, expected, stored| {
        RollupDifference {
            rollup: "month".into(),
            person_id: psops_core::Id::new(k.0),
            key: k.1,
            project_id: 0,
            category: String::new(),
            expected,
            stored,
        }
    });
    Ok(out)
}
