//! `psops import` and `psops export` end to end: an organisation from CSV, a dry run that
//! writes nothing, bad rows as a table with exit code 1, and an export imported into an
//! empty database with the same totals.

use std::collections::BTreeMap;

use crate::support::{TestDb, run, scratch};

fn arg(p: &std::path::Path) -> String {
    p.display().to_string()
}

const TIME: &str = "date,person_email,project_code,category,minutes,billable,note\n\
    2026-03-02,zoe@example.com,ACME-MIG,,90,true,\"Cut-over plan, phase 1\"\n\
    2026-03-02,zoe@example.com,,admin,30,false,Expenses\n\
    2026-03-03,pat@example.com,ACME-MIG,,120,true,Status report\n";

fn organisation(db: &TestDb) {
    let accounts = scratch("accounts.csv", "name,code\n\"Acme, Inc.\",ACME\n");
    let projects = scratch(
        "projects.csv",
        "name,code,account,project_type,billing_type,start_date\nCloud Migration,ACME-MIG,ACME,consulting,time_and_materials,2026-01-01\n",
    );
    let people = scratch(
        "people.csv",
        "name,email,function,region,employment_start,manager_email\n\
         Zoë Müller,zoe@example.com,engineer,EMEA,2024-01-01,pat@example.com\n\
         Pat Lee,pat@example.com,project_manager,AMER,2020-01-01,\n",
    );
    for (kind, file) in [("accounts", &accounts), ("projects", &projects), ("people", &people)] {
        let out = run(db, &["import", kind, &arg(file)], None);
        out.assert_ok();
        assert!(out.stdout.contains("new"), "{}", out.stdout);
    }
}

/// Minutes per (e-mail, project code or category) in a psops export.
fn totals(csv: &str) -> BTreeMap<(String, String), i64> {
    let mut out = BTreeMap::new();
    for r in csv::Reader::from_reader(csv.as_bytes()).records() {
        let r = r.expect("a CSV record");
        let what = format!("{}{}", &r[5], &r[6]);
        *out.entry((r[1].to_string(), what)).or_insert(0) += r[7].parse::<i64>().expect("minutes");
    }
    out
}

#[test]
fn import_dry_run_bad_rows_and_an_export_round_trip() {
    let db = TestDb::sqlite();
    organisation(&db);
    let time = scratch("time.csv", TIME);

    // Nobody is assigned to the project yet: --create-missing assigns them.
    let dry = run(
        &db,
        &["import", "time", "--dry-run", "--create-missing", &arg(&time)],
        None,
    );
    dry.assert_ok();
    assert!(
        dry.stdout.contains("3 new") && dry.stdout.contains("dry run"),
        "{}",
        dry.stdout
    );
    let empty = run(&db, &["export", "time"], None);
    empty.assert_ok();
    assert_eq!(
        empty.stdout.lines().count(),
        1,
        "a dry run wrote nothing: {}",
        empty.stdout
    );

    let bad = scratch(
        "bad.csv",
        &format!("{TIME}2026-03-04,zoe@example.com,ACME-MIG,,20,true,odd\n"),
    );
    let refused = run(
        &db,
        &["import", "time", "--format", "psops", "--create-missing", &arg(&bad)],
        None,
    );
    assert_eq!(refused.code, Some(1), "{}", refused.stderr);
    assert!(refused.stdout.starts_with("LINE  COLUMN"), "{}", refused.stdout);
    assert!(refused.stdout.contains("rounding_step"), "{}", refused.stdout);
    assert!(refused.stderr.contains("nothing was imported"), "{}", refused.stderr);

    run(&db, &["import", "time", "--create-missing", &arg(&time)], None).assert_ok();
    let again = run(&db, &["import", "time", &arg(&time)], None);
    again.assert_ok();
    assert!(
        again.stdout.contains("0 new") && again.stdout.contains("3 skipped"),
        "{}",
        again.stdout
    );

    let out = scratch("export.csv", "");
    run(
        &db,
        &["export", "time", "--from", "2026-03-01", "--output", &arg(&out)],
        None,
    )
    .assert_ok();
    let exported = std::fs::read_to_string(&out).expect("the export file");
    let expected = totals(&exported);
    assert_eq!(expected.values().sum::<i64>(), 240, "{exported}");
    let harvest = run(
        &db,
        &[
            "export",
            "time",
            "--format",
            "harvest",
            "--person-email",
            "pat@example.com",
        ],
        None,
    );
    harvest.assert_ok();
    assert_eq!(harvest.stdout.lines().count(), 2, "{}", harvest.stdout);

    let fresh = TestDb::sqlite();
    run(&fresh, &["import", "time", "--create-missing", &arg(&out)], None).assert_ok();
    let back = run(&fresh, &["export", "time"], None);
    back.assert_ok();
    assert_eq!(totals(&back.stdout), expected);
}

#[test]
fn a_bad_people_file_exits_1_and_writes_nothing() {
    let db = TestDb::sqlite();
    let people = scratch(
        "bad_people.csv",
        "name,email,function,region,employment_start\nAnn,ann@x.io,wizard,EMEA,2024-01-01\n",
    );
    let out = run(&db, &["import", "people", &arg(&people)], None);
    assert_eq!(out.code, Some(1));
    assert!(
        out.stdout.contains("function") && out.stdout.contains("one_of"),
        "{}",
        out.stdout
    );
    let missing = run(&db, &["import", "time", "/nonexistent/file.csv"], None);
    assert_eq!(missing.code, Some(1));
    assert!(missing.stderr.starts_with("error: cannot open"), "{}", missing.stderr);
}
