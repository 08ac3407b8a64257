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
use super::time_fixtures::{as_person, calendar, log, managed_project, on_project, staff};

crate::stories!(
    kept_reads_follow_every_change,
    kept_capacity_follows_each_of_its_inputs,
    alike_people_share_a_capacity_but_not_what_is_their_own,
    the_sign_in_forms_key_moves_no_count,
    a_request_checks_kept_results_once_until_it_writes
);

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
    assert!(
        db.waiting(&ApprovalScope::All { except: None })
            .await
            .unwrap()
            .is_empty()
    );
    other.submit_week(&ctx(), as_person(&me), me.id, week).await.unwrap();
    let waiting = db.waiting(&ApprovalScope::All { except: None }).await.unwrap();
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

/// The week's available minutes, policy and calendar views, of everyone in the report.
async fn available(db: &Db, week: DateRange) -> (i64, i64) {
    let r = db
        .utilization(week, GroupBy::Person, &UtilizationFilter::default())
        .await
        .unwrap();
    (
        r.total.available_policy_minutes.get(),
        r.total.available_calendar_minutes.get(),
    )
}

/// Reports keep everyone's capacity until a change to people, holidays, time off, the
/// policy or its overrides: each of those shows in the next report.
async fn kept_capacity_follows_each_of_its_inputs(db: &Db) {
    use psops_core::calendars::{NewTimeOff, TimeOffDecision};
    use psops_core::capacity::{CapacityRules, Holiday, OverrideScope, RulesChanges, RulesOverride, TimeOffKind};

    let p = staff(db, "lin@kept.example", "EMEA", None).await;
    // Monday 23 to Sunday 29 November 2026.
    let week = DateRange::new(date!(2026 - 11 - 23), date!(2026 - 11 - 29)).unwrap();
    let (policy, on_calendar) = available(db, week).await;
    assert_eq!(on_calendar, 40 * 60);
    assert_eq!(available(db, week).await, (policy, on_calendar), "read again");

    let emea = calendar(db, "EMEA holidays", "emea").await;
    let holiday = Holiday {
        date: date!(2026 - 11 - 25),
        minutes: None,
        name: "Regional day".into(),
    };
    db.add_holidays(&ctx(), emea.id, vec![holiday]).await.unwrap();
    assert_eq!(available(db, week).await.1, 32 * 60, "a holiday");

    let friday = NewTimeOff {
        person_id: p.id,
        date: date!(2026 - 11 - 27),
        minutes: psops_core::Minutes(480),
        kind: TimeOffKind::Pto,
        note: None,
    };
    let req = db.request_time_off(&ctx(), friday).await.unwrap();
    db.decide_time_off(&ctx(), req.id, Some(req.version), TimeOffDecision::Approve)
        .await
        .unwrap();
    assert_eq!(available(db, week).await.1, 24 * 60, "approved time off");

    let mut rules = CapacityRules::handbook();
    rules.holiday_days = 20;
    db.update_capacity_rules(&ctx(), rules).await.unwrap();
    let (after_rules, _) = available(db, week).await;
    assert!(
        after_rules < policy,
        "more holidays in the policy: {after_rules} < {policy}"
    );

    let half_days = RulesOverride {
        scope: OverrideScope::Person(p.id),
        effective_from: date!(2026 - 01 - 01),
        effective_to: None,
        changes: RulesChanges {
            day_minutes: Some(240),
            ..Default::default()
        },
    };
    db.create_rules_override(&ctx(), half_days).await.unwrap();
    assert_eq!(available(db, week).await.1, 12 * 60, "half days: 3 days of 4 h");

    let part_time = PersonPatch {
        region: Some("AMER".into()),
        ..Default::default()
    };
    db.update(&ctx(), p.id, None, part_time).await.unwrap();
    assert_eq!(
        available(db, week).await.1,
        16 * 60,
        "another region, without the EMEA holiday: 4 days of 4 h"
    );
}

/// A report computes the capacity of people alike (function, region, FTE, days
/// employed) once; each person's row still equals their own capacity computed alone —
/// with their time off, their own override, another FTE or a later start.
async fn alike_people_share_a_capacity_but_not_what_is_their_own(db: &Db) {
    use psops_core::calendars::{NewTimeOff, TimeOffDecision};
    use psops_core::capacity::{CapacityView, OverrideScope, RulesChanges, RulesOverride, TimeOffKind};
    use psops_core::people::Fte;

    let quarter = DateRange::new(date!(2026 - 10 - 01), date!(2026 - 12 - 31)).unwrap();
    let mut people = Vec::new();
    for name in ["plain", "twin", "off", "own", "part", "late"] {
        people.push(staff(db, &format!("{name}@alike.example"), "EMEA", None).await);
    }
    let [plain, twin, off, own, part, late] = [0, 1, 2, 3, 4, 5].map(|i| people[i].id);
    let day_off = NewTimeOff {
        person_id: off,
        date: date!(2026 - 11 - 27),
        minutes: psops_core::Minutes(480),
        kind: TimeOffKind::Pto,
        note: None,
    };
    let asked = db.request_time_off(&ctx(), day_off).await.unwrap();
    db.decide_time_off(&ctx(), asked.id, None, TimeOffDecision::Approve)
        .await
        .unwrap();
    let short_days = RulesOverride {
        scope: OverrideScope::Person(own),
        effective_from: date!(2026 - 11 - 01),
        effective_to: None,
        changes: RulesChanges {
            day_minutes: Some(360),
            ..Default::default()
        },
    };
    db.create_rules_override(&ctx(), short_days).await.unwrap();
    let fte = PersonPatch {
        fte: Some(Fte::from_basis_points(8000).unwrap()),
        ..Default::default()
    };
    db.update(&ctx(), part, None, fte).await.unwrap();
    let start = PersonPatch {
        employment_start: Some(date!(2026 - 11 - 16)),
        ..Default::default()
    };
    db.update(&ctx(), late, None, start).await.unwrap();

    let r = db
        .utilization(quarter, GroupBy::Person, &UtilizationFilter::default())
        .await
        .unwrap();
    let row = |id: psops_core::people::PersonId| {
        let found = r.rows.iter().find(|g| g.key == id.to_string());
        let row = &found.expect("everyone has a row").row;
        (row.available_policy_minutes, row.available_calendar_minutes)
    };
    for id in [plain, twin, off, own, part, late] {
        let policy = db.capacity(id, quarter, CapacityView::Policy).await.unwrap();
        let on_calendar = db.capacity(id, quarter, CapacityView::Calendar).await.unwrap();
        assert_eq!(
            row(id),
            (policy.available_minutes, on_calendar.available_minutes),
            "person {id}: the report's row is their own capacity"
        );
    }
    assert_eq!(row(plain), row(twin), "alike");
    for (id, what) in [
        (off, "a day off"),
        (own, "an override of their own"),
        (part, "0.8 FTE"),
        (late, "a later start"),
    ] {
        assert_ne!(row(plain), row(id), "{what} differs from the plain one");
    }
}

/// The key of the sign-in form is stored by the first to ask and read by everyone
/// after: asking again writes nothing, so no count moves and no kept report is dropped
/// (on PostgreSQL a statement trigger counts even a write that changes no row).
async fn the_sign_in_forms_key_moves_no_count(db: &Db) {
    let key = db.form_key("first").await.unwrap();
    assert_eq!(key, "first");
    let before = psops_store::testing::change_counts(db).await;
    for _ in 0..3 {
        assert_eq!(db.form_key("another").await.unwrap(), "first", "the first key stays");
    }
    assert_eq!(psops_store::testing::change_counts(db).await, before);
}

/// Within one request the counts are read once: another node's commit in the middle
/// shows from the next request on, the request's own write at once.
async fn a_request_checks_kept_results_once_until_it_writes(db: &Db) {
    let me = staff(db, "me@request.example", "EMEA", None).await;
    let march = DateRange::new(date!(2026 - 03 - 01), date!(2026 - 03 - 31)).unwrap();
    log(db, super::time_fixtures::internal(me.id, date!(2026 - 03 - 02), 60)).await;
    // Another node: its own task, as another process would be.
    let url = db.url().to_string();
    let person = me.id;
    let another_node = move || async move {
        let options = OpenOptions {
            migrate: false,
            max_connections: 2,
        };
        let other = Db::open(&url, options).await.unwrap();
        log(
            &other,
            super::time_fixtures::internal(person, date!(2026 - 03 - 03), 30),
        )
        .await;
        other.close().await;
    };
    let work = async {
        assert_eq!(worked(db, march).await.0, 60);
        tokio::spawn(another_node()).await.unwrap();
        assert_eq!(
            worked(db, march).await.0,
            60,
            "another node's entry: from the next request"
        );
        log(db, super::time_fixtures::internal(me.id, date!(2026 - 03 - 04), 15)).await;
        assert_eq!(
            worked(db, march).await.0,
            105,
            "its own entry, and so everything, at once"
        );
        Ok(())
    };
    db.request(Box::pin(work)).await.unwrap();
    assert_eq!(worked(db, march).await.0, 105);
}
