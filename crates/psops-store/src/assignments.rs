//! Assignments in SQL.

use async_trait::async_trait;
use psops_core::assignments::{Assignment, AssignmentFields, AssignmentFilter, AssignmentId, AssignmentPatch};
use psops_core::code::Code;
use psops_core::page::{Page, PageRequest};
use psops_core::store::{AssignmentStore, Created, IfVersion, WriteCtx};
use psops_core::{Error, Minutes, Result};

use crate::common::{Table, check_version, eq, meta, overlaps};
use crate::db::{Row, Tx, now, sql};
use crate::people::PEOPLE;
use crate::projects::PROJECTS;
use crate::{Db, idempotency};

pub(crate) const ASSIGNMENTS: Table<Assignment> = Table {
    table: "assignments",
    entity: "assignment",
    columns: "id, person_id, project_id, role, start_date, end_date, minutes_per_week, \
              version, created_at, updated_at, archived_at",
    read,
};

fn read(r: &Row) -> Result<Assignment> {
    Ok(Assignment {
        id: r.id("id")?,
        fields: AssignmentFields {
            person_id: r.id("person_id")?,
            project_id: r.id("project_id")?,
            role: r.code("role")?,
            start_date: r.get("start_date")?,
            end_date: r.get("end_date")?,
            minutes_per_week: Minutes(r.get("minutes_per_week")?),
        },
        meta: meta(r)?,
    })
}

/// The person and project must exist and take new work; the assignment must fall inside
/// the project's dates when the project has them.
async fn check_refs(tx: &mut Tx, f: &AssignmentFields) -> Result<()> {
    let person = PEOPLE
        .get(tx, f.person_id.get(), "")
        .await
        .map_err(|e| missing(e, "person_id", "person"))?;
    let project = PROJECTS
        .get(tx, f.project_id.get(), "")
        .await
        .map_err(|e| missing(e, "project_id", "project"))?;
    let mut c = psops_core::validate::Checks::new();
    c.check(
        !person.meta.is_archived(),
        "person_id",
        "archived",
        "the person is archived and cannot be assigned",
    );
    c.check(
        !project.meta.is_archived(),
        "project_id",
        "archived",
        "the project is archived and takes no new assignments",
    );
    c.check(
        project.fields.start_date.is_none_or(|s| f.start_date >= s),
        "start_date",
        "project_dates",
        "start_date must not be before the project's start_date",
    );
    c.check(
        project
            .fields
            .end_date
            .is_none_or(|e| f.end_date.is_some_and(|end| end <= e) && f.start_date <= e),
        "end_date",
        "project_dates",
        "end_date must be set and not after the project's end_date",
    );
    c.into_result()
}

/// A reference in the body that points nowhere is the caller's bad field, not a 404.
pub(crate) fn missing(e: Error, field: &str, what: &str) -> Error {
    match e {
        Error::NotFound { id, .. } => Error::invalid(
            field,
            "exists",
            format!("{field} {id} does not refer to an existing {what}"),
        ),
        other => other,
    }
}

#[async_trait]
impl AssignmentStore for Db {
    async fn create_assignment(&self, ctx: &WriteCtx, new: AssignmentFields) -> Result<Created<Assignment>> {
        new.validate()?;
        let mut tx = self.pools.begin().await?;
        if let Some(previous) = idempotency::replay(&mut tx, ctx, ASSIGNMENTS.entity).await? {
            return Ok(Created::Replayed(previous));
        }
        check_refs(&mut tx, &new).await?;
        let q = sql(format!(
            "INSERT INTO assignments (person_id, project_id, role, start_date, end_date, minutes_per_week, \
             created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING {}",
            ASSIGNMENTS.columns
        ))
        .bind(new.person_id)
        .bind(new.project_id)
        .bind(new.role.code())
        .bind(new.start_date)
        .bind(new.end_date)
        .bind(new.minutes_per_week.get())
        .bind(now());
        let row = tx.one(q).await?;
        ASSIGNMENTS.created(&self.pools, tx, ctx, read(&row)?).await
    }

    async fn assignment(&self, id: AssignmentId) -> Result<Assignment> {
        ASSIGNMENTS.get(&mut &self.pools, id.get(), "").await
    }

    async fn update_assignment(
        &self,
        ctx: &WriteCtx,
        id: AssignmentId,
        v: IfVersion,
        patch: AssignmentPatch,
    ) -> Result<Assignment> {
        let mut tx = self.pools.begin().await?;
        let lock = tx.for_update();
        let current = ASSIGNMENTS.get(&mut tx, id.get(), lock).await?;
        check_version(current.meta.version, v)?;
        let f = patch.apply(current.fields.clone());
        f.validate()?;
        check_refs(&mut tx, &f).await?;
        let q = sql(format!(
            "UPDATE assignments SET role = $2, start_date = $3, end_date = $4, minutes_per_week = $5, \
             version = version + 1, updated_at = $6 WHERE id = $1 RETURNING {}",
            ASSIGNMENTS.columns
        ))
        .bind(id)
        .bind(f.role.code())
        .bind(f.start_date)
        .bind(f.end_date)
        .bind(f.minutes_per_week.get())
        .bind(now());
        let row = tx.one(q).await?;
        ASSIGNMENTS.updated(tx, ctx, &current, read(&row)?).await
    }

    async fn archive_assignment(
        &self,
        ctx: &WriteCtx,
        id: AssignmentId,
        v: IfVersion,
        archived: bool,
    ) -> Result<Assignment> {
        ASSIGNMENTS.archive(&self.pools, ctx, id.get(), v, archived).await
    }

    async fn list_assignments(&self, filter: &AssignmentFilter, page: PageRequest) -> Result<Page<Assignment>> {
        let mut q = ASSIGNMENTS.select();
        crate::common::scope(&mut q, &filter.scope, psops_core::policy::ListKind::Assignments);
        eq(&mut q, "person_id", filter.person_id);
        eq(&mut q, "project_id", filter.project_id);
        overlaps(&mut q, "start_date", "end_date", filter.from, filter.to);
        ASSIGNMENTS.page(&self.pools, q, filter.archived, page).await
    }
}
