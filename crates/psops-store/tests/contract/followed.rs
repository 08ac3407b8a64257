//! Reports kept at older counts and brought up to date after time entries and time off —
//! from the people those changed, not computed again whole — equal what a fresh read
//! gives, after every kind of change, through this store or another connection.

use psops_core::assignments::AssignmentFilter;
use psops_core::calendars::{NewTimeOff, TimeOffDecision};
use psops_core::capacity::{Holiday, TimeOffKind};
use psops_core::dates::DateRange;
use psops_core::people::{Function, PersonId};
use psops_core::projects::{Project, ProjectFilter};
use psops_core::reporting::UtilizationFilter;
use psops_core::scope::{ApprovalScope, ListScope};
use psops_core::store::prelude::*;
use psops_core::time_entries::TimeEntryPatch;
use psops_core::timesheet::IsoWeek;
use psops_core::utilization::GroupBy;
use psops_store::{Db, OpenOptions};
use time::macros::date;

use super::fixtures::{assign, ctx};
use super::time_fixtures::{as_person, calendar, internal, log, managed_project, on_project, ops, staff};

crate::stories!(followed_reports_equal_a_fresh_read, project_reads_equal_a_fresh_read);

/// Whose reads the story compares: the project manager's queue.
struct Story {
    pm: PersonId,
}

async fn open(url: &str) -> Db {
    let options = OpenOptions {
        migrate: false,
        max_connections: 2,
    };
    Db::open(url, options).await.unwrap()
}

fn ranges() -> [DateRange; 2] {
    [
        DateRange::new(date!(2026 - 03 - 01), date!(2026 - 03 - 31)).unwrap(),
        DateRange::new(date!(2026 - 03 - 04), date!(2026 - 05 - 20)).unwrap(),
    ]
}

fn filters() -> [UtilizationFilter; 3] {
    [
        UtilizationFilter::default(),
        UtilizationFilter {
            region: Some("EMEA".into()),
            ..Default::default()
        },
        UtilizationFilter {
            function: Some(Function::Engineer),
            ..Default::default()
        },
    ]
}

/// A project's sums, its staffing and a consultant's projects as `db` reads them,
/// for everyone and cut to what one person may see.
async fn project_reads(db: &Db, project: &Project, people: &[PersonId]) -> String {
    let mut out = String::new();
    let own = ListScope::Limited {
        own: people.first().copied(),
        managed_by: None,
        assigned: None,
        partner: None,
    };
    for scope in [ListScope::All, own] {
        let mut sums = db.project_people(project.id, &scope).await.unwrap();
        sums.sort_by_key(|(p, _)| p.get());
        let mut all = db.project_days(project.id, &scope, None, None).await.unwrap();
        all.sort();
        let since = Some(date!(2026 - 03 - 05));
        let mut some = db.project_days(project.id, &scope, Some(people), since).await.unwrap();
        some.sort();
        out += &format!("{scope:?}: {sums:?} {all:?} {some:?}\n");
    }
    out += &format!("{:?}\n", db.project_minutes(&[project.id]).await.unwrap());
    let staffing = AssignmentFilter {
        project_id: Some(project.id),
        archived: Some(false),
        ..Default::default()
    };
    out += &format!("{:?}\n", db.every(&staffing).await.unwrap());
    for who in people {
        let theirs = ProjectFilter {
            scope: ListScope::Limited {
                own: None,
                managed_by: None,
                assigned: Some(*who),
                partner: None,
            },
            ..Default::default()
        };
        let ids: Vec<i64> = db.every(&theirs).await.unwrap().iter().map(|p| p.id.get()).collect();
        out += &format!("{who}: {ids:?}\n");
    }
    out
}

/// Every report `db` keeps equals a fresh store's reading of the same database.
async fn same_as_fresh(db: &Db, story: &Story, step: &str) {
    let fresh = open(db.url()).await;
    let pm = story.pm;
    for range in ranges() {
        for filter in filters() {
            for by in [GroupBy::Person, GroupBy::Function, GroupBy::Region] {
                let kept = db.utilization(range, by, &filter).await.unwrap();
                let read = fresh.utilization(range, by, &filter).await.unwrap();
                assert_eq!(kept, read, "{step}: utilization by {by:?}, {filter:?}, {range:?}");
                let kept = db.utilization_weeks(range, by, &filter).await.unwrap();
                let read = fresh.utilization_weeks(range, by, &filter).await.unwrap();
                assert_eq!(kept, read, "{step}: weeks by {by:?}, {filter:?}, {range:?}");
            }
        }
    }
    let queues = [
        ApprovalScope::All { except: None },
        ApprovalScope::Managed {
            manager: pm,
            read: ListScope::All,
        },
    ];
    for scope in &queues {
        let kept = db.waiting(scope).await.unwrap();
        let read = fresh.waiting(scope).await.unwrap();
        assert_eq!(kept, read, "{step}: the approvals queue, {scope:?}");
    }
    for week in ["2026-W10", "2026-W11", "2026-W12"] {
        let week: IsoWeek = week.parse().unwrap();
        let as_of = date!(2026 - 03 - 25);
        let kept = db.compliance(week, as_of).await.unwrap();
        let read = fresh.compliance(week, as_of).await.unwrap();
        assert_eq!(kept, read, "{step}: compliance of {week}");
    }
    fresh.close().await;
}

async fn followed_reports_equal_a_fresh_read(db: &Db) {
    let pm = staff(db, "pm@followed.example", "EMEA", None).await;
    let ada = staff(db, "ada@followed.example", "EMEA", Some(pm.id)).await;
    let bob = staff(db, "bob@followed.example", "EMEA", Some(pm.id)).await;
    let cy = staff(db, "cy@followed.example", "AMER", Some(pm.id)).await;
    let p = managed_project(db, "Followed", pm.id).await;
    let story = Story { pm: pm.id };
    for who in [&ada, &bob, &cy] {
        log(db, on_project(who.id, &p, date!(2026 - 03 - 02), 240)).await;
        log(db, on_project(who.id, &p, date!(2026 - 03 - 10), 300)).await;
        log(db, internal(who.id, date!(2026 - 04 - 14), 60)).await;
    }
    same_as_fresh(db, &story, "first read").await;

    let e = log(db, on_project(ada.id, &p, date!(2026 - 03 - 11), 90)).await;
    same_as_fresh(db, &story, "an entry").await;

    let other = open(db.url()).await;
    log(&other, on_project(bob.id, &p, date!(2026 - 03 - 12), 45)).await;
    log(&other, internal(cy.id, date!(2026 - 05 - 19), 30)).await;
    same_as_fresh(db, &story, "entries through another connection").await;

    // Outside every range: nobody's figures change, the counts move.
    log(db, internal(ada.id, date!(2026 - 07 - 01), 30)).await;
    same_as_fresh(db, &story, "an entry outside the ranges").await;

    let moved = TimeEntryPatch {
        date: Some(date!(2026 - 04 - 01)),
        billable: Some(false),
        note: Some(Some("rework".into())),
        ..Default::default()
    };
    let e = db.update_time_entry(&ctx(), e.id, None, moved).await.unwrap();
    same_as_fresh(db, &story, "an entry moved out of March and unbilled").await;

    db.delete_time_entry(&ctx(), e.id, None).await.unwrap();
    same_as_fresh(db, &story, "an entry deleted").await;

    // Approval changes only approved minutes: the figures stay.
    let week: IsoWeek = "2026-W11".parse().unwrap();
    other.submit_week(&ctx(), as_person(&bob), bob.id, week).await.unwrap();
    other
        .approve_week(&ctx(), ops(), bob.id, week, Some(p.id))
        .await
        .unwrap();
    same_as_fresh(db, &story, "a week approved").await;
    // Submitted and rejected with no change of minutes in between: only the timesheets'
    // count says so.
    let w10: IsoWeek = "2026-W10".parse().unwrap();
    db.submit_week(&ctx(), as_person(&cy), cy.id, w10).await.unwrap();
    same_as_fresh(db, &story, "a week submitted").await;
    other
        .reject_week(&ctx(), ops(), cy.id, w10, Some(p.id), "split by task")
        .await
        .unwrap();
    same_as_fresh(db, &story, "a week rejected").await;
    // A week with no entries, submitted: no entry moves.
    let w12: IsoWeek = "2026-W12".parse().unwrap();
    db.submit_week(&ctx(), as_person(&bob), bob.id, w12).await.unwrap();
    same_as_fresh(db, &story, "an empty week submitted").await;
    // Ada's week of project time waits; the project gets another manager: the old
    // manager's queue empties (projects are counted, not followed).
    let w11: IsoWeek = "2026-W11".parse().unwrap();
    db.submit_week(&ctx(), as_person(&ada), ada.id, w11).await.unwrap();
    same_as_fresh(db, &story, "another week submitted").await;
    let handed = psops_core::projects::ProjectPatch {
        project_manager_id: Some(Some(bob.id)),
        ..Default::default()
    };
    other.update(&ctx(), p.id, None, handed).await.unwrap();
    same_as_fresh(db, &story, "a project handed to another manager").await;

    // A new person (capacity moves: read whole), then their first entry (followed).
    let dee = staff(&other, "dee@followed.example", "EMEA", Some(pm.id)).await;
    same_as_fresh(db, &story, "a new person").await;
    log(&other, on_project(dee.id, &p, date!(2026 - 03 - 20), 120)).await;
    same_as_fresh(db, &story, "a new person's first entry").await;

    // People are counted, not followed: a person moved to another region.
    let moved = psops_core::people::PersonPatch {
        region: Some("AMER".into()),
        ..Default::default()
    };
    other.update(&ctx(), bob.id, None, moved).await.unwrap();
    same_as_fresh(db, &story, "a person moved to another region").await;

    // Time off: asked for (nothing counted yet), approved (one calendar view changes),
    // withdrawn — each followed for that person alone; a run of days decided together.
    let day_off = |person, date| NewTimeOff {
        person_id: person,
        date,
        minutes: psops_core::Minutes(480),
        kind: TimeOffKind::Pto,
        note: None,
    };
    let asked = db
        .request_time_off(&ctx(), day_off(ada.id, date!(2026 - 03 - 13)))
        .await
        .unwrap();
    same_as_fresh(db, &story, "a day off asked for").await;
    let approved = other
        .decide_time_off(&ctx(), asked.id, None, TimeOffDecision::Approve)
        .await
        .unwrap();
    same_as_fresh(db, &story, "a day off approved").await;
    db.delete_time_off(&ctx(), approved.id, None).await.unwrap();
    same_as_fresh(db, &story, "a day off withdrawn").await;
    let run = db
        .request_days(
            &ctx(),
            vec![
                day_off(cy.id, date!(2026 - 03 - 16)),
                day_off(cy.id, date!(2026 - 03 - 17)),
            ],
        )
        .await
        .unwrap();
    let days: Vec<_> = run.iter().map(|d| (d.id, None)).collect();
    other
        .decide_time_off_days(&ctx(), &days, TimeOffDecision::Approve)
        .await
        .unwrap();
    same_as_fresh(db, &story, "a run of days off approved").await;

    // A holiday changes a region's capacity: not followed, read whole.
    let emea = calendar(db, "EMEA holidays", "EMEA").await;
    let holiday = Holiday {
        date: date!(2026 - 03 - 18),
        minutes: None,
        name: "Founders' day".into(),
    };
    other.add_holidays(&ctx(), emea.id, vec![holiday]).await.unwrap();
    same_as_fresh(db, &story, "a holiday").await;

    // More moves than are worth following one by one: read whole.
    for i in 0..300 {
        let day = date!(2026 - 03 - 01) + time::Duration::days(i % 60);
        log(&other, internal(cy.id, day, 15)).await;
    }
    same_as_fresh(db, &story, "300 entries").await;
    other.close().await;
}

/// A project's page reads — its sums, the shown people's days (followed), its staffing
/// and a consultant's projects (kept until assignments move) — equal a fresh read after
/// each change. Its own story: the few results it keeps stay kept between steps.
async fn project_reads_equal_a_fresh_read(db: &Db) {
    let pm = staff(db, "pm@project-reads.example", "EMEA", None).await;
    let ada = staff(db, "ada@project-reads.example", "EMEA", Some(pm.id)).await;
    let bob = staff(db, "bob@project-reads.example", "EMEA", Some(pm.id)).await;
    let cy = staff(db, "cy@project-reads.example", "AMER", Some(pm.id)).await;
    let p = managed_project(db, "Read", pm.id).await;
    let later = managed_project(db, "Read later", pm.id).await;
    for who in [&ada, &bob, &cy] {
        log(db, on_project(who.id, &p, date!(2026 - 03 - 02), 240)).await;
        log(db, on_project(who.id, &p, date!(2026 - 03 - 10), 300)).await;
    }
    let shown = [ada.id, bob.id];
    let other = open(db.url()).await;
    let same = |step: &'static str| {
        let (db, p, shown) = (db, &p, &shown);
        async move {
            let fresh = open(db.url()).await;
            assert_eq!(
                project_reads(db, p, shown).await,
                project_reads(&fresh, p, shown).await,
                "{step}"
            );
            fresh.close().await;
        }
    };
    same("first read").await;
    // Someone shown, after the first day read one by one; before it; someone not shown.
    log(&other, on_project(ada.id, &p, date!(2026 - 03 - 11), 90)).await;
    same("a shown person's entry").await;
    log(&other, on_project(bob.id, &p, date!(2026 - 03 - 03), 30)).await;
    same("a shown person's entry before the days read").await;
    log(&other, on_project(cy.id, &p, date!(2026 - 03 - 12), 45)).await;
    same("another person's entry").await;
    log(&other, internal(ada.id, date!(2026 - 03 - 13), 60)).await;
    same("a shown person's time elsewhere").await;
    // Staffing is counted, not followed: Ada joins another project.
    assign(&other, ada.id, &later).await;
    same("an assignment").await;
    other.close().await;
}
