//! The rollups reports read instead of raw entries: minutes per person, day, project and
//! category (`time_rollup_day`, with billable and approved minutes), per person and ISO
//! week (`time_rollup_week`, keyed by the day number of its Monday, with the same three
//! figures: what compliance and the home page read for a whole organisation) and per
//! person and month (`time_rollup_month`), and for a project's page per project and
//! person (`time_rollup_project_person`, all time) and per project and day
//! (`time_rollup_project_day`), both with minutes and billable minutes, project time only.
//! Every entry write collects its changes as
//! deltas and applies them in its own transaction with one upsert per table; rows that
//! fall to zero are deleted, so a rollup row exists exactly when entries do. `verify`
//! recomputes all three from the entries.

use std::borrow::Cow;
use std::collections::BTreeMap;

use psops_core::Result;
use psops_core::code::Code;
use psops_core::dates::day_number;
use psops_core::reporting::{RollupDifference, RollupFigures, month_key};
use psops_core::time_entries::{EntryStatus, InternalCategory, TimeEntry};
use time::Date;

use crate::db::{Backend, Pools, Sql, Tx, sql};

/// A `time_rollup_day` row: person, day number, project (0: none), category code ("": none).
pub(crate) type DayKey = (i64, i64, i64, Cow<'static, str>);
/// A `time_rollup_month` row: person, month key.
pub(crate) type MonthKey = (i64, i64);
/// A `time_rollup_week` row: person, day number of the week's Monday.
pub(crate) type WeekKey = (i64, i64);
/// A `time_rollup_project_person` row (project, person) or `time_rollup_project_day` row
/// (project, day number).
pub(crate) type ProjectKey = (i64, i64);

/// The rows that change: day and week rows with their minutes, billable and approved
/// minutes; month rows with the first two.
#[derive(Debug, Default)]
pub(crate) struct Rows {
    pub days: Vec<(DayKey, [i64; 3])>,
    pub weeks: Vec<(WeekKey, [i64; 3])>,
    pub months: Vec<(MonthKey, [i64; 2])>,
    pub project_people: Vec<(ProjectKey, [i64; 2])>,
    pub project_days: Vec<(ProjectKey, [i64; 2])>,
}

/// The day number of the Monday of the ISO week holding day number `day` (1970-01-01,
/// day 0, was a Thursday). The week rollup's key; migrations compute it the same way.
pub(crate) fn monday(day: i64) -> i64 {
    day - (day + 3).rem_euclid(7)
}

/// Rows per multi-row statement: 7 arguments each stays far below both drivers' limits.
const CHUNK: usize = 400;

/// Changes to the rollups, summed per row before anything is written. The one place that
/// says which rollup rows an entry's minutes land in: every entry write, the bulk load
/// and `verify` count through it.
#[derive(Debug, Default)]
pub(crate) struct Deltas {
    day: BTreeMap<DayKey, [i64; 3]>,
    week: BTreeMap<WeekKey, [i64; 3]>,
    month: BTreeMap<MonthKey, [i64; 2]>,
    project_person: BTreeMap<ProjectKey, [i64; 2]>,
    project_day: BTreeMap<ProjectKey, [i64; 2]>,
}

/// An entry's minutes as the rollups count them — all, billable, approved — times `sign`.
pub(crate) fn figures(minutes: i64, billable: bool, status: EntryStatus, sign: i64) -> [i64; 3] {
    let m = minutes * sign;
    [
        m,
        if billable { m } else { 0 },
        if status == EntryStatus::Approved { m } else { 0 },
    ]
}

/// The category part of a day row's key.
pub(crate) fn category_key(c: Option<InternalCategory>) -> Cow<'static, str> {
    Cow::Borrowed(c.map_or("", |c| c.code()))
}

impl Deltas {
    /// Counts `f` (minutes, billable, approved) on the day's row, the week's and the month's.
    pub fn add(&mut self, person: i64, date: Date, project: i64, category: Cow<'static, str>, f: [i64; 3]) {
        let day = day_number(date);
        let d = self.day.entry((person, day, project, category)).or_default();
        for (sum, v) in d.iter_mut().zip(f) {
            *sum += v;
        }
        let w = self.week.entry((person, monday(day))).or_default();
        for (sum, v) in w.iter_mut().zip(f) {
            *sum += v;
        }
        let two = |row: &mut [i64; 2]| {
            row[0] += f[0];
            row[1] += f[1];
        };
        two(self.month.entry((person, month_key(date))).or_default());
        if project != 0 {
            two(self.project_person.entry((project, person)).or_default());
            two(self.project_day.entry((project, day)).or_default());
        }
    }

    /// Adds (`sign` 1) or removes (`sign` -1) an entry as it stands.
    pub fn entry(&mut self, e: &TimeEntry, sign: i64) {
        let f = figures(e.minutes.get(), e.billable, e.status, sign);
        let project = e.project_id.map_or(0, |p| p.get());
        self.add(e.person_id.get(), e.date, project, category_key(e.category), f);
    }

    /// An entry's status moving from `before` to `after`: only approved minutes change.
    pub fn status(&mut self, e: &TimeEntry, before: EntryStatus, after: EntryStatus) {
        let approved = |s| i64::from(s == EntryStatus::Approved);
        let sign = approved(after) - approved(before);
        if sign != 0 {
            let day = day_number(e.date);
            let key = (
                e.person_id.get(),
                day,
                e.project_id.map_or(0, |p| p.get()),
                category_key(e.category),
            );
            self.day.entry(key).or_default()[2] += e.minutes.get() * sign;
            self.week.entry((e.person_id.get(), monday(day))).or_default()[2] += e.minutes.get() * sign;
        }
    }

    /// The rows that change, without those whose every figure nets to zero.
    pub fn into_rows(self) -> Rows {
        fn changed<K, const N: usize>(rows: BTreeMap<K, [i64; N]>) -> Vec<(K, [i64; N])> {
            rows.into_iter().filter(|(_, f)| f.iter().any(|v| *v != 0)).collect()
        }
        Rows {
            days: changed(self.day),
            weeks: changed(self.week),
            months: changed(self.month),
            project_people: changed(self.project_person),
            project_days: changed(self.project_day),
        }
    }

    pub async fn write(self, tx: &mut Tx) -> Result<()> {
        let Rows {
            days,
            weeks,
            months,
            project_people,
            project_days,
        } = self.into_rows();
        if !days.is_empty() {
            moved(tx, &touched(&days)).await?;
        }
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
                q.push(", ").push_bind(category.as_ref()).push(", ").push_bind(d[0]);
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
        upsert(tx, &WEEK, &weeks).await?;
        upsert(tx, &MONTH, &months).await?;
        upsert(tx, &PROJECT_PERSON, &project_people).await?;
        upsert(tx, &PROJECT_DAY, &project_days).await?;
        // Only removals can empty a row.
        let emptied = |v: i64| v < 0;
        let day_keys = days.iter().filter(|(_, d)| emptied(d[0])).map(|(k, _)| (k.0, k.1));
        delete_empty(tx, "time_rollup_day", ["person_id", "day"], day_keys).await?;
        for (table, rows) in [(&WEEK, &weeks[..])] {
            let keys = rows.iter().filter(|(_, w)| emptied(w[0])).map(|(k, _)| *k);
            delete_empty(tx, table.name, table.keys, keys).await?;
        }
        for (table, rows) in [
            (&MONTH, &months[..]),
            (&PROJECT_PERSON, &project_people),
            (&PROJECT_DAY, &project_days),
        ] {
            let keys = rows.iter().filter(|(_, w)| emptied(w[0])).map(|(k, _)| *k);
            delete_empty(tx, table.name, table.keys, keys).await?;
        }
        Ok(())
    }
}

/// Moves the count of changes to the day rollup (migration 11), in the transaction that
/// changes it, and logs whose minutes it changed — `people` as (person, first day, last
/// day), or [`crate::follow::EVERYONE`] — so that reports kept at an older count read
/// only those people's minutes again. On PostgreSQL one of 32 counts, chosen by the
/// session, so that concurrent writers do not queue on one row.
pub(crate) async fn moved(tx: &mut Tx, people: &[(i64, i64, i64)]) -> Result<()> {
    let q = match tx.backend() {
        Backend::Sqlite => sql("UPDATE change_counts SET n = n + 1 WHERE kind = 'rollup' RETURNING kind, n"),
        Backend::Postgres => sql(
            "UPDATE change_counts SET n = n + 1 WHERE kind = 'rollup:' || (pg_backend_pid() % 32) RETURNING kind, n",
        ),
    };
    let row = tx.one(q).await?;
    let (kind, n): (String, i64) = (row.get("kind")?, row.get("n")?);
    crate::follow::log(tx, &kind, n, people).await
}

/// Each person's first and last day among changed day rows.
fn touched(days: &[(DayKey, [i64; 3])]) -> Vec<(i64, i64, i64)> {
    let mut out: BTreeMap<i64, (i64, i64)> = BTreeMap::new();
    for ((person, day, _, _), _) in days {
        let span = out.entry(*person).or_insert((*day, *day));
        span.0 = span.0.min(*day);
        span.1 = span.1.max(*day);
    }
    out.into_iter().map(|(p, (a, b))| (p, a, b)).collect()
}

/// A rollup keyed by two numbers, with its figures' columns.
pub(crate) struct Rollup<const N: usize> {
    pub name: &'static str,
    pub keys: [&'static str; 2],
    pub figures: [&'static str; N],
}

pub(crate) const WEEK: Rollup<3> = Rollup {
    name: "time_rollup_week",
    keys: ["person_id", "monday"],
    figures: ["minutes", "billable_minutes", "approved_minutes"],
};
pub(crate) const MONTH: Rollup<2> = Rollup {
    name: "time_rollup_month",
    keys: ["person_id", "month_key"],
    figures: ["minutes", "billable_minutes"],
};
pub(crate) const PROJECT_PERSON: Rollup<2> = Rollup {
    name: "time_rollup_project_person",
    keys: ["project_id", "person_id"],
    figures: ["minutes", "billable_minutes"],
};
pub(crate) const PROJECT_DAY: Rollup<2> = Rollup {
    name: "time_rollup_project_day",
    keys: ["project_id", "day"],
    figures: ["minutes", "billable_minutes"],
};

/// Adds `rows` to the rollup's figures, a multi-row upsert per chunk.
async fn upsert<const N: usize>(tx: &mut Tx, table: &Rollup<N>, rows: &[((i64, i64), [i64; N])]) -> Result<()> {
    let [k0, k1] = table.keys;
    let columns = table.figures.join(", ");
    let sums: Vec<String> = table
        .figures
        .iter()
        .map(|f| format!("{f} = {t}.{f} + excluded.{f}", t = table.name))
        .collect();
    for chunk in rows.chunks(CHUNK) {
        let mut q = sql(format!("INSERT INTO {} ({k0}, {k1}, {columns}) VALUES ", table.name));
        for (i, ((a, b), figures)) in chunk.iter().enumerate() {
            q.push(if i == 0 { "(" } else { ", (" });
            q.push_bind(*a).push(", ").push_bind(*b);
            for v in figures {
                q.push(", ").push_bind(*v);
            }
            q.push(")");
        }
        q.push(&format!(" ON CONFLICT ({k0}, {k1}) DO UPDATE SET {}", sums.join(", ")));
        tx.execute(q).await?;
    }
    Ok(())
}

/// Deletes the zero rows among `(first, second)` key pairs, one statement per first key.
async fn delete_empty(
    tx: &mut Tx,
    table: &str,
    [first, second]: [&str; 2],
    keys: impl Iterator<Item = (i64, i64)>,
) -> Result<()> {
    let mut by_first: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for (a, b) in keys {
        by_first.entry(a).or_default().push(b);
    }
    for (a, keys) in by_first {
        for chunk in keys.chunks(CHUNK) {
            let mut q = sql(format!("DELETE FROM {table} WHERE minutes = 0 AND {first} = "));
            q.push_bind(a).push(&format!(" AND {second} IN ("));
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

fn stored(r: &crate::db::Row, approved: bool) -> Result<RollupFigures> {
    Ok(RollupFigures {
        minutes: r.get("minutes")?,
        billable_minutes: r.get("billable_minutes")?,
        approved_minutes: if approved { r.get("approved_minutes")? } else { 0 },
    })
}

fn rollup([minutes, billable_minutes, approved_minutes]: [i64; 3]) -> RollupFigures {
    RollupFigures {
        minutes,
        billable_minutes,
        approved_minutes,
    }
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

/// Recomputes every rollup from the raw entries and lists every row that differs.
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
    let mut want = Deltas::default();
    for r in &rows {
        let f = stored(r, true)?;
        let category: String = r.get("category")?;
        want.add(
            r.get("person_id")?,
            r.get("entry_date")?,
            r.get("project_id")?,
            Cow::Owned(category),
            [f.minutes, f.billable_minutes, f.approved_minutes],
        );
    }
    let want = want.into_rows();
    let want_day: BTreeMap<DayKey, RollupFigures> = want.days.into_iter().map(|(k, f)| (k, rollup(f))).collect();
    let want_week: BTreeMap<WeekKey, RollupFigures> = want.weeks.into_iter().map(|(k, f)| (k, rollup(f))).collect();
    let two = |rows: Vec<((i64, i64), [i64; 2])>| -> BTreeMap<(i64, i64), RollupFigures> {
        rows.into_iter().map(|(k, [m, b])| (k, rollup([m, b, 0]))).collect()
    };
    let want_month = two(want.months);
    let want_project_person = two(want.project_people);
    let want_project_day = two(want.project_days);
    let mut have_day = BTreeMap::new();
    let q = "SELECT person_id, day, project_id, category, minutes, billable_minutes, approved_minutes \
             FROM time_rollup_day";
    for r in pools.all(sql(q)).await? {
        let category: String = r.get("category")?;
        let key: DayKey = (
            r.get("person_id")?,
            r.get("day")?,
            r.get("project_id")?,
            Cow::Owned(category),
        );
        have_day.insert(key, stored(&r, true)?);
    }
    let mut have_week = BTreeMap::new();
    let q = "SELECT person_id, monday, minutes, billable_minutes, approved_minutes FROM time_rollup_week";
    for r in pools.all(sql(q)).await? {
        have_week.insert((r.get("person_id")?, r.get("monday")?), stored(&r, true)?);
    }
    let mut have_month = BTreeMap::new();
    let q = "SELECT person_id, month_key, minutes, billable_minutes FROM time_rollup_month";
    for r in pools.all(sql(q)).await? {
        have_month.insert((r.get("person_id")?, r.get("month_key")?), stored(&r, false)?);
    }
    let have = |table: &'static Rollup<2>| async move {
        let [k0, k1] = table.keys;
        let q = format!("SELECT {k0}, {k1}, minutes, billable_minutes FROM {}", table.name);
        let mut found = BTreeMap::new();
        for r in pools.all(sql(q)).await? {
            found.insert((r.get::<i64>(k0)?, r.get::<i64>(k1)?), stored(&r, false)?);
        }
        Ok::<_, psops_core::Error>(found)
    };
    let have_project_person = have(&PROJECT_PERSON).await?;
    let have_project_day = have(&PROJECT_DAY).await?;
    let mut out = Vec::new();
    let project = |rollup: &str, person: i64, key: i64, project: i64, expected, stored| RollupDifference {
        rollup: rollup.into(),
        person_id: psops_core::Id::new(person),
        key,
        project_id: project,
        category: String::new(),
        expected,
        stored,
    };
    differences(want_project_person, have_project_person, &mut out, |k, e, s| {
        project("project_person", k.1, 0, k.0, e, s)
    });
    differences(want_project_day, have_project_day, &mut out, |k, e, s| {
        project("project_day", 0, k.1, k.0, e, s)
    });
    differences(want_day, have_day, &mut out, |k, expected, stored| RollupDifference {
        rollup: "day".into(),
        person_id: psops_core::Id::new(k.0),
        key: k.1,
        project_id: k.2,
        category: k.3.to_string(),
        expected,
        stored,
    });
    differences(want_week, have_week, &mut out, |k, expected, stored| RollupDifference {
        rollup: "week".into(),
        person_id: psops_core::Id::new(k.0),
        key: k.1,
        project_id: 0,
        category: String::new(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn minutes_land_on_their_day_and_month_rows() {
        let admin = category_key(Some(InternalCategory::Admin));
        let mut d = Deltas::default();
        d.add(
            1,
            date!(2026 - 03 - 02),
            7,
            category_key(None),
            figures(90, true, EntryStatus::Approved, 1),
        );
        d.add(
            1,
            date!(2026 - 03 - 31),
            0,
            admin.clone(),
            figures(30, false, EntryStatus::Draft, 1),
        );
        d.add(
            1,
            date!(2026 - 04 - 01),
            0,
            admin.clone(),
            figures(60, false, EntryStatus::Draft, 1),
        );
        let Rows {
            days,
            weeks,
            months,
            project_people,
            project_days,
        } = d.into_rows();
        // Project time only: the internal half hour and hour are on no project row.
        assert_eq!(project_people, [((7, 1), [90, 90])]);
        assert_eq!(project_days, [((7, day_number(date!(2026 - 03 - 02))), [90, 90])]);
        let days: Vec<[i64; 3]> = days.into_iter().map(|(_, f)| f).collect();
        assert_eq!(days, [[90, 90, 90], [30, 0, 0], [60, 0, 0]]);
        // 2026-03-02 is a Monday; the 31st and the 1st share the week of Monday the 30th.
        let weeks: Vec<(i64, [i64; 3])> = weeks.into_iter().map(|((_, w), f)| (w, f)).collect();
        assert_eq!(
            weeks,
            [
                (day_number(date!(2026 - 03 - 02)), [90, 90, 90]),
                (day_number(date!(2026 - 03 - 30)), [90, 0, 0])
            ]
        );
        let months: Vec<(i64, [i64; 2])> = months.into_iter().map(|((_, m), f)| (m, f)).collect();
        assert_eq!(
            months,
            [
                (month_key(date!(2026 - 03 - 02)), [120, 90]),
                (month_key(date!(2026 - 04 - 01)), [60, 0])
            ]
        );
    }

    #[test]
    fn a_removed_entry_leaves_no_row_to_write() {
        let mut d = Deltas::default();
        let day = date!(2026 - 03 - 02);
        d.add(
            1,
            day,
            7,
            category_key(None),
            figures(90, true, EntryStatus::Submitted, 1),
        );
        d.add(
            1,
            day,
            7,
            category_key(None),
            figures(90, true, EntryStatus::Submitted, -1),
        );
        let rows = d.into_rows();
        assert!(rows.days.is_empty() && rows.weeks.is_empty() && rows.months.is_empty());
    }

    #[test]
    fn every_day_of_an_iso_week_has_its_monday() {
        let monday_day = day_number(date!(2026 - 11 - 23));
        for offset in 0..7 {
            assert_eq!(monday(monday_day + offset), monday_day);
        }
        assert_eq!(monday(monday_day + 7), monday_day + 7);
        // Before 1970 too: 1969-12-29 was a Monday.
        assert_eq!(
            monday(day_number(date!(1969 - 12 - 31))),
            day_number(date!(1969 - 12 - 29))
        );
        assert_eq!(monday(0), day_number(date!(1969 - 12 - 29)));
    }
}
