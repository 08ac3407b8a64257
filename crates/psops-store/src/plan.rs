//! A project's plan in SQL: milestones, resource requests and its checklist.

use async_trait::async_trait;
use psops_core::code::Code;
use psops_core::plan::{
    ChecklistItem, ChecklistItemFields, Milestone, MilestoneFields, PlanFilterOf, PlanSort, RequiredSkill,
    ResourceRequest, ResourceRequestFields,
};
use psops_core::projects::{Project, ProjectId};
use psops_core::store::WriteCtx;
use psops_core::{Minutes, Result};

use crate::catalog::live;
use crate::common::{eq, meta};
use crate::db::{Row, Sql, Tx, Value, json_text};
use crate::record::{Order, Stored};

async fn project(tx: &mut Tx, id: ProjectId) -> Result<()> {
    live::<Project>(tx, id, "project_id", "project").await.map(drop)
}

fn of_project<R>(q: &mut Sql, f: &PlanFilterOf<R>) {
    eq(q, "project_id", f.project_id);
}

#[async_trait]
impl Stored for Milestone {
    const TABLE: &'static str = "milestones";
    const COLUMNS: &'static [&'static str] = &["project_id", "name", "due_date", "amount_minor", "currency", "status"];
    const TIES: Option<&'static str> = Some("due_date");

    fn read(r: &Row) -> Result<Milestone> {
        let amount = match r.get::<Option<i64>>("amount_minor")? {
            Some(_) => Some(r.money("amount_minor", "currency")?),
            None => None,
        };
        Ok(Milestone {
            id: r.id("id")?,
            fields: MilestoneFields {
                project_id: r.id("project_id")?,
                name: r.get("name")?,
                due_date: r.get("due_date")?,
                amount,
                status: r.code("status")?,
            },
            meta: meta(r)?,
        })
    }

    fn values(f: &MilestoneFields) -> Vec<Value> {
        vec![
            f.project_id.into(),
            f.name.trim().into(),
            f.due_date.into(),
            f.amount.map(|a| a.amount_minor).into(),
            f.amount.map(|a| a.currency.to_string()).into(),
            f.status.code().into(),
        ]
    }

    async fn check(tx: &mut Tx, f: &MilestoneFields, me: Option<psops_core::Id<Milestone>>) -> Result<()> {
        project(tx, f.project_id).await?;
        // An accepted milestone is completed for good: its acceptance is final.
        if let Some(me) = me
            && f.status != psops_core::plan::MilestoneStatus::Completed
            && crate::delivery::acceptance::accepted(tx, me).await?
        {
            return Err(psops_core::Error::conflict(
                "status",
                psops_core::rule::Rule::AlreadyAccepted,
                "the milestone is accepted: it stays completed",
            ));
        }
        Ok(())
    }

    async fn changing(tx: &mut Tx, _ctx: &WriteCtx, before: &Milestone, after: &MilestoneFields) -> Result<()> {
        let b = &before.fields;
        // What an issued invoice billed stays as billed until a credit note releases it.
        for (changed, field) in [
            (b.name.trim() != after.name.trim(), "name"),
            (b.amount != after.amount, "amount"),
            (b.project_id != after.project_id, "project_id"),
            (b.status != after.status, "status"),
        ] {
            if changed {
                crate::finance::invoice_locks::ensure_milestone_open(tx, before.id, field).await?;
            }
        }
        Ok(())
    }

    fn filter(q: &mut Sql, f: &PlanFilterOf<Milestone>) {
        of_project(q, f);
    }

    fn order(_key: PlanSort) -> Order {
        Order::By("due_date")
    }
}

#[async_trait]
impl Stored for ResourceRequest {
    const TABLE: &'static str = "resource_requests";
    const LABEL: &'static str = "role";
    const TIES: Option<&'static str> = Some("role");
    const COLUMNS: &'static [&'static str] = &[
        "project_id",
        "role",
        "minutes",
        "start_date",
        "end_date",
        "booking",
        "status",
        "required_skills",
        "desired_skills",
        "certifications",
        "region",
        "time_zone",
        "max_hours_apart",
        "minutes_per_week",
        "priority",
        "person_id",
    ];

    fn read(r: &Row) -> Result<ResourceRequest> {
        Ok(ResourceRequest {
            id: r.id("id")?,
            fields: ResourceRequestFields {
                project_id: r.id("project_id")?,
                role: r.code("role")?,
                minutes: Minutes(r.get("minutes")?),
                start_date: r.get("start_date")?,
                end_date: r.get("end_date")?,
                booking: r.code("booking")?,
                status: r.code("status")?,
                required_skills: r.json("required_skills")?,
                desired_skills: r.json("desired_skills")?,
                certifications: r.json("certifications")?,
                region: r.get("region")?,
                time_zone: r.get("time_zone")?,
                max_hours_apart: r.get("max_hours_apart")?,
                minutes_per_week: r.get::<Option<i64>>("minutes_per_week")?.map(Minutes),
                priority: r.get("priority")?,
                person_id: r.get::<Option<i64>>("person_id")?.map(psops_core::Id::new),
            },
            meta: meta(r)?,
        })
    }

    fn values(f: &ResourceRequestFields) -> Vec<Value> {
        vec![
            f.project_id.into(),
            f.role.code().into(),
            f.minutes.get().into(),
            f.start_date.into(),
            f.end_date.into(),
            f.booking.code().into(),
            f.status.code().into(),
            json_text(&f.required_skills),
            json_text(&f.desired_skills),
            json_text(&f.certifications),
            f.region.as_deref().map(str::trim).into(),
            f.time_zone.as_deref().into(),
            f.max_hours_apart.into(),
            f.minutes_per_week.map(|m| m.get()).into(),
            f.priority.into(),
            f.person_id.into(),
        ]
    }

    async fn check(tx: &mut Tx, f: &ResourceRequestFields, _me: Option<psops_core::Id<ResourceRequest>>) -> Result<()> {
        project(tx, f.project_id).await?;
        if let Some(p) = f.person_id {
            crate::catalog::live::<psops_core::people::Person>(tx, p, "person_id", "person").await?;
        }
        known_skills(tx, &f.required_skills, "required_skills").await?;
        known_skills(tx, &f.desired_skills, "desired_skills").await
    }

    async fn changing(
        tx: &mut Tx,
        _ctx: &WriteCtx,
        before: &ResourceRequest,
        after: &ResourceRequestFields,
    ) -> Result<()> {
        let _ = tx;
        // A held request turns hard only by booking it hard, which makes the assignment:
        // a hard request held by someone without one would count nowhere.
        if after.booking == psops_core::plan::Booking::Hard
            && after.status == psops_core::plan::RequestStatus::Open
            && after.person_id.is_some()
            && before.fields.booking == psops_core::plan::Booking::Soft
        {
            return Err(psops_core::Error::conflict(
                "booking",
                psops_core::rule::Rule::InvalidTransition,
                "the request is held by someone as a soft booking: book it hard (POST /api/v1/resource-requests/{id}/book) to make their assignment",
            ));
        }
        Ok(())
    }

    fn filter(q: &mut Sql, f: &PlanFilterOf<ResourceRequest>) {
        of_project(q, f);
    }

    fn order(_key: PlanSort) -> Order {
        Order::By("role")
    }
}

#[async_trait]
impl Stored for ChecklistItem {
    const TABLE: &'static str = "checklist_items";
    const LABEL: &'static str = "item";
    const TIES: Option<&'static str> = Some("position");
    const COLUMNS: &'static [&'static str] = &["project_id", "position", "item", "done"];

    fn read(r: &Row) -> Result<ChecklistItem> {
        Ok(ChecklistItem {
            id: r.id("id")?,
            fields: ChecklistItemFields {
                project_id: r.id("project_id")?,
                position: r.get("position")?,
                item: r.get("item")?,
                done: r.get("done")?,
            },
            meta: meta(r)?,
        })
    }

    fn values(f: &ChecklistItemFields) -> Vec<Value> {
        vec![
            f.project_id.into(),
            f.position.into(),
            f.item.trim().into(),
            f.done.into(),
        ]
    }

    async fn check(tx: &mut Tx, f: &ChecklistItemFields, _me: Option<psops_core::Id<ChecklistItem>>) -> Result<()> {
        project(tx, f.project_id).await
    }

    fn filter(q: &mut Sql, f: &PlanFilterOf<ChecklistItem>) {
        of_project(q, f);
    }

    fn order(_key: PlanSort) -> Order {
        Order::By("position")
    }
}

/// Every skill a request asks for is one someone's skills matrix names (without case):
/// a misspelt skill would otherwise match nobody, silently.
async fn known_skills(tx: &mut Tx, skills: &[RequiredSkill], name: &str) -> Result<()> {
    if skills.is_empty() {
        return Ok(());
    }
    let mut q = crate::db::sql(
        "SELECT DISTINCT LOWER(skill) AS skill FROM person_skills WHERE archived_at IS NULL AND LOWER(skill) IN (",
    );
    for (i, s) in skills.iter().enumerate() {
        if i > 0 {
            q.push(", ");
        }
        q.push_bind(s.skill.trim().to_lowercase());
    }
    q.push(")");
    let known: Vec<String> = tx.all(q).await?.iter().map(|r| r.get("skill")).collect::<Result<_>>()?;
    let mut c = psops_core::validate::Checks::new();
    for (i, s) in skills.iter().enumerate() {
        c.check(
            known.contains(&s.skill.trim().to_lowercase()),
            &format!("{name}[{i}].skill"),
            psops_core::rule::Rule::UnknownSkill,
            format!(
                "nobody's skills name {:?}: add it to someone's skills first, or check its spelling",
                s.skill.trim()
            ),
        );
    }
    c.into_result()
}
