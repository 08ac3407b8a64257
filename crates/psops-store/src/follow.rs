//! Bringing a kept report up to date: the counts a result was read at, and whom the
//! changes since concerned, from the log written beside each move of a count
//! (migration 12). After a time entry or a day off, a report of 5,000 people computes
//! one person's figures again, not everyone's.

use std::collections::{BTreeMap, BTreeSet};

use psops_core::Result;
use psops_core::dates::{DateRange, day_number};
use time::Date;

use crate::db::{Pools, Tx, sql};

/// Moves of the counts past which a kept result is computed again whole rather than
/// person by person: by then most people have changed anyway.
const MOST: i64 = 256;
/// Changed people past which a kept result is computed again whole (an import), rather
/// than theirs named one by one.
const MOST_PEOPLE: usize = 500;
/// Moves of a count the log keeps; a reader further behind computes everything again.
const LOGGED: i64 = 1024;
/// How often, in moves of one count, the log's oldest rows are deleted.
const PRUNE_EVERY: i64 = 128;

/// The log's row for a move that concerned anyone on any day: a bulk load.
pub(crate) const EVERYONE: [(i64, i64, i64); 1] = [(0, i64::MIN, i64::MAX)];

/// Logs whom the move of count `kind` to `n` concerned, as (person, first day, last
/// day), in the transaction that moved it.
pub(crate) async fn log(tx: &mut Tx, kind: &str, n: i64, people: &[(i64, i64, i64)]) -> Result<()> {
    // Five arguments a row stays far below both drivers' limits.
    for chunk in people.chunks(400) {
        let mut q = sql("INSERT INTO change_log (kind, n, person_id, first_day, last_day) VALUES ");
        for (i, (person, first, last)) in chunk.iter().enumerate() {
            q.push(if i == 0 { "(" } else { ", (" });
            q.push_bind(kind).push(", ").push_bind(n).push(", ").push_bind(*person);
            q.push(", ").push_bind(*first).push(", ").push_bind(*last).push(")");
        }
        tx.execute(q).await?;
    }
    if n % PRUNE_EVERY == 0 {
        let mut q = sql("DELETE FROM change_log WHERE kind = ");
        q.push_bind(kind).push(" AND n <= ").push_bind(n - LOGGED);
        tx.execute(q).await?;
    }
    Ok(())
}

/// Logs the move of the capacity count that a write of `person`'s time off on `day` just
/// made (by trigger, in this transaction), so that kept reports compute only their
/// capacity again.
pub(crate) async fn time_off(tx: &mut Tx, person: i64, day: Date) -> Result<()> {
    let n: i64 = tx
        .one(sql("SELECT n FROM change_counts WHERE kind = 'capacity'"))
        .await?
        .get("n")?;
    let day = day_number(day);
    log(tx, "capacity", n, &[(person, day, day)]).await
}

/// Moves the count of changes to timesheets (submissions, approvals, rejections), in
/// the transaction that writes them. Not logged: a report that reads timesheets is
/// computed whole after it.
pub(crate) async fn timesheets(tx: &mut Tx) -> Result<()> {
    tx.execute(sql("UPDATE change_counts SET n = n + 1 WHERE kind = 'timesheets'"))
        .await?;
    Ok(())
}

/// Which counts a kept result depends on: `rollup` (worked minutes: one count on
/// SQLite, 32 on PostgreSQL), `capacity` (people, calendars, time off, settings, rules),
/// `timesheets` (submissions and decisions), `projects`, `assignments`, `people`.
pub(crate) type Kinds = &'static [&'static str];
/// What reports of utilization read.
pub(crate) const MINUTES: Kinds = &["rollup", "capacity"];
/// What the compliance report reads.
pub(crate) const COMPLIANCE: Kinds = &["rollup", "capacity", "timesheets"];
/// What a project's sums read: its time (every change to an entry's minutes, day or
/// status moves the rollup count) and the scopes' projects and people.
pub(crate) const PROJECT_TIME: Kinds = &["rollup", "capacity", "projects"];
/// What the people a report covers are read from.
pub(crate) const PEOPLE: Kinds = &["people"];
/// What lists of assignments read: assignments, and the people and projects their
/// scopes and labels read.
pub(crate) const STAFFING: Kinds = &["assignments", "people", "projects"];
/// What the people a request may be staffed with are read from: their weeks (capacity),
/// hard bookings (assignments, and projects' billing), the people, and their skills,
/// certifications and vetting (the partners count moves with each).
pub(crate) const STAFF: Kinds = &["capacity", "assignments", "people", "projects", "partners"];
/// What capacity is computed from — the settings, the policy's overrides, people,
/// calendars and time off: one count moves with every write to any of them.
pub(crate) const CAPACITY: Kinds = &["capacity"];
/// What the approvals queue reads: submitted entries (which change only by timesheet
/// steps), projects and people (its scopes).
pub(crate) const QUEUE: Kinds = &["timesheets", "capacity", "projects"];

/// What the money reports' ledger cells are read from: the ledger (recognition moves
/// the count once per run; closing or reopening a month moves it too).
pub(crate) const LEDGER: Kinds = &["ledger"];
/// What prime SOWs' funds are read from: the SOWs and their authorizations (migration
/// 34), approved time (the rollup count moves with every entry's minutes, day or status,
/// logged with its person), the consultants, their assignment roles, and the settings'
/// low-funds threshold (the capacity count).
pub(crate) const PARTNER_FUNDS: Kinds = &["partner_funds", "rollup", "people", "assignments", "capacity"];
/// What training partners' compliance reads: the partners (their enrolment day), their
/// trainers and the education records (migration 38).
pub(crate) const TRAINING_PARTNERS: Kinds = &["education", "partners", "people"];
/// What a partner invoice's reconciliation reads: the invoice (migration 38), the
/// partner's approved time priced by its authorizations and its consultants' assignment
/// roles, and the settings' currency.
pub(crate) const RECONCILIATION: Kinds = &[
    "partner_invoices",
    "partner_funds",
    "rollup",
    "people",
    "assignments",
    "capacity",
];
/// What the partner report reads: the ledger, prime SOWs' funds (and so approved time,
/// people, assignments and settings), the partners and their consultants' vetting
/// (migration 38), and surveys.
pub(crate) const PARTNER_REPORT: Kinds = &[
    "ledger",
    "partner_funds",
    "rollup",
    "people",
    "assignments",
    "capacity",
    "partners",
    "surveys",
];
/// What the education report reads: the education records (migration 38), the ledger's
/// training revenue, the trainers and their partners, and what capacity is computed from.
pub(crate) const EDUCATION: Kinds = &["education", "ledger", "people", "partners", "capacity"];
/// What the money reports group projects by: projects, people, accounts, SOWs, catalog.
pub(crate) const MONEY_TAGS: Kinds = &["projects", "people", "money_tags"];

/// Brings up to date a kept result read from partner consultants' time and never the
/// company's own (prime SOWs' funds, the partner report, an invoice's reconciliation):
/// as it was when the logged changes concerned only the company's own people, else read
/// whole (`None`).
pub(crate) async fn unless_partner_time<T>(pools: &Pools, kept: T, changed: Vec<Changed>) -> Result<Option<T>> {
    if changed.is_empty() {
        return Ok(Some(kept));
    }
    let mut q = sql("SELECT COUNT(*) AS n FROM people WHERE partner_id IS NOT NULL AND id IN (");
    crate::rollups::push_list(&mut q, &changed.iter().map(|c| c.person).collect::<Vec<_>>());
    q.push(")");
    let partners: i64 = pools.one(q).await?.get("n")?;
    Ok((partners == 0).then_some(kept))
}

/// Moves the ledger count, in the transaction that rewrites the ledger.
pub(crate) async fn ledger(tx: &mut Tx) -> Result<()> {
    tx.execute(sql("UPDATE change_counts SET n = n + 1 WHERE kind = 'ledger'"))
        .await?;
    Ok(())
}

/// What a kept result was read at: the counts of the kinds it depends on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Counts {
    kinds: Kinds,
    counts: BTreeMap<String, i64>,
}

/// The kind of a count's row: `rollup:7` is one of the rollup counts.
fn family(kind: &str) -> &str {
    kind.split(':').next().unwrap_or(kind)
}

fn is_rollup(kind: &str) -> bool {
    family(kind) == "rollup"
}

/// What a request has read of the counts and the log, until it writes.
#[derive(Default)]
struct Read {
    /// Every count, as first read in the request.
    counts: Option<Vec<(String, i64)>>,
    /// Whom the moves between two counts concerned, by the moves: several followed
    /// results kept at the same counts ask the same.
    changes: Vec<(String, Option<Vec<Changed>>)>,
}

tokio::task_local! {
    /// Within a request (see [`request`]).
    static READ: std::cell::RefCell<Read>;
}

/// Runs `work` reading the counts at most once until it writes: a request that asks
/// for dozens of kept results is as current as one that checks each, since another
/// node's commit in the middle of it is seen by the next request either way.
pub(crate) async fn request<F: std::future::Future>(work: F) -> F::Output {
    READ.scope(std::cell::RefCell::new(Read::default()), work).await
}

/// Forgets the counts read in this request: called when it begins and commits a write,
/// after which its own change must show.
pub(crate) fn forget() {
    let _ = READ.try_with(|read| *read.borrow_mut() = Read::default());
}

impl Counts {
    /// The counts of `kinds` as committed now; read before the result they stamp.
    pub async fn read(pools: &Pools, kinds: Kinds) -> Result<Counts> {
        let rows = match READ.try_with(|read| read.borrow().counts.clone()) {
            Ok(Some(rows)) => rows,
            _ => {
                let mut rows = Vec::new();
                for row in pools.all(sql("SELECT kind, n FROM change_counts")).await? {
                    rows.push((row.get::<String>("kind")?, row.get::<i64>("n")?));
                }
                let _ = READ.try_with(|read| read.borrow_mut().counts = Some(rows.clone()));
                rows
            }
        };
        let counts = rows
            .into_iter()
            .filter(|(kind, _)| kinds.contains(&family(kind)))
            .collect();
        Ok(Counts { kinds, counts })
    }

    /// Whether every kind has its count: a database without one (a migration not
    /// applied, a row deleted by hand) keeps nothing rather than keep it forever.
    pub fn complete(&self) -> bool {
        self.kinds.iter().all(|k| self.counts.keys().any(|c| family(c) == *k))
    }

    /// One text for the counts, for results kept until any of them moves: the kinds,
    /// then each kind's sum.
    pub fn stamp(&self) -> String {
        let sums: Vec<String> = self
            .kinds
            .iter()
            .map(|k| {
                let n: i64 = self
                    .counts
                    .iter()
                    .filter(|(c, _)| family(c) == *k)
                    .map(|(_, n)| n)
                    .sum();
                n.to_string()
            })
            .collect();
        format!("{}:{}", self.kinds.join("+"), sums.join("/"))
    }
}

/// Someone whom changes concerned: the first and last day they touched, and whether
/// their worked minutes or their capacity (time off) changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Changed {
    pub person: i64,
    first: i64,
    last: i64,
    pub minutes: bool,
    pub capacity: bool,
}

impl Changed {
    /// Whether the changes touched a day of `range`.
    pub fn within(&self, range: DateRange) -> bool {
        self.first <= day_number(range.end) && self.last >= day_number(range.start)
    }

    /// Whether the changes touched `day` or a later one.
    pub fn reaches(&self, day: time::Date) -> bool {
        self.last >= day_number(day)
    }
}

/// The people whom the changes between `old` and `new` concerned (one row each, their
/// days merged), when the log holds every move in between; `None` when the result must
/// be computed whole: a move the log does not name (a holiday, a person changed, a bulk
/// load), too many moves or people, or moves the log no longer holds.
pub(crate) async fn changes(pools: &Pools, old: &Counts, new: &Counts) -> Result<Option<Vec<Changed>>> {
    if old.kinds != new.kinds || old.counts.len() != new.counts.len() {
        return Ok(None);
    }
    let mut moves = Vec::new();
    for (kind, n) in &new.counts {
        match old.counts.get(kind) {
            Some(was) if was == n => {}
            Some(was) if was < n => moves.push((kind.as_str(), *was, *n)),
            _ => return Ok(None),
        }
    }
    // Only these two counts are logged: any other that moved is read whole at once.
    if moves.iter().any(|(kind, _, _)| !is_rollup(kind) && *kind != "capacity") {
        return Ok(None);
    }
    let expected: i64 = moves.iter().map(|(_, was, n)| n - was).sum();
    if expected > MOST {
        return Ok(None);
    }
    if moves.is_empty() {
        return Ok(Some(Vec::new()));
    }
    let key = format!("{moves:?}");
    let asked = |read: &std::cell::RefCell<Read>| {
        let read = read.borrow();
        read.changes.iter().find(|(k, _)| *k == key).map(|(_, c)| c.clone())
    };
    if let Ok(Some(known)) = READ.try_with(asked) {
        return Ok(known);
    }
    let found = logged(pools, &moves, expected).await?;
    let _ = READ.try_with(|read| read.borrow_mut().changes.push((key, found.clone())));
    Ok(found)
}

/// Whom the logged `moves` concerned, read from the log; `None` when a move is missing.
async fn logged(pools: &Pools, moves: &[(&str, i64, i64)], expected: i64) -> Result<Option<Vec<Changed>>> {
    let mut q = sql("SELECT kind, n, person_id, first_day, last_day FROM change_log WHERE ");
    for (i, (kind, was, n)) in moves.iter().enumerate() {
        q.push(if i == 0 { "(kind = " } else { " OR (kind = " });
        q.push_bind(*kind).push(" AND n > ").push_bind(*was);
        q.push(" AND n <= ").push_bind(*n).push(")");
    }
    let mut seen: BTreeSet<(String, i64)> = BTreeSet::new();
    let mut people: BTreeMap<i64, Changed> = BTreeMap::new();
    for row in pools.all(q).await? {
        let kind: String = row.get("kind")?;
        let (n, person): (i64, i64) = (row.get("n")?, row.get("person_id")?);
        let (first, last): (i64, i64) = (row.get("first_day")?, row.get("last_day")?);
        if person == 0 {
            return Ok(None);
        }
        let c = people.entry(person).or_insert(Changed {
            person,
            first,
            last,
            minutes: false,
            capacity: false,
        });
        c.first = c.first.min(first);
        c.last = c.last.max(last);
        if is_rollup(&kind) {
            c.minutes = true;
        } else {
            c.capacity = true;
        }
        seen.insert((kind, n));
    }
    // Every logged move names at least one person: a move without a row was not logged.
    if i64::try_from(seen.len()).unwrap_or(i64::MAX) != expected || people.len() > MOST_PEOPLE {
        return Ok(None);
    }
    Ok(Some(people.into_values().collect()))
}
