//! `psops report partners`: a partner with an active prime SOW of $1,000.00 and nothing
//! delivered yet, in every format, on SQLite and (when configured) PostgreSQL.

use psops_core::partner_funds::{PartnerRate, PrimeSow, PrimeSowFields, PrimeSowStatus};
use psops_core::partners::{Partner, PartnerFields, PartnerType};
use psops_core::people::Function;
use psops_core::store::prelude::*;
use psops_core::store::{Created, WriteCtx};
use psops_core::{Currency, Money};

use time::macros::date;

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
        let partner: Partner = new(store
            .create(
                &ctx,
                PartnerFields {
                    name: "Acme Partners".into(),
                    partner_type: PartnerType::StaffAugmentation,
                    region: None,
                    notes: None,
                    training_since: None,
                },
            )
            .await
            .expect("partner"));
        let usd = |m| Money::new(m, Currency::USD);
        let sow = PrimeSowFields {
            partner_id: partner.id,
            name: "PSOW-ACME-2026".into(),
            funds: usd(100_000),
            rates: vec![PartnerRate {
                role: Function::Engineer,
                rate: usd(10_000),
            }],
            start_date: date!(2026 - 01 - 01),
            end_date: date!(2026 - 12 - 31),
            status: PrimeSowStatus::Active,
            notes: None,
        };
        let _: PrimeSow = new(store.create(&ctx, sow).await.expect("sow"));
    });
}

fn partners_in_every_format(db: &TestDb) {
    seed(db);
    let span = ["report", "partners", "--from", "2026-03", "--to", "2026-03"];
    let json = run(db, &[&span[..], &["--format", "json"]].concat(), None);
    json.assert_ok();
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    assert_eq!(doc["rows"][0]["name"], "Acme Partners");
    assert_eq!(doc["rows"][0]["approved_minutes"], 0);
    assert_eq!(doc["rows"][0]["funds_remaining"][0]["amount_minor"], 100_000);
    assert_eq!(doc["total"]["name"], "All partners");
    let csv = run(db, &[&span[..], &["--format", "csv"]].concat(), None);
    csv.assert_ok();
    let lines: Vec<&str> = csv.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", csv.stdout);
    assert_eq!(
        lines[0],
        "partner_id,partner,hours,hours_share,revenue,revenue_share,partner_cost,margin,margin_pct,\
         csat_average,csat_answered,funds_remaining,vetted,in_vetting,not_started,failed"
    );
    assert!(
        lines[1].contains(",Acme Partners,0.00,,0.00,,0.00,0.00,,,0,1000.00 USD,0,0,0,0"),
        "{}",
        lines[1]
    );
    let table = run(db, &span, None);
    table.assert_ok();
    assert!(
        table.stdout.lines().next().unwrap_or("").contains("PARTNER"),
        "{}",
        table.stdout
    );
    assert!(table.stdout.contains("All partners"), "{}", table.stdout);
    let month = run(db, &["report", "partners", "--from", "2026-13"], None);
    assert_eq!(month.code, Some(1), "{}", month.stderr);
    assert!(month.stderr.contains("from must be a month"), "{}", month.stderr);
}

#[test]
fn partner_report_on_sqlite() {
    partners_in_every_format(&TestDb::sqlite());
}

#[test]
fn partner_report_on_postgres() {
    match TestDb::postgres() {
        Some(db) => partners_in_every_format(&db),
        None => eprintln!("skipped: set PSOPS_TEST_POSTGRES_URL to run on PostgreSQL"),
    }
}
