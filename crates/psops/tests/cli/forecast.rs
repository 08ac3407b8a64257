//! `psops report forecast` and `psops forecast snapshot`: an engineer hard-booked 20 hours
//! a week through July 2026 at 150.00 an hour, in every format, on SQLite and (when
//! configured) PostgreSQL.

use psops_core::assignments::AssignmentFields;
use psops_core::people::Function;
use psops_core::rates::cards::RoleRateFields;
use psops_core::rates::{RateKind, RoleRate};
use psops_core::store::WriteCtx;
use psops_core::store::prelude::*;
use psops_core::{Minutes, Money};

use time::macros::date;

use crate::support::{TestDb, engineer, new, project_and_people, run};

fn seed(db: &TestDb) {
    run(db, &["migrate"], None).assert_ok();
    crate::support::on_store(db, async |store| {
        let ctx = WriteCtx::trusted();
        let rate = RoleRateFields {
            kind: RateKind::Bill,
            role: Function::Engineer,
            region: "AMER".into(),
            rate: Money::new(15_000, psops_core::Currency::USD),
            effective_from: date!(2026 - 01 - 01),
            effective_to: None,
        };
        let _: RoleRate = new(store.create(&ctx, rate).await.expect("rate"));
        let eve = engineer(
            "Eve Engineer",
            "eve@forecast.example",
            "AMER",
            "America/New_York",
            date!(2026 - 01 - 01),
        );
        let dates = (date!(2026 - 07 - 01), date!(2026 - 12 - 31));
        let (project, people) =
            project_and_people(store, "Forecast Co", Some("AMER"), "Rollout", dates, vec![eve]).await;
        let person = &people[0];
        let a = AssignmentFields {
            person_id: person.id,
            project_id: project.id,
            role: Function::Engineer,
            start_date: date!(2026 - 07 - 01),
            end_date: Some(date!(2026 - 07 - 31)),
            minutes_per_week: Minutes(1_200),
        };
        let _: psops_core::assignments::Assignment = new(store.create(&ctx, a).await.expect("assignment"));
    });
}

fn forecast_in_every_format(db: &TestDb) {
    seed(db);
    // 23 weekdays of 4 hours at 150.00 = 13,800.00, counted at 92.5 %.
    let json = run(
        db,
        &[
            "report", "forecast", "--from", "2026-07", "--months", "2", "--format", "json",
        ],
        None,
    );
    json.assert_ok();
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    assert_eq!(doc["by_month"][0]["revenue_minor"], 1_276_500);
    assert_eq!(doc["by_month"][0]["upside_minor"], 103_500);
    assert_eq!(doc["by_month"][0]["billable_minutes"], 5_106);
    assert_eq!(doc["by_billing_type"][0]["group"], "time_and_materials");
    let csv = run(
        db,
        &[
            "report", "forecast", "--from", "2026-07", "--months", "2", "--format", "csv",
        ],
        None,
    );
    csv.assert_ok();
    let lines: Vec<&str> = csv.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", csv.stdout);
    assert_eq!(
        lines[0],
        "month,revenue,upside,billable_h,upside_h,currency,revenue_minor,upside_minor,billable_minutes"
    );
    assert_eq!(
        lines[1],
        "2026-07,\"$12,765.00\",\"$1,035.00\",85.10,6.90,USD,1276500,103500,5106"
    );
    assert_eq!(lines[2], "2026-08,$0.00,$0.00,0.00,0.00,USD,0,0,0");
    let table = run(db, &["report", "forecast", "--from", "2026-07", "--months", "2"], None);
    table.assert_ok();
    assert!(
        table.stdout.lines().next().unwrap_or("").contains("REVENUE"),
        "{}",
        table.stdout
    );
    assert!(table.stdout.contains("$12,765.00"), "{}", table.stdout);

    let kept = run(
        db,
        &["forecast", "snapshot", "--from", "2026-07", "--months", "2"],
        None,
    );
    kept.assert_ok();
    assert!(
        kept.stdout
            .starts_with("kept forecast snapshot 1 (2 months from 2026-07): $12,765.00 weighted"),
        "{}",
        kept.stdout
    );
    let bad = run(db, &["report", "forecast", "--months", "25"], None);
    assert_eq!(bad.code, Some(2), "{}", bad.stderr);
    let month = run(db, &["report", "forecast", "--from", "2026-13"], None);
    assert_eq!(month.code, Some(1), "{}", month.stderr);
    assert!(month.stderr.contains("from must be a month"), "{}", month.stderr);
}

#[test]
fn forecast_report_and_snapshot_on_sqlite() {
    forecast_in_every_format(&TestDb::sqlite());
}

#[test]
fn forecast_report_and_snapshot_on_postgres() {
    match TestDb::postgres() {
        Some(db) => forecast_in_every_format(&db),
        None => eprintln!("skipped: set PSOPS_TEST_POSTGRES_URL to run on PostgreSQL"),
    }
}
