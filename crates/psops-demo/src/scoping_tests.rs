//! The demo's scoping plan: deterministic from the seed, sized to the organisation, and
//! covering every segment, scoping state and SOW ending (the store walk is checked in
//! psops-store's contract stories, on both backends).

use std::collections::BTreeSet;

use time::macros::date;

use super::*;
use crate::scoping_docs::lines;
use crate::scoping_plan::{self as plan, Goal, SowEnd};
use psops_core::code::Code as _;
use psops_core::people::Function;
use psops_core::scoping::opportunities::Segment;
use psops_core::scoping::pricing::LineInput;
use psops_core::scoping::states::ScopingState;

fn org(people: usize, seed: u64) -> DemoOrg {
    DemoOrg::generate(DemoSpec {
        people,
        years: 1,
        seed,
        end: date!(2026 - 11 - 18),
    })
    .unwrap()
}

fn deals(o: &DemoOrg) -> Vec<plan::Deal> {
    plan::deals(o.records(), o.spec().end, o.spec().seed, o.spec().people)
}

#[test]
fn the_same_seed_gives_the_same_deals() {
    let (a, b, c) = (org(60, 42), org(60, 42), org(60, 43));
    let text = |o: &DemoOrg| format!("{:?}", deals(o));
    assert_eq!(text(&a), text(&b));
    assert_ne!(text(&a), text(&c));
}

#[test]
fn the_pipeline_grows_with_the_organisation_within_bounds() {
    assert_eq!(plan::count(12), plan::MIN_DEALS);
    assert_eq!(plan::count(60), 198);
    assert_eq!(plan::count(5_000), plan::MAX_DEALS);
    assert_eq!(deals(&org(12, 1)).len(), plan::MIN_DEALS);
}

#[test]
fn the_default_pipeline_covers_every_state_segment_and_sow_ending() {
    let o = org(60, 42);
    let all = deals(&o);
    assert_eq!(all.len(), 198);
    let states: BTreeSet<ScopingState> = all.iter().map(|d| d.goal.state()).collect();
    assert_eq!(states.len(), 10, "{states:?}");
    let segments: BTreeSet<Segment> = all.iter().map(|d| d.fields.segment).collect();
    assert_eq!(segments.len(), Segment::ALL.len());
    let endings: BTreeSet<String> = all
        .iter()
        .filter_map(|d| match d.goal {
            Goal::Sow(e) => Some(format!("{e:?}")),
            _ => None,
        })
        .collect();
    assert_eq!(endings.len(), 14, "{endings:?}");
    // A believable pipeline: a fifth to a third closed either way, most still open.
    let closed = all.iter().filter(|d| d.goal.state().is_closed()).count();
    assert!((40..=110).contains(&closed), "{closed}");
    assert!(all.iter().any(|d| d.fields.public_sector));
    assert!(all.iter().filter(|d| d.invest).count() == 2);
    // Closed deals closed in the past, open ones close ahead of the demo's today.
    for d in &all {
        let close = d.fields.close_date.unwrap();
        assert_eq!(d.goal.state().is_closed(), close < o.spec().end, "{:?}", d.goal);
    }
    // Each gate's facts are there: an EM-free deal gets its territory's EM; a TA needs
    // pain points and constraints.
    for d in all.iter().filter(|d| d.goal.reach() >= ScopingState::AwaitingDiscovery) {
        assert!(d.fields.pain_points.is_some() && d.fields.constraints.is_some());
    }
}

#[test]
fn every_territory_goes_to_an_engagement_manager_of_the_demo() {
    for people in [12, 60, 400] {
        let o = org(people, 3);
        let t = plan::territories(o.records(), o.spec().end);
        assert_eq!(t.len(), Segment::ALL.len());
        for (_, em) in t {
            let p = &o.records().people[(em.get() - 1) as usize];
            assert_eq!(p.fields.function, Function::EngagementManager);
        }
    }
}

#[test]
fn thin_deals_are_custom_hours_and_the_rest_size_to_the_deal() {
    let o = org(60, 42);
    let all = deals(&o);
    let thin = all
        .iter()
        .find(|d| d.goal == Goal::Sow(SowEnd::RejectedByFinance))
        .unwrap();
    assert!(thin.thin && thin.discount_bp >= 4_500);
    let l = lines(thin, &[], 100);
    assert!(l.iter().all(|x| matches!(x, LineInput::TimeAndMaterials { .. })));
    // Without a catalog, custom hours near the deal's size at about $260 an hour.
    for d in all.iter().take(30) {
        let hours: i64 = lines(d, &[], 100)
            .iter()
            .map(|x| match x {
                LineInput::TimeAndMaterials { minutes, .. } => minutes.get() / 60,
                LineInput::Sku { .. } => 0,
            })
            .sum();
        let expected = d.size_usd.max(3_000) / 260;
        assert!(
            hours * 10 >= expected * 8 && hours * 10 <= expected * 12,
            "{hours} vs {expected}"
        );
    }
}

#[test]
fn change_control_covers_every_kind_cause_and_ending_and_grows_gently() {
    use crate::scoping_changes::{Ends, What, plan};
    use psops_core::scoping::changes::Cause;
    let small = plan(42, 60);
    assert_eq!(small, plan(42, 60), "the same seed gives the same changes");
    assert_eq!(small.len(), 14, "a handful at 60 people");
    assert_eq!(plan(42, 5_000).len(), 47, "a few dozen at 5,000");
    let rejected: Vec<_> = small.iter().filter(|p| p.ends == Ends::Rejected).collect();
    assert_eq!(rejected.len(), 1);
    assert!(small.iter().any(|p| p.ends == Ends::Submitted));
    let approved = |w: What| small.iter().any(|p| p.what == w && p.ends == Ends::Approved);
    for w in [
        What::EndDate,
        What::MoveMilestone,
        What::Money,
        What::DescriptionOfWork,
        What::NewSow,
        What::AtRisk,
        What::Exception(Cause::Product),
        What::Exception(Cause::Ps),
        What::Exception(Cause::Scoping),
        What::Exception(Cause::Time),
    ] {
        assert!(approved(w), "{w:?} approved");
    }
    // Growth adds routine changes only: no more money, new SOWs or work at risk.
    let big = plan(42, 5_000);
    let count = |v: &[crate::scoping_changes::Planned], w: What| v.iter().filter(|p| p.what == w).count();
    for w in [What::Money, What::NewSow, What::AtRisk] {
        assert_eq!(count(&big, w), count(&small, w), "{w:?}");
    }
    assert!(big.iter().all(|p| (1..=6).contains(&p.size)));
}
