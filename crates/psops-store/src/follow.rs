//! Bringing a kept report up to date after time entries: the counts a result was read at,
//! and the people whose worked minutes changed since, from the log every move of the
//! rollup count writes (migration 12). A report of 5,000 people after one time entry then
//! reads one person's minutes again, not everyone's.

use std::collections::{BTreeMap, BTreeSet};

use psops_core::Result;
use psops_core::dates::{DateRange, day_number};

use crate::db::{Pools, sql};

/// Moves of the rollup counts past which a kept result is read again whole rather than
/// person by person: by then most people have changed anyway.
const MOST: i64 = 256;
/// Changed people past which a kept result is read again whole (an import), rather than
/// theirs named one by one.
const MOST_PEOPLE: usize = 500;

/// What a kept report of worked minutes was read at: each rollup count (one on SQLite,
/// 32 on PostgreSQL, by shard) and the capacity count.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    rollup: BTreeMap<i64, i64>,
    capacity: i64,
}

impl Counts {
    /// The counts as committed now; read before the result they stamp.
    pub async fn read(pools: &Pools) -> Result<Counts> {
        let mut out = Counts::default();
        for row in pools.all(sql("SELECT kind, n FROM change_counts")).await? {
            let kind: String = row.get("kind")?;
            let n: i64 = row.get("n")?;
            match kind.split_once(':').unwrap_or((&kind, "0")) {
                ("rollup", shard) => {
                    out.rollup.insert(shard.parse().unwrap_or_default(), n);
                }
                ("capacity", _) => out.capacity += n,
                _ => {}
            }
        }
        Ok(out)
    }

    /// One text for the counts, for results kept until any of them moves.
    pub fn stamp(&self) -> String {
        format!("rollups:{}/{}", self.rollup.values().sum::<i64>(), self.capacity)
    }
}

/// Someone whose worked minutes changed, and the first and last day the changes touched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Changed {
    pub person: i64,
    first: i64,
    last: i64,
}

impl Changed {
    /// Whether the changes touched a day of `range`.
    pub fn within(&self, range: DateRange) -> bool {
        self.first <= day_number(range.end) && self.last >= day_number(range.start)
    }
}

/// The people whose worked minutes changed between `old` and `new` (one row each, their
/// days merged), when that is all that changed and the log still holds every move in
/// between; `None` when the result must be read again whole: capacity changed, a bulk
/// load, too many moves, or moves the log no longer holds.
pub(crate) async fn changes(pools: &Pools, old: &Counts, new: &Counts) -> Result<Option<Vec<Changed>>> {
    if old.capacity != new.capacity || old.rollup.len() != new.rollup.len() {
        return Ok(None);
    }
    let mut moves = Vec::new();
    for (shard, n) in &new.rollup {
        let Some(was) = old.rollup.get(shard) else {
            return Ok(None);
        };
        if n < was {
            return Ok(None);
        }
        if n > was {
            moves.push((*shard, *was, *n));
        }
    }
    if moves.iter().map(|(_, was, n)| n - was).sum::<i64>() > MOST {
        return Ok(None);
    }
    if moves.is_empty() {
        return Ok(Some(Vec::new()));
    }
    let mut q = sql("SELECT shard, n, person_id, first_day, last_day FROM rollup_log WHERE ");
    for (i, (shard, was, n)) in moves.iter().enumerate() {
        q.push(if i == 0 { "(shard = " } else { " OR (shard = " });
        q.push_bind(*shard).push(" AND n > ").push_bind(*was);
        q.push(" AND n <= ").push_bind(*n).push(")");
    }
    let rows = pools
        .integers(q, ["shard", "n", "person_id", "first_day", "last_day"])
        .await?;
    let mut seen: BTreeSet<(i64, i64)> = BTreeSet::new();
    let mut people: BTreeMap<i64, (i64, i64)> = BTreeMap::new();
    for [shard, n, person, first, last] in rows {
        if person == 0 {
            return Ok(None);
        }
        seen.insert((shard, n));
        let span = people.entry(person).or_insert((first, last));
        span.0 = span.0.min(first);
        span.1 = span.1.max(last);
    }
    // Every move logs at least one person: a move without a row was pruned.
    let expected: i64 = moves.iter().map(|(_, was, n)| n - was).sum();
    if i64::try_from(seen.len()).unwrap_or(i64::MAX) != expected || people.len() > MOST_PEOPLE {
        return Ok(None);
    }
    Ok(Some(
        people
            .into_iter()
            .map(|(person, (first, last))| Changed { person, first, last })
            .collect(),
    ))
}
