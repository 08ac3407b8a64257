//! `psops report certifications` and `psops report expiring-certificates`: one learner's
//! pass, whose certificate expires in 30 days, in every format, on SQLite and (when
//! configured) PostgreSQL.

use psops_core::certifications::{Certification, CertificationFields, LabInput, WrittenInput, add_months};
use psops_core::education::learners::{Learner, LearnerFields, LearnerOrg};
use psops_core::people::{Person, PersonFields};
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

/// The certificate's number.
fn seed(db: &TestDb) -> String {
    run(db, &["migrate"], None).assert_ok();
    crate::support::on_store(db, async |store| {
        let ctx = WriteCtx::trusted();
        let grader: Person = new(store
            .create(
                &ctx,
                PersonFields {
                    name: "Gail Grader".into(),
                    email: "gail@example.com".into(),
                    function: psops_core::people::Function::Engineer,
                    region: "EMEA".into(),
                    time_zone: "Europe/Berlin".into(),
                    fte: psops_core::people::Fte::FULL,
                    employment_start: time::macros::date!(2020 - 01 - 01),
                    employment_end: None,
                    manager_id: None,
                    partner_id: None,
                },
            )
            .await
            .expect("grader"));
        let cert: Certification = new(store
            .create(
                &ctx,
                CertificationFields {
                    code: "git-associate".into(),
                    name: "Git Associate".into(),
                    course_id: None,
                    written_pass_mark: 70,
                    lab_pass_mark: 80,
                    max_attempts: None,
                    retake_wait_days: None,
                    validity_months: 12,
                    description: None,
                },
            )
            .await
            .expect("certification"));
        let who: Learner = new(store
            .create(
                &ctx,
                LearnerFields {
                    name: "Lee Learner".into(),
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
        let today = OffsetDateTime::now_utc().date();
        let on = add_months(today, -12) + Duration::days(30);
        let w = WrittenInput {
            learner_id: who.id,
            taken_on: on,
            score: 90,
        };
        let a = store.record_written(&ctx, cert.id, w).await.expect("written");
        let lab = LabInput {
            grader_id: grader.id,
            taken_on: on,
            rubric_score: 85,
            passed: true,
            comments: None,
        };
        let (_, c) = store.record_lab(&ctx, a.id, None, lab).await.expect("lab");
        c.expect("certificate").fields.number
    })
}

fn certifications_in_every_format(db: &TestDb) {
    let number = seed(db);
    let json = run(db, &["report", "certifications", "--format", "json"], None);
    json.assert_ok();
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    assert_eq!(doc[0]["name"], "Git Associate");
    assert_eq!(
        (doc[0]["attempts"].as_i64(), doc[0]["pass_rate"].as_i64()),
        (Some(1), Some(100))
    );
    let csv = run(db, &["report", "certifications", "--format", "csv"], None);
    csv.assert_ok();
    let lines: Vec<&str> = csv.stdout.lines().collect();
    assert_eq!(
        lines,
        [
            "code,certification,attempts,written_passed,labs_graded,passed,written_pass_rate,lab_pass_rate,\
             pass_rate,certificates_in_force",
            "git-associate,Git Associate,1,1,1,1,100%,100%,100%,1"
        ]
    );
    let table = run(db, &["report", "expiring-certificates"], None);
    table.assert_ok();
    assert!(
        table.stdout.contains("Lee Learner") && table.stdout.contains(&number),
        "{}",
        table.stdout
    );
    let soon = run(
        db,
        &["report", "expiring-certificates", "--days", "7", "--format", "json"],
        None,
    );
    soon.assert_ok();
    assert_eq!(soon.stdout.trim(), "[]");
    let bad = run(db, &["report", "expiring-certificates", "--days", "0"], None);
    assert_ne!(bad.code, Some(0), "{}", bad.stderr);
}

#[test]
fn certification_report_on_sqlite() {
    certifications_in_every_format(&TestDb::sqlite());
}

#[test]
fn certification_report_on_postgres() {
    match TestDb::postgres() {
        Some(db) => certifications_in_every_format(&db),
        None => eprintln!("skipped: set PSOPS_TEST_POSTGRES_URL to run on PostgreSQL"),
    }
}
