//! `psops catalog` and `psops rates` end to end: a new organisation holds the handbook's
//! catalog; export → import into an empty database → export gives the same file; a dry
//! run and a bad file write nothing; re-importing changes nothing; rates round-trip and
//! overlapping periods are refused by line.

use crate::support::{TestDb, run, scratch};

/// The demo person every rate file below names: made by `psops import people`.
const PEOPLE: &str =
    "name,email,function,region,employment_start\nAda Rate,ada@rates.example,engineer,EMEA,2024-01-01\n";

fn export(db: &TestDb) -> String {
    let out = run(db, &["catalog", "export"], None);
    out.assert_ok();
    out.stdout
}

fn catalog_story(a: &TestDb, b: &TestDb) {
    // A new organisation holds the handbook's catalog, loaded once.
    run(a, &["migrate"], None).assert_ok();
    let first = export(a);
    assert!(
        first.contains("name: Migration+") && first.contains("maturity: lovable"),
        "{first}"
    );
    assert_eq!(first.matches("    - name:").count(), 22, "the handbook's 22 offerings");
    assert!(
        first.contains("amount: '500.00'") || first.contains("amount: \"500.00\""),
        "{first}"
    );
    run(a, &["migrate"], None).assert_ok();
    assert_eq!(export(a), first, "migrating again adds nothing");

    // Change it: a new offering with an effort template, a priced SKU, a bundle.
    let extra = format!(
        "{}\n",
        first.replace(
            "    - name: Development\n      maturity: planned\n",
            "    - name: Development\n      maturity: planned\n      effort:\n      - role: engineer\n        hours: 37.5\n      skus:\n      - code: DEV-10\n        name: Ten days of development\n        unit: fixed_package\n        currency: USD\n        channel: sales_assisted\n        prices:\n        - from: 2026-01-01\n          amount: '12000.00'\n",
        )
    );
    assert_ne!(extra.trim(), first.trim(), "the edit found its place");
    let file = scratch("catalog.yaml", &extra);
    let file = file.to_str().unwrap_or_default();
    let dry = run(a, &["catalog", "import", file, "--dry-run"], None);
    dry.assert_ok();
    assert!(dry.stdout.contains("nothing written"), "{}", dry.stdout);
    assert_eq!(export(a), first, "a dry run writes nothing");
    let done = run(a, &["catalog", "import", file], None);
    done.assert_ok();
    assert!(done.stdout.contains("2 created, 1 updated"), "{}", done.stdout);
    let again = run(a, &["catalog", "import", file], None);
    again.assert_ok();
    assert!(again.stdout.contains("0 created, 0 updated"), "{}", again.stdout);
    let changed = export(a);
    assert!(
        changed.contains("DEV-10") && changed.contains("hours: '37.5'"),
        "{changed}"
    );

    // Export, import into an empty database, export again: the same catalog.
    let path = scratch("round.yaml", &changed);
    run(b, &["catalog", "import", path.to_str().unwrap_or_default()], None).assert_ok();
    assert_eq!(export(b), changed);

    // A bad file names the entry and field, and writes nothing.
    let bad = changed.replace(
        "name: Ten days of development\n        unit: fixed_package",
        "name: Ten days of development\n        unit: hours_block",
    );
    assert_ne!(bad, changed);
    let bad = scratch("bad.yaml", &bad);
    let refused = run(a, &["catalog", "import", bad.to_str().unwrap_or_default()], None);
    assert_eq!(refused.code, Some(1), "{}", refused.stderr);
    assert!(
        refused.stdout.contains("block_hours") && refused.stdout.contains("depends_on"),
        "{}",
        refused.stdout
    );
    assert!(refused.stdout.contains("skus[0]"), "{}", refused.stdout);
    assert_eq!(export(a), changed);
    let syntax = scratch("syntax.yaml", "categories:\n- name: C\n  colour: red\n");
    let refused = run(a, &["catalog", "import", syntax.to_str().unwrap_or_default()], None);
    assert_eq!(refused.code, Some(1));
    assert!(refused.stdout.contains("line 3"), "{}", refused.stdout);
}

fn rates_story(db: &TestDb) {
    let people = scratch("people.csv", PEOPLE);
    run(db, &["import", "people", people.to_str().unwrap_or_default()], None).assert_ok();
    let cards = "role,region,currency,rate,effective_from,effective_to\n\
        engineer,EMEA,EUR,230.00,2026-01-01,2026-06-30\n\
        engineer,EMEA,EUR,240.00,2026-07-01,\n\
        technical_architect,AMER,USD,310,2026-01-01,\n";
    let path = scratch("bill.csv", cards);
    let path = path.to_str().unwrap_or_default();
    let done = run(db, &["rates", "import", path, "--kind", "bill"], None);
    done.assert_ok();
    assert!(done.stdout.contains("3 new"), "{}", done.stdout);
    let again = run(db, &["rates", "import", path, "--kind", "bill"], None);
    again.assert_ok();
    assert!(
        again.stdout.contains("0 new, 0 updated, 3 unchanged"),
        "{}",
        again.stdout
    );
    let out = run(db, &["rates", "export", "--kind", "bill"], None);
    out.assert_ok();
    assert_eq!(
        out.stdout,
        "role,region,currency,rate,effective_from,effective_to\n\
         engineer,EMEA,EUR,230.00,2026-01-01,2026-06-30\n\
         engineer,EMEA,EUR,240.00,2026-07-01,\n\
         technical_architect,AMER,USD,310.00,2026-01-01,\n"
    );
    // An overlap with what is stored, and one within the file, are refused by line.
    let clash = "role,region,currency,rate,effective_from,effective_to\n\
        engineer,emea,EUR,250.00,2026-06-01,2026-06-15\n\
        trainer,APAC,AUD,400,2026-01-01,\n\
        trainer,APAC,AUD,410,2026-03-01,\n";
    let clash = scratch("clash.csv", clash);
    let refused = run(
        db,
        &["rates", "import", clash.to_str().unwrap_or_default(), "--kind", "bill"],
        None,
    );
    assert_eq!(refused.code, Some(1), "{}", refused.stderr);
    assert!(refused.stdout.contains("overlap"), "{}", refused.stdout);
    assert!(
        refused.stdout.lines().any(|l| l.starts_with('2')) && refused.stdout.lines().any(|l| l.starts_with('4')),
        "{}",
        refused.stdout
    );
    assert!(refused.stderr.contains("nothing was imported"), "{}", refused.stderr);
    // Cost rates by e-mail; FX into the reporting currency.
    let cost = scratch(
        "cost.csv",
        "person_email,currency,rate,effective_from,effective_to\nada@rates.example,EUR,95.50,2026-01-01,\nnobody@x.example,EUR,1,2026-01-01,\n",
    );
    let refused = run(
        db,
        &["rates", "import", cost.to_str().unwrap_or_default(), "--kind", "cost"],
        None,
    );
    assert!(refused.stdout.contains("unknown_person"), "{}", refused.stdout);
    let cost = scratch(
        "cost.csv",
        "person_email,currency,rate,effective_from,effective_to\nada@rates.example,EUR,95.50,2026-01-01,\n",
    );
    run(
        db,
        &["rates", "import", cost.to_str().unwrap_or_default(), "--kind", "cost"],
        None,
    )
    .assert_ok();
    let out = run(db, &["rates", "export", "--kind", "cost"], None);
    assert!(
        out.stdout.contains("ada@rates.example,EUR,95.50,2026-01-01,"),
        "{}",
        out.stdout
    );
    let fx = scratch(
        "fx.csv",
        "currency,quote,date,rate\nEUR,USD,2026-01-02,1.0842\nAUD,EUR,2026-01-02,0.6\n",
    );
    let refused = run(
        db,
        &[
            "rates",
            "import",
            fx.to_str().unwrap_or_default(),
            "--kind",
            "fx",
            "--dry-run",
        ],
        None,
    );
    assert!(refused.stdout.contains("reporting currency"), "{}", refused.stdout);
    let fx = scratch("fx.csv", "currency,quote,date,rate\nEUR,USD,2026-01-02,1.0842\n");
    run(
        db,
        &["rates", "import", fx.to_str().unwrap_or_default(), "--kind", "fx"],
        None,
    )
    .assert_ok();
    let out = run(db, &["rates", "export", "--kind", "fx"], None);
    assert_eq!(out.stdout, "currency,quote,date,rate\nEUR,USD,2026-01-02,1.0842\n");
}

#[test]
fn catalog_on_sqlite() {
    catalog_story(&TestDb::sqlite(), &TestDb::sqlite());
}

#[test]
fn catalog_on_postgres() {
    let (Some(a), Some(b)) = (TestDb::postgres(), TestDb::postgres()) else {
        eprintln!("PSOPS_TEST_POSTGRES_URL is not set: skipping the PostgreSQL run");
        return;
    };
    catalog_story(&a, &b);
}

#[test]
fn rates_on_sqlite() {
    rates_story(&TestDb::sqlite());
}

#[test]
fn rates_on_postgres() {
    let Some(db) = TestDb::postgres() else {
        eprintln!("PSOPS_TEST_POSTGRES_URL is not set: skipping the PostgreSQL run");
        return;
    };
    rates_story(&db);
}
