//! Projects in SQL.

use async_trait::async_trait;
use psops_core::code::Code;
use psops_core::projects::{Project, ProjectFields, ProjectFilter, ProjectId, ProjectSort};
use psops_core::scope::ListKind;
use psops_core::store::WriteCtx;
use psops_core::{Currency, Minutes, Money, Result};

use crate::common::{ensure_exists, eq, meta, overlaps, scope, search};
use crate::db::{Row, Sql, Tx, Value};
use crate::record::Stored;

#[async_trait]
impl Stored for Project {
    const TABLE: &'static str = "projects";
    const COLUMNS: &'static [&'static str] = &[
        "name",
        "code",
        "account_id",
        "project_type",
        "billing_type",
        "status",
        "phase",
        "start_date",
        "end_date",
        "project_manager_id",
        "budget_minutes",
        "budget_amount_minor",
        "budget_currency",
        "partner_delivered",
        "partner_id",
    ];
    const UNIQUE: Option<(&'static str, &'static str)> = Some(("code", "a project with this code already exists"));
    /// Projects that share a name (one account's yearly "Consulting block") are told apart
    /// by their code, or by their number when they have none.
    const TWINS: Option<&'static str> = Some("COALESCE(code, '#' || CAST(id AS TEXT))");
    /// A consultant's projects are the ones they are assigned to: lists cut so read
    /// assignments too; lists sorted by manager read people's names.
    const COUNTED: crate::follow::Kinds = &["projects", "assignments", "people"];

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
                phase: r.opt_code("phase")?,
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

    fn values(f: &ProjectFields) -> Vec<Value> {
        vec![
            f.name.trim().into(),
            f.code.as_deref().map(str::trim).into(),
            f.account_id.into(),
            f.project_type.code().into(),
            f.billing_type.code().into(),
            f.status.code().into(),
            f.phase.map(|p| p.code()).into(),
            f.start_date.into(),
            f.end_date.into(),
            f.project_manager_id.into(),
            f.budget_minutes.map(|m| m.get()).into(),
            f.budget.map(|m| m.amount_minor).into(),
            f.budget.map(|m| m.currency.to_string()).into(),
            f.partner_delivered.into(),
            f.partner_id.into(),
        ]
    }

    async fn check(tx: &mut Tx, f: &ProjectFields, _me: Option<ProjectId>) -> Result<()> {
        ensure_exists(tx, "accounts", f.account_id.map(|i| i.get()), "account_id", "account").await?;
        let manager = f.project_manager_id.map(|i| i.get());
        ensure_exists(tx, "people", manager, "project_manager_id", "person").await?;
        ensure_exists(tx, "partners", f.partner_id.map(|i| i.get()), "partner_id", "partner").await
    }

    async fn changing(tx: &mut Tx, ctx: &WriteCtx, before: &Project, after: &ProjectFields) -> Result<()> {
        crate::delivery::lifecycle::moving(tx, ctx, before, after).await
    }

    fn filter(q: &mut Sql, f: &ProjectFilter) {
        scope(q, &f.scope, ListKind::Projects);
        eq(q, "account_id", f.account_id);
        eq(q, "status", f.status.map(|s| s.code()));
        eq(q, "project_type", f.project_type.map(|s| s.code()));
        eq(q, "billing_type", f.billing_type.map(|s| s.code()));
        eq(q, "project_manager_id", f.project_manager_id);
        eq(q, "partner_id", f.partner_id);
        overlaps(q, "start_date", "end_date", f.from, f.to);
        search(q, &["name", "code"], f.q.as_deref());
    }

    fn order(key: ProjectSort) -> crate::record::Order {
        use crate::record::Order::{By, Name};
        match key {
            ProjectSort::Name => By("LOWER(name)"),
            ProjectSort::Code => By("LOWER(code)"),
            ProjectSort::Account => Name("accounts", "account_id"),
            ProjectSort::Status => By("status"),
            ProjectSort::Type => By("project_type"),
            ProjectSort::Billing => By("billing_type"),
            ProjectSort::Pm => Name("people", "project_manager_id"),
            ProjectSort::Start => By("start_date"),
            ProjectSort::End => By("end_date"),
        }
    }
}
