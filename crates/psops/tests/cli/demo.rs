//! `psops demo` end to end: one sign-in per role on stdout, counts on stderr, a clean
//! `psops verify` afterwards, and a refusal to load into a database that holds records.

use crate::support::{TestDb, run};

const ROLES: [&str; 10] = [
    "admin",
    "ops",
    "finance",
    "practice_manager",
    "engagement_manager",
    "project_manager",
    "consultant",
    "partner_manager",
    "partner_consultant",
    "leadership",
];

fn demo_story(db: &TestDb) {
    let out = run(db, &["demo", "--people", "20", "--seed", "9"], None);
    out.assert_ok();
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 11, "a header and one row per role:\n{}", out.stdout);
    assert!(lines[0].starts_with("EMAIL") && lines[0].contains("ROLE") && lines[0].contains("PASSWORD"));
    for (line, role) in lines[1..].iter().zip(ROLES) {
        let cells: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(cells.len(), 3, "{line}");
        assert!(cells[0].contains('@'), "{line}");
        assert_eq!(cells[1], role);
        assert_eq!(cells[2].len(), 24, "a generated password: {line}");
    }
    assert!(out.stderr.contains("loaded 20 people"), "{}", out.stderr);
    assert!(out.stderr.contains("entries/s"), "{}", out.stderr);
    // Not a terminal: no progress line redrawn in place, nothing but the log and summary.
    assert!(!out.stderr.contains('\r'), "{:?}", out.stderr);
    assert!(!out.stderr.contains("loading 20 people"), "{}", out.stderr);

    // The demo prices the handbook's catalog (marked as demo data), gives offerings their
    // effort and kit, and keeps the one handbook price as it is.
    let catalog = run(db, &["catalog", "export"], None);
    catalog.assert_ok();
    let text = &catalog.stdout;
    assert!(text.matches("demo price").count() >= 30, "{text}");
    assert!(
        text.contains("the handbook's price") && text.contains("'500.00'"),
        "{text}"
    );
    assert!(
        text.contains("effort:") && text.contains("handbook.demo.psops.example/kits"),
        "{text}"
    );
    let cards = run(db, &["rates", "export", "--kind", "bill"], None);
    assert!(
        cards.stdout.lines().count() > 30 && cards.stdout.contains(",EUR,"),
        "{}",
        cards.stdout
    );

    let verified = run(db, &["verify"], None);
    verified.assert_ok();

    let again = run(db, &["demo"], None);
    assert_eq!(again.code, Some(1), "{}", again.stderr);
    assert!(again.stderr.contains("fresh database"), "{}", again.stderr);
    assert_eq!(again.stdout, "", "no passwords the second time");

    let listed = run(db, &["user", "list"], None);
    listed.assert_ok();
    for role in ROLES {
        assert!(listed.stdout.contains(role), "{role} in {}", listed.stdout);
    }
}

#[test]
fn demo_on_sqlite() {
    demo_story(&TestDb::sqlite());
}

#[test]
fn demo_on_postgres() {
    let Some(db) = TestDb::postgres() else {
        eprintln!("PSOPS_TEST_POSTGRES_URL is not set: skipping the PostgreSQL run");
        return;
    };
    demo_story(&db);
}

#[test]
fn demo_refuses_sizes_out_of_range() {
    let db = TestDb::sqlite();
    let out = run(&db, &["demo", "--people", "3"], None);
    assert_ne!(out.code, Some(0));
    assert!(out.stderr.contains("people"), "{}", out.stderr);
}
