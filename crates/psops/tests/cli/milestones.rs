//! `psops milestones sweep` end to end: a milestone whose acceptance notice ran out is
//! accepted passively and printed (as a table, or as CSV); one still inside its notice
//! and a second run accept nothing.

use psops_core::accounts::{AccountFields, ContactFields, NewContact};
use psops_core::delivery::acceptance::AcceptanceRequest;
use psops_core::plan::{Milestone, MilestoneFields, MilestoneStatus};
use psops_core::projects::{BillingType, ProjectFields, ProjectStatus, ProjectType};
use psops_core::store::prelude::*;
use psops_core::store::{Created, WriteCtx};

use time::{Duration, OffsetDateTime};

use crate::support::{TestDb, run};

fn new<T>(c: Created<T>) -> T {
    match c {
        Created::New(v) => v,
        Created::Replayed(_) => panic!("replayed"),
    }
}

/// Two milestones: one requested three weeks ago, one today.
fn seed(db: &TestDb) {
    run(db, &["migrate"], None).assert_ok();
    crate::support::on_store(db, async |store| {
        let ctx = WriteCtx::trusted();
        let account = AccountFields {
            name: "Globex".into(),
            code: None,
            region: None,
            industry: None,
            currency: None,
        };
        let account = new(store.create(&ctx, account).await.expect("account"));
        let contact = NewContact {
            account_id: account.id,
            fields: ContactFields {
                name: "Hank Scorpio".into(),
                email: Some("hank@globex.example".into()),
                title: None,
                phone: None,
            },
        };
        let contact = new(store.create(&ctx, contact).await.expect("contact"));
        let project = ProjectFields {
            name: "Migration".into(),
            code: None,
            account_id: Some(account.id),
            project_type: ProjectType::Consulting,
            billing_type: BillingType::FixedFee,
            status: ProjectStatus::Active,
            phase: None,
            start_date: None,
            end_date: None,
            project_manager_id: None,
            budget_minutes: None,
            budget: None,
            partner_delivered: false,
            partner_id: None,
        };
        let project = new(store.create(&ctx, project).await.expect("project"));
        let today = OffsetDateTime::now_utc().date();
        for (name, sent) in [("Design", today - Duration::days(21)), ("Build", today)] {
            let m: Milestone = new(store
                .create(
                    &ctx,
                    MilestoneFields {
                        project_id: project.id,
                        name: name.into(),
                        due_date: Some(sent),
                        amount: None,
                        status: MilestoneStatus::Open,
                    },
                )
                .await
                .expect("milestone"));
            let r = AcceptanceRequest {
                contact_id: contact.id,
                today: sent,
            };
            store.request_acceptance(&ctx, m.id, None, r).await.expect("request");
        }
    });
}

fn sweep_story(db: &TestDb) {
    seed(db);
    let csv = run(db, &["milestones", "sweep", "--format", "csv"], None);
    csv.assert_ok();
    let lines: Vec<&str> = csv.stdout.lines().collect();
    assert_eq!(lines[0], "milestone_id,project,milestone,requested_on,accepted_on");
    assert_eq!(lines.len(), 2, "{}", csv.stdout);
    assert!(lines[1].contains(",Migration,Design,"), "{}", csv.stdout);
    let again = run(db, &["milestones", "sweep"], None);
    again.assert_ok();
    assert!(again.stdout.starts_with("accepted 0 milestone(s)"), "{}", again.stdout);
}

#[test]
fn milestones_sweep_on_sqlite() {
    sweep_story(&TestDb::sqlite());
}

#[test]
fn milestones_sweep_on_postgres() {
    let Some(db) = TestDb::postgres() else {
        eprintln!("PSOPS_TEST_POSTGRES_URL is not set: skipping the PostgreSQL run");
        return;
    };
    sweep_story(&db);
}
