//! Stories about time entries: every rule of the handbook, through the store, on both
//! backends — and the rules hold under concurrent writers.

use psops_core::rule::Rule;
use psops_core::store::prelude::*;
use std::sync::Arc;

use psops_core::page::PageRequest;
use psops_core::people::PersonPatch;
use psops_core::settings::SettingsPatch;
use psops_core::time_entries::{InternalCategory, NewTimeEntry, TimeEntryFilter, TimeEntryPatch};
use psops_core::{Error, Id, Minutes};
use psops_store::Db;
use time::macros::date;

use super::fixtures::{assign, broken, ctx, new, person, project};

crate::stories!(
    billable_defaults_from_the_project,
    non_billable_customer_time_needs_a_note,
    minutes_positive_and_on_the_rounding_step,
    a_day_holds_at_most_24_hours,
    dates_lie_inside_employment_and_project,
    archived_projects_and_people_take_no_time,
    references_must_exist,
    updates_recheck_every_rule_and_deletes_remove,
    lists_filter_by_person_account_and_dates,
    concurrent_writers_cannot_overfill_a_day,
);

fn entry(person: i64, project: i64, minutes: i64) -> NewTimeEntry {
    NewTimeEntry {
        person_id: Id::new(person),
        project_id: Some(Id::new(project)),
        category: None,
        date: date!(2026 - 03 - 02),
        minutes: Minutes(minutes),
        billable: None,
        note: None,
    }
}

async fn billable_defaults_from_the_project(db: &Db) {
    let p = project(db, "TM").await;
    let who = person(db, "a@example.com").await;
    assign(db, who.id, &p).await;
    let e = new(db
        .create_time_entry(&ctx(), entry(who.id.get(), p.id.get(), 90))
        .await
        .unwrap());
    assert!(e.billable);
    assert_eq!(e.status, psops_core::time_entries::EntryStatus::Draft);
    assert_eq!(db.time_entry(e.id).await.unwrap(), e);
    let mut internal = entry(who.id.get(), 0, 60);
    internal.project_id = None;
    internal.category = Some(InternalCategory::ToolsEnablement);
    let i = new(db.create_time_entry(&ctx(), internal).await.unwrap());
    assert!(!i.billable);
}

async fn non_billable_customer_time_needs_a_note(db: &Db) {
    let p = project(db, "Notes").await;
    let who = person(db, "b@example.com").await;
    assign(db, who.id, &p).await;
    let mut e = entry(who.id.get(), p.id.get(), 60);
    e.billable = Some(false);
    let err = db.create_time_entry(&ctx(), e.clone()).await.unwrap_err();
    assert_eq!(broken(err), [("note".into(), Rule::NoteRequiredNonBillable)]);
    e.note = Some("tools enablement: set up runners".into());
    let saved = new(db.create_time_entry(&ctx(), e).await.unwrap());
    assert!(!saved.billable);
    assert_eq!(saved.note.as_deref(), Some("tools enablement: set up runners"));
}

async fn minutes_positive_and_on_the_rounding_step(db: &Db) {
    let p = project(db, "Step").await;
    let who = person(db, "c@example.com").await;
    assign(db, who.id, &p).await;
    let (pe, pr) = (who.id.get(), p.id.get());
    assert_eq!(
        broken(db.create_time_entry(&ctx(), entry(pe, pr, 0)).await.unwrap_err()),
        [("minutes".into(), Rule::Positive)]
    );
    assert_eq!(
        broken(db.create_time_entry(&ctx(), entry(pe, pr, 20)).await.unwrap_err()),
        [("minutes".into(), Rule::RoundingStep)]
    );
    db.create_time_entry(&ctx(), entry(pe, pr, 45)).await.unwrap();
    // The step is a setting: at 30 minutes, 45 no longer fits.
    db.update_settings(
        &ctx(),
        SettingsPatch {
            rounding_step_minutes: Some(30),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        broken(db.create_time_entry(&ctx(), entry(pe, pr, 45)).await.unwrap_err()),
        [("minutes".into(), Rule::RoundingStep)]
    );
    db.create_time_entry(&ctx(), entry(pe, pr, 60)).await.unwrap();
}

async fn a_day_holds_at_most_24_hours(db: &Db) {
    let p = project(db, "Long").await;
    let who = person(db, "d@example.com").await;
    assign(db, who.id, &p).await;
    let (pe, pr) = (who.id.get(), p.id.get());
    db.create_time_entry(&ctx(), entry(pe, pr, 12 * 60)).await.unwrap();
    db.create_time_entry(&ctx(), entry(pe, pr, 11 * 60)).await.unwrap();
    assert_eq!(
        broken(db.create_time_entry(&ctx(), entry(pe, pr, 75)).await.unwrap_err()),
        [("minutes".into(), Rule::DayLimit)]
    );
    db.create_time_entry(&ctx(), entry(pe, pr, 60)).await.unwrap();
    let mut next_day = entry(pe, pr, 60);
    next_day.date = date!(2026 - 03 - 03);
    db.create_time_entry(&ctx(), next_day).await.unwrap();
    let other = person(db, "d2@example.com").await;
    assign(db, other.id, &p).await;
    db.create_time_entry(&ctx(), entry(other.id.get(), pr, 60))
        .await
        .unwrap();
}

async fn dates_lie_inside_employment_and_project(db: &Db) {
    let p = project(db, "Dates").await; // runs 2026-02-01 .. 2026-12-31
    let who = person(db, "e@example.com").await; // employed from 2026-01-01
    assign(db, who.id, &p).await;
    let mut e = entry(who.id.get(), p.id.get(), 60);
    e.date = date!(2026 - 01 - 15);
    assert_eq!(
        broken(db.create_time_entry(&ctx(), e.clone()).await.unwrap_err()),
        [("date".into(), Rule::ProjectDates)]
    );
    e.date = date!(2025 - 12 - 15);
    assert_eq!(
        broken(db.create_time_entry(&ctx(), e.clone()).await.unwrap_err()),
        [("date".into(), Rule::Employment), ("date".into(), Rule::ProjectDates)]
    );
    let left = PersonPatch {
        employment_end: Some(Some(date!(2026 - 02 - 28))),
        ..Default::default()
    };
    db.update(&ctx(), who.id, None, left).await.unwrap();
    e.date = date!(2026 - 03 - 02);
    assert_eq!(
        broken(db.create_time_entry(&ctx(), e).await.unwrap_err()),
        [("date".into(), Rule::Employment)]
    );
}

async fn archived_projects_and_people_take_no_time(db: &Db) {
    let p = project(db, "Old").await;
    let who = person(db, "f@example.com").await;
    assign(db, who.id, &p).await;
    db.archive(&ctx(), p.id, None, true).await.unwrap();
    assert_eq!(
        broken(
            db.create_time_entry(&ctx(), entry(who.id.get(), p.id.get(), 60))
                .await
                .unwrap_err()
        ),
        [("project_id".into(), Rule::Archived)]
    );
    let q = project(db, "New").await;
    assign(db, who.id, &q).await;
    db.archive(&ctx(), who.id, None, true).await.unwrap();
    assert_eq!(
        broken(
            db.create_time_entry(&ctx(), entry(who.id.get(), q.id.get(), 60))
                .await
                .unwrap_err()
        ),
        [("person_id".into(), Rule::Archived)]
    );
}

async fn references_must_exist(db: &Db) {
    let p = project(db, "Refs").await;
    let who = person(db, "g@example.com").await;
    assign(db, who.id, &p).await;
    assert_eq!(
        broken(
            db.create_time_entry(&ctx(), entry(who.id.get(), 999, 60))
                .await
                .unwrap_err()
        ),
        [("project_id".into(), Rule::Exists)]
    );
    assert_eq!(
        broken(
            db.create_time_entry(&ctx(), entry(999, p.id.get(), 60))
                .await
                .unwrap_err()
        ),
        [("person_id".into(), Rule::Exists)]
    );
    assert!(matches!(db.time_entry(Id::new(999)).await, Err(Error::NotFound { .. })));
    assert!(matches!(
        db.delete_time_entry(&ctx(), Id::new(999), None).await,
        Err(Error::NotFound { .. })
    ));
}

async fn updates_recheck_every_rule_and_deletes_remove(db: &Db) {
    let p = project(db, "Upd").await;
    let who = person(db, "h@example.com").await;
    assign(db, who.id, &p).await;
    let (pe, pr) = (who.id.get(), p.id.get());
    let a = new(db.create_time_entry(&ctx(), entry(pe, pr, 20 * 60)).await.unwrap());
    let b = new(db.create_time_entry(&ctx(), entry(pe, pr, 60)).await.unwrap());
    // Growing `a` to 23 h is fine with `b`'s hour (the entry itself is not counted twice)...
    let grow = TimeEntryPatch {
        minutes: Some(Minutes(23 * 60)),
        ..Default::default()
    };
    let a2 = db.update_time_entry(&ctx(), a.id, Some(1), grow).await.unwrap();
    assert_eq!((a2.minutes, a2.version), (Minutes(23 * 60), 2));
    // ...to 23 h 15 is not.
    let over = TimeEntryPatch {
        minutes: Some(Minutes(23 * 60 + 15)),
        ..Default::default()
    };
    assert_eq!(
        broken(db.update_time_entry(&ctx(), a.id, None, over).await.unwrap_err()),
        [("minutes".into(), Rule::DayLimit)]
    );
    let unbill = TimeEntryPatch {
        billable: Some(false),
        ..Default::default()
    };
    assert_eq!(
        broken(db.update_time_entry(&ctx(), b.id, None, unbill).await.unwrap_err()),
        [("note".into(), Rule::NoteRequiredNonBillable)]
    );
    let stale = TimeEntryPatch {
        minutes: Some(Minutes(30)),
        ..Default::default()
    };
    assert_eq!(
        db.update_time_entry(&ctx(), a.id, Some(1), stale).await.unwrap_err(),
        Error::PreconditionFailed { current: 2 }
    );
    assert_eq!(
        db.delete_time_entry(&ctx(), b.id, Some(5)).await.unwrap_err(),
        Error::PreconditionFailed { current: 1 }
    );
    db.delete_time_entry(&ctx(), b.id, Some(1)).await.unwrap();
    assert!(matches!(db.time_entry(b.id).await, Err(Error::NotFound { .. })));
    assert_eq!(
        db.time_entry(a.id).await.unwrap(),
        a2,
        "refused updates changed nothing"
    );
}

async fn lists_filter_by_person_account_and_dates(db: &Db) {
    let p1 = project(db, "One").await;
    let p2 = project(db, "Two").await;
    let x = person(db, "x@example.com").await;
    let y = person(db, "y@example.com").await;
    for (who, proj) in [(&x, &p1), (&x, &p2), (&y, &p1), (&y, &p2)] {
        assign(db, who.id, proj).await;
    }
    for (who, proj, day) in [(x.id, p1.id, 2), (x.id, p2.id, 3), (y.id, p1.id, 4), (y.id, p2.id, 20)] {
        let mut e = entry(who.get(), proj.get(), 60);
        e.date = time::Date::from_calendar_date(2026, time::Month::March, day).unwrap();
        db.create_time_entry(&ctx(), e).await.unwrap();
    }
    // The export reads exactly the entries the list does: one filter, one SQL.
    let count = |f: TimeEntryFilter| async move {
        let listed: Vec<_> = db
            .list_time_entries(&f, PageRequest::default())
            .await
            .unwrap()
            .items
            .into_iter()
            .map(|e| e.id)
            .collect();
        let exported: Vec<_> = db
            .export_time_page(&f, None, 100)
            .await
            .unwrap()
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        assert_eq!(listed, exported, "{f:?}");
        listed.len()
    };
    assert_eq!(
        count(TimeEntryFilter {
            person_id: Some(x.id),
            ..Default::default()
        })
        .await,
        2
    );
    assert_eq!(
        count(TimeEntryFilter {
            project_id: Some(p1.id),
            ..Default::default()
        })
        .await,
        2
    );
    assert_eq!(
        count(TimeEntryFilter {
            account_id: p2.fields.account_id,
            ..Default::default()
        })
        .await,
        2
    );
    let march_early = TimeEntryFilter {
        from: Some(date!(2026 - 03 - 03)),
        to: Some(date!(2026 - 03 - 10)),
        ..Default::default()
    };
    assert_eq!(count(march_early).await, 2);
    assert_eq!(
        count(TimeEntryFilter {
            billable: Some(false),
            ..Default::default()
        })
        .await,
        0
    );
}

async fn concurrent_writers_cannot_overfill_a_day(db: &Db) {
    let p = project(db, "Race").await;
    let who = person(db, "race@example.com").await;
    assign(db, who.id, &p).await;
    let store: Arc<dyn Store> = Arc::new(db.clone());
    let mut tasks = Vec::new();
    for _ in 0..10 {
        let s = store.clone();
        let e = entry(who.id.get(), p.id.get(), 4 * 60);
        tasks.push(tokio::spawn(async move { s.create_time_entry(&ctx(), e).await }));
    }
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => ok += 1,
            Err(e) => assert_eq!(broken(e), [("minutes".into(), Rule::DayLimit)]),
        }
    }
    assert_eq!(ok, 6, "exactly six 4-hour entries fit in a day");
    let f = TimeEntryFilter {
        person_id: Some(who.id),
        ..Default::default()
    };
    let total: i64 = db
        .list_time_entries(&f, PageRequest::default())
        .await
        .unwrap()
        .items
        .iter()
        .map(|e| e.minutes.get())
        .sum();
    assert_eq!(total, 24 * 60);
}
