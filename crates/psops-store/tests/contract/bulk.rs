//! Stories about the bulk load: a small demo organisation loaded through `BulkStore`
//! equals the same organisation written through the ordinary store calls — entries,
//! statuses, time off, rollups (`verify_rollups` finds nothing) and the utilization
//! report — and the bulk path refuses a database that already holds records.

use std::collections::BTreeMap;

use psops_core::auth::Role;
use psops_core::bulk::{LoadStats, OrgRecords, TimeBatch};
use psops_core::calendars::{NewTimeOff, TimeOffDecision, TimeOffFilter, TimeOffStatus};
use psops_core::page::PageRequest;
use psops_core::people::PersonFilter;
use psops_core::reporting::{TimesheetActor, UtilizationFilter};
use psops_core::rule::Rule;
use psops_core::store::prelude::*;
use psops_core::time_entries::{NewTimeEntry, TimeEntryFilter};
use psops_core::utilization::GroupBy;
use psops_core::{Error, Id, Minutes};
use psops_demo::{DemoOrg, DemoSpec, install};
use psops_store::testing::TestDatabase;
use psops_store::{Backend, Db};
use time::macros::date;

use super::fixtures::{ctx, new, person};

crate::stories!(
    bulk_load_equals_the_api_path,
    bulk_load_refuses_a_database_with_records,
    install_makes_a_user_per_role_and_ids_continue,
);

fn small() -> DemoOrg {
    DemoOrg::generate(DemoSpec {
        people: 12,
        years: 1,
        seed: 5,
        end: date!(2026 - 06 - 17),
    })
    .expect("generate")
}

fn no_progress(_: &LoadStats) {}

/// Writes the organisation through the ordinary, rule-checking store calls.
async fn through_the_api(db: &Db, r: &OrgRecords, time: &TimeBatch) {
    let c = ctx();
    for p in &r.partners {
        assert_eq!(new(db.create(&c, p.fields.clone()).await.unwrap()).id.get(), p.id);
    }
    for cal in &r.calendars {
        let created = db.create_calendar(&c, cal.fields.clone()).await.unwrap();
        let holidays = r
            .holidays
            .iter()
            .filter(|(id, _)| *id == cal.id)
            .map(|(_, h)| h.clone())
            .collect();
        db.add_holidays(&c, created.id, holidays).await.unwrap();
    }
    for a in &r.accounts {
        assert_eq!(new(db.create(&c, a.fields.clone()).await.unwrap()).id.get(), a.id);
    }
    for contact in &r.contacts {
        db.create(&c, contact.fields.clone()).await.unwrap();
    }
    for p in &r.people {
        assert_eq!(new(db.create(&c, p.fields.clone()).await.unwrap()).id.get(), p.id);
    }
    for p in &r.projects {
        assert_eq!(new(db.create(&c, p.fields.clone()).await.unwrap()).id.get(), p.id);
    }
    for a in &r.assignments {
        super::fixtures::vet(db, a.fields.person_id).await;
        db.create(&c, a.fields.clone()).await.unwrap();
    }
    // Partner people log time only under work authorizations: one per partner and
    // project, covering that pair's entries.
    let mut spans: std::collections::BTreeMap<(i64, i64), (time::Date, time::Date)> = Default::default();
    for e in &time.entries {
        let partner = r
            .people
            .iter()
            .find(|p| p.id == e.person_id)
            .and_then(|p| p.fields.partner_id);
        if let (Some(partner), Some(project)) = (partner, e.project_id) {
            let s = spans.entry((partner.get(), project)).or_insert((e.date, e.date));
            s.0 = s.0.min(e.date);
            s.1 = s.1.max(e.date);
        }
    }
    for ((partner, project), (from, to)) in spans {
        super::partner_funds::authorize_between(db, Id::new(partner), Id::new(project), from, to).await;
    }
    for e in &time.entries {
        let input = NewTimeEntry {
            person_id: Id::new(e.person_id),
            project_id: e.project_id.map(Id::new),
            category: e.category,
            date: e.date,
            minutes: Minutes(e.minutes),
            billable: Some(e.billable),
            note: e.note.clone(),
        };
        db.create_time_entry(&c, input)
            .await
            .unwrap_or_else(|err| panic!("{e:?}: {err}"));
    }
    let ops = TimesheetActor {
        person_id: None,
        approves_all: true,
        approves_own: false,
    };
    for w in &time.weeks {
        let person = Id::new(w.person_id);
        let owner = TimesheetActor {
            person_id: Some(person),
            approves_all: false,
            approves_own: false,
        };
        db.submit_week(&c, owner, person, w.week).await.unwrap();
        for r in time
            .rejections
            .iter()
            .filter(|r| r.person_id == w.person_id && r.week == w.week)
        {
            db.reject_week(&c, ops, person, w.week, r.project_id.map(Id::new), &r.reason)
                .await
                .unwrap();
            db.submit_week(&c, owner, person, w.week).await.unwrap();
        }
        for a in time
            .approvals
            .iter()
            .filter(|a| a.person_id == w.person_id && a.week == w.week)
        {
            db.approve_week(&c, ops, person, w.week, a.project_id.map(Id::new))
                .await
                .unwrap();
        }
    }
    for o in &time.time_off {
        let new = NewTimeOff {
            person_id: Id::new(o.person_id),
            date: o.date,
            minutes: Minutes(o.minutes),
            kind: o.kind,
            note: o.note.clone(),
        };
        let record = db.request_time_off(&c, new).await.unwrap();
        if o.status == TimeOffStatus::Approved {
            db.decide_time_off(&c, record.id, None, TimeOffDecision::Approve)
                .await
                .unwrap();
        }
    }
    for range in &r.locked_periods {
        db.lock_period(&c, *range).await.unwrap();
    }
}

type EntryKey = (
    i64,
    Option<i64>,
    Option<String>,
    time::Date,
    i64,
    bool,
    Option<String>,
    String,
);

async fn entries(db: &Db) -> Vec<EntryKey> {
    let mut out = Vec::new();
    let mut page = PageRequest {
        after: None,
        limit: 500,
    };
    loop {
        let got = db.list_time_entries(&TimeEntryFilter::default(), page).await.unwrap();
        out.extend(got.items.iter().map(|e| {
            (
                e.person_id.get(),
                e.project_id.map(|p| p.get()),
                e.category.map(|c| format!("{c:?}")),
                e.date,
                e.minutes.get(),
                e.billable,
                e.note.clone(),
                format!("{:?}", e.status),
            )
        }));
        match (got.next_cursor, got.items.last()) {
            (Some(_), Some(last)) => page.after = Some(last.id.get()),
            _ => break,
        }
    }
    out.sort();
    out
}

async fn time_off(db: &Db) -> Vec<(i64, time::Date, String)> {
    let page = PageRequest {
        after: None,
        limit: 1000,
    };
    let mut out: Vec<_> = db
        .list_time_off(&TimeOffFilter::default(), page)
        .await
        .unwrap()
        .items
        .iter()
        .map(|o| (o.person_id.get(), o.date, format!("{:?}{:?}", o.kind, o.status)))
        .collect();
    out.sort();
    out
}

async fn other_database(db: &Db) -> (TestDatabase, Db) {
    let t = match db.kind() {
        Backend::Sqlite => TestDatabase::sqlite(),
        Backend::Postgres => TestDatabase::postgres().await.expect("PostgreSQL is configured"),
    };
    let other = t.open().await;
    (t, other)
}

async fn bulk_load_equals_the_api_path(db: &Db) {
    let org = small();
    let mut time = TimeBatch::default();
    for b in org.time_batches(5) {
        time.append(b);
    }
    through_the_api(db, org.records(), &time).await;
    let (t, bulk) = other_database(db).await;
    let stats = bulk
        .bulk_load(org.records(), &mut org.time_batches(5), &no_progress)
        .await
        .unwrap();
    assert_eq!(stats.entries as usize, time.entries.len());
    assert_eq!(stats.people, 12);

    let (a, b) = (entries(db).await, entries(&bulk).await);
    assert_eq!(a.len(), time.entries.len());
    assert!(a == b, "the two paths store different entries");
    assert_eq!(time_off(db).await, time_off(&bulk).await);
    assert!(db.verify_rollups().await.unwrap().is_empty());
    assert!(
        bulk.verify_rollups().await.unwrap().is_empty(),
        "bulk rollups equal the raw sums"
    );
    let range = org.spec().range();
    for by in [GroupBy::Person, GroupBy::Function] {
        let x = db.utilization(range, by, &UtilizationFilter::default()).await.unwrap();
        let y = bulk
            .utilization(range, by, &UtilizationFilter::default())
            .await
            .unwrap();
        assert_eq!(x, y, "utilization by {by:?}");
        assert!(x.total.billable_minutes.get() > 0);
    }
    let week = time.weeks.last().expect("a submitted week").week;
    for w in time.weeks.iter().filter(|w| w.week == week) {
        let person = Id::new(w.person_id);
        let via_api = db.list_rejections(person, week).await.unwrap().len();
        assert_eq!(via_api, bulk.list_rejections(person, week).await.unwrap().len());
        assert!(bulk.week_submitted_at(person, week).await.unwrap().is_some());
    }
    let locks = bulk.list_locked_periods().await.unwrap();
    assert_eq!(locks.len(), org.records().locked_periods.len());
    bulk.close().await;
    t.destroy().await;
}

async fn bulk_load_refuses_a_database_with_records(db: &Db) {
    assert!(!db.holds_records().await.unwrap());
    person(db, "someone@example.com").await;
    assert!(db.holds_records().await.unwrap());
    let org = small();
    let err = db
        .bulk_load(org.records(), &mut org.time_batches(5), &no_progress)
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Conflict(ref f) if f.field == "database" && f.rule == Rule::NotEmpty),
        "{err}"
    );
    let page = PageRequest { after: None, limit: 10 };
    let people = db.list(&PersonFilter::default(), page).await.unwrap();
    assert_eq!(people.items.len(), 1, "nothing was written");
}

async fn install_makes_a_user_per_role_and_ids_continue(db: &Db) {
    let org = small();
    let hashes: Vec<String> = org
        .users()
        .iter()
        .map(|u| format!("not-a-real-hash-{}", u.email))
        .collect();
    let seen = std::sync::Mutex::new(Vec::new());
    let progress = |s: &LoadStats| seen.lock().unwrap().push(s.entries);
    let stats = install(db, &ctx(), &org, &hashes, &progress).await.unwrap();
    assert!(
        stats.entries > 1000 && stats.rollup_rows > stats.entries / 2,
        "{stats:?}"
    );
    let seen = seen.lock().unwrap().clone();
    assert!(seen.windows(2).all(|w| w[0] <= w[1]) && seen.last() == Some(&stats.entries));
    let users = db
        .list_users(PageRequest { after: None, limit: 50 })
        .await
        .unwrap()
        .items;
    assert_eq!(users.len(), psops_demo::DEMO_ROLES.len());
    let mut roles: BTreeMap<Role, i64> = BTreeMap::new();
    for u in &users {
        let person = db.get(u.person_id.expect("linked to a person")).await.unwrap();
        assert_eq!(person.fields.email, u.email);
        roles.insert(u.roles[0], person.id.get());
    }
    assert_eq!(roles.len(), psops_demo::DEMO_ROLES.len(), "one user per role");
    // Sequences continue after the fixed ids on both backends.
    let next = person(db, "new.hire@example.com").await;
    assert_eq!(next.id.get(), 13 + psops_demo::partners::PEOPLE_ADDED);
    assert!(db.verify_rollups().await.unwrap().is_empty());
    let again = install(db, &ctx(), &org, &hashes, &no_progress).await.unwrap_err();
    assert!(matches!(again, Error::Conflict(_)), "{again}");
}
