//! `psops escalations overdue` end to end on a demo organisation: its escalations whose
//! update slipped are listed, most overdue first; `--notify` queues one notice per DRI
//! and cadence period, so running it again tells nobody twice.

use crate::support::{TestDb, run};

fn escalations_story(db: &TestDb) {
    run(db, &["demo", "--people", "20", "--seed", "7"], None).assert_ok();
    let listed = run(db, &["escalations", "overdue", "--format", "csv"], None);
    listed.assert_ok();
    let lines: Vec<&str> = listed.stdout.lines().collect();
    assert_eq!(
        lines[0], "id,severity,status,due,hours_late,dri,notified,escalation",
        "{}",
        listed.stdout
    );
    assert!(lines.len() > 1, "the demo has overdue escalations:\n{}", listed.stdout);
    assert!(lines[1..].iter().all(|l| !l.contains(",closed,")), "{}", listed.stdout);
    let told = run(db, &["escalations", "overdue", "--notify"], None);
    told.assert_ok();
    assert!(
        told.stdout.contains(&format!("notified {} DRI(s)", lines.len() - 1)),
        "{}",
        told.stdout
    );
    let again = run(db, &["escalations", "overdue", "--notify"], None);
    again.assert_ok();
    assert!(again.stdout.contains("notified 0 DRI(s)"), "{}", again.stdout);
}

#[test]
fn escalations_on_sqlite() {
    escalations_story(&TestDb::sqlite());
}

#[test]
fn escalations_on_postgres() {
    let Some(db) = TestDb::postgres() else {
        eprintln!("PSOPS_TEST_POSTGRES_URL is not set: skipping the PostgreSQL run");
        return;
    };
    escalations_story(&db);
}
