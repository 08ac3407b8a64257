//! Time entries in SQL. Each write loads what the rules need inside its transaction —
//! on PostgreSQL with the person's row locked, so two writers cannot both squeeze under
//! the day's 24 hours — and lets `psops_core::time_entries::check_entry` decide. Nothing
//! dated in a locked period or billed on an issued invoice changes, and the rollups change
//! in the same transaction.

use async_trait::async_trait;
use psops_core::code::Code;
use psops_core::page::{Page, PageRequest};
use psops_core::people::Person;
use psops_core::projects::Project;
use psops_core::record::Entity;
use psops_core::store::{Created, IfVersion, TimeStore, WriteCtx};
use psops_core::time_entries::{
    CheckedEntry, EntryContext, EntryStatus, NewTimeEntry, TimeEntry, TimeEntryFilter, TimeEntryId, TimeEntryPatch,
    check_entry,
};
use psops_core::timesheet::ensure_draft;
use psops_core::webhooks::EventKind;
use psops_core::{Minutes, Result};

use crate::assignments::missing;
use crate::common::{Table, check_version, eq};
use crate::db::{Row, Sql, Tx, now, sql};
use crate::record::table;
use crate::rollups::Deltas;
use crate::{Db, idempotency, locks, org};

/// The columns a new entry is written with, in the order the bulk load and the import
/// give their values (the import adds `source_key`).
pub(crate) const NEW_COLUMNS: [&str; 10] = [
    "person_id",
    "project_id",
    "category",
    "entry_date",
    "minutes",
    "billable",
    "note",
    "status",
    "created_at",
    "updated_at",
];

pub(crate) const ENTRIES: Table<TimeEntry> = Table {
    table: "time_entries",
    entity: Entity::TimeEntry,
    columns: std::borrow::Cow::Borrowed(
        "id, person_id, project_id, category, entry_date, minutes, billable, note, status, \
              version, created_at, updated_at",
    ),
    read,
    id: |r| r.id.get(),
};

pub(crate) fn read(r: &Row) -> Result<TimeEntry> {
    Ok(TimeEntry {
        id: r.id("id")?,
        person_id: r.id("person_id")?,
        project_id: r.opt_id("project_id")?,
        category: r.opt_code("category")?,
        date: r.get("entry_date")?,
        minutes: Minutes(r.get("minutes")?),
        billable: r.get("billable")?,
        note: r.get("note")?,
        status: r.code("status")?,
        version: r.get("version")?,
        created_at: r.get("created_at")?,
        updated_at: r.get("updated_at")?,
    })
}

/// Loads the person, project, settings, the day's other minutes and whether the person
/// is assigned to the project, then checks.
async fn check(tx: &mut Tx, input: NewTimeEntry, this: Option<TimeEntryId>) -> Result<CheckedEntry> {
    let lock = tx.for_update();
    let person = table::<Person>()
        .get(tx, input.person_id.get(), lock)
        .await
        .map_err(|e| missing(e, "person_id", "person"))?;
    let project = match input.project_id {
        Some(id) => Some(
            table::<Project>()
                .get(tx, id.get(), "")
                .await
                .map_err(|e| missing(e, "project_id", "project"))?,
        ),
        None => None,
    };
    let settings = org::load(tx).await?;
    let q = sql(
        "SELECT CAST(COALESCE(SUM(minutes), 0) AS BIGINT) AS total FROM time_entries \
         WHERE person_id = $1 AND entry_date = $2 AND id <> $3",
    )
    .bind(input.person_id)
    .bind(input.date)
    .bind(this.map(|i| i.get()).unwrap_or(0));
    let other: i64 = tx.one(q).await?.get("total")?;
    let assigned = match input.project_id {
        Some(project) => {
            let q = sql(
                "SELECT COUNT(*) AS n FROM assignments WHERE person_id = $1 AND project_id = $2 \
                 AND archived_at IS NULL",
            )
            .bind(input.person_id)
            .bind(project);
            tx.one(q).await?.get::<i64>("n")? > 0
        }
        None => false,
    };
    // A partner's consultant on a project: their organisation's work authorizations
    // there (one indexed query, for partner people only — staff pay nothing for it).
    let authorized = match (person.fields.partner_id, input.project_id) {
        (Some(partner), Some(project)) => crate::partner_funds::windows(tx, partner, project).await?,
        _ => Vec::new(),
    };
    let ctx = EntryContext {
        settings: &settings,
        person: &person,
        project: project.as_ref(),
        other_minutes_that_day: other,
        assigned,
        authorized: &authorized,
    };
    check_entry(input, &ctx)
}

#[async_trait]
impl TimeStore for Db {
    async fn create_time_entry(&self, ctx: &WriteCtx, new: NewTimeEntry) -> Result<Created<TimeEntry>> {
        let mut tx = self.pools.begin().await?;
        if let Some(previous) = idempotency::replay(&mut tx, ctx, ENTRIES.entity).await? {
            return Ok(Created::Replayed(previous));
        }
        let e = check(&mut tx, new, None).await?;
        locks::ensure_open(&mut tx, &[e.input.date]).await?;
        let q = sql(format!(
            "INSERT INTO time_entries (person_id, project_id, category, entry_date, minutes, billable, note, status, \
             created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING {}",
            ENTRIES.columns
        ))
        .bind(e.input.person_id)
        .bind(e.input.project_id)
        .bind(e.input.category.map(|c| c.code()))
        .bind(e.input.date)
        .bind(e.input.minutes.get())
        .bind(e.billable)
        .bind(e.note)
        .bind(EntryStatus::Draft.code())
        .bind(now());
        let entry = read(&tx.one(q).await?)?;
        let mut deltas = Deltas::default();
        deltas.entry(&entry, 1);
        deltas.write(&mut tx).await?;
        crate::webhooks::emit(&mut tx, EventKind::TimeEntryCreated, &entry).await?;
        ENTRIES.created(&self.pools, tx, ctx, entry).await
    }

    async fn time_entry(&self, id: TimeEntryId) -> Result<TimeEntry> {
        ENTRIES.get(&mut &self.pools, id.get(), "").await
    }

    async fn update_time_entry(
        &self,
        ctx: &WriteCtx,
        id: TimeEntryId,
        v: IfVersion,
        patch: TimeEntryPatch,
    ) -> Result<TimeEntry> {
        let mut tx = self.pools.begin().await?;
        let lock = tx.for_update();
        let current = ENTRIES.get(&mut tx, id.get(), lock).await?;
        check_version(current.version, v)?;
        locks::ensure_open(&mut tx, &[current.date]).await?;
        crate::finance::invoice_locks::ensure_entries_open(&mut tx, &[id.get()]).await?;
        ensure_draft(current.status)?;
        let e = check(&mut tx, patch.apply(current.as_input()), Some(id)).await?;
        locks::ensure_open(&mut tx, &[e.input.date]).await?;
        let q = sql(format!(
            "UPDATE time_entries SET project_id = $2, category = $3, entry_date = $4, minutes = $5, billable = $6, \
             note = $7, version = version + 1, updated_at = $8 WHERE id = $1 RETURNING {}",
            ENTRIES.columns
        ))
        .bind(id)
        .bind(e.input.project_id)
        .bind(e.input.category.map(|c| c.code()))
        .bind(e.input.date)
        .bind(e.input.minutes.get())
        .bind(e.billable)
        .bind(e.note)
        .bind(now());
        let entry = read(&tx.one(q).await?)?;
        let mut deltas = Deltas::default();
        deltas.entry(&current, -1);
        deltas.entry(&entry, 1);
        deltas.write(&mut tx).await?;
        crate::webhooks::emit(&mut tx, EventKind::TimeEntryUpdated, &entry).await?;
        ENTRIES.updated(tx, ctx, &current, entry).await
    }

    async fn delete_time_entry(&self, ctx: &WriteCtx, id: TimeEntryId, v: IfVersion) -> Result<()> {
        let mut tx = self.pools.begin().await?;
        let lock = tx.for_update();
        let current = ENTRIES.get(&mut tx, id.get(), lock).await?;
        check_version(current.version, v)?;
        locks::ensure_open(&mut tx, &[current.date]).await?;
        crate::finance::invoice_locks::ensure_entries_open(&mut tx, &[id.get()]).await?;
        ensure_draft(current.status)?;
        tx.execute(sql("DELETE FROM time_entries WHERE id = $1").bind(id))
            .await?;
        let mut deltas = Deltas::default();
        deltas.entry(&current, -1);
        deltas.write(&mut tx).await?;
        crate::audit::deleted(&mut tx, ctx, ENTRIES.entity, id.get(), &current).await?;
        crate::webhooks::emit(&mut tx, EventKind::TimeEntryDeleted, &current).await?;
        tx.commit().await
    }

    async fn list_time_entries(&self, filter: &TimeEntryFilter, page: PageRequest) -> Result<Page<TimeEntry>> {
        let mut q = ENTRIES.select();
        where_filter(&mut q, filter);
        ENTRIES.page_any(&self.pools, q, page).await
    }
}

/// A time-entry filter as conditions on `time_entries` (appended after a `WHERE`): the
/// list and the export read exactly the same entries.
pub(crate) fn where_filter(q: &mut Sql, filter: &TimeEntryFilter) {
    crate::common::scope(q, &filter.scope, psops_core::scope::ListKind::TimeEntries);
    eq(q, "person_id", filter.person_id);
    eq(q, "project_id", filter.project_id);
    eq(q, "category", filter.category.map(|c| c.code()));
    eq(q, "status", filter.status.map(|s| s.code()));
    eq(q, "billable", filter.billable);
    if let Some(account) = filter.account_id {
        q.push(" AND project_id IN (SELECT id FROM projects WHERE account_id = ")
            .push_bind(account)
            .push(")");
    }
    if let Some(from) = filter.from {
        q.push(" AND entry_date >= ").push_bind(from);
    }
    if let Some(to) = filter.to {
        q.push(" AND entry_date <= ").push_bind(to);
    }
}
