//! `psops report education`: a company trainer's two-day class in Q1 (four registrations,
//! one cancelled, two attending), by quarter and by trainer, in every format, on SQLite
//! and (when configured) PostgreSQL; a range that runs backwards is refused.

use psops_core::education::classes::{ClassAudience, ClassDelivery, TrainingClass, TrainingClassFields};
use psops_core::education::courses::{Course, CourseDelivery, CourseFields, CourseState};
use psops_core::education::enrolments::{
    Attendance, AttendanceRow, Enrolment, EnrolmentFields, EnrolmentPatch, EnrolmentStatus, RosterSubmission,
};
use psops_core::education::learners::{Learner, LearnerFields, LearnerOrg};
use psops_core::people::{Person, PersonFields};
use psops_core::store::prelude::*;
use psops_core::store::{Created, WriteCtx};
use psops_store::Db;
use serde_json::json;
use time::macros::{date, datetime};

use crate::support::{TestDb, on_store, run};

fn new<T>(c: Created<T>) -> T {
    match c {
        Created::New(v) => v,
        Created::Replayed(_) => panic!("replayed"),
    }
}

fn someone(name: &str) -> PersonFields {
    PersonFields {
        name: name.into(),
        email: format!("{}@example.com", name.to_lowercase().replace(' ', ".")),
        function: psops_core::people::Function::Engineer,
        region: "EMEA".into(),
        time_zone: "Europe/Berlin".into(),
        fte: psops_core::people::Fte::FULL,
        employment_start: date!(2025 - 01 - 01),
        employment_end: None,
        manager_id: None,
        partner_id: None,
    }
}

async fn course(store: &Db, ctx: &WriteCtx) -> Course {
    use psops_core::catalog::offerings::OfferingTypeFields;
    use psops_core::catalog::{OfferingFields, SkuFields};
    let ty: psops_core::catalog::OfferingType = new(store
        .create(
            ctx,
            serde_json::from_value::<OfferingTypeFields>(json!({"category": "Education", "name": "Training"}))
                .expect("type"),
        )
        .await
        .expect("offering type"));
    let offering: psops_core::catalog::Offering = new(store
        .create(
            ctx,
            serde_json::from_value::<OfferingFields>(json!({"type_id": ty.id.get(), "name": "Classes",
                "maturity": "viable", "checklist": [], "effort": [], "kit_links": []}))
            .expect("offering"),
        )
        .await
        .expect("offering"));
    let sku: psops_core::catalog::Sku = new(store
        .create(
            ctx,
            serde_json::from_value::<SkuFields>(json!({"offering_id": offering.id.get(), "code": "EDU-GIT",
                "name": "Git fundamentals class", "unit": "fixed_package", "currency": "USD", "seat_limit": 12,
                "channel": "sales_assisted", "status": "active"}))
            .expect("sku"),
        )
        .await
        .expect("sku"));
    new(store
        .create(
            ctx,
            CourseFields {
                sku_id: sku.id,
                name: "Git fundamentals".into(),
                delivery: CourseDelivery::Remote,
                state: CourseState::Production,
                course_version: "1.0".into(),
                outline: None,
                duration_days: 2,
            },
        )
        .await
        .expect("course"))
}

fn seed(db: &TestDb) {
    run(db, &["migrate"], None).assert_ok();
    on_store(db, async |store: &Db| {
        let ctx = WriteCtx::trusted();
        let trainer: Person = new(store.create(&ctx, someone("Tess Trainer")).await.expect("trainer"));
        let grader: Person = new(store.create(&ctx, someone("Gail Grader")).await.expect("grader"));
        let git = course(store, &ctx).await;
        psops_demo::certifications::certify_trainer(store, &ctx, trainer.id, &git, date!(2026 - 01 - 15), grader.id)
            .await
            .expect("certify");
        let class: TrainingClass = new(store
            .create(
                &ctx,
                TrainingClassFields {
                    course_id: git.id,
                    trainer_id: trainer.id,
                    start_date: date!(2026 - 03 - 02),
                    end_date: date!(2026 - 03 - 03),
                    time_zone: "Europe/Berlin".into(),
                    delivery: ClassDelivery::Remote,
                    location: None,
                    audience: ClassAudience::Public,
                    account_id: None,
                    project_id: None,
                    fee: None,
                    addon_seats: 0,
                    seat_price: None,
                },
            )
            .await
            .expect("class"));
        let mut enrolments: Vec<Enrolment> = Vec::new();
        for n in 1..=4 {
            let l: Learner = new(store
                .create(
                    &ctx,
                    LearnerFields {
                        name: format!("Learner {n}"),
                        email: None,
                        organisation: LearnerOrg::Employee,
                        person_id: None,
                        partner_id: None,
                        account_id: None,
                        contact_id: None,
                    },
                )
                .await
                .expect("learner"));
            let f = EnrolmentFields {
                class_id: class.id,
                learner_id: l.id,
                status: EnrolmentStatus::Registered,
                project_id: None,
            };
            enrolments.push(new(store.create(&ctx, f).await.expect("register")));
        }
        let cancel = EnrolmentPatch {
            status: Some(EnrolmentStatus::Cancelled),
            ..Default::default()
        };
        store
            .update(&ctx, enrolments[3].id, None, cancel)
            .await
            .expect("cancel");
        let rows = enrolments[..2]
            .iter()
            .map(|e| AttendanceRow {
                enrolment_id: e.id,
                days: vec![date!(2026 - 03 - 02), date!(2026 - 03 - 03)],
            })
            .collect();
        store
            .mark_attendance(&ctx, class.id, Attendance { rows })
            .await
            .expect("attendance");
        let roster = RosterSubmission {
            submitted_on: date!(2026 - 03 - 03),
        };
        store
            .submit_roster(
                &ctx,
                class.id,
                roster,
                "https://psops.example.com",
                datetime!(2026 - 03 - 03 18:00 UTC),
            )
            .await
            .expect("roster");
    });
}

const RANGE: [&str; 4] = ["--from", "2026-01-01", "--to", "2026-06-30"];

fn education_in_every_format(db: &TestDb) {
    seed(db);
    let args = |more: &[&'static str]| -> Vec<&'static str> { [&["report", "education"][..], &RANGE, more].concat() };
    let json = run(db, &args(&["--format", "json"]), None);
    json.assert_ok();
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    assert_eq!(doc["quarters"][0]["quarter"], "2026-Q1");
    assert_eq!(
        (
            doc["total"]["classes"].as_i64(),
            doc["total"]["seats_offered"].as_i64(),
            doc["total"]["seats_filled"].as_i64(),
            doc["total"]["learners_attending"].as_i64()
        ),
        (Some(1), Some(12), Some(3), Some(2))
    );
    assert_eq!(doc["trainers"][0]["name"], "Tess Trainer");
    let csv = run(db, &args(&["--format", "csv"]), None);
    csv.assert_ok();
    let lines: Vec<&str> = csv.stdout.lines().collect();
    assert_eq!(
        lines,
        [
            "quarter,start,end,classes,seats_offered,seats_filled,fill_rate,learners_attending,revenue",
            "2026-Q1,2026-01-01,2026-03-31,1,12,3,25%,2,0.00 USD",
            "2026-Q2,2026-04-01,2026-06-30,0,0,0,,0,0.00 USD",
            "total,2026-01-01,2026-06-30,1,12,3,25%,2,0.00 USD",
        ]
    );
    // Two class days of a full-time trainer's 848 h in half a year: 16 h, 2 %.
    let trainers = run(db, &args(&["--by", "trainer", "--format", "csv"]), None);
    trainers.assert_ok();
    let lines: Vec<&str> = trainers.stdout.lines().collect();
    assert_eq!(
        lines[1], "Tess Trainer,,1,2,16.00,848.00,2%,0,0,",
        "{}",
        trainers.stdout
    );
    let text = run(db, &args(&["--by", "trainer", "--format", "text"]), None);
    text.assert_ok();
    assert!(
        text.stdout.contains("TRAINER") && text.stdout.contains("Tess Trainer"),
        "{}",
        text.stdout
    );
    let backwards = run(
        db,
        &["report", "education", "--from", "2026-06-30", "--to", "2026-01-01"],
        None,
    );
    assert_ne!(backwards.code, Some(0));
    assert!(
        backwards.stderr.contains("to must be on or after from"),
        "{}",
        backwards.stderr
    );
}

#[test]
fn education_report_on_sqlite() {
    education_in_every_format(&TestDb::sqlite());
}

#[test]
fn education_report_on_postgres() {
    match TestDb::postgres() {
        Some(db) => education_in_every_format(&db),
        None => eprintln!("skipped: set PSOPS_TEST_POSTGRES_URL to run on PostgreSQL"),
    }
}
