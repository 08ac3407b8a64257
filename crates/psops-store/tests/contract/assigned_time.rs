//! Stories about the rule that time goes only on projects a person is assigned to (unless
//! the organisation allows time without an assignment): through single entries and
//! imports alike, on both backends. An import with `create_missing` assigns the people
//! its rows need, spanning the days they logged.

use psops_core::assignments::AssignmentFilter;
use psops_core::imports::TimeImportOptions;
use psops_core::interchange::Format;
use psops_core::page::PageRequest;
use psops_core::rule::Rule;
use psops_core::settings::SettingsPatch;
use psops_core::store::prelude::*;
use psops_core::time_entries::{NewTimeEntry, TimeEntryPatch};
use psops_core::{Id, Minutes};
use psops_store::Db;
use time::macros::date;

use super::fixtures::{assign, broken, ctx, new, person, project};
use super::imports::import;

crate::stories!(
    time_goes_only_on_projects_the_person_is_assigned_to,
    imports_need_an_assignment_or_create_one,
);

fn entry(person: Id<psops_core::people::Person>, project: Id<psops_core::projects::Project>) -> NewTimeEntry {
    NewTimeEntry {
        person_id: person,
        project_id: Some(project),
        category: None,
        date: date!(2026 - 03 - 02),
        minutes: Minutes(60),
        billable: None,
        note: None,
    }
}

async fn allow_without_assignment(db: &Db, allowed: bool) {
    let patch = SettingsPatch {
        time_without_assignment: Some(allowed),
        ..Default::default()
    };
    db.update_settings(&ctx(), patch).await.expect("settings");
}

async fn time_goes_only_on_projects_the_person_is_assigned_to(db: &Db) {
    let p = project(db, "Staffed").await;
    let q = project(db, "Elsewhere").await;
    let who = person(db, "staffed@example.com").await;
    let refused = db.create_time_entry(&ctx(), entry(who.id, p.id)).await.unwrap_err();
    assert_eq!(broken(refused), [("project_id".into(), Rule::NotAssigned)]);

    assign(db, who.id, &p).await;
    let e = new(db.create_time_entry(&ctx(), entry(who.id, p.id)).await.unwrap());
    // Moving the entry to a project the person is not on is refused like a new entry.
    let moved = TimeEntryPatch {
        project_id: Some(Some(q.id)),
        ..Default::default()
    };
    let err = db.update_time_entry(&ctx(), e.id, None, moved).await.unwrap_err();
    assert_eq!(broken(err), [("project_id".into(), Rule::NotAssigned)]);

    // An archived assignment no longer counts.
    let held = db
        .list(
            &AssignmentFilter {
                person_id: Some(who.id),
                ..Default::default()
            },
            PageRequest::default(),
        )
        .await
        .unwrap()
        .items;
    db.archive(&ctx(), held[0].id, None, true).await.unwrap();
    let mut later = entry(who.id, p.id);
    later.date = date!(2026 - 03 - 03);
    let err = db.create_time_entry(&ctx(), later.clone()).await.unwrap_err();
    assert_eq!(broken(err), [("project_id".into(), Rule::NotAssigned)]);

    // The organisation can allow time without an assignment.
    allow_without_assignment(db, true).await;
    new(db.create_time_entry(&ctx(), later).await.unwrap());
    new(db.create_time_entry(&ctx(), entry(who.id, q.id)).await.unwrap());
}

async fn imports_need_an_assignment_or_create_one(db: &Db) {
    let p = project(db, "Imported").await;
    db.update(
        &ctx(),
        p.id,
        None,
        psops_core::projects::ProjectPatch {
            code: Some(Some("IMP".into())),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let who = person(db, "importer@example.com").await;
    let csv = "date,person_email,project_code,minutes,billable\n\
               2026-03-02,importer@example.com,IMP,120,true\n\
               2026-03-16,importer@example.com,IMP,240,true\n";
    let r = import(db, Format::Psops, csv.as_bytes(), TimeImportOptions::default()).await;
    let found: Vec<(u64, &str, Rule)> = r
        .row_errors
        .iter()
        .map(|e| (e.line, e.column.as_str(), e.rule))
        .collect();
    assert_eq!(
        found,
        [
            (2, "project_code", Rule::NotAssigned),
            (3, "project_code", Rule::NotAssigned)
        ]
    );
    assert!(!r.written);

    let create = TimeImportOptions {
        create_missing: true,
        ..Default::default()
    };
    let r = import(db, Format::Psops, csv.as_bytes(), create.clone()).await;
    assert!(r.ok(), "{:?}", r.row_errors);
    assert_eq!((r.imported, r.created_assignments), (2, 1));
    let held = db
        .list(
            &AssignmentFilter {
                person_id: Some(who.id),
                ..Default::default()
            },
            PageRequest::default(),
        )
        .await
        .unwrap()
        .items;
    assert_eq!(held.len(), 1);
    let a = &held[0].fields;
    assert_eq!(
        (a.project_id, a.start_date, a.end_date, a.minutes_per_week),
        (p.id, date!(2026 - 03 - 02), Some(date!(2026 - 03 - 16)), Minutes(120)),
        "spans the imported days at their average minutes a week (360 over 3 weeks)"
    );
    let more = "date,person_email,project_code,minutes,billable\n2026-03-20,importer@example.com,IMP,60,true\n";
    let r = import(db, Format::Psops, more.as_bytes(), create).await;
    assert_eq!(
        (r.imported, r.created_assignments),
        (1, 0),
        "the person is assigned now"
    );
}
