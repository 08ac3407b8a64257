//! Projects in SQL.

use async_trait::async_trait;
use psops_core::code::Code;
use psops_core::page::{Page, PageRequest};
use psops_core::projects::{Project, ProjectFields, ProjectFilter, ProjectId, ProjectPatch};
use psops_core::store::{Created, IfVersion, ProjectStore, WriteCtx};
use psops_core::{Currency, Minutes, Money, Result};

use crate::common::{Table, check_version, ensure_exists, eq, meta, overlaps, search};
use crate::db::{Row, Tx, now, on_unique, sql};
use crate::{Db, idempotency};

pub(crate) const PROJECTS: Table<Project> = Table {
    table: "projects",
    entity: "project",
    columns: "id, name, code, account_id, project_type, billing_type, status, start_date, end_date, \
              project_manager_id, budget_minutes, budget_amount_minor, budget_currency, partner_delivered, \
              partner_id, version, created_at, updated_at, archived_at",
    read,
};

fn read(r: &Row) -> Result<Project> {
    let amount: Option<i64> = r.get("budget_amount_minor")?;
    let currency: Option<String> = r.get("budget_currency")?;
    let budget = match (amount, currency) {
        (Some(a), Some(c)) => Some(Money::new(a, c.parse::<Currency>()?)),
        _ => None,
    };
    Ok(Project {
        id: r.id("id")?,
        fields: ProjectFields {
            name: r.get("name")?,
            code: r.get("code")?,
            account_id: r.opt_id("account_id")?,
            project_type: r.code("project_type")?,
            billing_type: r.code("billing_type")?,
            status: r.code("status")?,
            start_date: r.get("start_date")?,
            end_date: r.get("end_date")?,
            project_manager_id: r.opt_id("project_manager_id")?,
            budget_minutes: r.get::<Option<i64>>("budget_minutes")?.map(Minutes),
            budget,
            partner_delivered: r.get("partner_delivered")?,
            partner_id: r.opt_id("partner_id")?,
        },
        meta: meta(r)?,
    })
}

const DUPLICATE_CODE: &str = "a project with this code already exists";

pub(crate) async fn check_refs(tx: &mut Tx, f: &ProjectFields) -> Result<()> {
    ensure_exists(tx, "accounts", f.account_id.map(|i| i.get()), "account_id", "account").await?;
    ensure_exists(
        tx,
        "people",
        f.project_manager_id.map(|i| i.get()),
        "project_manager_id",
        "person",
    )
    .await?;
    ensure_exists(tx, "partners", f.partner_id.map(|i| i.get()), "partner_id", "partner").await
}

/// Inserts a project (`id` None) or rewrites one's fields; callers validate, check
/// references and audit.
pub(crate) async fn write(tx: &mut Tx, id: Option<ProjectId>, f: &ProjectFields) -> Result<Project> {
    let q = match id {
        None => sql(format!(
            "INSERT INTO projects (name, code, account_id, project_type, billing_type, status, start_date, end_date, \
             project_manager_id, budget_minutes, budget_amount_minor, budget_currency, partner_delivered, partner_id, \
             created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15) \
             RETURNING {}",
            PROJECTS.columns
        )),
        Some(_) => sql(format!(
            "UPDATE projects SET name = $1, code = $2, account_id = $3, project_type = $4, billing_type = $5, \
             status = $6, start_date = $7, end_date = $8, project_manager_id = $9, budget_minutes = $10, \
             budget_amount_minor = $11, budget_currency = $12, partner_delivered = $13, partner_id = $14, \
             version = version + 1, updated_at = $15 WHERE id = $16 RETURNING {}",
            PROJECTS.columns
        )),
    }
    .bind(f.name.trim())
    .bind(f.code.as_deref().map(str::trim))
    .bind(f.account_id)
    .bind(f.project_type.code())
    .bind(f.billing_type.code())
    .bind(f.status.code())
    .bind(f.start_date)
    .bind(f.end_date)
    .bind(f.project_manager_id)
    .bind(f.budget_minutes.map(|m| m.get()))
    .bind(f.budget.map(|m| m.amount_minor))
    .bind(f.budget.map(|m| m.currency.to_string()))
    .bind(f.partner_delivered)
    .bind(f.partner_id)
    .bind(now());
    let q = if let Some(id) = id { q.bind(id) } else { q };
    read(&tx.one(q).await.map_err(on_unique("code", DUPLICATE_CODE))?)
}

#[async_trait]
impl ProjectStore for Db {
    async fn create_project(&self, ctx: &WriteCtx, new: ProjectFields) -> Result<Created<Project>> {
        new.validate()?;
        let mut tx = self.pools.begin().await?;
        if let Some(previous) = idempotency::replay(&mut tx, ctx, PROJECTS.entity).await? {
            return Ok(Created::Replayed(previous));
        }
        check_refs(&mut tx, &new).await?;
        let project = write(&mut tx, None, &new).await?;
        PROJECTS.created(&self.pools, tx, ctx, project).await
    }

    async fn project(&self, id: ProjectId) -> Result<Project> {
        PROJECTS.get(&mut &self.pools, id.get(), "").await
    }

    async fn update_project(
        &self,
        ctx: &WriteCtx,
        id: ProjectId,
        v: IfVersion,
        patch: ProjectPatch,
    ) -> Result<Project> {
        let mut tx = self.pools.begin().await?;
        let lock = tx.for_update();
        let current = PROJECTS.get(&mut tx, id.get(), lock).await?;
        check_version(current.meta.version, v)?;
        let f = patch.apply(current.fields.clone());
        f.validate()?;
        check_refs(&mut tx, &f).await?;
        let updated = write(&mut tx, Some(id), &f).await?;
        PROJECTS.updated(tx, ctx, &current, updated).await
    }

    async fn archive_project(&self, ctx: &WriteCtx, id: ProjectId, v: IfVersion, archived: bool) -> Result<Project> {
        PROJECTS.archive(&self.pools, ctx, id.get(), v, archived).await
    }

    async fn list_projects(&self, filter: &ProjectFilter, page: PageRequest) -> Result<Page<Project>> {
        let mut q = PROJECTS.select();
        crate::common::scope(&mut q, &filter.scope, psops_core::policy::ListKind::Projects);
        eq(&mut q, "account_id", filter.account_id);
        eq(&mut q, "status", filter.status.map(|s| s.code()));
        eq(&mut q, "project_type", filter.project_type.map(|s| s.code()));
        eq(&mut q, "billing_type", filter.billing_type.map(|s| s.code()));
        eq(&mut q, "project_manager_id", filter.project_manager_id);
        eq(&mut q, "partner_id", filter.partner_id);
        overlaps(&mut q, "start_date", "end_date", filter.from, filter.to);
        search(&mut q, &["name", "code"], filter.q.as_deref());
        PROJECTS.page(&self.pools, q, filter.archived, page).await
    }
}
