//! Heavy reads are kept until the data changes: every report read again after any
//! write — through this store, or through another connection to the same database (a
//! second node, `psops import` beside `serve`) — shows the write.

use psops_core::dates::DateRange;
use psops_core::people::PersonPatch;
use psops_core::reporting::UtilizationFilter;
use psops_core::scope::{ApprovalScope, ListScope};
use psops_core::store::prelude::*;
use psops_core::timesheet::IsoWeek;
use psops_core::utilization::GroupBy;
use psops_store::{Db, OpenOptions};
use time::macros::date;

use super::fixtures::ctx;
use super::time_fixtures::{as_person, log, managed_project, on_project, staff};

crate::stories!(kept_reads_follow_every_change);

async fn worked(db: &Db, range: DateRange) -> (i64, usize) {
    let all = UtilizationFilter::default();
    let r = db.utilization(range, GroupBy::Person, &all).await.unwrap();
    let weeks = db.utilization_weeks(range, GroupBy::Function, &all).await.unwrap();
    let weekly: i64 = weeks.total.iter().map(|w| w.worked.get()).sum();
    assert_eq!(
        weekly,
        r.total.worked_minutes.get(),
        "the weekly series adds up to the report"
    );
    (r.total.worked_minutes.get(), r.rows.len())
}

async fn kept_reads_follow_every_change(db: &Db) {
    let pm = staff(db, "pm@kept.example", "EMEA", None).await;
    let me = staff(db, "me@kept.example", "EMEA", None).await;
    let p = managed_project(db, "Kept", pm.id).await;
    let march = DateRange::new(date!(2026 - 03 - 01), date!(2026 - 03 - 31)).unwrap();
    log(db, on_project(me.id, &p, date!(2026 - 03 - 02), 60)).await;
    assert_eq!(worked(db, march).await, (60, 2));
    assert_eq!(worked(db, march).await, (60, 2), "read again, unchanged");

    // A write through this store.
    log(db, on_project(me.id, &p, date!(2026 - 03 - 03), 30)).await;
    assert_eq!(worked(db, march).await.0, 90);

    // A write through another connection to the same database.
    let other = Db::open(
        db.url(),
        OpenOptions {
            migrate: false,
            max_connections: 2,
        },
    )
    .await
    .unwrap();
    log(&other, on_project(me.id, &p, date!(2026 - 03 - 04), 15)).await;
    assert_eq!(worked(db, march).await.0, 105, "another connection's write shows");
    let third = staff(&other, "new@kept.example", "EMEA", None).await;
    assert_eq!(worked(db, march).await.1, 3, "a new person shows");

    // The approvals queue and a project's sums.
    let week: IsoWeek = "2026-W10".parse().unwrap();
    assert!(db.waiting(&ApprovalScope::All).await.unwrap().is_empty());
    other.submit_week(&ctx(), as_person(&me), me.id, week).await.unwrap();
    let waiting = db.waiting(&ApprovalScope::All).await.unwrap();
    assert_eq!(waiting.iter().map(|w| w.minutes).sum::<i64>(), 105);
    let people = db.project_people(p.id, &ListScope::All).await.unwrap();
    assert_eq!(people, [(me.id, psops_core::Minutes(105))]);
    log(&other, on_project(me.id, &p, date!(2026 - 03 - 09), 45)).await;
    let people = db.project_people(p.id, &ListScope::All).await.unwrap();
    assert_eq!(people, [(me.id, psops_core::Minutes(150))]);

    // Names, kept when many are asked for at once.
    let mut ids = vec![pm.id, me.id, third.id];
    for i in 0..200 {
        ids.push(staff(db, &format!("n{i}@kept.example"), "EMEA", None).await.id);
    }
    let names = RecordStore::<psops_core::people::Person>::names(db, &ids)
        .await
        .unwrap();
    assert_eq!(names.len(), ids.len());
    assert_eq!(names[&me.id.get()], me.fields.name);
    let renamed = PersonPatch {
        name: Some("Renamed Person".into()),
        ..Default::default()
    };
    other.update(&ctx(), me.id, None, renamed).await.unwrap();
    let names = RecordStore::<psops_core::people::Person>::names(db, &ids)
        .await
        .unwrap();
    assert_eq!(names[&me.id.get()], "Renamed Person", "a rename shows at once");
    other.close().await;
}

/// An in-memory database has one connection for everything; what it keeps follows its
/// writes too.
#[tokio::test]
async fn in_memory_kept_reads_follow_writes() {
    let db = Db::open(
        "sqlite::memory:",
        OpenOptions {
            migrate: true,
            max_connections: 1,
        },
    )
    .await
    .unwrap();
    let pm = staff(&db, "pm@memory.example", "EMEA", None).await;
    let p = managed_project(&db, "Memory", pm.id).await;
    let march = DateRange::new(date!(2026 - 03 - 01), date!(2026 - 03 - 31)).unwrap();
    log(&db, on_project(pm.id, &p, date!(2026 - 03 - 02), 60)).await;
    assert_eq!(worked(&db, march).await.0, 60);
    log(&db, on_project(pm.id, &p, date!(2026 - 03 - 03), 30)).await;
    assert_eq!(worked(&db, march).await.0, 90);
    db.close().await;
}
