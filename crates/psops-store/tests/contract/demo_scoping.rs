//! The demo organisation's scoping, installed through the gated store calls: every
//! scoping state, estimates over the TA threshold with their reviews, SOWs in every
//! status (one rejected by finance with its reason, one expired unsigned), and signed
//! SOWs whose projects wait in set-up with milestones, resource requests and checklists,
//! and change control on those projects and open deals: every kind approved, some
//! waiting for leadership, one rejected with its reason, exceptions in the report by cause.

use std::collections::BTreeSet;

use psops_core::catalog::requests::Verdict;
use psops_core::plan::{ChecklistItem, Milestone, PlanFilterOf, ResourceRequest};
use psops_core::projects::{Project, ProjectStatus};
use psops_core::scoping::changes::{Cause, Change, ChangeFilter, ChangeKind, ChangeStatus};
use psops_core::scoping::estimates::{Estimate, EstimateFilter, TaReview};
use psops_core::scoping::opportunities::{Opportunity, OpportunityFilter};
use psops_core::scoping::sows::{Sow, SowFilter, SowRole, SowStatus};
use psops_core::scoping::states::ScopingState;
use psops_core::store::prelude::*;
use psops_core::{Currency, every};
use psops_demo::DemoSpec;
use psops_store::Db;

use super::fixtures::{apply_handbook, default_demo_spec, install_demo};

crate::stories!(the_demo_scopes_opportunities_through_every_gate);

async fn the_demo_scopes_opportunities_through_every_gate(db: &Db) {
    checked(db).await.expect("the demo installs and reads back");
}

async fn checked(db: &Db) -> psops_core::Result<()> {
    // As `psops demo` does: the handbook's catalog first, then the organisation.
    apply_handbook(db).await;
    let spec = DemoSpec {
        people: 12,
        seed: 9,
        ..default_demo_spec()
    };
    install_demo(db, spec).await;

    let settings = db.settings().await?.scoping;
    assert!(settings.territories.iter().all(|t| t.engagement_manager_id.is_some()));
    assert!(settings.sow_approvers.iter().all(|s| s.approver.is_some()));
    assert_eq!(settings.provider_name, psops_demo::PROVIDER_NAME);

    let opportunities: Vec<Opportunity> = every!(db, OpportunityFilter::default());
    assert!(opportunities.len() >= 40, "{}", opportunities.len());
    let changes: Vec<Change> = every!(db, ChangeFilter::default());
    // Approved money change orders and new SOWs open opportunities of their own, outside
    // the CRM until sales takes them up.
    let from_changes: BTreeSet<_> = changes
        .iter()
        .filter_map(|c| c.applied.as_ref().and_then(|a| a.opportunity_id))
        .collect();
    let states: BTreeSet<ScopingState> = opportunities.iter().map(|o| o.state).collect();
    assert_eq!(states.len(), 10, "every scoping state: {states:?}");
    assert!(
        opportunities
            .iter()
            .filter(|o| !from_changes.contains(&o.id))
            .all(|o| o.fields.crm_id.is_some() && o.fields.sales_owner.is_some())
    );
    assert!(opportunities.iter().any(|o| o.edu_value.is_some()), "some are quoted");
    assert!(
        opportunities.iter().any(|o| o.investment_value.is_some()),
        "some carry an investment"
    );
    assert!(opportunities.iter().any(|o| o.technical_architect_id.is_some()));

    // Over the TA threshold ($50,000): reviews waiting and given.
    let estimates: Vec<Estimate> = every!(db, EstimateFilter::default());
    let big = |e: &&Estimate| e.totals.price.currency != Currency::USD || e.totals.price.amount_minor > 5_000_000;
    let reviews: BTreeSet<&'static str> = estimates
        .iter()
        .filter(big)
        .filter(|e| matches!(e.ta_review, TaReview::Waiting | TaReview::Approved))
        .map(|e| psops_core::code::Code::code(&e.ta_review))
        .collect();
    assert_eq!(reviews.len(), 2, "{reviews:?}");
    assert!(estimates.iter().any(|e| e.number == 3), "up to three versions");

    let sows: Vec<Sow> = every!(db, SowFilter::default());
    let statuses: BTreeSet<&'static str> = sows.iter().map(|s| psops_core::code::Code::code(&s.status)).collect();
    assert_eq!(statuses.len(), 6, "every SOW status: {statuses:?}");
    let expired = sows
        .iter()
        .any(|s| s.status == SowStatus::Approved && s.fields.expires_on < spec.end);
    assert!(expired, "an approved SOW expired unsigned");
    let mut finance_rejected = false;
    let mut steps_waiting = BTreeSet::new();
    for s in &sows {
        let decisions = db.sow_decisions(s.id).await?;
        if s.status == SowStatus::InReview {
            let now: Vec<_> = decisions.iter().filter(|d| d.round == s.round).collect();
            steps_waiting.insert(psops_core::code::Code::code(&s.chain[now.len()].role));
        }
        finance_rejected |= decisions.iter().any(|d| {
            d.decision == Verdict::Reject
                && s.chain
                    .get(d.step as usize)
                    .is_some_and(|st| st.role == SowRole::Finance)
                && d.reason.as_deref().is_some_and(|r| r.contains("margin"))
        });
    }
    assert!(finance_rejected, "finance rejected one for its margin");
    assert_eq!(steps_waiting.len(), 6, "in review at every step: {steps_waiting:?}");

    // A signed SOW's project waits in set-up with its plan.
    let mut checklists = 0;
    for s in sows.iter().filter(|s| s.status == SowStatus::Signed) {
        let p: Project = db.get(s.project_id.expect("a signed SOW made a project")).await?;
        assert_eq!(p.fields.status, ProjectStatus::InSetUp);
        let requests = db.every(&PlanFilterOf::<ResourceRequest>::of(p.id)).await?;
        assert!(!requests.is_empty());
        let milestones = db.every(&PlanFilterOf::<Milestone>::of(p.id)).await?;
        assert_eq!(milestones.len(), s.fields.milestones.len());
        checklists += db.every(&PlanFilterOf::<ChecklistItem>::of(p.id)).await?.len();
    }
    assert!(
        sows.iter()
            .any(|s| s.status == SowStatus::Signed && !s.fields.milestones.is_empty()),
        "a signed SOW bills by milestones"
    );
    assert!(checklists > 0, "catalog SKUs bring their delivery kit's checklist");
    changed(db, &changes, &sows).await?;
    // The organisation's time and rollups are untouched by scoping.
    assert!(db.verify_rollups().await?.is_empty());
    Ok(())
}

/// Change control as leadership would find it: every kind approved, some waiting, one
/// rejected with its reason, none decided by whoever raised it, each applied.
async fn changed(db: &Db, changes: &[Change], sows: &[Sow]) -> psops_core::Result<()> {
    use psops_core::code::Code;
    let approved = |k: ChangeKind| {
        changes
            .iter()
            .filter(move |c| c.fields.kind == k && c.status == ChangeStatus::Approved)
    };
    for k in [
        ChangeKind::ChangeOrder,
        ChangeKind::DescriptionOfWork,
        ChangeKind::NewSow,
        ChangeKind::WorkAtRisk,
        ChangeKind::WorkException,
    ] {
        assert!(approved(k).next().is_some(), "an approved {}", k.code());
    }
    let submitted: BTreeSet<&str> = changes
        .iter()
        .filter(|c| c.status == ChangeStatus::Submitted)
        .map(|c| c.fields.kind.code())
        .collect();
    assert_eq!(
        submitted,
        BTreeSet::from(["change_order", "work_at_risk"]),
        "waiting for leadership"
    );
    let rejected: Vec<&Change> = changes.iter().filter(|c| c.status == ChangeStatus::Rejected).collect();
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0].reason.as_deref(), Some(psops_demo::CHANGE_REJECTED_BECAUSE));
    for c in changes {
        assert!(c.raised_by.is_some(), "a demo user raised {}", c.fields.title);
        let decided = matches!(c.status, ChangeStatus::Approved | ChangeStatus::Rejected);
        assert_eq!(c.decided_by.is_some(), decided);
        assert_ne!(c.decided_by, c.raised_by, "nobody decides their own change");
    }
    // Changes on projects are on the ones signed SOWs made; a money change order names
    // the opportunity the project came from and opens a new one.
    let signed: BTreeSet<_> = sows
        .iter()
        .filter(|s| s.status == SowStatus::Signed)
        .filter_map(|s| s.project_id.map(|p| (p, s.opportunity_id)))
        .collect();
    for c in changes.iter().filter(|c| c.fields.kind != ChangeKind::WorkAtRisk) {
        assert!(
            signed.iter().any(|(p, _)| Some(*p) == c.fields.project_id),
            "{}",
            c.fields.title
        );
    }
    let money: Vec<&Change> = approved(ChangeKind::ChangeOrder)
        .filter(|c| c.fields.add_budget.is_some())
        .collect();
    assert_eq!(money.len(), 1);
    let opened: Opportunity = db
        .get(
            money[0]
                .applied
                .as_ref()
                .and_then(|a| a.opportunity_id)
                .expect("opened"),
        )
        .await?;
    assert_eq!(opened.fields.ps_value, money[0].fields.add_budget);
    assert!(signed.contains(&(
        money[0].fields.project_id.expect("project"),
        money[0].fields.opportunity_id.expect("from")
    )));
    // A $0 change order moved a milestone, and one the end date, as approved.
    let moved = approved(ChangeKind::ChangeOrder)
        .find_map(|c| c.fields.move_milestones.first())
        .expect("a milestone moved");
    let m: Milestone = db.get(moved.milestone_id).await?;
    assert_eq!(m.fields.due_date, Some(moved.due));
    let extended = approved(ChangeKind::ChangeOrder)
        .find(|c| c.fields.new_end_date.is_some())
        .expect("an end date moved");
    let p: Project = db.get(extended.fields.project_id.expect("project")).await?;
    assert!(
        p.fields.end_date >= extended.fields.new_end_date,
        "later changes only extend it"
    );
    // Work at risk is for open deals and made a prospect project for the approved one.
    for c in changes.iter().filter(|c| c.fields.kind == ChangeKind::WorkAtRisk) {
        let o: Opportunity = db.get(c.fields.opportunity_id.expect("opportunity")).await?;
        assert!(!o.state.is_closed(), "{}", o.state.label());
    }
    let risk = approved(ChangeKind::WorkAtRisk).next().expect("approved at risk");
    let made: Project = db
        .get(risk.applied.as_ref().and_then(|a| a.project_id).expect("made"))
        .await?;
    assert_eq!(made.fields.status, ProjectStatus::Prospect);
    // Approved work exceptions, each cause, add up in the report by cause.
    let totals = db.exception_totals().await?;
    let expected: Vec<(Cause, i64, i64)> = [Cause::Product, Cause::Ps, Cause::Scoping, Cause::Time]
        .into_iter()
        .map(|cause| {
            let of: Vec<&Change> = approved(ChangeKind::WorkException)
                .filter(|c| c.fields.cause == Some(cause))
                .collect();
            let minutes = of.iter().filter_map(|c| c.fields.add_minutes).map(|m| m.get()).sum();
            (cause, of.len() as i64, minutes)
        })
        .collect();
    let got: Vec<(Cause, i64, i64)> = totals.iter().map(|t| (t.cause, t.count, t.minutes.get())).collect();
    assert_eq!(got, expected);
    assert!(got.iter().all(|(_, n, minutes)| *n >= 1 && *minutes > 0));
    Ok(())
}
