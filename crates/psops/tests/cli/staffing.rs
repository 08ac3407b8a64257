//! `psops staffing optimize`: two engineers, a hard and two soft requests of 30 hours a
//! week each; the dry run prints the plan and books nothing, the real run books it (the
//! hard request becomes an assignment), and a second run finds nothing left to place —
//! on SQLite and (when configured) PostgreSQL.

use psops_core::people::Function;
use psops_core::plan::{Booking, RequestStatus, ResourceRequest, ResourceRequestFields};
use psops_core::store::WriteCtx;
use psops_core::store::prelude::*;
use psops_core::{Id, Minutes};
use time::macros::date;

use crate::support::{TestDb, engineer, new, project_and_people, run};

fn seed(db: &TestDb) -> Vec<i64> {
    run(db, &["migrate"], None).assert_ok();
    crate::support::on_store(db, async |store| {
        let ctx = WriteCtx::trusted();
        let hired = date!(2026 - 01 - 01);
        let people = vec![
            engineer("Ada Engineer", "ada@staffing.example", "EMEA", "Europe/Berlin", hired),
            engineer("Bo Engineer", "bo@staffing.example", "EMEA", "Europe/Berlin", hired),
        ];
        let dates = (date!(2027 - 01 - 04), date!(2027 - 06 - 30));
        let (project, _) = project_and_people(store, "Staffing Co", Some("EMEA"), "Rollout", dates, people).await;
        let mut ids = Vec::new();
        for booking in [Booking::Hard, Booking::Soft, Booking::Soft] {
            let f = ResourceRequestFields {
                minutes_per_week: Some(Minutes(1_800)),
                ..ResourceRequestFields::new(
                    project.id,
                    Function::Engineer,
                    Minutes(4 * 1_800),
                    Some(date!(2027 - 01 - 04)),
                    Some(date!(2027 - 01 - 29)),
                    booking,
                )
            };
            let r: ResourceRequest = new(store.create(&ctx, f).await.expect("request"));
            ids.push(r.id.get());
        }
        ids
    })
}

fn optimize(db: &TestDb) {
    let ids = seed(db);
    let window = ["--from", "2027-01-01", "--to", "2027-01-31"];
    let dry = run(
        db,
        &[&["staffing", "optimize", "--dry-run"][..], &window[..]].concat(),
        None,
    );
    dry.assert_ok();
    let first = dry.stdout.lines().next().unwrap_or("");
    assert!(
        first.starts_with("3 requests (1 hard): 2 filled, hard fill 100.0 %, 240.00 filled"),
        "{}",
        dry.stdout
    );
    assert!(dry.stdout.contains("(left open)"), "{}", dry.stdout);
    assert!(
        dry.stdout.trim_end().ends_with("dry run: nothing booked"),
        "{}",
        dry.stdout
    );
    let hard = crate::support::on_store(db, async |s| {
        let r: ResourceRequest = s.get(Id::new(ids[0])).await.expect("read");
        r.fields.status
    });
    assert_eq!(hard, RequestStatus::Open, "a dry run books nothing");

    let json = run(
        db,
        &[
            &["staffing", "optimize", "--dry-run", "--format", "json"][..],
            &window[..],
        ]
        .concat(),
        None,
    );
    json.assert_ok();
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    assert_eq!(doc["figures"]["hard_fill_bp"], 10_000);
    assert_eq!(doc["lines"].as_array().map(Vec::len), Some(2));
    assert!(doc["lines"][0]["why"].as_str().unwrap_or("").starts_with("fit "));

    let real = run(db, &[&["staffing", "optimize"][..], &window[..]].concat(), None);
    real.assert_ok();
    assert!(
        real.stdout
            .contains("booked 2 request(s): 1 hard (assignments made), 1 soft (held)"),
        "{}",
        real.stdout
    );
    let hard = crate::support::on_store(db, async |s| {
        let r: ResourceRequest = s.get(Id::new(ids[0])).await.expect("read");
        (r.fields.status, r.fields.person_id.is_some())
    });
    assert_eq!(hard, (RequestStatus::Filled, true));

    let again = run(db, &[&["staffing", "optimize"][..], &window[..]].concat(), None);
    again.assert_ok();
    assert!(
        again.stdout.starts_with("1 requests (0 hard): 0 filled"),
        "{}",
        again.stdout
    );
    assert!(
        again.stdout.contains("soft bookings already take the room"),
        "{}",
        again.stdout
    );
    assert!(again.stdout.trim_end().ends_with("nothing to book"), "{}", again.stdout);

    let bad = run(db, &["staffing", "optimize", "--from", "2027-02-30"], None);
    assert_eq!(bad.code, Some(2), "{}", bad.stderr);
    let backwards = run(
        db,
        &["staffing", "optimize", "--from", "2027-02-01", "--to", "2027-01-01"],
        None,
    );
    assert_eq!(backwards.code, Some(1), "{}", backwards.stderr);
    assert!(
        backwards.stderr.contains("to must be on or after from"),
        "{}",
        backwards.stderr
    );
}

#[test]
fn optimize_on_sqlite() {
    optimize(&TestDb::sqlite());
}

#[test]
fn optimize_on_postgres() {
    match TestDb::postgres() {
        Some(db) => optimize(&db),
        None => eprintln!("skipped: set PSOPS_TEST_POSTGRES_URL to run on PostgreSQL"),
    }
}
