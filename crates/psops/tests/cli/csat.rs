//! `psops report csat`: a database with three closing projects' surveys — answered 5 and
//! 3, one unanswered — in every format and grouping, on SQLite and (when configured)
//! PostgreSQL.

use psops_core::accounts::{AccountFields, ContactFields, NewContact};
use psops_core::delivery::surveys::{SurveyAnswer, SurveyRequest};
use psops_core::projects::{BillingType, ProjectFields, ProjectStatus, ProjectType};
use psops_core::store::prelude::*;
use psops_core::store::{Created, WriteCtx};

use time::OffsetDateTime;

use crate::support::{TestDb, run};

fn new<T>(c: Created<T>) -> T {
    match c {
        Created::New(v) => v,
        Created::Replayed(_) => panic!("replayed"),
    }
}

fn seed(db: &TestDb) {
    run(db, &["migrate"], None).assert_ok();
    crate::support::on_store(db, async |store| {
        let ctx = WriteCtx::trusted();
        let now = OffsetDateTime::now_utc();
        for (i, score) in [Some(5), Some(3), None].into_iter().enumerate() {
            let account = new(store
                .create(
                    &ctx,
                    AccountFields {
                        name: format!("Customer {i}"),
                        code: None,
                        region: Some(if i == 0 { "EMEA" } else { "AMER" }.into()),
                        industry: None,
                        currency: None,
                    },
                )
                .await
                .expect("account"));
            let contact: psops_core::accounts::Contact = new(store
                .create(
                    &ctx,
                    NewContact {
                        account_id: account.id,
                        fields: ContactFields {
                            name: "Casey".into(),
                            email: Some(format!("casey{i}@example.com")),
                            title: None,
                            phone: None,
                        },
                    },
                )
                .await
                .expect("contact"));
            let project: psops_core::projects::Project = new(store
                .create(
                    &ctx,
                    ProjectFields {
                        name: format!("Rollout {i}"),
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
                    },
                )
                .await
                .expect("project"));
            let sent = store
                .send_survey(
                    &ctx,
                    SurveyRequest {
                        project_id: project.id,
                        contact_id: contact.id,
                    },
                    "https://psops.example.com",
                    now,
                )
                .await
                .expect("survey");
            if let Some(score) = score {
                let answer = SurveyAnswer { score, comment: None };
                store
                    .answer_survey(&sent.token, answer, None, now)
                    .await
                    .expect("answer");
            }
        }
    });
}

fn csat_in_every_format(db: &TestDb) {
    seed(db);
    let csv = run(db, &["report", "csat", "--by", "region", "--format", "csv"], None);
    csv.assert_ok();
    let lines: Vec<&str> = csv.stdout.lines().collect();
    assert_eq!(
        lines,
        vec![
            "group,sent,answered,satisfied,csat,response rate,csat_bp,response_rate_bp",
            "AMER,2,1,0,0.0 %,50.0 %,0,5000",
            "EMEA,1,1,1,100.0 %,100.0 %,10000,10000",
        ],
        "{}",
        csv.stdout
    );
    let table = run(db, &["report", "csat"], None);
    table.assert_ok();
    let rows: Vec<&str> = table.stdout.lines().collect();
    assert_eq!(rows.len(), 2, "{}", table.stdout);
    assert!(
        rows[0].contains("GROUP") && rows[0].contains("CSAT"),
        "{}",
        table.stdout
    );
    // Two answers, one satisfied: 50 %; three sent: 66.7 % answered.
    assert!(
        rows[1].starts_with("FY") && rows[1].contains("50.0 %") && rows[1].contains("66.7 %"),
        "{}",
        table.stdout
    );
    let json = run(db, &["report", "csat", "--by", "pm", "--format", "json"], None);
    json.assert_ok();
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    assert_eq!(doc["by"], "pm");
    assert_eq!(doc["rows"][0]["group"], "(no PM)");
    assert_eq!(doc["rows"][0]["csat_bp"], 5000);
    assert_eq!(doc["rows"][0]["response_rate_bp"], 6667);
    let partner = run(db, &["report", "csat", "--by", "partner", "--format", "csv"], None);
    partner.assert_ok();
    assert_eq!(
        partner.stdout.lines().count(),
        1,
        "no partner-delivered projects: the header only"
    );
    let bad = run(db, &["report", "csat", "--by", "colour"], None);
    assert_eq!(bad.code, Some(2), "{}", bad.stderr);
}

#[test]
fn csat_report_on_sqlite() {
    csat_in_every_format(&TestDb::sqlite());
}

#[test]
fn csat_report_on_postgres() {
    match TestDb::postgres() {
        Some(db) => csat_in_every_format(&db),
        None => eprintln!("skipped: set PSOPS_TEST_POSTGRES_URL to run on PostgreSQL"),
    }
}
