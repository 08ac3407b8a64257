//! The demo organisation is deterministic, valid by every rule an entry obeys, and
//! looks like a real PS organisation.

use std::collections::{BTreeMap, HashMap, HashSet};

use time::macros::{date, datetime};

use super::*;
use psops_core::code::Code;
use psops_core::meta::Meta;
use psops_core::people::{Function, Person};
use psops_core::projects::{Project, ProjectStatus};
use psops_core::settings::Settings;
use psops_core::time_entries::{EntryContext, EntryStatus, NewTimeEntry, check_entry};

fn spec(people: usize, years: u32, seed: u64) -> DemoSpec {
    DemoSpec {
        people,
        years,
        seed,
        end: date!(2026 - 11 - 18),
    }
}

fn all_time(org: &DemoOrg) -> TimeBatch {
    let mut all = TimeBatch::default();
    for b in org.time_batches(7) {
        all.append(b);
    }
    all
}

/// FNV-1a over everything an entry holds.
fn checksum(t: &TimeBatch) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |s: String| {
        for b in s.bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    };
    for e in &t.entries {
        eat(format!("{e:?}"));
    }
    for o in &t.time_off {
        eat(format!("{o:?}"));
    }
    eat(format!("{:?}{:?}{:?}", t.weeks, t.approvals, t.rejections));
    h
}

fn meta() -> Meta {
    let t = datetime!(2020-01-01 0:00 UTC);
    Meta {
        version: 1,
        created_at: t,
        updated_at: t,
        archived_at: None,
    }
}

#[test]
fn the_same_seed_gives_the_same_organisation() {
    let a = DemoOrg::generate(spec(30, 1, 7)).unwrap();
    let b = DemoOrg::generate(spec(30, 1, 7)).unwrap();
    let c = DemoOrg::generate(spec(30, 1, 8)).unwrap();
    assert_eq!(a.records(), b.records());
    let (ta, tb, tc) = (all_time(&a), all_time(&b), all_time(&c));
    assert_eq!(ta.entries.len(), tb.entries.len());
    assert_eq!(checksum(&ta), checksum(&tb));
    assert_ne!(checksum(&ta), checksum(&tc));
    // Batching does not change the stream.
    let mut one = TimeBatch::default();
    for batch in a.time_batches(1000) {
        one.append(batch);
    }
    assert_eq!(checksum(&one), checksum(&ta));
}

#[test]
fn specs_outside_the_ranges_are_refused() {
    assert!(DemoOrg::generate(spec(5, 1, 1)).is_err());
    assert!(DemoOrg::generate(spec(60, 0, 1)).is_err());
    assert!(DemoOrg::generate(spec(60, 11, 1)).is_err());
}

#[test]
fn every_entry_passes_the_rules_of_the_api() {
    let org = DemoOrg::generate(spec(24, 1, 3)).unwrap();
    let settings = Settings::default();
    let people: HashMap<i64, Person> = org
        .records()
        .people
        .iter()
        .map(|p| {
            (
                p.id,
                Person {
                    id: psops_core::Id::new(p.id),
                    fields: p.fields.clone(),
                    meta: meta(),
                },
            )
        })
        .collect();
    let projects: HashMap<i64, Project> = org
        .records()
        .projects
        .iter()
        .map(|p| {
            (
                p.id,
                Project {
                    id: psops_core::Id::new(p.id),
                    fields: p.fields.clone(),
                    meta: meta(),
                },
            )
        })
        .collect();
    for p in projects.values() {
        p.fields.validate().unwrap();
    }
    for p in people.values() {
        p.fields.validate().unwrap();
    }
    let mut day_totals: HashMap<(i64, time::Date), i64> = HashMap::new();
    let assigned: HashSet<(i64, i64)> = org
        .records()
        .assignments
        .iter()
        .map(|a| (a.fields.person_id.get(), a.fields.project_id.get()))
        .collect();
    let time = all_time(&org);
    assert!(time.entries.len() > 5_000, "{}", time.entries.len());
    for e in &time.entries {
        let other = day_totals.entry((e.person_id, e.date)).or_default();
        let input = NewTimeEntry {
            person_id: psops_core::Id::new(e.person_id),
            project_id: e.project_id.map(psops_core::Id::new),
            category: e.category,
            date: e.date,
            minutes: psops_core::Minutes(e.minutes),
            billable: Some(e.billable),
            note: e.note.clone(),
        };
        let ctx = EntryContext {
            settings: &settings,
            person: &people[&e.person_id],
            project: e.project_id.map(|p| &projects[&p]),
            other_minutes_that_day: *other,
            assigned: e.project_id.is_some_and(|p| assigned.contains(&(e.person_id, p))),
        };
        let checked = check_entry(input, &ctx).unwrap_or_else(|err| panic!("{e:?}: {err}"));
        assert_eq!(checked.billable, e.billable);
        *other += e.minutes;
    }
    assert!(day_totals.values().all(|m| *m <= 24 * 60 && *m > 0));
    let off: HashSet<(i64, time::Date)> = time.time_off.iter().map(|o| (o.person_id, o.date)).collect();
    assert!(
        day_totals.keys().all(|k| !off.contains(k)),
        "time off falls on days without time"
    );
    assert!(
        day_totals
            .keys()
            .all(|(_, d)| !matches!(d.weekday(), time::Weekday::Saturday | time::Weekday::Sunday))
    );
}

#[test]
fn the_default_organisation_looks_real() {
    let org = DemoOrg::generate(spec(60, 1, 42)).unwrap();
    let r = org.records();
    assert_eq!(r.people.len(), 60);
    assert_eq!(r.accounts.len(), 25);
    assert_eq!(r.projects.len(), 40);
    assert_eq!(r.partners.len(), 2);
    assert_eq!(r.calendars.len(), 3);
    let statuses: HashSet<ProjectStatus> = r.projects.iter().map(|p| p.fields.status).collect();
    assert_eq!(statuses.len(), ProjectStatus::ALL.len(), "every status appears");
    let functions: HashSet<Function> = r.people.iter().map(|p| p.fields.function).collect();
    assert_eq!(functions.len(), Function::ALL.len(), "every function appears");
    assert!(r.projects.iter().any(|p| p.fields.partner_delivered));
    let roles: Vec<_> = org.users().iter().map(|u| u.role).collect();
    assert_eq!(roles, DEMO_ROLES);
    let holidays_2026 = r
        .holidays
        .iter()
        .filter(|(c, h)| *c == 1 && h.date.year() == 2026)
        .count();
    assert_eq!(holidays_2026, 11);

    let time = all_time(&org);
    let customer: HashSet<i64> = r
        .projects
        .iter()
        .filter(|p| p.fields.is_customer())
        .map(|p| p.id)
        .collect();
    let non_billable_customer: Vec<_> = time
        .entries
        .iter()
        .filter(|e| !e.billable && e.project_id.is_some_and(|p| customer.contains(&p)))
        .collect();
    assert!(!non_billable_customer.is_empty());
    assert!(
        non_billable_customer
            .iter()
            .all(|e| e.note.as_deref().is_some_and(|n| !n.trim().is_empty()))
    );
    for status in [EntryStatus::Draft, EntryStatus::Submitted, EntryStatus::Approved] {
        assert!(time.entries.iter().any(|e| e.status == status), "{status:?}");
    }
    assert!(!time.rejections.is_empty());
    assert!(time.weeks.len() > 40 * 45);
    let current = psops_core::timesheet::IsoWeek::of(org.spec().end);
    assert!(
        time.entries
            .iter()
            .filter(|e| psops_core::timesheet::IsoWeek::of(e.date) == current)
            .all(|e| e.status == EntryStatus::Draft)
    );
}

#[test]
fn billable_utilization_sits_around_each_functions_target() {
    let org = DemoOrg::generate(spec(60, 1, 42)).unwrap();
    let r = org.records();
    let range = org.spec().range();
    let time = all_time(&org);
    let mut billable: HashMap<i64, i64> = HashMap::new();
    for e in time.entries.iter().filter(|e| e.billable) {
        *billable.entry(e.person_id).or_default() += e.minutes;
    }
    // Available: the policy's 1696 h a year (the handbook's capacity table), scaled by FTE.
    let mut by_function: BTreeMap<&str, Vec<i64>> = BTreeMap::new();
    for p in &r.people {
        let f = &p.fields;
        if f.employment_start > range.start || f.employment_end.is_some() {
            continue;
        }
        let available = 1696 * 60 * f.fte.basis_points() / 10_000;
        let bp = billable.get(&p.id).copied().unwrap_or(0) * 10_000 / available;
        by_function.entry(f.function.code()).or_default().push(bp);
    }
    let spread: Vec<i64> = by_function["engineer"].clone();
    assert!(
        spread.iter().any(|bp| *bp > 7500),
        "some engineers are over target: {spread:?}"
    );
    assert!(spread.iter().any(|bp| *bp < 6500), "some are under: {spread:?}");
    for (function, target) in [
        ("engineer", 7000),
        ("project_manager", 7000),
        ("technical_architect", 5500),
        ("trainer", 5500),
    ] {
        let v = &by_function[function];
        let mean = v.iter().sum::<i64>() / v.len() as i64;
        assert!(
            (mean - target).abs() <= 1500,
            "{function}: mean {mean} bp, people {v:?}"
        );
    }
    for function in ["ops", "finance", "engagement_manager"] {
        assert!(by_function[function].iter().all(|bp| *bp == 0), "{function}");
    }
}
