//! Stories about the rollups and the reports that read them: after a seeded random run
//! of creates, updates, deletes and timesheet steps the rollups equal the raw sums, and
//! every utilization report's total is the sum of its rows and of the entries behind it.

use std::collections::HashMap;

use psops_core::dates::DateRange;
use psops_core::page::PageRequest;
use psops_core::people::Person;
use psops_core::projects::Project;
use psops_core::reporting::UtilizationFilter;
use psops_core::store::prelude::*;
use psops_core::time_entries::{EntryStatus, TimeEntry, TimeEntryFilter, TimeEntryPatch};
use psops_core::timesheet::IsoWeek;
use psops_core::utilization::{GroupBy, total};
use psops_core::{Id, Minutes};
use psops_store::Db;
use time::macros::date;
use time::{Date, Duration};

use super::fixtures::ctx;
use super::time_fixtures::{as_person, internal, managed_project, on_project, ops, staff};

crate::stories!(
    rollups_equal_the_raw_sums_after_random_operations,
    utilization_reads_whole_months_and_their_edges,
);

/// xorshift64*: a fixed seed gives the same run on both backends.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

async fn all_entries(db: &Db) -> Vec<TimeEntry> {
    let mut out = Vec::new();
    let mut page = PageRequest {
        after: None,
        limit: 100,
    };
    loop {
        let got = db.list_time_entries(&TimeEntryFilter::default(), page).await.unwrap();
        out.extend(got.items);
        let Some(last) = out.last() else { break };
        if got.next_cursor.is_none() {
            break;
        }
        page.after = Some(last.id.get());
    }
    out
}

async fn random_step(db: &Db, rng: &mut Rng, people: &[Person], projects: &[Project], pm: &Person) {
    let start = date!(2026 - 03 - 01);
    let day = |rng: &mut Rng| start + Duration::days(rng.below(61) as i64);
    let who = &people[rng.below(people.len())];
    let minutes = 15 * (1 + rng.below(32) as i64);
    let entries = all_entries(db).await;
    let pick = |rng: &mut Rng, status: EntryStatus| {
        let some: Vec<&TimeEntry> = entries.iter().filter(|e| e.status == status).collect();
        (!some.is_empty()).then(|| some[rng.below(some.len())].clone())
    };
    let week = |d: Date| IsoWeek::of(d);
    // Refusals (a full day, nothing to approve…) are part of the run; only the
    // bookkeeping of what succeeded is checked.
    let _ = match rng.below(10) {
        0..=3 => {
            let d = day(rng);
            let e = match rng.below(3) {
                0 => internal(who.id, d, minutes),
                _ => on_project(who.id, &projects[rng.below(projects.len())], d, minutes),
            };
            db.create_time_entry(&ctx(), e).await.map(drop)
        }
        4 => match pick(rng, EntryStatus::Draft) {
            Some(e) => {
                let patch = TimeEntryPatch {
                    minutes: Some(Minutes(minutes)),
                    date: (rng.below(2) == 0).then(|| day(rng)),
                    ..Default::default()
                };
                db.update_time_entry(&ctx(), e.id, None, patch).await.map(drop)
            }
            None => Ok(()),
        },
        5 => match pick(rng, EntryStatus::Draft) {
            Some(e) => db.delete_time_entry(&ctx(), e.id, None).await,
            None => Ok(()),
        },
        6 => db
            .submit_week(&ctx(), as_person(who), who.id, week(day(rng)))
            .await
            .map(drop),
        7 => match pick(rng, EntryStatus::Submitted) {
            Some(e) => db
                .approve_week(&ctx(), as_person(pm), e.person_id, week(e.date), e.project_id)
                .await
                .map(drop),
            None => Ok(()),
        },
        8 => match pick(rng, EntryStatus::Submitted) {
            Some(e) => db
                .reject_week(
                    &ctx(),
                    ops(),
                    e.person_id,
                    week(e.date),
                    e.project_id,
                    "please split this",
                )
                .await
                .map(drop),
            None => Ok(()),
        },
        _ => match pick(rng, EntryStatus::Approved) {
            Some(e) => db.reopen_entries(&ctx(), ops(), &[e.id]).await.map(drop),
            None => Ok(()),
        },
    };
}

async fn rollups_equal_the_raw_sums_after_random_operations(db: &Db) {
    let pm = staff(db, "pm@example.com", "EMEA", None).await;
    let mut people = vec![pm.clone()];
    for (i, region) in ["EMEA", "AMER", "APAC"].iter().enumerate() {
        people.push(staff(db, &format!("p{i}@example.com"), region, Some(pm.id)).await);
    }
    let projects = vec![
        managed_project(db, "Alpha", pm.id).await,
        managed_project(db, "Beta", pm.id).await,
    ];
    for who in &people {
        for p in &projects {
            super::fixtures::assign(db, who.id, p).await;
        }
    }
    let mut rng = Rng(0x5eed_cafe_f00d_0001);
    for _ in 0..200 {
        random_step(db, &mut rng, &people, &projects, &pm).await;
    }
    assert_eq!(db.verify_rollups().await.unwrap(), []);

    let entries = all_entries(db).await;
    assert!(entries.len() > 20, "the run logged time ({} entries)", entries.len());
    assert!(entries.iter().any(|e| e.status == EntryStatus::Approved));
    // Whole months, and a range with ragged edges on both sides.
    for range in [
        DateRange::new(date!(2026 - 03 - 01), date!(2026 - 04 - 30)).unwrap(),
        DateRange::new(date!(2026 - 03 - 10), date!(2026 - 04 - 20)).unwrap(),
    ] {
        let mut raw: HashMap<i64, (i64, i64)> = HashMap::new();
        for e in entries.iter().filter(|e| range.contains(e.date)) {
            let slot = raw.entry(e.person_id.get()).or_default();
            slot.0 += e.minutes.get();
            slot.1 += if e.billable { e.minutes.get() } else { 0 };
        }
        let by_person = db
            .utilization(range, GroupBy::Person, &UtilizationFilter::default())
            .await
            .unwrap();
        assert_eq!(by_person.rows.len(), people.len());
        for row in &by_person.rows {
            let (w, b) = raw.get(&row.key.parse::<i64>().unwrap()).copied().unwrap_or_default();
            assert_eq!(
                (row.row.worked_minutes.get(), row.row.billable_minutes.get()),
                (w, b),
                "{}",
                row.key
            );
        }
        for by in [
            GroupBy::Person,
            GroupBy::Function,
            GroupBy::Region,
            GroupBy::Manager,
            GroupBy::Partner,
        ] {
            let r = db.utilization(range, by, &UtilizationFilter::default()).await.unwrap();
            assert_eq!(r.total, total(r.rows.iter().map(|g| &g.row)), "{by:?}");
            assert_eq!(r.total, by_person.total, "{by:?}");
        }
        let team = UtilizationFilter {
            manager_id: Some(pm.id),
            ..Default::default()
        };
        let r = db.utilization(range, GroupBy::Region, &team).await.unwrap();
        let expected: i64 = raw.iter().filter(|(id, _)| **id != pm.id.get()).map(|(_, v)| v.0).sum();
        assert_eq!(r.total.worked_minutes.get(), expected);
        assert_eq!(r.rows.len(), 3);
    }
}

async fn utilization_reads_whole_months_and_their_edges(db: &Db) {
    let pm = staff(db, "pm9@example.com", "EMEA", None).await;
    let p = managed_project(db, "Edges", pm.id).await;
    super::fixtures::assign(db, pm.id, &p).await;
    let days = [
        date!(2026 - 02 - 02),
        date!(2026 - 02 - 28),
        date!(2026 - 03 - 01),
        date!(2026 - 03 - 31),
    ];
    for (i, d) in days.iter().enumerate() {
        db.create_time_entry(&ctx(), on_project(pm.id, &p, *d, 60 * (i as i64 + 1)))
            .await
            .unwrap();
    }
    let worked = |a: Date, b: Date| {
        let range = DateRange::new(a, b).unwrap();
        async move {
            let filter = UtilizationFilter {
                person_id: Some(Id::new(pm.id.get())),
                ..Default::default()
            };
            db.utilization(range, GroupBy::Person, &filter)
                .await
                .unwrap()
                .total
                .worked_minutes
                .get()
                / 60
        }
    };
    assert_eq!(worked(date!(2026 - 02 - 01), date!(2026 - 03 - 31)).await, 10);
    assert_eq!(worked(date!(2026 - 02 - 28), date!(2026 - 03 - 01)).await, 5);
    assert_eq!(worked(date!(2026 - 02 - 03), date!(2026 - 03 - 30)).await, 5);
    assert_eq!(worked(date!(2026 - 03 - 01), date!(2026 - 03 - 31)).await, 7);
    assert_eq!(worked(date!(2026 - 04 - 01), date!(2026 - 04 - 30)).await, 0);
    let year = DateRange::new(date!(2026 - 01 - 01), date!(2026 - 12 - 31)).unwrap();
    let r = db
        .utilization(year, GroupBy::Function, &UtilizationFilter::default())
        .await
        .unwrap();
    assert_eq!(r.total.available_policy_minutes.get(), 1696 * 60);
    assert_eq!(r.total.billable_minutes.get(), 10 * 60);
}
