//! The demo organisation's milestone acceptance, installed through the store's
//! acceptance calls: milestones accepted each way (signature, e-mail reply, passive
//! acceptance by the sweep), some awaiting acceptance with their passive-acceptance
//! dates, some with evidence links, and nothing overdue left for the sweep.

use std::collections::BTreeSet;

use psops_core::delivery::acceptance::{AcceptanceMethod, AcceptanceState};
use psops_core::every;
use psops_core::plan::{Milestone, MilestoneStatus, PlanFilterOf};
use psops_core::scope::ListScope;
use psops_core::store::prelude::*;
use psops_store::Db;

use super::fixtures::{DEMO_END, ctx, default_demo};

crate::stories!(the_demo_accepts_milestones_each_way);

async fn the_demo_accepts_milestones_each_way(db: &Db) {
    checked(db).await.expect("the demo installs and reads back");
}

async fn checked(db: &Db) -> psops_core::Result<()> {
    let end = DEMO_END;
    default_demo(db).await;

    let milestones: Vec<Milestone> = every!(db, PlanFilterOf::<Milestone>::default());
    let projects: BTreeSet<_> = milestones.iter().map(|m| m.fields.project_id).collect();
    let mut methods = BTreeSet::new();
    let mut evidence = 0;
    let mut awaiting = 0;
    for p in projects {
        for m in db.project_acceptances(p).await? {
            let a = &m.acceptance;
            evidence += m.evidence.len();
            match a.state {
                AcceptanceState::Accepted => {
                    methods.insert(a.method.map(|m| m.label()));
                    assert_eq!(m.milestone.fields.status, MilestoneStatus::Completed);
                    assert!(a.accepted_on.is_some_and(|d| d <= end));
                    assert_eq!(a.passive_used, a.method == Some(AcceptanceMethod::Passive));
                }
                AcceptanceState::Requested => {
                    awaiting += 1;
                    assert!(a.passive_on.is_some_and(|d| d >= end), "nothing overdue is left");
                }
                AcceptanceState::NotRequested => {}
            }
        }
    }
    for method in [
        AcceptanceMethod::Signature,
        AcceptanceMethod::EmailReply,
        AcceptanceMethod::Passive,
    ] {
        assert!(
            methods.contains(&Some(method.label())),
            "{method:?} missing: {methods:?}"
        );
    }
    assert!(awaiting > 0, "some milestones await acceptance");
    assert!(evidence > 0, "some acceptances keep evidence");
    let listed = db.awaiting_acceptance(ListScope::All).await?;
    assert_eq!(listed.len(), awaiting);
    assert!(db.sweep_acceptance(&ctx(), end).await?.is_empty());
    Ok(())
}
