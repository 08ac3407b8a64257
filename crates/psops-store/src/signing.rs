//! SOWs from draft to signature, and what a signature (or a standard-SKU order) sets up:
//! the project in set-up with its budget, milestones, resource requests and the
//! delivery-kit checklist, and the opportunity closed won — all in one transaction.

use std::collections::BTreeMap;

use async_trait::async_trait;
use psops_core::catalog::offerings::{Effort, Offering};
use psops_core::catalog::requests::{Decision, Verdict};
use psops_core::catalog::skus::Sku;
use psops_core::code::Code;
use psops_core::delivery::lifecycle::Phase;
use psops_core::plan::{
    Booking, ChecklistItemFields, MilestoneFields, MilestoneStatus, RequestStatus, ResourceRequestFields,
};
use psops_core::plan::{ChecklistItem, Milestone, ResourceRequest};
use psops_core::projects::{BillingType, Project, ProjectFields, ProjectId, ProjectStatus, ProjectType};
use psops_core::record::{Entity, Record};
use psops_core::rule::Rule;
use psops_core::scoping::estimates::Estimate;
use psops_core::scoping::opportunities::{Event, Opportunity, OpportunityId};
use psops_core::scoping::pricing::LineInput;
use psops_core::scoping::sows::{
    self, NewSow, Outcome, Sow, SowFields, SowId, SowPatch, SowRole, SowStatus, chain_for, finance_reason, next_number,
};
use psops_core::scoping::states::ScopingState;
use psops_core::scoping::store::{Signature, SowStore};
use psops_core::store::{Created, IfVersion, WriteCtx};
use psops_core::webhooks::EventKind;
use psops_core::{Error, Minutes, Result};
use time::Date;

use crate::db::{Tx, now, sql};
use crate::opportunities::{self as opp, moved};
use crate::record::{Stored, create_in, table, update_in};
use crate::sows::{self as sow, decided, record_decision};
use crate::{Db, idempotency};

/// Hours by role across an estimate's lines.
pub(crate) fn resources(e: &Estimate) -> Vec<Effort> {
    let mut by: BTreeMap<&'static str, Effort> = BTreeMap::new();
    for l in &e.priced {
        for x in &l.effort {
            let slot = by.entry(x.role.code()).or_insert(Effort {
                role: x.role,
                minutes: Minutes(0),
            });
            slot.minutes = Minutes(slot.minutes.get() + x.minutes.get());
        }
    }
    by.into_values().collect()
}

async fn estimate_of(tx: &mut Tx, o: &Opportunity, id: psops_core::scoping::estimates::EstimateId) -> Result<Estimate> {
    let e = table::<Estimate>().get(tx, id.get(), "").await?;
    if e.fields.opportunity_id != o.id {
        return Err(Error::invalid(
            "estimate_id",
            Rule::Exists,
            format!("estimate {id} belongs to another opportunity"),
        ));
    }
    Ok(e)
}

/// Stamps activity (and an event) on the opportunity, moving it too when `to` says so.
async fn touch(
    tx: &mut Tx,
    ctx: &WriteCtx,
    id: OpportunityId,
    event: Option<Event>,
    to: Option<ScopingState>,
) -> Result<Opportunity> {
    let before = opp::current(tx, id, None).await?;
    let at = now();
    let mut after = match to {
        Some(s) if before.state != s => moved(tx, &before, s, None, at).await?,
        _ => before.clone(),
    };
    after.last_activity_at = at;
    if let Some(e) = event {
        after.stamp(e, at);
    }
    opp::save(tx, ctx, &before, &after).await
}

/// What a project is set up with.
struct Delivery<'a> {
    code: Option<String>,
    billing_type: BillingType,
    start: Option<Date>,
    end: Option<Date>,
    estimate: &'a Estimate,
    milestones: Vec<MilestoneFields>,
}

/// Creates the project in set-up and its plan, and closes the opportunity won.
async fn deliver(tx: &mut Tx, ctx: &WriteCtx, o: &Opportunity, d: Delivery<'_>) -> Result<ProjectId> {
    let totals = &d.estimate.totals;
    let fields = ProjectFields {
        name: o.fields.name.clone(),
        code: d.code,
        account_id: Some(o.fields.account_id),
        project_type: ProjectType::Consulting,
        billing_type: d.billing_type,
        status: ProjectStatus::InSetUp,
        phase: Some(Phase::SowClose),
        start_date: d.start,
        end_date: d.end,
        project_manager_id: None,
        budget_minutes: Some(totals.minutes),
        budget: Some(totals.price),
        partner_delivered: false,
        partner_id: None,
    };
    // Work at risk already made the project (its time recorded before signature): the
    // signature takes it over rather than making a second one.
    let project = match crate::changes::at_risk_project(tx, o.id).await? {
        Some(id) => {
            let lock = tx.for_update();
            let at_risk = table::<Project>().get(tx, id.get(), lock).await?;
            // Work already under way keeps its status and phase; one still being
            // estimated moves into set-up like a new project.
            let started = psops_core::delivery::lifecycle::holds_phase(at_risk.fields.status);
            let fields = ProjectFields {
                name: at_risk.fields.name.clone(),
                status: if started { at_risk.fields.status } else { fields.status },
                phase: at_risk.fields.phase.or(fields.phase),
                start_date: at_risk.fields.start_date.min(fields.start_date).or(fields.start_date),
                project_manager_id: at_risk.fields.project_manager_id,
                ..fields
            };
            update_in(tx, ctx, &at_risk, &fields).await?
        }
        None => create_in::<Project>(tx, ctx, &fields).await?,
    };
    for mut m in d.milestones {
        m.project_id = project.id;
        create_in::<Milestone>(tx, ctx, &m).await?;
    }
    // Soft requests work at risk made become hard with the signature; roles the SOW
    // does not staff are cancelled.
    let mut soft = tx
        .all({
            let mut q = table::<ResourceRequest>().select();
            q.push(" AND archived_at IS NULL AND status = 'open' AND booking = 'soft' AND project_id = ")
                .push_bind(project.id);
            q
        })
        .await?
        .iter()
        .map(ResourceRequest::read)
        .collect::<Result<Vec<_>>>()?;
    for r in resources(d.estimate) {
        let request = ResourceRequestFields::new(project.id, r.role, r.minutes, d.start, d.end, Booking::Hard);
        match soft.iter().position(|s| s.fields.role == r.role) {
            Some(i) => {
                let before = soft.remove(i);
                // What someone asked of the likely request (skills, certifications, where
                // and how urgently) still holds once signed; the signed hours and dates
                // replace its guess.
                let holder = before.fields.person_id;
                let request = ResourceRequestFields {
                    minutes: request.minutes,
                    start_date: request.start_date,
                    end_date: request.end_date,
                    booking: Booking::Hard,
                    person_id: None,
                    ..before.fields.clone()
                };
                let signed = update_in(tx, ctx, &before, &request).await?;
                // Whoever held it softly is hard-booked now: their assignment is made. If
                // they can no longer take it (they left, say), the request stays open.
                if let Some(person_id) = holder {
                    let hard = psops_core::staffing::store::BookRequest {
                        person_id,
                        booking: Some(Booking::Hard),
                    };
                    match crate::staffing::book::book_in(tx, ctx, &signed, &hard).await {
                        Ok(_) | Err(psops_core::Error::Invalid(_)) => {}
                        Err(e) => return Err(e),
                    }
                }
            }
            None => {
                create_in::<ResourceRequest>(tx, ctx, &request).await?;
            }
        }
    }
    for left in soft {
        let cancelled = ResourceRequestFields {
            status: RequestStatus::Cancelled,
            ..left.fields.clone()
        };
        update_in(tx, ctx, &left, &cancelled).await?;
    }
    for (i, item) in checklist(tx, d.estimate).await?.into_iter().enumerate() {
        let item = ChecklistItemFields {
            project_id: project.id,
            position: i as i64 + 1,
            item,
            done: false,
        };
        create_in::<ChecklistItem>(tx, ctx, &item).await?;
    }
    let before = opp::current(tx, o.id, None).await?;
    let after = moved(tx, &before, ScopingState::ClosedWon, None, now()).await?;
    opp::save(tx, ctx, &before, &after).await?;
    Ok(project.id)
}

/// The delivery-kit checklists of the offerings the estimate sells, in order, once each.
async fn checklist(tx: &mut Tx, e: &Estimate) -> Result<Vec<String>> {
    let mut items: Vec<String> = Vec::new();
    let mut seen = Vec::new();
    for l in &e.fields.lines {
        let LineInput::Sku { sku_id, .. } = l else { continue };
        let sku = table::<Sku>().get(tx, sku_id.get(), "").await?;
        if seen.contains(&sku.fields.offering_id) {
            continue;
        }
        seen.push(sku.fields.offering_id);
        let offering = table::<Offering>().get(tx, sku.fields.offering_id.get(), "").await?;
        items.extend(offering.fields.checklist);
    }
    Ok(items)
}

#[async_trait]
impl SowStore for Db {
    async fn draft_sow(&self, ctx: &WriteCtx, id: OpportunityId, fields: SowFields) -> Result<Created<Sow>> {
        Sow::validate(&fields)?;
        let mut tx = self.pools.begin().await?;
        if let Some(previous) = idempotency::replay(&mut tx, ctx, Entity::Sow).await? {
            return Ok(Created::Replayed(previous));
        }
        let o = opp::current(&mut tx, id, None).await?;
        if o.state != ScopingState::SowWip {
            return Err(Error::conflict(
                "state",
                Rule::Gate,
                format!(
                    "a SOW is drafted at SOW WIP (price and scope agreed); the scoping record is {}",
                    o.state.label()
                ),
            ));
        }
        let e = estimate_of(&mut tx, &o, fields.estimate_id).await?;
        e.ready_for_sow()?;
        fields.check_against(&e.totals)?;
        let mut live = table::<Sow>().select();
        live.push(" AND archived_at IS NULL AND status NOT IN ('superseded', 'signed') AND opportunity_id = ")
            .push_bind(id);
        if let Some(r) = tx.all(live).await?.first() {
            let s = Sow::read(r)?;
            return Err(Error::conflict(
                "opportunity_id",
                Rule::Exists,
                format!(
                    "{} is already in progress for this opportunity: revise it instead",
                    s.number
                ),
            ));
        }
        let settings = crate::org::load(&mut tx).await?;
        let prefix = settings.scoping.sow_prefix.clone();
        let taken = tx
            .all(sql("SELECT DISTINCT number FROM sows WHERE number LIKE $1").bind(format!("{prefix}%")))
            .await?
            .iter()
            .map(|r| r.get::<String>("number"))
            .collect::<std::result::Result<Vec<_>, _>>()?;
        let new = NewSow {
            opportunity_id: id,
            number: next_number(&prefix, taken),
            revision: 1,
            totals: e.totals.clone(),
            resources: resources(&e),
            fields,
        };
        let created = create_in::<Sow>(&mut tx, ctx, &new).await?;
        touch(&mut tx, ctx, id, Some(Event::SowDrafted), None).await?;
        idempotency::commit(&self.pools, tx, ctx, Entity::Sow, created).await
    }

    async fn update_sow(&self, ctx: &WriteCtx, id: SowId, v: IfVersion, patch: SowPatch) -> Result<Sow> {
        let mut tx = self.pools.begin().await?;
        let before = sow::current(&mut tx, id, v).await?;
        before.editable()?;
        let fields = patch.apply(before.fields.clone());
        Sow::validate(&fields)?;
        let o = opp::current(&mut tx, before.opportunity_id, None).await?;
        let e = estimate_of(&mut tx, &o, fields.estimate_id).await?;
        if fields.estimate_id != before.fields.estimate_id {
            e.ready_for_sow()?;
        }
        fields.check_against(&e.totals)?;
        let mut after = update_in(&mut tx, ctx, &before, &fields).await?;
        if fields.estimate_id != before.fields.estimate_id {
            let moved_to = Sow {
                totals: e.totals.clone(),
                resources: resources(&e),
                ..after.clone()
            };
            after = sow::save(&mut tx, ctx, &after, &moved_to, None).await?;
        }
        touch(&mut tx, ctx, o.id, None, None).await?;
        tx.commit().await?;
        Ok(after)
    }

    async fn submit_sow(&self, ctx: &WriteCtx, id: SowId, v: IfVersion) -> Result<Sow> {
        let mut tx = self.pools.begin().await?;
        let before = sow::current(&mut tx, id, v).await?;
        if before.status != SowStatus::Draft {
            return Err(Error::invalid(
                "status",
                Rule::InvalidTransition,
                format!(
                    "{} is {}: only a draft is submitted",
                    before.number,
                    before.status.code()
                ),
            ));
        }
        let settings = crate::org::load(&mut tx).await?;
        let o = opp::current(&mut tx, before.opportunity_id, None).await?;
        let e = estimate_of(&mut tx, &o, before.fields.estimate_id).await?;
        let s = &settings.scoping;
        let finance = finance_reason(
            &before.totals,
            e.fields.discount_bp,
            s.margin_target_bp,
            s.discount_limit_bp,
        );
        let chain = chain_for(&s.sow_approvers, finance.is_some())?;
        let waiting = chain.first().and_then(|st| st.approver).map(|u| u.get());
        let after = Sow {
            status: SowStatus::InReview,
            round: before.round + 1,
            chain,
            ..before.clone()
        };
        let done = sow::save(&mut tx, ctx, &before, &after, waiting).await?;
        touch(&mut tx, ctx, o.id, None, None).await?;
        tx.commit().await?;
        Ok(done)
    }

    async fn decide_sow(
        &self,
        ctx: &WriteCtx,
        id: SowId,
        v: IfVersion,
        verdict: Verdict,
        reason: Option<String>,
    ) -> Result<Sow> {
        let actor = ctx
            .user_id
            .ok_or_else(|| Error::Forbidden("a step is decided by its approver, a signed-in user".into()))?;
        let mut tx = self.pools.begin().await?;
        let before = sow::current(&mut tx, id, v).await?;
        let done = decided(&mut tx, &before).await?;
        let outcome = sows::decide(&before, done, actor, verdict, reason.as_deref())?;
        record_decision(&mut tx, &before, done, actor, verdict, reason).await?;
        let (status, waiting) = match outcome {
            Outcome::Next => (
                SowStatus::InReview,
                before.chain.get(done + 1).and_then(|s| s.approver).map(|u| u.get()),
            ),
            Outcome::Approved => (SowStatus::Approved, None),
            Outcome::Rejected => (SowStatus::Rejected, None),
        };
        let after = Sow {
            status,
            ..before.clone()
        };
        let saved = sow::save(&mut tx, ctx, &before, &after, waiting).await?;
        let (event, to) = match (verdict, before.chain[done].role) {
            (Verdict::Approve, SowRole::RegionalDeliveryManager) => (None, Some(ScopingState::ReadyForApproval)),
            (Verdict::Approve, SowRole::PsDirector) => (Some(Event::FinalContent), Some(ScopingState::Approved)),
            (Verdict::Approve, SowRole::Legal) => (Some(Event::SowStamped), None),
            _ => (None, None),
        };
        // Approvals move the scoping record along only from the state they gate.
        let o = opp::current(&mut tx, before.opportunity_id, None).await?;
        let to = to.filter(|t| {
            matches!(
                (o.state, t),
                (ScopingState::SowWip, ScopingState::ReadyForApproval)
                    | (ScopingState::ReadyForApproval, ScopingState::Approved)
            )
        });
        touch(&mut tx, ctx, o.id, event, to).await?;
        tx.commit().await?;
        Ok(saved)
    }

    async fn revise_sow(&self, ctx: &WriteCtx, id: SowId, v: IfVersion) -> Result<Created<Sow>> {
        let mut tx = self.pools.begin().await?;
        let before = sow::current(&mut tx, id, v).await?;
        if !matches!(before.status, SowStatus::Rejected | SowStatus::Approved) {
            return Err(Error::invalid(
                "status",
                Rule::InvalidTransition,
                format!(
                    "{} revision {} is {}: a rejected or approved (unsigned) revision is revised",
                    before.number,
                    before.revision,
                    before.status.code()
                ),
            ));
        }
        let superseded = Sow {
            status: SowStatus::Superseded,
            ..before.clone()
        };
        sow::save(&mut tx, ctx, &before, &superseded, None).await?;
        let new = NewSow {
            opportunity_id: before.opportunity_id,
            number: before.number.clone(),
            revision: before.revision + 1,
            totals: before.totals.clone(),
            resources: before.resources.clone(),
            fields: before.fields.clone(),
        };
        let created = create_in::<Sow>(&mut tx, ctx, &new).await?;
        touch(&mut tx, ctx, before.opportunity_id, None, None).await?;
        tx.commit().await?;
        Ok(Created::New(created))
    }

    async fn sign_sow(&self, ctx: &WriteCtx, id: SowId, v: IfVersion, s: Signature) -> Result<Sow> {
        let signer = s.signed_by.trim().to_string();
        if signer.is_empty() || signer.len() > 200 {
            return Err(Error::invalid(
                "signed_by",
                Rule::Required,
                "signed_by (who signed for the customer) is required, at most 200 characters",
            ));
        }
        let mut tx = self.pools.begin().await?;
        let before = sow::current(&mut tx, id, v).await?;
        before.signable(s.today)?;
        let o = opp::current(&mut tx, before.opportunity_id, None).await?;
        if o.state != ScopingState::Approved {
            return Err(Error::conflict(
                "state",
                Rule::Gate,
                format!(
                    "the scoping record is {}: a SOW is signed once it is approved",
                    o.state.label()
                ),
            ));
        }
        let e = estimate_of(&mut tx, &o, before.fields.estimate_id).await?;
        let f = &before.fields;
        let milestones = f
            .milestones
            .iter()
            .map(|m| MilestoneFields {
                project_id: psops_core::Id::new(0),
                name: m.name.clone(),
                due_date: Some(m.due),
                amount: Some(m.amount),
                status: MilestoneStatus::Open,
            })
            .collect();
        let project = deliver(
            &mut tx,
            ctx,
            &o,
            Delivery {
                code: Some(before.number.clone()),
                billing_type: f.billing_type,
                start: Some(f.start_date),
                end: Some(f.end_date),
                estimate: &e,
                milestones,
            },
        )
        .await?;
        let after = Sow {
            status: SowStatus::Signed,
            signed_at: Some(now()),
            signed_by: Some(signer),
            project_id: Some(project),
            ..before.clone()
        };
        let done = sow::save(&mut tx, ctx, &before, &after, None).await?;
        crate::webhooks::emit(&mut tx, EventKind::SowSigned, &done).await?;
        tx.commit().await?;
        Ok(done)
    }

    async fn order(
        &self,
        ctx: &WriteCtx,
        id: psops_core::scoping::estimates::EstimateId,
        today: Date,
    ) -> Result<ProjectId> {
        let mut tx = self.pools.begin().await?;
        let e = table::<Estimate>().get(&mut tx, id.get(), "").await?;
        e.ready_for_sow()?;
        let o = opp::current(&mut tx, e.fields.opportunity_id, None).await?;
        if o.state.is_closed() {
            return Err(Error::conflict(
                "state",
                Rule::Gate,
                format!("the scoping record is {}: it takes no order", o.state.label()),
            ));
        }
        for (i, l) in e.fields.lines.iter().enumerate() {
            let standard = match l {
                LineInput::Sku { sku_id, .. } => {
                    table::<Sku>().get(&mut tx, sku_id.get(), "").await?.fields.standard_sow
                }
                LineInput::TimeAndMaterials { .. } => false,
            };
            if !standard {
                return Err(Error::conflict(
                    format!("lines[{i}]"),
                    Rule::Gate,
                    "an order without a SOW sells standard-SOW SKUs only: this line needs a SOW",
                ));
            }
        }
        let project = deliver(
            &mut tx,
            ctx,
            &o,
            Delivery {
                code: None,
                billing_type: BillingType::FixedFee,
                start: Some(today),
                end: None,
                estimate: &e,
                milestones: Vec::new(),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(project)
    }

    async fn sow_decisions(&self, id: SowId) -> Result<Vec<Decision>> {
        let mut tx = self.pools.begin().await?;
        sow::decisions_of(&mut tx, id).await
    }
}
