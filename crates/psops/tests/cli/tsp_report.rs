//! `psops report training-partners`: an enrolled partner without trainers, ramping up
//! before its ramp-up ends and not compliant after, in every format, on SQLite and (when
//! configured) PostgreSQL; a bad day is refused naming `as_of`.

use psops_core::partners::{Partner, PartnerFields, PartnerType};
use psops_core::store::prelude::*;
use psops_core::store::{Created, WriteCtx};
use time::macros::date;

use crate::support::{TestDb, on_store, run};

fn seed(db: &TestDb) {
    run(db, &["migrate"], None).assert_ok();
    on_store(db, async |store| {
        for (name, since) in [
            ("Northwind Learning", Some(date!(2026 - 01 - 15))),
            ("Not Training", None),
        ] {
            let f = PartnerFields {
                name: name.into(),
                partner_type: PartnerType::Direct,
                region: None,
                notes: None,
                training_since: since,
            };
            let made: Created<Partner> = store.create(&WriteCtx::trusted(), f).await.expect("partner");
            assert!(matches!(made, Created::New(_)));
        }
    });
}

fn training_partners_in_every_format(db: &TestDb) {
    seed(db);
    let json = run(
        db,
        &[
            "report",
            "training-partners",
            "--as-of",
            "2026-03-01",
            "--format",
            "json",
        ],
        None,
    );
    json.assert_ok();
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    assert_eq!(doc.as_array().map(Vec::len), Some(1), "{doc}");
    assert_eq!(doc[0]["partner"], "Northwind Learning");
    assert_eq!(doc[0]["status"], "ramping_up");
    let csv = run(
        db,
        &[
            "report",
            "training-partners",
            "--as-of",
            "2026-10-01",
            "--format",
            "csv",
        ],
        None,
    );
    csv.assert_ok();
    let lines: Vec<&str> = csv.stdout.lines().collect();
    assert_eq!(
        lines,
        [
            "partner,status,enrolled_on,ramp_ends_on,trainers,courses,csat,classes,late,missing",
            "Northwind Learning,not compliant,2026-01-15,2026-09-30,0/2,0/4,,0,0,\
             2 more certified trainers (has 0 of 2) (was due by 2026-09-30); 4 more courses (has 0 of 4) (was due by 2026-09-30)"
        ]
    );
    let table = run(db, &["report", "training-partners"], None);
    table.assert_ok();
    assert!(table.stdout.contains("Northwind Learning"), "{}", table.stdout);
    let bad = run(db, &["report", "training-partners", "--as-of", "2026-02-30"], None);
    assert_ne!(bad.code, Some(0));
    assert!(bad.stderr.contains("as_of"), "{}", bad.stderr);
}

#[test]
fn training_partner_report_on_sqlite() {
    training_partners_in_every_format(&TestDb::sqlite());
}

#[test]
fn training_partner_report_on_postgres() {
    match TestDb::postgres() {
        Some(db) => training_partners_in_every_format(&db),
        None => eprintln!("skipped: set PSOPS_TEST_POSTGRES_URL to run on PostgreSQL"),
    }
}
