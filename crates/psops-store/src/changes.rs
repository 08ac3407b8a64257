//! Change control in SQL: a plain kind while a draft; submitting and deciding written
//! here. Approving applies the change in the decision's transaction — the project's terms
//! amended through its own audited update, milestones added or moved, the opportunity or
//! project the change calls for made — and keeps what it did with the change.

use async_trait::async_trait;
use psops_core::catalog::requests::Verdict;
use psops_core::code::Code;
use psops_core::plan::{Booking, Milestone, MilestoneFields, MilestoneStatus, ResourceRequest, ResourceRequestFields};
use psops_core::projects::{BillingType, Project, ProjectFields, ProjectId, ProjectStatus, ProjectType};
use psops_core::rule::Rule;
use psops_core::scoping::changes::{
    self, Applied, Change, ChangeFields, ChangeFilter, ChangeId, ChangeKind, ChangeSort, ChangeStatus, ExceptionTotal,
    NewChange, Terms,
};
use psops_core::scoping::estimates::Estimate;
use psops_core::scoping::opportunities::{EmStatus, Opportunity, OpportunityFields, OpportunityId};
use psops_core::scoping::settings::MoneyChange;
use psops_core::scoping::store::ChangeStore;
use psops_core::store::{IfVersion, WriteCtx};
use psops_core::{Error, Minutes, Money, Result};

use crate::Db;
use crate::catalog::live;
use crate::common::{check_version, eq, meta};
use crate::db::{Row, Sql, Tx, Value, json_text, sql};
use crate::record::{Order, Stored, create_in, persist, table, update_in};

#[async_trait]
impl Stored for Change {
    const TABLE: &'static str = "changes";
    const LABEL: &'static str = "title";
    const TIES: Option<&'static str> = Some("LOWER(title)");
    const FIXED: &'static [&'static str] = &["status", "raised_by", "decided_by", "reason", "applied"];
    const COLUMNS: &'static [&'static str] = &[
        "kind",
        "project_id",
        "opportunity_id",
        "title",
        "description",
        "new_start_date",
        "new_end_date",
        "add_budget_minor",
        "add_currency",
        "add_minutes",
        "new_billing_type",
        "add_milestones",
        "move_milestones",
        "cause",
        "starts_on",
    ];

    fn read(r: &Row) -> Result<Change> {
        let add_budget = match r.get::<Option<i64>>("add_budget_minor")? {
            Some(_) => Some(r.money("add_budget_minor", "add_currency")?),
            None => None,
        };
        let applied: Option<String> = r.get("applied")?;
        Ok(Change {
            id: r.id("id")?,
            fields: ChangeFields {
                kind: r.code("kind")?,
                project_id: r.opt_id("project_id")?,
                opportunity_id: r.opt_id("opportunity_id")?,
                title: r.get("title")?,
                description: r.get("description")?,
                new_start_date: r.get("new_start_date")?,
                new_end_date: r.get("new_end_date")?,
                add_budget,
                add_minutes: r.get::<Option<i64>>("add_minutes")?.map(Minutes),
                new_billing_type: r.opt_code("new_billing_type")?,
                add_milestones: r.json("add_milestones")?,
                move_milestones: r.json("move_milestones")?,
                cause: r.opt_code("cause")?,
                starts_on: r.get("starts_on")?,
            },
            status: r.code("status")?,
            raised_by: r.opt_id("raised_by")?,
            decided_by: r.opt_id("decided_by")?,
            reason: r.get("reason")?,
            applied: applied
                .map(|t| serde_json::from_str(&t))
                .transpose()
                .map_err(|e| Error::internal(format!("column applied holds bad JSON: {e}")))?,
            meta: meta(r)?,
        })
    }

    fn fixed(new: &NewChange) -> Vec<Value> {
        vec![
            ChangeStatus::Draft.code().into(),
            new.raised_by.into(),
            Option::<i64>::None.into(),
            Option::<String>::None.into(),
            Option::<String>::None.into(),
        ]
    }

    fn values(f: &ChangeFields) -> Vec<Value> {
        vec![
            f.kind.code().into(),
            f.project_id.into(),
            f.opportunity_id.into(),
            f.title.trim().into(),
            f.description.clone().into(),
            f.new_start_date.into(),
            f.new_end_date.into(),
            f.add_budget.map(|m| m.amount_minor).into(),
            f.add_budget.map(|m| m.currency.to_string()).into(),
            f.add_minutes.map(|m| m.get()).into(),
            f.new_billing_type.map(|b| b.code()).into(),
            json_text(&f.add_milestones),
            json_text(&f.move_milestones),
            f.cause.map(|c| c.code()).into(),
            f.starts_on.into(),
        ]
    }

    async fn check(tx: &mut Tx, f: &ChangeFields, me: Option<ChangeId>) -> Result<()> {
        if let Some(me) = me {
            table::<Change>().get(tx, me.get(), "").await?.editable()?;
        }
        if let Some(p) = f.project_id {
            live::<Project>(tx, p, "project_id", "project").await?;
        }
        if let Some(o) = f.opportunity_id {
            let o = live::<Opportunity>(tx, o, "opportunity_id", "opportunity").await?;
            if f.kind == ChangeKind::WorkAtRisk && o.state.is_closed() {
                return Err(Error::conflict(
                    "opportunity_id",
                    Rule::Gate,
                    format!(
                        "the opportunity is {}: work at risk is for one not yet won",
                        o.state.label()
                    ),
                ));
            }
        }
        for (i, m) in f.move_milestones.iter().enumerate() {
            let found = table::<Milestone>().get(tx, m.milestone_id.get(), "").await;
            let ok = matches!(&found, Ok(ms) if Some(ms.fields.project_id) == f.project_id);
            if !ok {
                return Err(Error::invalid(
                    format!("move_milestones[{i}].milestone_id"),
                    Rule::Exists,
                    format!("milestone {} is not one of the project's", m.milestone_id),
                ));
            }
        }
        Ok(())
    }

    fn filter(q: &mut Sql, f: &ChangeFilter) {
        eq(q, "project_id", f.project_id);
        eq(q, "opportunity_id", f.opportunity_id);
        eq(q, "kind", f.kind.map(|k| k.code()));
        eq(q, "status", f.status.map(|s| s.code()));
    }

    fn order(key: ChangeSort) -> Order {
        match key {
            ChangeSort::Updated => Order::By("updated_at"),
            ChangeSort::Kind => Order::By("kind"),
            ChangeSort::Status => {
                Order::By("CASE status WHEN 'draft' THEN 0 WHEN 'submitted' THEN 1 WHEN 'approved' THEN 2 ELSE 3 END")
            }
        }
    }
}

fn fixed_of(c: &Change) -> Vec<Value> {
    vec![
        c.status.code().into(),
        c.raised_by.into(),
        c.decided_by.into(),
        c.reason.clone().into(),
        c.applied
            .as_ref()
            .map(|a| serde_json::to_string(a).unwrap_or_default())
            .into(),
    ]
}

async fn current(tx: &mut Tx, id: ChangeId, v: IfVersion) -> Result<Change> {
    let lock = tx.for_update();
    let c = table::<Change>().get(tx, id.get(), lock).await?;
    check_version(c.meta.version, v)?;
    Ok(c)
}

fn terms_of(p: &ProjectFields) -> Terms {
    Terms {
        start_date: p.start_date,
        end_date: p.end_date,
        billing_type: p.billing_type,
        budget: p.budget,
        budget_minutes: p.budget_minutes,
    }
}

/// Amends a project's terms through its audited update; answers before and after.
async fn amend(
    tx: &mut Tx,
    ctx: &WriteCtx,
    id: ProjectId,
    f: &ChangeFields,
    add_money: bool,
) -> Result<(Terms, Terms)> {
    let lock = tx.for_update();
    let p = table::<Project>().get(tx, id.get(), lock).await?;
    let before = terms_of(&p.fields);
    let after = before.amended(f, add_money)?;
    if after != before {
        let fields = ProjectFields {
            start_date: after.start_date,
            end_date: after.end_date,
            billing_type: after.billing_type,
            budget: after.budget,
            budget_minutes: after.budget_minutes,
            ..p.fields.clone()
        };
        update_in(tx, ctx, &p, &fields).await?;
    }
    Ok((before, after))
}

/// The opportunity a project came from: the change's own, else the one whose SOW made it.
async fn origin(tx: &mut Tx, f: &ChangeFields) -> Result<Opportunity> {
    let id: Option<OpportunityId> = match (f.opportunity_id, f.project_id) {
        (Some(o), _) => Some(o),
        (None, Some(p)) => tx
            .all(sql("SELECT opportunity_id FROM sows WHERE project_id = $1").bind(p))
            .await?
            .first()
            .map(|r| r.id("opportunity_id"))
            .transpose()?,
        (None, None) => None,
    };
    let Some(id) = id else {
        return Err(Error::conflict(
            "opportunity_id",
            Rule::Gate,
            "name the opportunity the project came from: the new opportunity takes its account, segment and EM",
        ));
    };
    table::<Opportunity>().get(tx, id.get(), "").await
}

/// Opens the opportunity a change calls for.
async fn open(
    tx: &mut Tx,
    ctx: &WriteCtx,
    from: &Opportunity,
    name: &str,
    value: Option<Money>,
) -> Result<OpportunityId> {
    let fields = OpportunityFields {
        name: name.trim().to_string(),
        account_id: from.fields.account_id,
        crm_id: None,
        sales_owner: from.fields.sales_owner.clone(),
        engagement_manager_id: from.fields.engagement_manager_id,
        segment: from.fields.segment,
        public_sector: from.fields.public_sector,
        stage: None,
        close_date: None,
        currency: value.map_or(from.fields.currency, |m| m.currency),
        amount: None,
        ps_value: value,
        edu_value_override: None,
        em_confidence: None,
        em_status: EmStatus::ToDo,
        pain_points: None,
        constraints: None,
        keep_open: false,
    };
    Ok(create_in::<Opportunity>(tx, ctx, &fields).await?.id)
}

/// Applies an approved change; what it did.
async fn apply(tx: &mut Tx, ctx: &WriteCtx, c: &Change) -> Result<Applied> {
    let f = &c.fields;
    let mut applied = Applied::default();
    match f.kind {
        ChangeKind::ChangeOrder => {
            let project = f
                .project_id
                .ok_or_else(|| Error::invalid("project_id", Rule::Required, "project_id is required"))?;
            let settings = crate::org::load(tx).await?;
            let to_budget = settings.scoping.money_change_orders == MoneyChange::AmendBudget;
            let (before, after) = amend(tx, ctx, project, f, to_budget).await?;
            applied.before = Some(before);
            applied.after = Some(after);
            for m in &f.add_milestones {
                let ms = MilestoneFields {
                    project_id: project,
                    name: m.name.clone(),
                    due_date: Some(m.due),
                    amount: Some(m.amount),
                    status: MilestoneStatus::Open,
                };
                applied.milestones.push(create_in::<Milestone>(tx, ctx, &ms).await?.id);
            }
            for mv in &f.move_milestones {
                let lock = tx.for_update();
                let ms = table::<Milestone>().get(tx, mv.milestone_id.get(), lock).await?;
                let fields = MilestoneFields {
                    due_date: Some(mv.due),
                    ..ms.fields.clone()
                };
                update_in(tx, ctx, &ms, &fields).await?;
            }
            let money = f.add_budget.filter(|m| m.amount_minor > 0);
            if !to_budget && (money.is_some() || f.add_minutes.is_some_and(|m| m.get() > 0)) {
                let from = origin(tx, f).await?;
                applied.opportunity_id =
                    Some(open(tx, ctx, &from, &format!("Change order: {}", f.title), money).await?);
            }
        }
        ChangeKind::DescriptionOfWork => {}
        ChangeKind::NewSow => {
            let from = origin(tx, f).await?;
            applied.opportunity_id = Some(open(tx, ctx, &from, &f.title, None).await?);
        }
        ChangeKind::WorkAtRisk => {
            let o = f
                .opportunity_id
                .ok_or_else(|| Error::invalid("opportunity_id", Rule::Required, "opportunity_id is required"))?;
            let o = table::<Opportunity>().get(tx, o.get(), "").await?;
            let fields = ProjectFields {
                name: o.fields.name.clone(),
                code: None,
                account_id: Some(o.fields.account_id),
                project_type: ProjectType::Consulting,
                billing_type: BillingType::TimeAndMaterials,
                status: ProjectStatus::Prospect,
                phase: None,
                start_date: f.starts_on,
                end_date: None,
                project_manager_id: None,
                budget_minutes: None,
                budget: None,
                partner_delivered: false,
                partner_id: None,
            };
            let project = create_in::<Project>(tx, ctx, &fields).await?.id;
            applied.project_id = Some(project);
            // The hours the latest agreed (else latest) estimate plans, booked soft until
            // the signature makes them hard.
            let mut q = table::<Estimate>().select();
            q.push(" AND archived_at IS NULL AND opportunity_id = ")
                .push_bind(o.id)
                .push(" ORDER BY CASE status WHEN 'agreed' THEN 0 ELSE 1 END, number DESC");
            if let Some(row) = tx.all(q).await?.first() {
                let e = Estimate::read(row)?;
                for r in crate::signing::resources(&e) {
                    let request =
                        ResourceRequestFields::new(project, r.role, r.minutes, f.starts_on, None, Booking::Soft);
                    create_in::<ResourceRequest>(tx, ctx, &request).await?;
                }
            }
        }
        ChangeKind::WorkException => {
            let project = f
                .project_id
                .ok_or_else(|| Error::invalid("project_id", Rule::Required, "project_id is required"))?;
            let (before, after) = amend(tx, ctx, project, f, true).await?;
            applied.before = Some(before);
            applied.after = Some(after);
        }
    }
    Ok(applied)
}

/// The project approved work at risk made for an opportunity, which its signature takes
/// over rather than making another.
pub(crate) async fn at_risk_project(tx: &mut Tx, opportunity: OpportunityId) -> Result<Option<ProjectId>> {
    let mut q = table::<Change>().select();
    q.push(" AND kind = 'work_at_risk' AND status = 'approved' AND archived_at IS NULL AND opportunity_id = ")
        .push_bind(opportunity)
        .push(" ORDER BY id");
    for r in tx.all(q).await? {
        if let Some(p) = Change::read(&r)?.applied.and_then(|a| a.project_id) {
            return Ok(Some(p));
        }
    }
    Ok(None)
}

#[async_trait]
impl ChangeStore for Db {
    async fn submit_change(&self, ctx: &WriteCtx, id: ChangeId, v: IfVersion) -> Result<Change> {
        let mut tx = self.pools.begin().await?;
        let before = current(&mut tx, id, v).await?;
        before.editable()?;
        Change::check(&mut tx, &before.fields, None).await?;
        let after = Change {
            status: ChangeStatus::Submitted,
            ..before.clone()
        };
        let done = persist(&mut tx, ctx, &before, fixed_of(&after), &after.fields).await?;
        tx.commit().await?;
        Ok(done)
    }

    async fn decide_change(
        &self,
        ctx: &WriteCtx,
        id: ChangeId,
        v: IfVersion,
        verdict: Verdict,
        reason: Option<String>,
    ) -> Result<Change> {
        let actor = ctx
            .user_id
            .ok_or_else(|| Error::Forbidden("a change is decided by PS leadership, a signed-in user".into()))?;
        let mut tx = self.pools.begin().await?;
        let before = current(&mut tx, id, v).await?;
        let approve = verdict == Verdict::Approve;
        changes::check_decision(&before, actor, approve, reason.as_deref())?;
        let applied = if approve {
            Some(apply(&mut tx, ctx, &before).await?)
        } else {
            None
        };
        let after = Change {
            status: if approve {
                ChangeStatus::Approved
            } else {
                ChangeStatus::Rejected
            },
            decided_by: Some(actor),
            reason: reason.map(|r| r.trim().to_string()).filter(|r| !r.is_empty()),
            applied,
            ..before.clone()
        };
        let done = persist(&mut tx, ctx, &before, fixed_of(&after), &after.fields).await?;
        tx.commit().await?;
        Ok(done)
    }

    async fn exception_totals(&self) -> Result<Vec<ExceptionTotal>> {
        let rows = self
            .pools
            .all(sql(
                "SELECT cause, add_currency, COUNT(*) AS n, CAST(COALESCE(SUM(add_minutes), 0) AS BIGINT) AS minutes, \
                 CAST(COALESCE(SUM(add_budget_minor), 0) AS BIGINT) AS money FROM changes \
                 WHERE kind = 'work_exception' AND status = 'approved' AND archived_at IS NULL \
                 GROUP BY cause, add_currency ORDER BY cause, add_currency",
            ))
            .await?;
        let mut out: Vec<ExceptionTotal> = Vec::new();
        for r in rows {
            let cause = r.code("cause")?;
            let money = match r.get::<Option<String>>("add_currency")? {
                Some(_) => Some(r.money("money", "add_currency")?),
                None => None,
            };
            let (n, minutes): (i64, i64) = (r.get("n")?, r.get("minutes")?);
            match out.iter_mut().find(|t| t.cause == cause) {
                Some(t) => {
                    t.count += n;
                    t.minutes = Minutes(t.minutes.get() + minutes);
                    t.money.extend(money);
                }
                None => out.push(ExceptionTotal {
                    cause,
                    count: n,
                    minutes: Minutes(minutes),
                    money: money.into_iter().collect(),
                }),
            }
        }
        Ok(out)
    }
}
