//! A project's closure checklist in SQL, with what it is computed from — the first CSAT
//! survey's day, the budgeted hours and the hours recorded — and the gate the move to
//! completed asks: [`closure_missing`].

use async_trait::async_trait;
use psops_core::audit::AuditAction;
use psops_core::code::Code;
use psops_core::delivery::closure::{self as c, Closure, ClosureFields, ClosurePatch, ClosureStore};
use psops_core::error::Thing;
use psops_core::projects::ProjectId;
use psops_core::record::Entity;
use psops_core::rule::Rule;
use psops_core::store::{IfVersion, WriteCtx};
use psops_core::{Error, Minutes, Result};
use time::{Date, OffsetDateTime};

use crate::Db;
use crate::common::check_version;
use crate::db::{Row, Tx, now, sql};

const COLUMNS: &str = "meeting_on, signoff_how, signoff_by, signoff_on, retro_on, retro_notes, deliverables, \
                       lessons_learned, closeout_by, closeout_on, version";

fn read(r: &Row) -> Result<(ClosureFields, i64)> {
    Ok((
        ClosureFields {
            meeting_on: r.get("meeting_on")?,
            signoff_how: r.opt_code("signoff_how")?,
            signoff_by: r.get("signoff_by")?,
            signoff_on: r.get("signoff_on")?,
            retro_on: r.get("retro_on")?,
            retro_notes: r.get("retro_notes")?,
            deliverables: r.get("deliverables")?,
            lessons_learned: r.get("lessons_learned")?,
            closeout_by: r.opt_id("closeout_by")?,
            closeout_on: r.get("closeout_on")?,
        },
        r.get("version")?,
    ))
}

/// The stored checklist (empty, version 0, when never written), locked with `lock`.
async fn stored(tx: &mut Tx, project: ProjectId, lock: &str) -> Result<(ClosureFields, i64)> {
    match tx
        .optional(
            sql(format!(
                "SELECT {COLUMNS} FROM project_closures WHERE project_id = $1{lock}"
            ))
            .bind(project),
        )
        .await?
    {
        Some(r) => read(&r),
        None => Ok((ClosureFields::default(), 0)),
    }
}

/// The day the project's first CSAT survey was sent.
async fn survey_sent_on(tx: &mut Tx, project: ProjectId) -> Result<Option<Date>> {
    let row = tx
        .optional(sql("SELECT sent_at FROM surveys WHERE project_id = $1 ORDER BY sent_at LIMIT 1").bind(project))
        .await?;
    Ok(match row {
        Some(r) => Some(r.get::<OffsetDateTime>("sent_at")?.date()),
        None => None,
    })
}

async fn assemble(tx: &mut Tx, project: ProjectId, fields: ClosureFields, version: i64) -> Result<Closure> {
    let p = tx
        .optional(sql("SELECT budget_minutes FROM projects WHERE id = $1").bind(project))
        .await?
        .ok_or_else(|| Error::not_found(Thing::Entity(Entity::Project), project))?;
    let budget: Option<i64> = p.get("budget_minutes")?;
    let actual: Option<i64> = tx
        .one(
            sql("SELECT CAST(SUM(minutes) AS BIGINT) AS minutes FROM time_rollup_project_person WHERE project_id = $1")
                .bind(project),
        )
        .await?
        .get("minutes")?;
    let sent = survey_sent_on(tx, project).await?;
    Ok(Closure {
        project_id: project,
        missing: c::missing(&fields, sent),
        fields,
        survey_sent_on: sent,
        estimated_minutes: budget.map(Minutes),
        actual_minutes: Minutes(actual.unwrap_or(0)),
        version,
    })
}

/// What the project still lacks before it may move to completed, in plain words; empty
/// when it is ready. Called by the project's status move inside its transaction.
pub(crate) async fn closure_missing(tx: &mut Tx, project: ProjectId) -> Result<Vec<String>> {
    let (fields, _) = stored(tx, project, "").await?;
    let sent = survey_sent_on(tx, project).await?;
    Ok(c::missing(&fields, sent))
}

/// Checks the closeout author is a live person.
async fn check(tx: &mut Tx, f: &ClosureFields) -> Result<()> {
    if let Some(p) = f.closeout_by {
        let found = tx
            .optional(sql("SELECT id FROM people WHERE id = $1 AND archived_at IS NULL").bind(p))
            .await?;
        if found.is_none() {
            return Err(Error::invalid(
                "closeout_by",
                Rule::UnknownPerson,
                format!("closeout_by {p} does not refer to an existing person"),
            ));
        }
    }
    Ok(())
}

#[async_trait]
impl ClosureStore for Db {
    async fn closure(&self, project: ProjectId) -> Result<Closure> {
        let mut tx = self.pools.begin().await?;
        let (fields, version) = stored(&mut tx, project, "").await?;
        assemble(&mut tx, project, fields, version).await
    }

    async fn update_closure(
        &self,
        ctx: &WriteCtx,
        project: ProjectId,
        v: IfVersion,
        patch: ClosurePatch,
    ) -> Result<Closure> {
        let mut tx = self.pools.begin().await?;
        let lock = tx.for_update();
        // The project's row holds off a concurrent first write of the checklist.
        tx.optional(sql(format!("SELECT id FROM projects WHERE id = $1{lock}")).bind(project))
            .await?
            .ok_or_else(|| Error::not_found(Thing::Entity(Entity::Project), project))?;
        let (before, version) = stored(&mut tx, project, lock).await?;
        check_version(version, v)?;
        let after = patch.apply(before.clone());
        after.validate()?;
        check(&mut tx, &after).await?;
        let at = now();
        let q = if version == 0 {
            "INSERT INTO project_closures (meeting_on, signoff_how, signoff_by, signoff_on, retro_on, retro_notes, \
             deliverables, lessons_learned, closeout_by, closeout_on, project_id, version, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1, $12, $12)"
        } else {
            "UPDATE project_closures SET meeting_on = $1, signoff_how = $2, signoff_by = $3, signoff_on = $4, \
             retro_on = $5, retro_notes = $6, deliverables = $7, lessons_learned = $8, closeout_by = $9, \
             closeout_on = $10, version = version + 1, updated_at = $12 WHERE project_id = $11"
        };
        tx.execute(
            sql(q)
                .bind(after.meeting_on)
                .bind(after.signoff_how.map(|h| h.code()))
                .bind(after.signoff_by.clone())
                .bind(after.signoff_on)
                .bind(after.retro_on)
                .bind(after.retro_notes.clone())
                .bind(after.deliverables.clone())
                .bind(after.lessons_learned.clone())
                .bind(after.closeout_by)
                .bind(after.closeout_on)
                .bind(project)
                .bind(at),
        )
        .await?;
        let before_closure = assemble(&mut tx, project, before, version).await?;
        let closure = assemble(&mut tx, project, after, version + 1).await?;
        crate::audit::record(
            &mut tx,
            ctx,
            Entity::Closure,
            project.get(),
            if version == 0 {
                AuditAction::Create
            } else {
                AuditAction::Update
            },
            (version > 0).then_some(&before_closure),
            Some(&closure),
        )
        .await?;
        tx.commit().await?;
        Ok(closure)
    }
}
