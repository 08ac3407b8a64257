//! Stories about imports: realistic exports in with exact totals, bad rows reported with
//! nothing written, re-imports that add nothing, dry runs, `create_missing`, and the entry
//! rules (24 hours a day, notes on non-billable customer time) holding for imports too.

use std::collections::BTreeMap;

use psops_core::Minutes;
use psops_core::accounts::AccountFields;
use psops_core::imports::{ImportReport, RowStream, TimeImportOptions};
use psops_core::interchange::{self, Format, Options};
use psops_core::page::PageRequest;
use psops_core::people::{PersonFilter, PersonId};
use psops_core::rule::Rule;
use psops_core::settings::SettingsPatch;
use psops_core::store::prelude::*;
use psops_core::time_entries::TimeEntryFilter;
use psops_store::Db;

use super::fixtures::{ctx, new, person_fields, project_fields};

crate::stories!(
    a_harvest_report_imports_with_exact_totals_and_once,
    a_bad_row_is_reported_and_nothing_is_written,
    a_dry_run_writes_nothing,
    create_missing_brings_in_people_accounts_and_projects,
    imports_obey_the_day_limit_and_the_note_rule,
);

const HARVEST: &[u8] = include_bytes!("../../../psops-core/tests/fixtures/interchange/harvest_detailed.csv");
const PSOPS: &[u8] = include_bytes!("../../../psops-core/tests/fixtures/interchange/psops_time.csv");
const TOGGL_BAD: &[u8] = include_bytes!("../../../psops-core/tests/fixtures/interchange/toggl_bad_rows.csv");

pub async fn import(db: &Db, format: Format, bytes: &[u8], options: TimeImportOptions) -> ImportReport {
    let rows: Vec<_> = interchange::read(format, bytes, Options::default())
        .expect("a readable header")
        .collect();
    // Small chunks, so day totals and keys are carried across chunk boundaries.
    db.import_time(&ctx(), format, RowStream::from_vec(rows, 5), &options)
        .await
        .expect("the import runs")
}

fn real() -> TimeImportOptions {
    TimeImportOptions::default()
}

/// Minutes per person e-mail, and billable minutes, of every stored entry.
pub async fn totals(db: &Db) -> (BTreeMap<String, i64>, i64) {
    let mut per_person = BTreeMap::new();
    let mut billable = 0;
    let mut page = PageRequest {
        after: None,
        limit: 500,
    };
    loop {
        let p = db
            .list_time_entries(&TimeEntryFilter::default(), page)
            .await
            .expect("list");
        for e in &p.items {
            let who = db.get(e.person_id).await.expect("person").fields.email;
            *per_person.entry(who).or_insert(0) += e.minutes.get();
            billable += if e.billable { e.minutes.get() } else { 0 };
        }
        match (p.items.last(), p.next_cursor) {
            (Some(last), Some(_)) => page.after = Some(last.id.get()),
            _ => return (per_person, billable),
        }
    }
}

/// The four people, three accounts and three projects the Harvest report names, each
/// person assigned to each project.
async fn harvest_org(db: &Db) {
    let mut people = Vec::new();
    for (name, email) in [
        ("Zoë Müller", "zoe@example.com"),
        ("Łukasz Nowak", "lukasz@example.com"),
        ("José da Silva", "jose@example.com"),
        ("Priya Raman", "priya@example.com"),
    ] {
        let mut f = person_fields(email);
        f.name = name.into();
        people.push(new(db.create(&ctx(), f).await.expect("person")));
    }
    for (account, project, code) in [
        ("Acme, Inc.", "Cloud Migration", "ACME-MIG"),
        ("Globex", "Data Platform", "GLX-DP"),
        ("Initech", "Admin Training", "INI-TR"),
    ] {
        let a = AccountFields {
            name: account.into(),
            code: None,
            region: None,
            industry: None,
            currency: None,
        };
        let a = new(db.create(&ctx(), a).await.expect("account"));
        let mut p = project_fields(a.id.get(), project);
        p.code = Some(code.into());
        let p: psops_core::projects::Project = new(db.create(&ctx(), p).await.expect("project"));
        for who in &people {
            super::fixtures::assign(db, who.id, &p).await;
        }
    }
}

async fn rounding_step(db: &Db, minutes: i64) {
    let patch = SettingsPatch {
        rounding_step_minutes: Some(minutes),
        ..Default::default()
    };
    db.update_settings(&ctx(), patch).await.expect("settings");
}

async fn a_harvest_report_imports_with_exact_totals_and_once(db: &Db) {
    harvest_org(db).await;
    // Harvest reports 0.33 h for 20 minutes: an organisation on a 5-minute step takes it.
    rounding_step(db, 5).await;
    let r = import(db, Format::Harvest, HARVEST, real()).await;
    assert!(r.ok(), "{:?}", r.row_errors);
    assert_eq!((r.rows_read, r.imported, r.skipped, r.written), (12, 12, 0, true));
    let (per_person, billable) = totals(db).await;
    let expected: BTreeMap<String, i64> = [
        ("jose@example.com", 260),
        ("lukasz@example.com", 900),
        ("priya@example.com", 375),
        ("zoe@example.com", 285),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(per_person, expected);
    assert_eq!(billable, 1610);
    assert!(
        db.verify_rollups().await.expect("verify").is_empty(),
        "rollups follow imports"
    );
    let page = PageRequest {
        after: None,
        limit: 100,
    };
    let audit = |entity: &str| psops_core::audit::AuditFilter {
        entity: Some(entity.into()),
        ..Default::default()
    };
    let per_entry = db.list_audit(&audit("time_entry"), page).await.expect("audit");
    assert!(per_entry.items.is_empty(), "no audit record per imported entry");
    let logged = db.list_audit(&audit("time_import"), page).await.expect("audit");
    assert_eq!(logged.items.len(), 1, "one audit record for the import");
    let record = &logged.items[0];
    let after = record.after.clone().expect("the import's summary");
    assert_eq!(
        (after["rows"].as_i64(), after["imported"].as_i64()),
        (Some(12), Some(12))
    );
    assert_eq!(after["format"], "harvest");
    let runs = after["entries"].as_array().expect("runs of entry ids");
    let listed: i64 = runs
        .iter()
        .map(|r| r[1].as_i64().unwrap_or(0) - r[0].as_i64().unwrap_or(0) + 1)
        .sum();
    assert_eq!(listed, 12, "{after}");
    assert_eq!(
        Some(record.entity_id),
        runs[0][0].as_i64(),
        "the record points at the first entry"
    );

    let again = import(db, Format::Harvest, HARVEST, real()).await;
    assert_eq!((again.imported, again.skipped, again.rows_failed), (0, 12, 0));
    assert_eq!(totals(db).await.0, expected, "a re-import adds nothing");
}

async fn a_bad_row_is_reported_and_nothing_is_written(db: &Db) {
    harvest_org(db).await;
    // With the handbook's quarter-hour step, Harvest's 0.33 h (20 minutes) breaks the rule.
    let r = import(db, Format::Harvest, HARVEST, real()).await;
    assert_eq!((r.rows_read, r.rows_failed, r.written), (12, 1, false));
    let e = &r.row_errors[0];
    assert_eq!(
        (e.line, e.column.as_str(), e.value.as_str(), e.rule),
        (6, "Hours", "0.33", Rule::RoundingStep)
    );
    assert!(totals(db).await.0.is_empty(), "nothing is written");

    // Rows the parser refuses are reported with the rest; unknown projects are row errors.
    let bad = import(db, Format::Toggl, TOGGL_BAD, real()).await;
    assert!(bad.rows_failed >= 3, "{:?}", bad.row_errors);
    assert!(
        bad.row_errors.iter().any(|e| e.rule == Rule::Date),
        "{:?}",
        bad.row_errors
    );
    assert!(
        bad.row_errors.iter().any(|e| e.rule == Rule::UnmatchedProject),
        "{:?}",
        bad.row_errors
    );
    assert!(totals(db).await.0.is_empty());
}

async fn a_dry_run_writes_nothing(db: &Db) {
    harvest_org(db).await;
    rounding_step(db, 5).await;
    let dry = TimeImportOptions {
        dry_run: true,
        ..Default::default()
    };
    let r = import(db, Format::Harvest, HARVEST, dry).await;
    assert!(r.ok(), "{:?}", r.row_errors);
    assert_eq!((r.imported, r.written, r.dry_run), (12, false, true));
    assert!(totals(db).await.0.is_empty());
    let real_run = import(db, Format::Harvest, HARVEST, real()).await;
    assert_eq!(real_run.imported, 12, "the dry run left no keys behind");
}

async fn create_missing_brings_in_people_accounts_and_projects(db: &Db) {
    let without = import(db, Format::Psops, PSOPS, real()).await;
    assert!(
        without.row_errors.iter().all(|e| e.rule.is_unmatched()),
        "{:?}",
        without.row_errors
    );
    assert_eq!(without.rows_failed, 6, "nobody the file names exists yet");
    let options = TimeImportOptions {
        create_missing: true,
        ..Default::default()
    };
    let dry = import(
        db,
        Format::Psops,
        PSOPS,
        TimeImportOptions {
            dry_run: true,
            ..options.clone()
        },
    )
    .await;
    assert_eq!((dry.created_people, dry.imported, dry.written), (4, 6, false));
    let people = db
        .list(&PersonFilter::default(), PageRequest::default())
        .await
        .expect("people");
    assert!(people.items.is_empty(), "a dry run creates nobody");

    let r = import(db, Format::Psops, PSOPS, options).await;
    assert!(r.ok(), "{:?}", r.row_errors);
    assert_eq!(
        (r.created_people, r.created_accounts, r.created_projects, r.imported),
        (4, 3, 3, 6)
    );
    let (per_person, _) = totals(db).await;
    assert_eq!(per_person.values().sum::<i64>(), 555);
    assert_eq!(per_person.get("lukasz@example.com"), Some(&135));
    let zoe = r
        .created
        .iter()
        .find(|c| c.name == "Zoë Müller")
        .expect("Zoë was created");
    let zoe = db.get(PersonId::new(zoe.id)).await.expect("Zoë");
    assert_eq!(
        zoe.fields.employment_start,
        time::macros::date!(2026 - 03 - 02),
        "employed from her first entry"
    );
    assert!(db.verify_rollups().await.expect("verify").is_empty());
}

async fn imports_obey_the_day_limit_and_the_note_rule(db: &Db) {
    harvest_org(db).await;
    let csv = "date,person_email,project_code,category,minutes,billable,note\n\
               2026-03-02,zoe@example.com,ACME-MIG,,720,true,Cut-over\n\
               2026-03-02,zoe@example.com,,admin,600,false,Expenses\n\
               2026-03-02,zoe@example.com,GLX-DP,,180,true,Review\n\
               2026-03-03,zoe@example.com,GLX-DP,,60,false,\n";
    let r = import(db, Format::Psops, csv.as_bytes(), real()).await;
    let found: Vec<(u64, &str, Rule)> = r
        .row_errors
        .iter()
        .map(|e| (e.line, e.column.as_str(), e.rule))
        .collect();
    assert_eq!(
        found,
        [
            (4, "minutes", Rule::DayLimit),
            (5, "note", Rule::NoteRequiredNonBillable)
        ],
        "the day counts the file's own earlier rows"
    );
    assert!(totals(db).await.0.is_empty());
    // The day also counts what is stored already.
    let who = db
        .list(&PersonFilter::default(), PageRequest::default())
        .await
        .expect("people")
        .items;
    let zoe = who.iter().find(|p| p.fields.email == "zoe@example.com").expect("Zoë");
    let mut e = super::time_fixtures::internal(zoe.id, time::macros::date!(2026 - 03 - 09), 1380);
    e.minutes = Minutes(1380);
    super::time_fixtures::log(db, e).await;
    let more = "date,person_email,category,minutes\n2026-03-09,zoe@example.com,admin,120\n";
    let r = import(db, Format::Psops, more.as_bytes(), real()).await;
    assert_eq!(
        r.row_errors.iter().map(|e| e.rule).collect::<Vec<_>>(),
        [Rule::DayLimit]
    );
}
