//! The demo organisation's scoping, installed through the gated store calls: every
//! scoping state, estimates over the TA threshold with their reviews, SOWs in every
//! status (one rejected by finance with its reason, one expired unsigned), and signed
//! SOWs whose projects wait in set-up with milestones, resource requests and checklists.

use std::collections::BTreeSet;

use psops_core::catalog::requests::Verdict;
use psops_core::plan::{ChecklistItem, Milestone, PlanFilterOf, ResourceRequest};
use psops_core::projects::{Project, ProjectStatus};
use psops_core::scoping::estimates::{Estimate, EstimateFilter, TaReview};
use psops_core::scoping::opportunities::{Opportunity, OpportunityFilter};
use psops_core::scoping::sows::{Sow, SowFilter, SowRole, SowStatus};
use psops_core::scoping::states::ScopingState;
use psops_core::store::prelude::*;
use psops_core::{Currency, every};
use psops_demo::{DemoOrg, DemoSpec, install};
use psops_store::Db;
use time::macros::date;

use super::fixtures::ctx;

crate::stories!(the_demo_scopes_opportunities_through_every_gate);

async fn the_demo_scopes_opportunities_through_every_gate(db: &Db) {
    checked(db).await.expect("the demo installs and reads back");
}

async fn checked(db: &Db) -> psops_core::Result<()> {
    // As `psops demo` does: the handbook's catalog first, then the organisation.
    let handbook = psops_core::catalog::file::handbook();
    psops_core::catalog::file::apply(db, &ctx(), &handbook, false).await?;
    let spec = DemoSpec {
        people: 12,
        years: 1,
        seed: 9,
        end: date!(2026 - 06 - 17),
    };
    let org = DemoOrg::generate(spec)?;
    let hashes: Vec<String> = org.users().iter().map(|u| format!("hash-{}", u.email)).collect();
    install(db, &ctx(), &org, &hashes, &|_| {}).await?;

    let settings = db.settings().await?.scoping;
    assert!(settings.territories.iter().all(|t| t.engagement_manager_id.is_some()));
    assert!(settings.sow_approvers.iter().all(|s| s.approver.is_some()));
    assert_eq!(settings.provider_name, psops_demo::PROVIDER_NAME);

    let opportunities: Vec<Opportunity> = every!(db, OpportunityFilter::default());
    assert!(opportunities.len() >= 40, "{}", opportunities.len());
    let states: BTreeSet<ScopingState> = opportunities.iter().map(|o| o.state).collect();
    assert_eq!(states.len(), 10, "every scoping state: {states:?}");
    assert!(
        opportunities
            .iter()
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
    // The organisation's time and rollups are untouched by scoping.
    assert!(db.verify_rollups().await?.is_empty());
    Ok(())
}
