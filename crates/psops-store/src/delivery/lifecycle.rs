//! A project's lifecycle in SQL: every status or phase change checked against the moves
//! the lifecycle allows and kept as a dated row.

use async_trait::async_trait;
use psops_core::Result;
use psops_core::code::Code;
use psops_core::delivery::lifecycle::{LifecycleStore, ProjectMove, check_phase, check_status};
use psops_core::projects::{Project, ProjectFields, ProjectId, ProjectStatus};
use psops_core::store::WriteCtx;

use crate::Db;
use crate::db::{Row, Tx, now, sql};

const COLUMNS: &str = "id, project_id, from_status, to_status, from_phase, to_phase, moved_by, moved_at";

/// Checks a project's change of status or phase and records the move; nothing when
/// neither changes.
pub(crate) async fn moving(tx: &mut Tx, ctx: &WriteCtx, before: &Project, after: &ProjectFields) -> Result<()> {
    let b = &before.fields;
    if b.status == after.status && b.phase == after.phase {
        return Ok(());
    }
    let missing = if after.status == ProjectStatus::Completed && b.status != ProjectStatus::Completed {
        super::closure::closure_missing(tx, before.id).await?
    } else {
        Vec::new()
    };
    check_status(b.status, after.status, &missing)?;
    check_phase(after.status, b.phase, after.phase)?;
    let q = sql(
        "INSERT INTO project_moves (project_id, from_status, to_status, from_phase, to_phase, moved_by, moved_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(before.id)
    .bind(b.status.code())
    .bind(after.status.code())
    .bind(b.phase.map(|p| p.code()))
    .bind(after.phase.map(|p| p.code()))
    .bind(ctx.user_id)
    .bind(now());
    tx.execute(q).await?;
    Ok(())
}

fn read(r: &Row) -> Result<ProjectMove> {
    Ok(ProjectMove {
        id: r.id("id")?,
        project_id: r.id("project_id")?,
        from_status: r.opt_code("from_status")?,
        to_status: r.code("to_status")?,
        from_phase: r.opt_code("from_phase")?,
        to_phase: r.opt_code("to_phase")?,
        moved_by: r.opt_id("moved_by")?,
        moved_at: r.get("moved_at")?,
    })
}

#[async_trait]
impl LifecycleStore for Db {
    async fn project_moves(&self, project: ProjectId) -> Result<Vec<ProjectMove>> {
        let q = sql(format!(
            "SELECT {COLUMNS} FROM project_moves WHERE project_id = $1 ORDER BY id DESC"
        ))
        .bind(project);
        self.pools.all(q).await?.iter().map(read).collect()
    }
}
