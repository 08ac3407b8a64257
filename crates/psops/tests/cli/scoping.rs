//! `psops import opportunities` and `psops scoping` end to end: a CRM export imports
//! through its column mapping once (a dry run and a bad row write nothing; importing
//! again changes nothing), and the sweep and reports run on what is stored.

use crate::support::{TestDb, run, scratch};

const ACCOUNTS: &str = "name,region\nNorthwind,EMEA\nContoso,AMER\n";

const EXPORT: &str = "Opportunity ID,Opportunity Name,Account Name,Territory,Stage,PS Value,Edu Value\n\
    006A,Cloud migration,Northwind,Ent_EMEA,Negotiation,60000,5000\n\
    006B,Upgrade,Contoso,MM_West,Qualify,12000,\n";

fn scoping_story(db: &TestDb) {
    let accounts = scratch("accounts.csv", ACCOUNTS);
    run(db, &["import", "accounts", accounts.to_str().unwrap_or_default()], None).assert_ok();
    let export = scratch("crm.csv", EXPORT);
    let export = export.to_str().unwrap_or_default();
    let map = [
        "--map",
        "crm_id=Opportunity ID",
        "--map",
        "name=Opportunity Name",
        "--map",
        "account=Account Name",
        "--map",
        "segment=Territory",
        "--map",
        "ps_value=PS Value",
        "--map",
        "edu_value=Edu Value",
    ];
    let import = |extra: &[&str]| {
        let mut args = vec!["import", "opportunities", export];
        args.extend(map);
        args.extend(extra);
        run(db, &args, None)
    };
    let dry = import(&["--dry-run"]);
    dry.assert_ok();
    assert!(dry.stdout.contains("2"), "{}", dry.stdout);
    let wins = run(db, &["scoping", "wins", "--format", "csv"], None);
    wins.assert_ok();
    assert_eq!(
        wins.stdout, "quarter,won,lost,win_rate\ntotal,0,0,\n",
        "nothing closed yet"
    );
    let done = import(&[]);
    done.assert_ok();
    let again = import(&[]);
    again.assert_ok();
    assert_ne!(done.stdout, again.stdout, "the second import changes nothing");
    assert!(again.stdout.to_lowercase().contains("skipped"), "{}", again.stdout);
    // A mapping naming an unknown field is refused before anything is read.
    let mut args = vec!["import", "opportunities", export, "--map", "budget=Amount"];
    args.extend(map);
    let refused = run(db, &args, None);
    assert_ne!(refused.code, Some(0), "{}", refused.stdout);
    assert!(refused.stderr.contains("budget"), "{}", refused.stderr);
    // A row naming an unknown account fails, by line, and nothing is written.
    let bad = scratch(
        "bad.csv",
        "crm_id,name,account,segment\n006C,New,Nobody,SMB\n006D,Fine,Northwind,SMB\n",
    );
    let bad = run(db, &["import", "opportunities", bad.to_str().unwrap_or_default()], None);
    assert_eq!(bad.code, Some(1), "{}", bad.stderr);
    assert!(bad.stdout.contains("unmatched_account"), "{}", bad.stdout);
    // Fresh records: the sweep closes nothing and no clock is overdue yet.
    let swept = run(db, &["scoping", "sweep"], None);
    swept.assert_ok();
    assert!(
        swept.stdout.starts_with("closed 0 scoping record(s)"),
        "{}",
        swept.stdout
    );
    let overdue = run(db, &["scoping", "overdue", "--format", "csv"], None);
    overdue.assert_ok();
    assert_eq!(overdue.stdout, "due_at,clock,state,engagement_manager,opportunity\n");
}

#[test]
fn scoping_on_sqlite() {
    scoping_story(&TestDb::sqlite());
}

#[test]
fn scoping_on_postgres() {
    let Some(db) = TestDb::postgres() else {
        eprintln!("PSOPS_TEST_POSTGRES_URL is not set: skipping the PostgreSQL run");
        return;
    };
    scoping_story(&db);
}
