//! `psops health overdue|notify` end to end on a demo organisation: the overdue list by
//! project manager as a table and as CSV (some active projects miss this week's or last
//! week's report), a bad day refused, and the notices queued once per manager per week.

use crate::support::{TestDb, run};

fn health_story(db: &TestDb) {
    run(db, &["demo", "--people", "40", "--seed", "3"], None).assert_ok();
    let csv = run(db, &["health", "overdue", "--format", "csv"], None);
    csv.assert_ok();
    let lines: Vec<&str> = csv.stdout.lines().collect();
    assert_eq!(lines[0], "project_manager,project_id,project,missing,weeks");
    assert!(lines.len() > 1, "some reports are overdue:\n{}", csv.stdout);
    assert!(lines[1].contains("-W"), "{}", lines[1]);
    let table = run(db, &["health", "overdue"], None);
    table.assert_ok();
    assert!(table.stdout.contains("PROJECT_MANAGER") || table.stdout.to_lowercase().contains("project_manager"));
    let bad = run(db, &["health", "overdue", "--on", "someday"], None);
    assert_ne!(bad.code, Some(0));
    assert!(bad.stderr.contains("on"), "{}", bad.stderr);
    let first = run(db, &["health", "notify"], None);
    first.assert_ok();
    assert!(!first.stdout.starts_with("queued 0"), "{}", first.stdout);
    let again = run(db, &["health", "notify"], None);
    again.assert_ok();
    assert!(
        again.stdout.starts_with("queued 0 "),
        "once per manager per week: {}",
        again.stdout
    );
}

#[test]
fn health_on_sqlite() {
    health_story(&TestDb::sqlite());
}

#[test]
fn health_on_postgres() {
    let Some(db) = TestDb::postgres() else {
        eprintln!("PSOPS_TEST_POSTGRES_URL is not set: skipping the PostgreSQL run");
        return;
    };
    health_story(&db);
}
