//! The few statements a chunk of imported time costs: one lookup each for the people,
//! projects, already-imported keys and day totals it needs, and the bulk writers of
//! `bulk_copy` for the entries and their audit rows.

use std::collections::{HashMap, HashSet};

use psops_core::Result;
use psops_core::code::Code;
use psops_core::people::Person;
use psops_core::projects::Project;
use psops_core::time_entries::EntryStatus;
use time::Date;

use super::Fresh;
use crate::bulk::v;
use crate::bulk_copy::insert_returning;
use crate::db::{Tx, now, sql};
use crate::record::table;
use crate::rollups::{self, Deltas, push_list};

/// Rows per multi-row statement: 11 arguments each stays far below both drivers' limits.
const ROWS_PER_STATEMENT: usize = 400;

fn unseen<T>(cache: &HashMap<i64, T>, ids: &[i64]) -> Vec<i64> {
    let mut out: Vec<i64> = ids.iter().copied().filter(|id| !cache.contains_key(id)).collect();
    out.sort_unstable();
    out.dedup();
    out
}

async fn load<T>(
    tx: &mut Tx,
    cache: &mut HashMap<i64, T>,
    ids: &[i64],
    table: &crate::common::Table<T>,
    id_of: fn(&T) -> i64,
) -> Result<()> {
    for part in unseen(cache, ids).chunks(ROWS_PER_STATEMENT) {
        let mut q = sql(format!("SELECT {} FROM {} WHERE id IN (", table.columns, table.table));
        push_list(&mut q, part);
        q.push(")");
        for r in tx.all(q).await? {
            let v = (table.read)(&r)?;
            cache.insert(id_of(&v), v);
        }
    }
    Ok(())
}

pub(super) async fn load_people(tx: &mut Tx, cache: &mut HashMap<i64, Person>, ids: &[i64]) -> Result<()> {
    load(tx, cache, ids, &table::<Person>(), |p| p.id.get()).await
}

pub(super) async fn load_projects(tx: &mut Tx, cache: &mut HashMap<i64, Project>, ids: &[i64]) -> Result<()> {
    load(tx, cache, ids, &table::<Project>(), |p| p.id.get()).await
}

/// The (person, key) pairs among `keys` that an earlier import already stored.
pub(super) async fn imported_keys(tx: &mut Tx, keys: &[(i64, &str)]) -> Result<HashSet<(i64, String)>> {
    let wanted: HashSet<(i64, &str)> = keys.iter().copied().collect();
    let mut found = HashSet::new();
    for part in keys.chunks(ROWS_PER_STATEMENT * 2) {
        // One probe of the unique index per pair. (`person_id IN (…) AND source_key IN (…)`
        // probed every person with every key: hundreds of probes per row.)
        let mut q = sql("SELECT t.person_id, t.source_key FROM (VALUES ");
        for (i, (person, key)) in part.iter().enumerate() {
            q.push(if i == 0 { "(" } else { ", (" });
            q.push_bind(*person).push(", ").push_bind(*key).push(")");
        }
        q.push(") k JOIN time_entries t ON t.person_id = k.column1 AND t.source_key = k.column2");
        for r in tx.all(q).await? {
            let (person, key): (i64, String) = (r.get("person_id")?, r.get("source_key")?);
            if wanted.contains(&(person, key.as_str())) {
                found.insert((person, key));
            }
        }
    }
    Ok(found)
}

/// Records, for every (person, project) pair not yet looked at, whether the person holds
/// a live assignment on the project (archived ones do not count).
pub(super) async fn load_assigned(
    tx: &mut Tx,
    assigned: &mut HashMap<(i64, i64), bool>,
    pairs: &[(i64, i64)],
) -> Result<()> {
    let todo: HashSet<(i64, i64)> = pairs.iter().copied().filter(|p| !assigned.contains_key(p)).collect();
    let mut people: Vec<i64> = todo.iter().map(|p| p.0).collect();
    people.sort_unstable();
    people.dedup();
    for part in people.chunks(ROWS_PER_STATEMENT) {
        let mut q = sql("SELECT person_id, project_id FROM assignments WHERE archived_at IS NULL AND person_id IN (");
        push_list(&mut q, part);
        q.push(")");
        for r in tx.all(q).await? {
            let k: (i64, i64) = (r.get("person_id")?, r.get("project_id")?);
            if todo.contains(&k) {
                assigned.insert(k, true);
            }
        }
    }
    for k in todo {
        assigned.entry(k).or_insert(false);
    }
    Ok(())
}

/// Fills in the stored minutes of every (person, day) not yet known. Days known already
/// include this import's own rows, so they are never read again.
pub(super) async fn load_days(tx: &mut Tx, day: &mut HashMap<(i64, Date), i64>, pairs: &[(i64, Date)]) -> Result<()> {
    let todo: Vec<(i64, Date)> = pairs.iter().copied().filter(|p| !day.contains_key(p)).collect();
    let (Some(first), Some(last)) = (todo.iter().map(|p| p.1).min(), todo.iter().map(|p| p.1).max()) else {
        return Ok(());
    };
    let mut people: Vec<i64> = todo.iter().map(|p| p.0).collect();
    people.sort_unstable();
    people.dedup();
    let wanted: HashSet<(i64, Date)> = todo.iter().copied().collect();
    for part in people.chunks(ROWS_PER_STATEMENT) {
        let mut q = sql(
            "SELECT person_id, entry_date, CAST(SUM(minutes) AS BIGINT) AS total FROM time_entries WHERE person_id IN (",
        );
        push_list(&mut q, part);
        q.push(") AND entry_date >= ").push_bind(first);
        q.push(" AND entry_date <= ").push_bind(last);
        q.push(" GROUP BY person_id, entry_date");
        for r in tx.all(q).await? {
            let k: (i64, Date) = (r.get("person_id")?, r.get("entry_date")?);
            if wanted.contains(&k) {
                day.insert(k, r.get("total")?);
            }
        }
    }
    for k in todo {
        day.entry(k).or_insert(0);
    }
    Ok(())
}

/// Inserts the rows as draft entries, adds them to the rollup deltas and returns their
/// ids; the import as a whole gets one audit record (see `Run::finish`).
pub(super) async fn insert(tx: &mut Tx, fresh: Vec<Fresh>, deltas: &mut Deltas) -> Result<Vec<i64>> {
    let t = now();
    let mut columns = crate::time_entries::NEW_COLUMNS.to_vec();
    columns.push("source_key");
    let rows = fresh
        .iter()
        .map(|f| {
            let e = &f.checked;
            vec![
                v(e.input.person_id),
                v(e.input.project_id),
                v(e.input.category.map(|c| c.code())),
                v(e.input.date),
                v(e.input.minutes.get()),
                v(e.billable),
                v(e.note.clone()),
                v(EntryStatus::Draft.code()),
                v(t),
                v(t),
                v(f.source_key.as_str()),
            ]
        })
        .collect();
    let returned = insert_returning(tx, "time_entries", &columns, &["id"], rows).await?;
    let mut ids = Vec::with_capacity(returned.len());
    for r in returned {
        ids.push(r.get::<i64>("id")?);
    }
    for f in &fresh {
        let e = &f.checked;
        let figures = rollups::figures(e.input.minutes.get(), e.billable, EntryStatus::Draft, 1);
        let project = e.input.project_id.map_or(0, |p| p.get());
        let category = rollups::category_key(e.input.category);
        deltas.add(e.input.person_id.get(), e.input.date, project, category, figures);
    }
    Ok(ids)
}
