//! Stories about bringing an organisation in from psops CSV: accounts, projects and people
//! created all or nothing, matched on a second run (left alone or updated), managers found
//! anywhere in the file, and a bad row refusing the whole file.

use psops_core::imports::records::{self, RecordBatch};
use psops_core::page::PageRequest;
use psops_core::people::PersonFilter;
use psops_core::projects::ProjectFilter;
use psops_core::rule::Rule;
use psops_core::store::prelude::*;
use psops_store::Db;

use super::fixtures::ctx;

crate::stories!(
    an_organisation_comes_in_from_csv_and_again_changes_nothing,
    a_bad_record_row_refuses_the_file
);

const ACCOUNTS: &str = "name,code,region,industry,currency\n\
    \"Acme, Inc.\",ACME,AMER,Manufacturing,USD\n\
    Globex,GLX,EMEA,,EUR\n";
const PROJECTS: &str = "name,code,account,project_type,billing_type,status,start_date,end_date,\
    project_manager_email,budget_hours,budget_amount,currency,partner\n\
    Cloud Migration,ACME-MIG,ACME,consulting,time_and_materials,active,2026-01-01,2026-12-31,pat@example.com,400,60000.00,USD,\n\
    Bench,BENCH,,internal,non_billable,active,,,,,,,\n";
const PEOPLE: &str = "name,email,function,region,time_zone,fte,employment_start,employment_end,manager_email,partner\n\
    Zoë Müller,zoe@example.com,engineer,EMEA,Europe/Berlin,0.8,2024-01-15,,pat@example.com,\n\
    Pat Lee,pat@example.com,project_manager,AMER,America/New_York,1,2020-05-01,,,\n";

async fn run(db: &Db, batch: RecordBatch, dry_run: bool) -> psops_core::imports::ImportReport {
    db.import_records(&ctx(), batch, dry_run)
        .await
        .expect("the import runs")
}

fn people(csv: &str) -> RecordBatch {
    RecordBatch::People(records::read_people(csv.as_bytes()).expect("valid people"))
}

async fn an_organisation_comes_in_from_csv_and_again_changes_nothing(db: &Db) {
    let accounts = RecordBatch::Accounts(records::read_accounts(ACCOUNTS.as_bytes()).expect("valid"));
    let r = run(db, accounts.clone(), false).await;
    assert_eq!((r.imported, r.skipped, r.written), (2, 0, true));
    let r = run(db, people(PEOPLE), false).await;
    assert_eq!((r.imported, r.rows_failed), (2, 0), "{:?}", r.row_errors);
    let all = db
        .list(&PersonFilter::default(), PageRequest::default())
        .await
        .expect("people")
        .items;
    let zoe = all.iter().find(|p| p.fields.email == "zoe@example.com").expect("Zoë");
    let pat = all.iter().find(|p| p.fields.email == "pat@example.com").expect("Pat");
    assert_eq!(
        zoe.fields.manager_id,
        Some(pat.id),
        "a manager later in the file is found"
    );
    assert_eq!(zoe.fields.fte.basis_points(), 8000);

    let projects = RecordBatch::Projects(records::read_projects(PROJECTS.as_bytes()).expect("valid"));
    let r = run(db, projects.clone(), false).await;
    assert_eq!((r.imported, r.rows_failed), (2, 0), "{:?}", r.row_errors);
    let list = db
        .list(&ProjectFilter::default(), PageRequest::default())
        .await
        .expect("projects")
        .items;
    let mig = list
        .iter()
        .find(|p| p.fields.code.as_deref() == Some("ACME-MIG"))
        .expect("project");
    assert_eq!(mig.fields.project_manager_id, Some(pat.id));
    assert_eq!(mig.fields.budget_minutes.map(|m| m.get()), Some(24_000));

    // A second run matches everything and changes nothing.
    for (batch, n) in [(accounts, 2), (people(PEOPLE), 2), (projects, 2)] {
        let again = run(db, batch, false).await;
        assert_eq!(
            (again.imported, again.updated, again.skipped),
            (0, 0, n),
            "{}",
            again.kind
        );
    }
    // A changed row updates its record; a dry run reports it and keeps the old one.
    let moved = PEOPLE.replace("Europe/Berlin,0.8", "Europe/Lisbon,0.8");
    let dry = run(db, people(&moved), true).await;
    assert_eq!((dry.updated, dry.written), (1, false));
    let r = run(db, people(&moved), false).await;
    assert_eq!((r.updated, r.skipped), (1, 1));
    assert_eq!(db.get(zoe.id).await.expect("Zoë").fields.time_zone, "Europe/Lisbon");
}

async fn a_bad_record_row_refuses_the_file(db: &Db) {
    let csv = "name,email,function,region,employment_start,manager_email,partner\n\
               Ann,ann@example.com,engineer,EMEA,2024-01-01,nobody@example.com,\n\
               Ben,ben@example.com,engineer,EMEA,2024-01-01,,No Such Partner\n\
               Ann Again,ann@example.com,engineer,EMEA,2024-01-01,,\n";
    let r = run(db, people(csv), false).await;
    let found: Vec<(u64, &str, Rule)> = r
        .row_errors
        .iter()
        .map(|e| (e.line, e.column.as_str(), e.rule))
        .collect();
    assert_eq!(
        found,
        [
            (3, "partner", Rule::UnknownPartner),
            (4, "email", Rule::Duplicate),
            (2, "manager_email", Rule::UnknownManager)
        ]
    );
    assert!(!r.written);
    let left = db
        .list(&PersonFilter::default(), PageRequest::default())
        .await
        .expect("people");
    assert!(left.items.is_empty(), "nothing of a refused file is kept");
    let projects = "name,account,project_type,billing_type\nOrphan,Nobody Ltd,consulting,fixed_fee\n";
    let batch = RecordBatch::Projects(records::read_projects(projects.as_bytes()).expect("parses"));
    let r = run(db, batch, false).await;
    assert_eq!(r.row_errors[0].rule, Rule::UnknownAccount);
}
