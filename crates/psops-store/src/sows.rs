//! SOWs in SQL: a plain kind while a draft, then the approval chain's steps and the
//! signature written here, each in one transaction with its audit entry.

use async_trait::async_trait;
use psops_core::catalog::requests::{Decision, Verdict};
use psops_core::code::Code;
use psops_core::scoping::opportunities::OpportunityId;
use psops_core::scoping::sows::{NewSow, Sow, SowFields, SowFilter, SowId, SowRole, SowSort, SowStatus, SowStep};
use psops_core::store::{IfVersion, WriteCtx};
use psops_core::{Minutes, Result};

use crate::common::{check_version, eq, meta};
use crate::db::{Row, Sql, Tx, Value, json_text, now, sql};
use crate::record::{Order, Stored, persist, table};

#[async_trait]
impl Stored for Sow {
    const TABLE: &'static str = "sows";
    const LABEL: &'static str = "number || ' r' || CAST(revision AS TEXT)";
    const TIES: Option<&'static str> = Some("number, revision");
    const FIXED: &'static [&'static str] = &[
        "opportunity_id",
        "number",
        "revision",
        "status",
        "totals",
        "resources",
        "round",
        "chain",
        "waiting_for",
        "signed_at",
        "signed_by",
        "project_id",
    ];
    const COLUMNS: &'static [&'static str] = &[
        "estimate_id",
        "title",
        "scope",
        "activities",
        "billing_type",
        "billing_terms",
        "milestones",
        "passive_days",
        "min_week_minutes",
        "start_date",
        "end_date",
        "expires_on",
        "delay_language",
        "assumptions",
        "out_of_scope",
    ];
    const UNIQUE: Option<(&'static str, &'static str)> = Some((
        "number",
        "a SOW with this number and revision already exists: save again",
    ));

    fn read(r: &Row) -> Result<Sow> {
        Ok(Sow {
            id: r.id("id")?,
            opportunity_id: r.id("opportunity_id")?,
            number: r.get("number")?,
            revision: r.get::<i64>("revision")? as i32,
            fields: SowFields {
                estimate_id: r.id("estimate_id")?,
                title: r.get("title")?,
                scope: r.get("scope")?,
                activities: r.json("activities")?,
                billing_type: r.code("billing_type")?,
                billing_terms: r.code("billing_terms")?,
                milestones: r.json("milestones")?,
                passive_acceptance_days: r.get("passive_days")?,
                minimum_minutes_per_week: r.get::<Option<i64>>("min_week_minutes")?.map(Minutes),
                start_date: r.get("start_date")?,
                end_date: r.get("end_date")?,
                expires_on: r.get("expires_on")?,
                delay_language: r.get("delay_language")?,
                assumptions: r.json("assumptions")?,
                out_of_scope: r.json("out_of_scope")?,
            },
            status: r.code("status")?,
            totals: r.json("totals")?,
            resources: r.json("resources")?,
            round: r.get::<i64>("round")? as i32,
            chain: r.json("chain")?,
            signed_at: r.get("signed_at")?,
            signed_by: r.get("signed_by")?,
            project_id: r.opt_id("project_id")?,
            meta: meta(r)?,
        })
    }

    fn fixed(new: &NewSow) -> Vec<Value> {
        vec![
            new.opportunity_id.into(),
            new.number.clone().into(),
            i64::from(new.revision).into(),
            SowStatus::Draft.code().into(),
            json_text(&new.totals),
            json_text(&new.resources),
            0i64.into(),
            json_text(&Vec::<SowStep>::new()),
            Option::<i64>::None.into(),
            Option::<time::OffsetDateTime>::None.into(),
            Option::<String>::None.into(),
            Option::<i64>::None.into(),
        ]
    }

    fn values(f: &SowFields) -> Vec<Value> {
        vec![
            f.estimate_id.into(),
            f.title.trim().into(),
            f.scope.clone().into(),
            json_text(&f.activities),
            f.billing_type.code().into(),
            f.billing_terms.code().into(),
            json_text(&f.milestones),
            f.passive_acceptance_days.into(),
            f.minimum_minutes_per_week.map(|m| m.get()).into(),
            f.start_date.into(),
            f.end_date.into(),
            f.expires_on.into(),
            f.delay_language.clone().into(),
            json_text(&f.assumptions),
            json_text(&f.out_of_scope),
        ]
    }

    async fn check(tx: &mut Tx, _f: &SowFields, me: Option<SowId>) -> Result<()> {
        if let Some(me) = me {
            table::<Sow>().get(tx, me.get(), "").await?.editable()?;
        }
        Ok(())
    }

    fn filter(q: &mut Sql, f: &SowFilter) {
        eq(q, "opportunity_id", f.opportunity_id);
        crate::opportunities::visible(q, "opportunity_id", f.visible_to);
        eq(q, "status", f.status.map(|s| s.code()));
        eq(q, "waiting_for", f.waiting_for);
    }

    fn order(key: SowSort) -> Order {
        match key {
            SowSort::Number => Order::By("number"),
            SowSort::Status => Order::By(
                "CASE status WHEN 'draft' THEN 0 WHEN 'in_review' THEN 1 WHEN 'rejected' THEN 2 WHEN 'approved' THEN 3 \
                 WHEN 'signed' THEN 4 ELSE 5 END",
            ),
            SowSort::Updated => Order::By("updated_at"),
        }
    }
}

/// The columns the actions own, in `FIXED` order.
pub(crate) fn fixed_of(s: &Sow, waiting_for: Option<i64>) -> Vec<Value> {
    vec![
        s.opportunity_id.into(),
        s.number.clone().into(),
        i64::from(s.revision).into(),
        s.status.code().into(),
        json_text(&s.totals),
        json_text(&s.resources),
        i64::from(s.round).into(),
        json_text(&s.chain),
        waiting_for.into(),
        s.signed_at.into(),
        s.signed_by.clone().into(),
        s.project_id.into(),
    ]
}

pub(crate) async fn current(tx: &mut Tx, id: SowId, v: IfVersion) -> Result<Sow> {
    let lock = tx.for_update();
    let s = table::<Sow>().get(tx, id.get(), lock).await?;
    check_version(s.meta.version, v)?;
    Ok(s)
}

/// Writes a SOW's state: `waiting_for` is the user its waiting step is for.
pub(crate) async fn save(
    tx: &mut Tx,
    ctx: &WriteCtx,
    before: &Sow,
    after: &Sow,
    waiting_for: Option<i64>,
) -> Result<Sow> {
    persist(tx, ctx, before, fixed_of(after, waiting_for), &after.fields).await
}

pub(crate) async fn decisions_of(tx: &mut Tx, id: SowId) -> Result<Vec<Decision>> {
    let rows = tx
        .all(
            sql(
                "SELECT round, step, step_name, decided_by, decision, reason, decided_at FROM sow_decisions \
                 WHERE sow_id = $1 ORDER BY decided_at, id",
            )
            .bind(id),
        )
        .await?;
    rows.iter().map(decision).collect()
}

pub(crate) fn decision(r: &Row) -> Result<Decision> {
    Ok(Decision {
        round: r.get::<i64>("round")? as i32,
        step: r.get::<i64>("step")? as i32,
        step_name: r.get("step_name")?,
        decided_by: r.id("decided_by")?,
        decision: r.code("decision")?,
        reason: r.get("reason")?,
        decided_at: r.get("decided_at")?,
    })
}

pub(crate) async fn record_decision(
    tx: &mut Tx,
    s: &Sow,
    step: usize,
    by: psops_core::auth::UserId,
    verdict: Verdict,
    reason: Option<String>,
) -> Result<()> {
    let name = s.chain[step].role.code();
    tx.execute(
        sql(
            "INSERT INTO sow_decisions (sow_id, round, step, step_name, decided_by, decision, reason, decided_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(s.id)
        .bind(i64::from(s.round))
        .bind(step as i64)
        .bind(name)
        .bind(by)
        .bind(verdict.code())
        .bind(reason.map(|r| r.trim().to_string()).filter(|r| !r.is_empty()))
        .bind(now()),
    )
    .await?;
    Ok(())
}

/// How many steps of the SOW's current round are decided.
pub(crate) async fn decided(tx: &mut Tx, s: &Sow) -> Result<usize> {
    let q = sql("SELECT COUNT(*) AS n FROM sow_decisions WHERE sow_id = $1 AND round = $2")
        .bind(s.id)
        .bind(i64::from(s.round));
    Ok(tx.one(q).await?.get::<i64>("n")? as usize)
}

/// Whether the opportunity's current SOW has its regional delivery manager's approval,
/// and every internal approval up to the PS director's.
pub(crate) async fn approvals(tx: &mut Tx, opportunity: OpportunityId) -> Result<(bool, bool)> {
    let mut q = table::<Sow>().select();
    q.push(" AND archived_at IS NULL AND status <> 'superseded' AND opportunity_id = ")
        .push_bind(opportunity)
        .push(" ORDER BY revision DESC");
    let Some(row) = tx.all(q).await?.into_iter().next() else {
        return Ok((false, false));
    };
    let s = Sow::read(&row)?;
    if matches!(s.status, SowStatus::Approved | SowStatus::Signed) {
        return Ok((true, true));
    }
    if s.status != SowStatus::InReview {
        return Ok((false, false));
    }
    let done = decided(tx, &s).await?;
    let approved = |role: SowRole| {
        s.chain
            .iter()
            .position(|st| st.role == role)
            .is_some_and(|at| at < done)
    };
    Ok((
        approved(SowRole::RegionalDeliveryManager),
        approved(SowRole::PsDirector),
    ))
}
