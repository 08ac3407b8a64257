//! Weekly timesheets in SQL. A step loads the entries it would move with their rows
//! locked, asks `psops_core::timesheet::apply` about each — lock, state,
//! actor, reason — and moves all of them or none, with their audit rows, the rollups'
//! approved minutes and the week's submission or approval time in the same transaction.

use std::collections::BTreeMap;

use async_trait::async_trait;
use psops_core::audit::AuditAction;
use psops_core::dates::DateRange;
use psops_core::people::PersonId;
use psops_core::projects::ProjectId;
use psops_core::record::Entity;
use psops_core::reporting::{
    LockRecord, Rejection, Reminder, TimesheetActor, Waiting, WeekApproval, week_from_key, week_key,
};
use psops_core::rule::Rule;
use psops_core::scope::{ApprovalScope, ListKind, ListScope};
use psops_core::store::{TimesheetStore, WriteCtx};
use psops_core::time_entries::{EntryStatus, TimeEntry, TimeEntryId};
use psops_core::timesheet::{self, EntryLock, IsoWeek, Transition};
use psops_core::webhooks::EventKind;
use psops_core::{Error, Result};
use time::OffsetDateTime;

use crate::db::{Row, now, sql};
use crate::time_entries::ENTRIES;
use crate::timesheet_steps::{Step, approver, facts, move_entries, nothing, run};
use crate::{Db, locks};

fn read_rejection(r: &Row) -> Result<Rejection> {
    let key: i64 = r.get("week_key")?;
    Ok(Rejection {
        id: r.id("id")?,
        person_id: r.id("person_id")?,
        week: week_from_key(key).ok_or_else(|| Error::internal(format!("stored week {key} is not a week")))?,
        project_id: r.opt_id("project_id")?,
        reason: r.get("reason")?,
        rejected_by: r.opt_id("rejected_by")?,
        rejected_at: r.get("rejected_at")?,
        entries: r.get("entries")?,
    })
}

const REJECTION_COLUMNS: &str = "id, person_id, week_key, project_id, reason, rejected_by, rejected_at, entries";

#[async_trait]
impl TimesheetStore for Db {
    async fn submit_week(
        &self,
        ctx: &WriteCtx,
        actor: TimesheetActor,
        person: PersonId,
        week: IsoWeek,
    ) -> Result<Vec<TimeEntry>> {
        let mut tx = self.pools.begin().await?;
        let step = Step {
            actor,
            person,
            week,
            work: None,
            from: EntryStatus::Draft,
            transition: &Transition::Submit,
        };
        let (moved, periods) = run(&mut tx, ctx, step).await?;
        let key = week_key(week);
        if moved.is_empty() {
            // An empty week can be submitted once (all of it was time off, say) — by its
            // owner and outside locked periods, like any entry.
            let lock = periods
                .first()
                .map_or(EntryLock::Open, |p| EntryLock::PeriodLocked(p.range));
            timesheet::apply(
                EntryStatus::Draft,
                &Transition::Submit,
                facts(actor, person, None),
                lock,
            )?;
            let q = sql("SELECT person_id FROM timesheet_weeks WHERE person_id = $1 AND week_key = $2")
                .bind(person)
                .bind(key);
            if tx.optional(q).await?.is_some() {
                return Err(nothing(
                    Rule::NothingToSubmit,
                    format!("{week} is already submitted and has no draft entries"),
                ));
            }
            // No entry moved, so nothing else moved the timesheets count.
            crate::follow::timesheets(&mut tx).await?;
        }
        let q = sql(
            "INSERT INTO timesheet_weeks (person_id, week_key, submitted_at, submitted_by) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (person_id, week_key) DO UPDATE SET submitted_at = excluded.submitted_at, \
             submitted_by = excluded.submitted_by",
        )
        .bind(person)
        .bind(key)
        .bind(now())
        .bind(ctx.user_id);
        tx.execute(q).await?;
        let data = serde_json::json!({ "person_id": person, "week": week, "entries": &moved });
        crate::webhooks::emit(&mut tx, EventKind::TimesheetSubmitted, &data).await?;
        tx.commit().await?;
        Ok(moved)
    }

    async fn withdraw_week(
        &self,
        ctx: &WriteCtx,
        actor: TimesheetActor,
        person: PersonId,
        week: IsoWeek,
    ) -> Result<Vec<TimeEntry>> {
        let mut tx = self.pools.begin().await?;
        let step = Step {
            actor,
            person,
            week,
            work: None,
            from: EntryStatus::Submitted,
            transition: &Transition::Withdraw,
        };
        let (moved, _) = run(&mut tx, ctx, step).await?;
        if moved.is_empty() {
            return Err(nothing(
                Rule::NothingToWithdraw,
                format!("{week} has no submitted entries to withdraw"),
            ));
        }
        let q = sql("DELETE FROM timesheet_weeks WHERE person_id = $1 AND week_key = $2")
            .bind(person)
            .bind(week_key(week));
        tx.execute(q).await?;
        tx.commit().await?;
        Ok(moved)
    }

    async fn approve_week(
        &self,
        ctx: &WriteCtx,
        actor: TimesheetActor,
        person: PersonId,
        week: IsoWeek,
        project: Option<ProjectId>,
    ) -> Result<Vec<TimeEntry>> {
        let mut tx = self.pools.begin().await?;
        let step = Step {
            actor,
            person,
            week,
            work: Some(project),
            from: EntryStatus::Submitted,
            transition: &Transition::Approve,
        };
        let (moved, _) = run(&mut tx, ctx, step).await?;
        if moved.is_empty() {
            return Err(nothing(
                Rule::NothingToApprove,
                format!("{week} has no submitted entries to approve here"),
            ));
        }
        let q = sql(
            "INSERT INTO timesheet_approvals (person_id, week_key, project_id, approved_at, approved_by) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (person_id, week_key, project_id) DO UPDATE SET \
             approved_at = excluded.approved_at, approved_by = excluded.approved_by",
        )
        .bind(person)
        .bind(week_key(week))
        .bind(project.map_or(0, |p| p.get()))
        .bind(now())
        .bind(ctx.user_id);
        tx.execute(q).await?;
        let data = serde_json::json!({ "person_id": person, "week": week, "project_id": project, "entries": &moved });
        crate::webhooks::emit(&mut tx, EventKind::TimesheetApproved, &data).await?;
        tx.commit().await?;
        Ok(moved)
    }

    async fn reject_week(
        &self,
        ctx: &WriteCtx,
        actor: TimesheetActor,
        person: PersonId,
        week: IsoWeek,
        project: Option<ProjectId>,
        reason: &str,
    ) -> Result<Rejection> {
        let mut tx = self.pools.begin().await?;
        let transition = Transition::Reject {
            reason: reason.to_string(),
        };
        let step = Step {
            actor,
            person,
            week,
            work: Some(project),
            from: EntryStatus::Submitted,
            transition: &transition,
        };
        let (moved, _) = run(&mut tx, ctx, step).await?;
        if moved.is_empty() {
            return Err(nothing(
                Rule::NothingToReject,
                format!("{week} has no submitted entries to reject here"),
            ));
        }
        let q = sql(format!(
            "INSERT INTO timesheet_rejections (person_id, week_key, project_id, reason, rejected_by, rejected_at, entries) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {REJECTION_COLUMNS}"
        ))
        .bind(person)
        .bind(week_key(week))
        .bind(project)
        .bind(reason.trim())
        .bind(ctx.user_id)
        .bind(now())
        .bind(moved.len() as i64);
        let rejection = read_rejection(&tx.one(q).await?)?;
        let id = rejection.id.get();
        crate::audit::record(
            &mut tx,
            ctx,
            Entity::TimesheetRejection,
            id,
            AuditAction::Create,
            None,
            Some(&rejection),
        )
        .await?;
        crate::webhooks::emit(&mut tx, EventKind::TimesheetRejected, &rejection).await?;
        tx.commit().await?;
        Ok(rejection)
    }

    async fn reopen_entries(
        &self,
        ctx: &WriteCtx,
        actor: TimesheetActor,
        ids: &[TimeEntryId],
    ) -> Result<Vec<TimeEntry>> {
        let mut ids = ids.to_vec();
        ids.sort();
        ids.dedup();
        let mut tx = self.pools.begin().await?;
        let lock = tx.for_update();
        let mut entries = Vec::with_capacity(ids.len());
        for id in ids {
            entries.push(ENTRIES.get(&mut tx, id.get(), lock).await?);
        }
        let (Some(first), Some(last)) = (
            entries.iter().map(|e| e.date).min(),
            entries.iter().map(|e| e.date).max(),
        ) else {
            return Ok(Vec::new());
        };
        let mut approvers = BTreeMap::new();
        for e in &entries {
            let key = (e.person_id, e.project_id);
            if let std::collections::btree_map::Entry::Vacant(slot) = approvers.entry(key) {
                slot.insert(approver(&mut tx, e.person_id, e.project_id).await?);
            }
        }
        let periods = locks::overlapping(
            &mut tx,
            DateRange {
                start: first,
                end: last,
            },
        )
        .await?;
        let moved = move_entries(&mut tx, ctx, entries, &Transition::Reopen, &periods, |e| {
            facts(
                actor,
                e.person_id,
                approvers.get(&(e.person_id, e.project_id)).copied().flatten(),
            )
        })
        .await?;
        tx.commit().await?;
        Ok(moved)
    }

    async fn week_submitted_at(&self, person: PersonId, week: IsoWeek) -> Result<Option<OffsetDateTime>> {
        let q = sql("SELECT submitted_at FROM timesheet_weeks WHERE person_id = $1 AND week_key = $2")
            .bind(person)
            .bind(week_key(week));
        self.pools.optional(q).await?.map(|r| r.get("submitted_at")).transpose()
    }

    async fn waiting(&self, scope: &ApprovalScope) -> Result<Vec<Waiting>> {
        let key = format!("waiting|{scope:?}");
        let read = async {
            let (manager, except, read) = match *scope {
                ApprovalScope::Nothing => return Ok(Vec::new()),
                ApprovalScope::All { except } => (None, except, ListScope::All),
                ApprovalScope::Managed { manager, read } => (Some(manager), Some(manager), read),
            };
            // The day number of the entry's ISO week's Monday, so the database sums whole
            // weeks (a few rows per person) rather than days. 1970-01-05, day 4, was a Monday.
            let day = crate::common::day_number(self.pools.backend(), "entry_date");
            let monday = format!("({day} - ((({day} + 3) % 7) + 7) % 7)");
            // Rows, added up here on SQLite (its GROUP BY sorted them: 10 of the 12 ms at
            // 5,000 people) and by PostgreSQL's hash aggregate there.
            let mut q = sql(format!(
                "SELECT person_id, COALESCE(project_id, 0) AS project, {monday} AS monday, minutes, \
                 CASE WHEN billable THEN minutes ELSE 0 END AS billable, 1 AS entries \
                 FROM time_entries WHERE status = 'submitted'"
            ));
            if let Some(pm) = manager {
                q.push(" AND project_id IN (SELECT id FROM projects WHERE project_manager_id = ")
                    .push_bind(pm)
                    .push(")");
            }
            if let Some(me) = except {
                q.push(" AND person_id <> ").push_bind(me);
            }
            crate::common::scope(&mut q, &read, ListKind::TimeEntries);
            let q = crate::reports::add_up(
                &self.pools,
                q,
                &["person_id", "project", "monday"],
                &["minutes", "billable", "entries"],
            );
            let columns = ["person_id", "project", "monday", "minutes", "billable", "entries"];
            let mut sums: BTreeMap<(i64, i64, i64), [i64; 3]> = BTreeMap::new();
            for [person, project, monday, minutes, billable, entries] in self.pools.integers(q, columns).await? {
                let s = sums.entry((person, project, monday)).or_default();
                s[0] += minutes;
                s[1] += billable;
                s[2] += entries;
            }
            let out = sums
                .into_iter()
                .map(|((person, project, monday), [minutes, billable, entries])| Waiting {
                    person_id: PersonId::new(person),
                    project_id: (project != 0).then(|| ProjectId::new(project)),
                    week: IsoWeek::of(psops_core::dates::from_day_number(monday)),
                    minutes,
                    billable_minutes: billable,
                    entries,
                })
                .collect();
            Ok(out)
        };
        // Entries are submitted, withdrawn and decided only by timesheet steps (anything
        // else changes drafts alone); scopes read projects and people.
        self.memo.get_counts(&self.pools, crate::follow::QUEUE, key, read).await
    }

    async fn remind(&self, ctx: &WriteCtx, people: &[PersonId], week: IsoWeek, message: &str) -> Result<Vec<Reminder>> {
        crate::reminders::remind(&self.pools, ctx, people, week, message).await
    }

    async fn reminders(&self, person: Option<PersonId>, scope: &ListScope, limit: u32) -> Result<Vec<Reminder>> {
        crate::reminders::list(&self.pools, person, scope, limit).await
    }

    async fn list_rejections(&self, person: PersonId, week: IsoWeek) -> Result<Vec<Rejection>> {
        let q = sql(format!(
            "SELECT {REJECTION_COLUMNS} FROM timesheet_rejections WHERE person_id = $1 AND week_key = $2 ORDER BY id"
        ))
        .bind(person)
        .bind(week_key(week));
        self.pools.all(q).await?.iter().map(read_rejection).collect()
    }

    async fn list_approvals(&self, person: PersonId, week: IsoWeek) -> Result<Vec<WeekApproval>> {
        let q = sql("SELECT project_id, approved_at, approved_by FROM timesheet_approvals \
             WHERE person_id = $1 AND week_key = $2 ORDER BY approved_at, project_id")
        .bind(person)
        .bind(week_key(week));
        let rows = self.pools.all(q).await?;
        rows.iter()
            .map(|r| {
                let project: i64 = r.get("project_id")?;
                Ok(WeekApproval {
                    // Internal time is approved as project 0.
                    project_id: (project != 0).then(|| psops_core::Id::new(project)),
                    approved_by: r.opt_id("approved_by")?,
                    approved_at: r.get("approved_at")?,
                })
            })
            .collect()
    }

    async fn lock_period(&self, ctx: &WriteCtx, range: DateRange) -> Result<LockRecord> {
        locks::lock(&self.pools, ctx, range).await
    }

    async fn list_locked_periods(&self) -> Result<Vec<LockRecord>> {
        locks::list(&self.pools).await
    }
}
