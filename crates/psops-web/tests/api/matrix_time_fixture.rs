//! Objects the time matrix acts on, made fresh per cell: a regional calendar and its
//! holidays, policy overrides, time-off requests, and weeks of time in each state.

use psops_core::calendars::{CalendarFields, NewTimeOff};
use psops_core::capacity::{Holiday, OverrideScope, RulesChanges, RulesOverride, TimeOffKind};
use psops_core::reporting::TimesheetActor;
use psops_core::store::{Created, Store, WriteCtx};
use psops_core::time_entries::NewTimeEntry;
use psops_core::timesheet::IsoWeek;
use psops_core::{Id, Minutes};
use time::macros::date;
use time::{Date, Duration};

use crate::matrix_fixture::{fresh_date, next};

fn ctx() -> WriteCtx {
    WriteCtx::trusted()
}

/// A day from 2030 on, far from every entry, so holidays and locks touch nothing else.
pub fn far_date(n: i64) -> Date {
    date!(2030 - 01 - 01) + Duration::days(n % 3000)
}

/// The calendar of a region, made when missing.
pub async fn calendar(store: &dyn Store, region: &str) -> i64 {
    let all = store.list_calendars().await.expect("calendars");
    if let Some(c) = all.iter().find(|c| c.fields.region == region) {
        return c.id.get();
    }
    let fields = CalendarFields {
        name: format!("{region} holidays"),
        region: region.into(),
    };
    store.create_calendar(&ctx(), fields).await.expect("calendar").id.get()
}

pub async fn holiday(store: &dyn Store, calendar: i64) -> i64 {
    let h = Holiday {
        date: far_date(next()),
        minutes: None,
        name: "Fixture day".into(),
    };
    let added = store
        .add_holidays(&ctx(), Id::new(calendar), vec![h])
        .await
        .expect("holiday");
    added.first().map_or(-1, |h| h.id.get())
}

pub async fn policy_override(store: &dyn Store) -> i64 {
    let o = RulesOverride {
        scope: OverrideScope::Region(format!("Nowhere {}", next())),
        effective_from: date!(2026 - 01 - 01),
        effective_to: None,
        changes: RulesChanges {
            pto_days: Some(25),
            ..Default::default()
        },
    };
    store.create_rules_override(&ctx(), o).await.expect("override").id.get()
}

pub async fn time_off(store: &dyn Store, person: i64) -> i64 {
    let t = NewTimeOff {
        person_id: Id::new(person),
        date: crate::matrix_fixture::off_date(),
        minutes: Minutes(480),
        kind: TimeOffKind::Pto,
        note: None,
    };
    store.request_time_off(&ctx(), t).await.expect("time off").id.get()
}

async fn draft(store: &dyn Store, person: i64, project: i64) -> (i64, Date) {
    crate::matrix_fixture::ensure_assigned(store, person, project).await;
    let e = NewTimeEntry {
        person_id: Id::new(person),
        project_id: Some(Id::new(project)),
        category: None,
        date: fresh_date(),
        minutes: Minutes(60),
        billable: None,
        note: None,
    };
    match store.create_time_entry(&ctx(), e).await.expect("entry") {
        Created::New(e) => (e.id.get(), e.date),
        Created::Replayed(_) => (-1, date!(2026 - 01 - 01)),
    }
}

fn owner(person: i64) -> TimesheetActor {
    TimesheetActor {
        person_id: Some(Id::new(person)),
        approves_all: false,
        approves_own: false,
    }
}

/// A week of the person's holding a fresh draft entry, submitted when asked.
pub async fn week(store: &dyn Store, person: i64, project: i64, submitted: bool) -> IsoWeek {
    let (_, day) = draft(store, person, project).await;
    let week = IsoWeek::of(day);
    if submitted {
        store
            .submit_week(&ctx(), owner(person), Id::new(person), week)
            .await
            .expect("submit");
    }
    week
}

/// A fresh entry, submitted and approved.
pub async fn approved_entry(store: &dyn Store, person: i64, project: i64) -> i64 {
    let (id, day) = draft(store, person, project).await;
    let week = IsoWeek::of(day);
    let who = Id::new(person);
    store
        .submit_week(&ctx(), owner(person), who, week)
        .await
        .expect("submit");
    let ops = TimesheetActor {
        person_id: None,
        approves_all: true,
        approves_own: false,
    };
    store
        .approve_week(&ctx(), ops, who, week, Some(Id::new(project)))
        .await
        .expect("approve");
    id
}
