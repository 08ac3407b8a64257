//! `psops report`, `psops verify`, `psops calendar import` and `psops period lock` on a
//! database holding one engineer with ten billable hours in FY2026-Q1: every figure in
//! every format, on SQLite and (when configured) PostgreSQL.

use psops_core::Minutes;
use psops_core::assignments::AssignmentFields;
use psops_core::people::Function;
use psops_core::store::WriteCtx;
use psops_core::store::prelude::*;
use psops_core::time_entries::NewTimeEntry;

use time::macros::date;

use crate::support::{TestDb, engineer, new, project_and_people, run};

/// An engineer, employed throughout, with 600 billable minutes on 2026-01-05.
pub fn seed(db: &TestDb) -> i64 {
    run(db, &["migrate"], None).assert_ok();
    crate::support::on_store(db, async |store| {
        let ctx = WriteCtx::trusted();
        let ada = engineer("Ada Lovelace", "ada@example.com", "EMEA", "UTC", date!(2025 - 01 - 01));
        let dates = (date!(2026 - 01 - 01), date!(2026 - 12 - 31));
        let (project, people) = project_and_people(store, "Globex", None, "Migration", dates, vec![ada]).await;
        let person = &people[0];
        let assignment = AssignmentFields {
            person_id: person.id,
            project_id: project.id,
            role: Function::Engineer,
            start_date: date!(2026 - 01 - 01),
            end_date: Some(date!(2026 - 12 - 31)),
            minutes_per_week: Minutes(600),
        };
        let _: psops_core::assignments::Assignment = new(store.create(&ctx, assignment).await.expect("assignment"));
        let entry = NewTimeEntry {
            person_id: person.id,
            project_id: Some(project.id),
            category: None,
            date: date!(2026 - 01 - 05),
            minutes: Minutes(600),
            billable: Some(true),
            note: None,
        };
        store.create_time_entry(&ctx, entry).await.expect("entry");
        person.id.get()
    })
}

fn reports_in_every_format(db: &TestDb) {
    let person = seed(db);
    let cap = run(db, &["report", "capacity", "--format", "csv"], None);
    cap.assert_ok();
    assert_eq!(cap.stdout.lines().next(), Some("item,formula,hours,key"));
    for line in [
        "holiday hours,11 holidays × 8 h,88.00,holiday",
        "available hours,total weekday − non-working,1696.00,available",
        "quarterly hour total,available ÷ 4,424.00,quarterly",
    ] {
        assert!(cap.stdout.lines().any(|l| l == line), "{line} in {}", cap.stdout);
    }
    let table = run(db, &["report", "capacity"], None);
    table.assert_ok();
    let lines: Vec<&str> = table.stdout.lines().collect();
    assert!(
        lines[0].starts_with("ITEM") && lines[0].contains("FORMULA") && lines[0].ends_with("HOURS"),
        "{}",
        table.stdout
    );
    let hours_at = lines[0].find("HOURS").unwrap_or(0);
    assert!(
        lines
            .iter()
            .any(|l| l.chars().skip(hours_at).collect::<String>() == "296.80"),
        "aligned: {}",
        table.stdout
    );
    let json = run(db, &["report", "capacity", "--format", "json"], None);
    json.assert_ok();
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    assert_eq!(doc["rows"][5]["hours"], "1696");
    assert_eq!(doc["policy"]["pto_days"], 28);

    let util = run(
        db,
        &["report", "utilization", "--quarter", "FY2026-Q1", "--format", "csv"],
        None,
    );
    util.assert_ok();
    let rows: Vec<&str> = util.stdout.lines().collect();
    assert_eq!(rows.len(), 3, "{}", util.stdout);
    let row =
        format!("{person},Ada Lovelace,424.00,512.00,10.00,10.00,296.80,2.4%,2.4%,2.0%,2.0%,100.0%,70.0%,3.4%,286.80");
    assert_eq!(rows[1], row);
    assert_eq!(
        rows[2],
        "total,Total,424.00,512.00,10.00,10.00,296.80,2.4%,2.4%,2.0%,2.0%,100.0%,70.0%,3.4%,286.80"
    );
    let by_function = run(
        db,
        &[
            "report",
            "utilization",
            "--from",
            "2026-01-05",
            "--to",
            "2026-01-09",
            "--group-by",
            "function",
        ],
        None,
    );
    by_function.assert_ok();
    let lines: Vec<&str> = by_function.stdout.lines().collect();
    assert!(
        lines[0].starts_with("KEY") && lines[0].contains("WORKED_H"),
        "{}",
        by_function.stdout
    );
    assert!(
        lines[1].starts_with("engineer") && lines[1].contains("10.00"),
        "{}",
        by_function.stdout
    );
    let json = run(
        db,
        &["report", "utilization", "--quarter", "FY2026-Q1", "--format", "json"],
        None,
    );
    json.assert_ok();
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    assert_eq!(doc["total"]["worked_minutes"], 600);
    assert_eq!(doc["total"]["billable_utilization_bp"], 236);
    assert_eq!(doc["rows"][0]["name"], "Ada Lovelace");
    let bad = run(db, &["report", "utilization", "--quarter", "2026Q1"], None);
    assert_eq!(bad.code, Some(1));
    assert!(bad.stderr.contains("quarter"), "{}", bad.stderr);

    let compliance = run(
        db,
        &[
            "report",
            "compliance",
            "--week",
            "2026-W02",
            "--as-of",
            "2026-01-20",
            "--format",
            "csv",
        ],
        None,
    );
    compliance.assert_ok();
    assert_eq!(
        compliance.stdout.lines().next(),
        Some("person_id,name,manager_id,submitted_on,approved_on,status")
    );
    assert!(compliance.stdout.contains(",Ada Lovelace,,,,"), "{}", compliance.stdout);

    let verify = run(db, &["verify"], None);
    verify.assert_ok();
    assert!(verify.stdout.contains("rollups match"), "{}", verify.stdout);
}

fn calendars_and_locks(db: &TestDb) {
    let person = seed(db);
    let file = crate::support::scratch("holidays.csv", "date,name\n2026-01-06,Epiphany\n");
    let path = file.display().to_string();
    let imported = run(db, &["calendar", "import", "--region", "EMEA", &path], None);
    imported.assert_ok();
    assert!(
        imported.stdout.starts_with("added 1 holidays to calendar"),
        "{}",
        imported.stdout
    );
    let again = run(db, &["calendar", "import", "--region", "emea", &path], None);
    assert_eq!(again.code, Some(1), "a date already on the calendar is refused");
    let _ = std::fs::remove_file(&file);
    let util = run(
        db,
        &[
            "report",
            "utilization",
            "--from",
            "2026-01-05",
            "--to",
            "2026-01-09",
            "--format",
            "csv",
            "--person-id",
            &person.to_string(),
        ],
        None,
    );
    util.assert_ok();
    assert!(
        util.stdout.lines().nth(1).is_some_and(|l| l.contains(",32.00,")),
        "a holiday lowers the calendar view: {}",
        util.stdout
    );
    let locked = run(
        db,
        &["period", "lock", "--from", "2026-01-01", "--to", "2026-01-31"],
        None,
    );
    locked.assert_ok();
    assert!(
        locked.stdout.starts_with("locked 2026-01-01 to 2026-01-31"),
        "{}",
        locked.stdout
    );
    let backwards = run(
        db,
        &["period", "lock", "--from", "2026-02-10", "--to", "2026-02-01"],
        None,
    );
    assert_eq!(backwards.code, Some(1));
    assert!(backwards.stderr.contains("error: to:"), "{}", backwards.stderr);
}

#[test]
fn reports_on_sqlite() {
    reports_in_every_format(&TestDb::sqlite());
    calendars_and_locks(&TestDb::sqlite());
}

#[test]
fn reports_on_postgres() {
    match (TestDb::postgres(), TestDb::postgres()) {
        (Some(a), Some(b)) => {
            reports_in_every_format(&a);
            calendars_and_locks(&b);
        }
        _ => eprintln!("skipped: set PSOPS_TEST_POSTGRES_URL to run on PostgreSQL"),
    }
}
