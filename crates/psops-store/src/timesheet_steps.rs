//! The moving parts of a timesheet step: loading a person's week of entries with their
//! rows locked, working out who approves them, and moving them all through
//! `psops_core::timesheet::apply` — or none — with audit rows and rollup changes.

use std::collections::BTreeMap;

use psops_core::audit::AuditAction;
use psops_core::code::Code;
use psops_core::people::Person;
use psops_core::people::PersonId;
use psops_core::projects::ProjectId;
use psops_core::record::Entity;
use psops_core::reporting::TimesheetActor;
use psops_core::rule::Rule;
use psops_core::store::WriteCtx;
use psops_core::time_entries::{EntryStatus, TimeEntry};
use psops_core::timesheet::{self, ActorFacts, EntryLock, IsoWeek, LockedPeriod, Transition};
use psops_core::{Error, Result};

use crate::db::{Tx, now, sql};
use crate::locks;
use crate::record::table;
use crate::rollups::{Deltas, push_list};
use crate::time_entries::ENTRIES;

/// Which entries of a person's week a step concerns: all, or one project's (`None` in
/// the inner option: internal time).
pub(crate) type Work = Option<Option<ProjectId>>;

async fn entries_in(
    tx: &mut Tx,
    person: PersonId,
    week: IsoWeek,
    status: EntryStatus,
    work: Work,
) -> Result<Vec<TimeEntry>> {
    let range = week.range();
    let mut q = ENTRIES.select();
    q.push(" AND person_id = ").push_bind(person);
    q.push(" AND entry_date >= ").push_bind(range.start);
    q.push(" AND entry_date <= ").push_bind(range.end);
    q.push(" AND status = ").push_bind(status.code());
    match work {
        Some(Some(project)) => {
            q.push(" AND project_id = ").push_bind(project);
        }
        Some(None) => {
            q.push(" AND project_id IS NULL");
        }
        None => {}
    }
    q.push(" ORDER BY id").push(tx.for_update());
    tx.all(q).await?.iter().map(crate::time_entries::read).collect()
}

/// Who approves the person's time on `project`: its PM; for internal time, the manager.
pub(crate) async fn approver(tx: &mut Tx, person: PersonId, project: Option<ProjectId>) -> Result<Option<PersonId>> {
    let q = match project {
        Some(p) => sql("SELECT project_manager_id AS approver FROM projects WHERE id = $1").bind(p),
        None => sql("SELECT manager_id AS approver FROM people WHERE id = $1").bind(person),
    };
    match tx.optional(q).await? {
        Some(r) => r.opt_id("approver"),
        None => Err(Error::not_found(Entity::Project, project.map_or(0, |p| p.get()))),
    }
}

pub(crate) fn facts(actor: TimesheetActor, owner: PersonId, approver: Option<PersonId>) -> ActorFacts {
    ActorFacts {
        is_owner: actor.person_id == Some(owner),
        is_approver: actor.approves(owner, approver),
    }
}

/// Moves every entry by `transition` or refuses them all; returns them as they now are.
pub(crate) async fn move_entries(
    tx: &mut Tx,
    ctx: &WriteCtx,
    entries: Vec<TimeEntry>,
    transition: &Transition,
    periods: &[LockedPeriod],
    facts_of: impl Fn(&TimeEntry) -> ActorFacts,
) -> Result<Vec<TimeEntry>> {
    let ids: Vec<i64> = entries.iter().map(|e| e.id.get()).collect();
    let mut invoiced = crate::finance::invoice_locks::entry_locks(tx, &ids).await?;
    let mut next = Vec::with_capacity(entries.len());
    for e in &entries {
        // A period lock is named first; an entry billed on an invoice refuses every move.
        let lock = match EntryLock::for_entry(periods, e.date) {
            EntryLock::Open => invoiced.remove(&e.id.get()).unwrap_or(EntryLock::Open),
            period => period,
        };
        next.push(timesheet::apply(e.status, transition, facts_of(e), lock)?);
    }
    let t = now();
    let mut deltas = Deltas::default();
    let mut moved = Vec::with_capacity(entries.len());
    let mut by_status: BTreeMap<&'static str, Vec<i64>> = BTreeMap::new();
    for (before, to) in entries.iter().zip(next) {
        by_status.entry(to.code()).or_default().push(before.id.get());
        deltas.status(before, before.status, to);
        moved.push(TimeEntry {
            status: to,
            version: before.version + 1,
            updated_at: t,
            ..before.clone()
        });
    }
    for (status, ids) in by_status {
        for chunk in ids.chunks(500) {
            let mut q =
                sql("UPDATE time_entries SET status = $1, version = version + 1, updated_at = $2 WHERE id IN (")
                    .bind(status)
                    .bind(t);
            push_list(&mut q, chunk);
            q.push(")");
            tx.execute(q).await?;
        }
    }
    deltas.write(tx).await?;
    // Every status an entry takes after draft is taken here, with the week's timesheet
    // rows written in the same transaction: the one place the timesheets count moves.
    if !moved.is_empty() {
        crate::follow::timesheets(tx).await?;
    }
    for (before, after) in entries.iter().zip(&moved) {
        crate::audit::record(
            tx,
            ctx,
            ENTRIES.entity,
            after.id.get(),
            AuditAction::Update,
            Some(before),
            Some(after),
        )
        .await?;
    }
    Ok(moved)
}

pub(crate) fn nothing(rule: Rule, message: String) -> Error {
    Error::conflict("week", rule, message)
}

/// A week step on one project's (or all) entries of one status.
pub(crate) struct Step<'a> {
    pub actor: TimesheetActor,
    pub person: PersonId,
    pub week: IsoWeek,
    pub work: Work,
    pub from: EntryStatus,
    pub transition: &'a Transition,
}

/// Loads the entries (rows locked, in id order) and moves them (none moved when none were found).
pub(crate) async fn run(tx: &mut Tx, ctx: &WriteCtx, s: Step<'_>) -> Result<(Vec<TimeEntry>, Vec<LockedPeriod>)> {
    // Entry rows are locked, not the person's: entry writes lock the entry before the
    // person, and taking them the other way round here could deadlock on PostgreSQL.
    table::<Person>().get(tx, s.person.get(), "").await?;
    let approver = match s.work {
        Some(project) => approver(tx, s.person, project).await?,
        None => None,
    };
    let periods = locks::overlapping(tx, s.week.range()).await?;
    let entries = entries_in(tx, s.person, s.week, s.from, s.work).await?;
    let (actor, person) = (s.actor, s.person);
    let moved = move_entries(tx, ctx, entries, s.transition, &periods, |_| {
        facts(actor, person, approver)
    })
    .await?;
    Ok((moved, periods))
}
