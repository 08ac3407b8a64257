//! Builders the time-reporting stories share: people with managers, projects with PMs,
//! entries on given days, and the actors that move timesheets.

use psops_core::accounts::AccountFields;
use psops_core::assignments::AssignmentFilter;
use psops_core::page::PageRequest;
use psops_core::people::{Function, Person, PersonId};
use psops_core::projects::Project;
use psops_core::reporting::TimesheetActor;
use psops_core::rule::Rule;
use psops_core::store::prelude::*;
use psops_core::time_entries::{InternalCategory, NewTimeEntry, TimeEntry};
use psops_core::{Error, Id, Minutes};
use time::Date;
use time::macros::date;

use super::fixtures::{ctx, new, person_fields, project_fields};

/// A full-time person employed since 2020 in `region`, reporting to `manager`.
pub async fn staff(db: &dyn Store, email: &str, region: &str, manager: Option<PersonId>) -> Person {
    let mut f = person_fields(email);
    f.region = region.into();
    f.function = Function::Engineer;
    f.employment_start = date!(2020 - 01 - 01);
    f.manager_id = manager;
    new(db.create(&ctx(), f).await.expect("create person"))
}

/// A T&M project running Feb–Dec 2026 managed by `pm`.
pub async fn managed_project(db: &dyn Store, name: &str, pm: PersonId) -> Project {
    let account = new(db
        .create(
            &ctx(),
            AccountFields {
                name: format!("{name} Ltd"),
                code: None,
                region: None,
                industry: None,
                currency: None,
            },
        )
        .await
        .expect("create account"));
    let mut f = project_fields(account.id.get(), name);
    f.project_manager_id = Some(pm);
    new(db.create(&ctx(), f).await.expect("create project"))
}

/// A holiday calendar for a region.
pub async fn calendar(db: &dyn Store, name: &str, region: &str) -> psops_core::calendars::HolidayCalendar {
    let f = psops_core::calendars::CalendarFields {
        name: name.into(),
        region: region.into(),
    };
    db.create_calendar(&ctx(), f).await.expect("create calendar")
}

pub fn on_project(person: PersonId, project: &Project, date: Date, minutes: i64) -> NewTimeEntry {
    NewTimeEntry {
        person_id: person,
        project_id: Some(project.id),
        category: None,
        date,
        minutes: Minutes(minutes),
        billable: None,
        note: None,
    }
}

pub fn internal(person: PersonId, date: Date, minutes: i64) -> NewTimeEntry {
    NewTimeEntry {
        person_id: person,
        project_id: None,
        category: Some(InternalCategory::Admin),
        date,
        minutes: Minutes(minutes),
        billable: None,
        note: None,
    }
}

/// Logs an entry, first assigning the person to its project if they are not yet.
pub async fn log(db: &dyn Store, e: NewTimeEntry) -> TimeEntry {
    if let Some(project) = e.project_id {
        let filter = AssignmentFilter {
            person_id: Some(e.person_id),
            project_id: Some(project),
            ..Default::default()
        };
        let held = db.list(&filter, PageRequest::default()).await.expect("assignments");
        if held.items.is_empty() {
            let p: Project = db.get(project).await.expect("project");
            super::fixtures::assign(db, e.person_id, &p).await;
        }
    }
    new(db.create_time_entry(&ctx(), e).await.expect("log time"))
}

pub fn as_person(p: &Person) -> TimesheetActor {
    TimesheetActor {
        person_id: Some(p.id),
        approves_all: false,
        approves_own: false,
    }
}

pub fn ops() -> TimesheetActor {
    TimesheetActor {
        person_id: None,
        approves_all: true,
        approves_own: false,
    }
}

/// The rule of a conflict.
pub fn rule(e: Error) -> Rule {
    match e {
        Error::Conflict(f) => f.rule,
        other => panic!("expected a conflict, got {other:?}"),
    }
}

/// The text of a refusal: who may take a step is no rule of a field, so a 403 names its
/// rule in words.
pub fn forbidden(e: Error) -> String {
    match e {
        Error::Forbidden(m) => m,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

pub fn id<T>(n: i64) -> Id<T> {
    Id::new(n)
}
