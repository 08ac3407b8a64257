//! Change-control stories: a change order moves dates and milestones and its money opens
//! a new opportunity (or, by setting, adds to the budget); a work exception adds hours and
//! money with its cause and is reported by cause; a description of work leaves the terms
//! alone; a new SOW opens an opportunity; nobody decides what they raised, a rejection
//! needs a reason, and only a draft changes.

use psops_core::auth::{Role, UserId};
use psops_core::catalog::requests::Verdict;
use psops_core::plan::{Milestone, MilestoneFields, MilestoneStatus};
use psops_core::projects::Project;
use psops_core::rule::Rule;
use psops_core::scoping::changes::{
    Cause, Change, ChangeFields, ChangeKind, ChangePatch, ChangeStatus, MilestoneMove, NewChange,
};
use psops_core::scoping::opportunities::Opportunity;
use psops_core::scoping::settings::MoneyChange;
use psops_core::scoping::sows::MilestoneTerm;
use psops_core::settings::SettingsPatch;
use psops_core::store::prelude::*;
use psops_core::{Error, Minutes};
use psops_store::Db;
use time::macros::date;

use super::fixtures::{as_user, broken, ctx, new, project};
use super::scoping::{account, opened, usd};

async fn leader(db: &Db, email: &str) -> UserId {
    super::fixtures::user(db, email, vec![Role::Leadership]).await
}

crate::stories!(
    a_change_order_moves_dates_and_milestones_and_its_money_opens_an_opportunity,
    a_work_exception_adds_to_the_budget_with_its_cause,
    each_kind_applies_as_the_handbook_says_and_nobody_decides_their_own,
);

fn change(kind: ChangeKind, p: &Project) -> ChangeFields {
    ChangeFields {
        kind,
        project_id: Some(p.id),
        opportunity_id: None,
        title: "Phase 2".into(),
        description: None,
        new_start_date: None,
        new_end_date: None,
        add_budget: None,
        add_minutes: None,
        new_billing_type: None,
        add_milestones: vec![],
        move_milestones: vec![],
        cause: None,
        starts_on: None,
    }
}

/// Raised by one user, submitted, approved by another.
async fn approved(db: &Db, f: ChangeFields) -> psops_core::Result<Change> {
    let raiser = leader(db, &format!("raiser{}@example.com", f.title.len())).await;
    let c: Change = new(db
        .create(
            &as_user(raiser),
            NewChange {
                raised_by: Some(raiser),
                fields: f,
            },
        )
        .await?);
    db.submit_change(&ctx(), c.id, None).await?;
    let director = leader(db, &format!("director{}@example.com", c.id)).await;
    db.decide_change(&as_user(director), c.id, None, Verdict::Approve, None)
        .await
}

async fn a_change_order_moves_dates_and_milestones_and_its_money_opens_an_opportunity(db: &Db) {
    let p = project(db, "Migration").await;
    let a = account(db, "Origin Ltd").await;
    let from = opened(db, &a, "Migration deal").await;
    let m: Milestone = new(db
        .create(
            &ctx(),
            MilestoneFields {
                project_id: p.id,
                name: "Cut-over".into(),
                due_date: Some(date!(2026 - 10 - 30)),
                amount: None,
                status: MilestoneStatus::Open,
            },
        )
        .await
        .expect("milestone"));
    let mut f = change(ChangeKind::ChangeOrder, &p);
    f.opportunity_id = Some(from.id);
    f.new_end_date = Some(date!(2027 - 02 - 26));
    f.move_milestones = vec![MilestoneMove {
        milestone_id: m.id,
        due: date!(2027 - 01 - 29),
    }];
    f.add_milestones = vec![MilestoneTerm {
        name: "Hypercare".into(),
        due: date!(2027 - 02 - 26),
        amount: usd(1_000_000),
    }];
    f.add_budget = Some(usd(2_500_000));
    let c = approved(db, f).await.expect("approve");
    assert_eq!(c.status, ChangeStatus::Approved);
    let applied = c.applied.expect("applied");
    let p2: Project = db.get(p.id).await.expect("project");
    assert_eq!(p2.fields.end_date, Some(date!(2027 - 02 - 26)));
    assert_eq!(
        p2.fields.budget, p.fields.budget,
        "the increase is a new opportunity's, not this budget's"
    );
    assert_eq!(
        applied.before.expect("before").end_date,
        p.fields.end_date,
        "what it replaced is kept"
    );
    let moved: Milestone = db.get(m.id).await.expect("milestone");
    assert_eq!(moved.fields.due_date, Some(date!(2027 - 01 - 29)));
    assert_eq!(applied.milestones.len(), 1);
    let o: Opportunity = db.get(applied.opportunity_id.expect("opportunity")).await.expect("opp");
    assert_eq!((o.fields.ps_value, o.fields.account_id), (Some(usd(2_500_000)), a.id));
    // The older reading, by setting: the money goes on the budget.
    let mut s = db.settings().await.expect("settings").scoping;
    s.money_change_orders = MoneyChange::AmendBudget;
    let patch = SettingsPatch {
        scoping: Some(s),
        ..Default::default()
    };
    db.update_settings(&ctx(), patch).await.expect("setting");
    let mut f = change(ChangeKind::ChangeOrder, &p);
    f.title = "More".into();
    f.add_budget = Some(usd(100_000));
    f.add_minutes = Some(Minutes(600));
    let c = approved(db, f).await.expect("approve");
    assert!(c.applied.expect("applied").opportunity_id.is_none());
    let p3: Project = db.get(p.id).await.expect("project");
    assert_eq!(
        p3.fields.budget_minutes,
        Some(Minutes(p.fields.budget_minutes.map_or(0, |m| m.get()) + 600))
    );
}

async fn a_work_exception_adds_to_the_budget_with_its_cause(db: &Db) {
    let p = project(db, "Upgrade").await;
    let mut f = change(ChangeKind::WorkException, &p);
    let e = db
        .create(
            &ctx(),
            NewChange {
                raised_by: None,
                fields: f.clone(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(
        broken(e),
        [
            ("cause".to_string(), Rule::DependsOn),
            ("add_minutes".to_string(), Rule::DependsOn)
        ]
    );
    f.cause = Some(Cause::Scoping);
    f.add_minutes = Some(Minutes(40 * 60));
    f.add_budget = Some(usd(800_000));
    approved(db, f.clone()).await.expect("exception");
    f.cause = Some(Cause::Product);
    f.title = "Product defect".into();
    f.add_budget = None;
    f.add_minutes = Some(Minutes(600));
    approved(db, f).await.expect("exception");
    let p2: Project = db.get(p.id).await.expect("project");
    assert_eq!(p2.fields.budget_minutes, Some(Minutes(50 * 60)));
    assert_eq!(p2.fields.budget, Some(usd(800_000)));
    let totals = db.exception_totals().await.expect("totals");
    let causes: Vec<(Cause, i64, i64)> = totals.iter().map(|t| (t.cause, t.count, t.minutes.get())).collect();
    assert_eq!(causes, [(Cause::Product, 1, 600), (Cause::Scoping, 1, 2_400)]);
    assert_eq!(totals[1].money, [usd(800_000)]);
}

async fn each_kind_applies_as_the_handbook_says_and_nobody_decides_their_own(db: &Db) {
    let p = project(db, "Block").await;
    // A description of work leaves the terms alone.
    let mut dow = change(ChangeKind::DescriptionOfWork, &p);
    dow.description = Some("Ten days: workshops and runbooks".into());
    dow.new_end_date = Some(date!(2027 - 01 - 01));
    let e = db
        .create(
            &ctx(),
            NewChange {
                raised_by: None,
                fields: dow.clone(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(broken(e), [("kind".to_string(), Rule::Exclusive)]);
    dow.new_end_date = None;
    let raiser = leader(db, "pm@example.com").await;
    let c: Change = new(db
        .create(
            &as_user(raiser),
            NewChange {
                raised_by: Some(raiser),
                fields: dow,
            },
        )
        .await
        .expect("dow"));
    // Only a draft changes; only a submitted change is decided; never by its raiser.
    let director = leader(db, "director@example.com").await;
    let e = db
        .decide_change(&as_user(director), c.id, None, Verdict::Approve, None)
        .await
        .unwrap_err();
    assert_eq!(broken(e), [("status".to_string(), Rule::InvalidTransition)]);
    db.submit_change(&ctx(), c.id, None).await.expect("submit");
    let patch = ChangePatch {
        title: Some("Other".into()),
        ..Default::default()
    };
    assert!(matches!(
        db.update(&ctx(), c.id, None, patch).await,
        Err(Error::Conflict(_))
    ));
    assert!(matches!(
        db.decide_change(&as_user(raiser), c.id, None, Verdict::Approve, None)
            .await,
        Err(Error::Forbidden(_))
    ));
    let e = db
        .decide_change(&as_user(director), c.id, None, Verdict::Reject, None)
        .await
        .unwrap_err();
    assert_eq!(broken(e), [("reason".to_string(), Rule::DependsOn)]);
    let rejected = db
        .decide_change(
            &as_user(director),
            c.id,
            None,
            Verdict::Reject,
            Some("needs a change order".into()),
        )
        .await
        .expect("reject");
    assert_eq!(
        (rejected.status, rejected.decided_by),
        (ChangeStatus::Rejected, Some(director))
    );
    // A new SOW opens its own opportunity, from the one named.
    let a = account(db, "New work Ltd").await;
    let from = opened(db, &a, "First engagement").await;
    let mut sow = change(ChangeKind::NewSow, &p);
    sow.opportunity_id = Some(from.id);
    sow.title = "Data platform".into();
    let c = approved(db, sow).await.expect("new sow");
    let o: Opportunity = db
        .get(c.applied.expect("applied").opportunity_id.expect("opp"))
        .await
        .expect("opp");
    assert_eq!((o.fields.name.as_str(), o.fields.account_id), ("Data platform", a.id));
    // A money change order on a project no opportunity is known for names what it needs.
    let mut co = change(ChangeKind::ChangeOrder, &p);
    co.add_budget = Some(usd(1));
    co.title = "Orphan".into();
    let e = approved(db, co).await.unwrap_err();
    assert!(matches!(&e, Error::Conflict(f) if f.field == "opportunity_id"), "{e:?}");
    // Work at risk is for an opportunity not yet won, and makes its prospect project.
    let mut risk = change(ChangeKind::WorkAtRisk, &p);
    risk.project_id = None;
    risk.opportunity_id = Some(from.id);
    risk.starts_on = Some(date!(2027 - 01 - 04));
    risk.title = "Start before signature".into();
    let c = approved(db, risk).await.expect("risk");
    let made: Project = db
        .get(c.applied.expect("applied").project_id.expect("project"))
        .await
        .expect("project");
    assert_eq!(made.fields.status, psops_core::projects::ProjectStatus::Prospect);
    assert_eq!(made.fields.start_date, Some(date!(2027 - 01 - 04)));
}
