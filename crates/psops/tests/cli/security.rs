//! The CLI's part of issue 10: every CSV it writes — `export time` in each shape, the
//! reports, the audit log — neutralises spreadsheet formulas; the last active
//! administrator can be neither demoted nor disabled; dates outside 1900–2200 and token
//! lifetimes over 3,650 days are refused.

use crate::support::{TestDb, run, scratch};

/// No cell may begin with a formula character, except a plain number such as `-5`.
fn assert_safe(what: &str, csv: &str) {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(csv.as_bytes());
    let mut cells = 0;
    for rec in r.records() {
        for cell in rec.expect("a CSV record").iter() {
            cells += 1;
            let starts = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
            let number = cell.trim_start_matches(['-', '+']).parse::<f64>().is_ok();
            assert!(!starts || number, "{what}: unsafe cell {cell:?}");
        }
    }
    assert!(cells > 0, "{what} is empty");
}

fn every_csv_of_the_cli_neutralises_formulas(db: &TestDb, fresh: &TestDb) {
    let people = scratch(
        "people.csv",
        "name,email,function,region,employment_start\n\"=cmd|' /C calc'!A0\",eve@example.com,engineer,EMEA,2024-01-01\n",
    );
    let time = scratch(
        "time.csv",
        "date,person_email,account,project,category,minutes,billable,note\n\
         2026-03-02,eve@example.com,+1+1,@SUM(A1),,60,false,\"=HYPERLINK(\"\"http://x\"\")\"\n\
         2026-03-03,eve@example.com,,,admin,30,false,-2+3\n",
    );
    run(db, &["import", "people", &people.display().to_string()], None).assert_ok();
    run(
        db,
        &["import", "time", "--create-missing", &time.display().to_string()],
        None,
    )
    .assert_ok();
    for format in ["psops", "kimai", "harvest"] {
        let out = run(db, &["export", "time", "--format", format], None);
        out.assert_ok();
        assert!(out.stdout.contains("'=HYPERLINK"), "{format}: {}", out.stdout);
        assert_safe(&format!("export time --format {format}"), &out.stdout);
    }
    let report = run(
        db,
        &[
            "report",
            "utilization",
            "--from",
            "2026-01-01",
            "--to",
            "2026-12-31",
            "--format",
            "csv",
        ],
        None,
    );
    report.assert_ok();
    assert!(report.stdout.contains("'=cmd"), "{}", report.stdout);
    assert_safe("report utilization", &report.stdout);
    let compliance = run(
        db,
        &["report", "compliance", "--week", "2026-W10", "--format", "csv"],
        None,
    );
    compliance.assert_ok();
    assert_safe("report compliance", &compliance.stdout);
    let audit = run(db, &["audit", "list", "--format", "csv"], None);
    audit.assert_ok();
    assert_safe("audit list", &audit.stdout);

    // A psops export imports back with its notes exactly as they were.
    let exported = run(db, &["export", "time"], None);
    let file = scratch("again.csv", &exported.stdout);
    run(fresh, &["import", "people", &people.display().to_string()], None).assert_ok();
    run(
        fresh,
        &["import", "time", "--create-missing", &file.display().to_string()],
        None,
    )
    .assert_ok();
    let back = run(fresh, &["export", "time"], None);
    assert_eq!(back.stdout, exported.stdout, "the round trip keeps every cell");
}

fn the_last_administrator_stays_and_dates_and_tokens_are_bounded(db: &TestDb) {
    let create = [
        "user",
        "create",
        "--email",
        "root@example.com",
        "--name",
        "Root",
        "--role",
        "admin",
    ];
    run(db, &create, Some("a long passphrase of ours\n")).assert_ok();
    let demote = run(
        db,
        &[
            "user",
            "set-roles",
            "--email",
            "root@example.com",
            "--role",
            "consultant",
        ],
        None,
    );
    assert_eq!(demote.code, Some(1), "{}", demote.stdout);
    assert!(demote.stderr.contains("last active administrator"), "{}", demote.stderr);
    let disable = run(db, &["user", "disable", "--email", "root@example.com"], None);
    assert_eq!(disable.code, Some(1), "{}", disable.stdout);
    assert!(
        disable.stderr.contains("last active administrator"),
        "{}",
        disable.stderr
    );

    let far = run(
        db,
        &[
            "token",
            "create",
            "--email",
            "root@example.com",
            "--expires-in-days",
            "3651",
        ],
        None,
    );
    assert_ne!(far.code, Some(0), "{}", far.stdout);
    run(
        db,
        &[
            "token",
            "create",
            "--email",
            "root@example.com",
            "--expires-in-days",
            "3650",
        ],
        None,
    )
    .assert_ok();

    for args in [
        ["report", "utilization", "--from", "9999-12-31", "--to", "9999-12-31"],
        ["report", "utilization", "--from", "1899-12-31", "--to", "2026-01-01"],
    ] {
        let out = run(db, &args, None);
        assert_eq!(out.code, Some(1), "{args:?}: {}", out.stdout);
        assert!(out.stderr.contains("1900-01-01"), "{args:?}: {}", out.stderr);
    }
    let quarter = run(db, &["report", "utilization", "--quarter", "FY9999-Q4"], None);
    assert_eq!(quarter.code, Some(1));
    let week = run(db, &["report", "compliance", "--week", "9999-W52"], None);
    assert_eq!(week.code, Some(1), "{}", week.stdout);
}

#[test]
fn csv_on_sqlite() {
    every_csv_of_the_cli_neutralises_formulas(&TestDb::sqlite(), &TestDb::sqlite());
}

#[test]
fn admins_dates_and_tokens_on_sqlite() {
    the_last_administrator_stays_and_dates_and_tokens_are_bounded(&TestDb::sqlite());
}

#[test]
fn csv_on_postgres() {
    match (TestDb::postgres(), TestDb::postgres()) {
        (Some(a), Some(b)) => every_csv_of_the_cli_neutralises_formulas(&a, &b),
        _ => eprintln!("skipped: set PSOPS_TEST_POSTGRES_URL to run on PostgreSQL"),
    }
}

#[test]
fn admins_dates_and_tokens_on_postgres() {
    match TestDb::postgres() {
        Some(db) => the_last_administrator_stays_and_dates_and_tokens_are_bounded(&db),
        None => eprintln!("skipped: set PSOPS_TEST_POSTGRES_URL to run on PostgreSQL"),
    }
}
