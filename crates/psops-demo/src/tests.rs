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
    let windows = crate::partner_funds::windows(&org.partner_funds());
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
            authorized: match (people[&e.person_id].fields.partner_id, e.project_id) {
                (Some(partner), Some(project)) => {
                    windows.get(&(partner.get(), project)).map(Vec::as_slice).unwrap_or(&[])
                }
                _ => &[],
            },
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
    // Every set-up customer project holds a phase a PM would believe for its status; none before.
    for p in r.projects.iter().filter(|p| p.fields.is_customer()) {
        let holds = psops_core::delivery::lifecycle::holds_phase(p.fields.status);
        assert_eq!(p.fields.phase.is_some(), holds, "{:?}", p.fields.status);
    }
    let phases: HashSet<_> = r.projects.iter().filter_map(|p| p.fields.phase).collect();
    assert!(phases.len() >= 4, "phases spread: {phases:?}");
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

/// The headline flow works with the printed sign-ins: the demo project manager manages
/// every customer project the demo consultant works on this week or last, and there is
/// at least one.
#[test]
fn the_demo_project_manager_manages_the_demo_consultants_projects() {
    for (people, seed) in [(60, 42), (200, 7), (5000, 7)] {
        let org = DemoOrg::generate(spec(people, 1, seed)).unwrap();
        let user = |role| org.users().iter().find(|u| u.role == role).unwrap().person_id;
        let (pm, me) = (
            user(psops_core::auth::Role::ProjectManager),
            user(psops_core::auth::Role::Consultant),
        );
        let today = org.spec().end;
        let last_monday = psops_core::timesheet::IsoWeek::of(today - time::Duration::days(7)).monday();
        let r = org.records();
        let current: HashSet<i64> = r
            .assignments
            .iter()
            .filter(|a| a.fields.person_id.get() == me && a.fields.start_date <= today)
            .filter(|a| a.fields.end_date.is_none_or(|e| e >= last_monday))
            .map(|a| a.fields.project_id.get())
            .collect();
        let customer: Vec<_> = r
            .projects
            .iter()
            .filter(|p| current.contains(&p.id) && p.fields.is_customer())
            .collect();
        assert!(
            !customer.is_empty(),
            "{people} people: the consultant is on a customer project today"
        );
        for p in customer {
            assert_eq!(
                p.fields.project_manager_id,
                Some(psops_core::Id::new(pm)),
                "{}",
                p.fields.name
            );
        }
    }
}

/// The partner manager's headline flow: they manage every project their organisation
/// delivers, their consultants work on some, and a week of theirs waits for approval.
#[test]
fn the_demo_partner_manager_has_their_organisations_weeks_waiting() {
    for (people, seed) in [(60, 42), (200, 7)] {
        let org = DemoOrg::generate(spec(people, 1, seed)).unwrap();
        let manager = org
            .users()
            .iter()
            .find(|u| u.role == psops_core::auth::Role::PartnerManager)
            .unwrap()
            .person_id;
        let r = org.records();
        let partner = r.people[(manager - 1) as usize].fields.partner_id;
        assert!(
            partner.is_some(),
            "{people} people: the partner manager works for a partner"
        );
        let theirs: HashSet<i64> = r
            .projects
            .iter()
            .filter(|p| p.fields.partner_id == partner && p.fields.partner_delivered)
            .map(|p| {
                assert_eq!(p.fields.project_manager_id, Some(psops_core::Id::new(manager)));
                p.id
            })
            .collect();
        assert!(
            !theirs.is_empty(),
            "{people} people: the organisation delivers a project"
        );
        let time = org.time_batches(1_000_000).next().unwrap();
        // Their own consultants' time, which their read scope lets them see and approve.
        let own: HashSet<i64> = r
            .people
            .iter()
            .filter(|p| p.fields.partner_id == partner && p.id != manager)
            .map(|p| p.id)
            .collect();
        let waiting = time
            .entries
            .iter()
            .filter(|e| e.status == EntryStatus::Submitted && own.contains(&e.person_id))
            .filter(|e| e.project_id.is_some_and(|p| theirs.contains(&p)))
            .count();
        assert!(waiting > 0, "{people} people: their consultants' time waits for them");
    }
}

/// Billable utilization of each person employed all through the range, by function, in
/// basis points of their available hours: the policy's 1696 h a year, scaled by FTE.
fn utilization_by_function(org: &DemoOrg, time: &TimeBatch) -> BTreeMap<&'static str, Vec<i64>> {
    let range = org.spec().range();
    let years = i64::from(org.spec().years);
    let mut billable: HashMap<i64, i64> = HashMap::new();
    for e in time.entries.iter().filter(|e| e.billable) {
        *billable.entry(e.person_id).or_default() += e.minutes;
    }
    let mut by_function: BTreeMap<&'static str, Vec<i64>> = BTreeMap::new();
    for p in &org.records().people {
        let f = &p.fields;
        if f.employment_start > range.start || f.employment_end.is_some() {
            continue;
        }
        let available = years * 1696 * 60 * f.fte.basis_points() / 10_000;
        let bp = billable.get(&p.id).copied().unwrap_or(0) * 10_000 / available;
        by_function.entry(f.function.code()).or_default().push(bp);
    }
    by_function
}

#[test]
fn billable_utilization_sits_around_each_functions_target() {
    let org = DemoOrg::generate(spec(60, 1, 42)).unwrap();
    let by_function = utilization_by_function(&org, &all_time(&org));
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

/// How a customer project with a budget stands against its plan.
#[derive(Debug)]
struct Burn {
    id: i64,
    name: String,
    partner: Option<i64>,
    logged: i64,
    budget: i64,
    /// Minutes planned by its assignments up to the demo's today, and in all.
    planned_to_date: i64,
    planned: i64,
}

impl Burn {
    /// The budget pro rata: the share of it that the plan had used up by today.
    fn budget_to_date(&self) -> i64 {
        (i128::from(self.budget) * i128::from(self.planned_to_date) / i128::from(self.planned.max(1))) as i64
    }

    /// Logged time in basis points of the budget to date.
    fn burn_bp(&self) -> i64 {
        self.logged * 10_000 / self.budget_to_date().max(1)
    }

    /// Logged time in basis points of the plan to date.
    fn plan_bp(&self) -> i64 {
        self.logged * 10_000 / self.planned_to_date.max(1)
    }
}

/// Every customer project with a budget and at least 80 planned hours by the demo's
/// today (a project in its first days cannot be judged yet).
fn burns(org: &DemoOrg, time: &TimeBatch) -> Vec<Burn> {
    let today = org.spec().end;
    let mut logged: HashMap<i64, i64> = HashMap::new();
    for e in &time.entries {
        if let Some(p) = e.project_id {
            *logged.entry(p).or_default() += e.minutes;
        }
    }
    let mut planned: HashMap<i64, (i64, i64)> = HashMap::new();
    for a in &org.records().assignments {
        let f = &a.fields;
        // Only the standing assignments on internal projects are open-ended.
        let Some(end) = f.end_date else { continue };
        let days = |to: time::Date| ((to - f.start_date).whole_days() + 1).max(0);
        let slot = planned.entry(f.project_id.get()).or_default();
        slot.0 += f.minutes_per_week.get() * days(end.min(today)) / 7;
        slot.1 += f.minutes_per_week.get() * days(end) / 7;
    }
    org.records()
        .projects
        .iter()
        .filter(|p| p.fields.is_customer())
        .filter_map(|p| {
            let budget = p.fields.budget_minutes?.get();
            let (planned_to_date, planned) = planned.get(&p.id).copied().unwrap_or_default();
            (planned_to_date >= 80 * 60).then(|| Burn {
                id: p.id,
                name: p.fields.name.clone(),
                partner: p.fields.partner_id.map(|id| id.get()),
                logged: logged.get(&p.id).copied().unwrap_or(0),
                budget,
                planned_to_date,
                planned,
            })
        })
        .collect()
}

/// What a PS operations lead would check first: projects burn close to their plan and
/// only a few run over, none wildly; a partner's consultants are spread over its
/// projects; the team list reads as a staffing plan; utilization fits each function.
fn looks_real(people: usize) {
    let org = DemoOrg::generate(spec(people, 1, 42)).unwrap();
    let r = org.records();
    let time = all_time(&org);

    // Every customer project's budget is set: money where hours are.
    for p in r.projects.iter().filter(|p| p.fields.is_customer()) {
        let (hours, money) = (p.fields.budget_minutes, p.fields.budget);
        assert!(
            hours.is_some_and(|m| m.get() > 0) && money.is_some_and(|m| m.amount_minor > 0),
            "{p:?}"
        );
    }

    let burns = burns(&org, &time);
    assert!(
        burns.len() * 2 > r.projects.len() / 3,
        "{} projects to judge",
        burns.len()
    );
    let over: Vec<&Burn> = burns.iter().filter(|b| b.logged > b.budget_to_date()).collect();
    let mut plan_bps: Vec<i64> = burns.iter().map(Burn::plan_bp).collect();
    plan_bps.sort_unstable();
    eprintln!(
        "{people} people: {} of {} projects over budget, worst {} bp of budget to date; plan burn p10 {} p50 {} p90 {}",
        over.len(),
        burns.len(),
        burns.iter().map(Burn::burn_bp).max().unwrap_or(0),
        plan_bps[plan_bps.len() / 10],
        plan_bps[plan_bps.len() / 2],
        plan_bps[plan_bps.len() * 9 / 10]
    );
    assert!(
        over.len() * 100 <= burns.len() * 15,
        "{} of {} projects over budget: {over:#?}",
        over.len(),
        burns.len()
    );
    assert!(!over.is_empty(), "a few projects run over");
    let worst = burns.iter().max_by_key(|b| b.burn_bp()).unwrap();
    assert!(worst.burn_bp() <= 16_000, "worst overrun: {worst:#?}");
    // The ones that run over by more than 15 % say why.
    for b in over.iter().filter(|b| b.burn_bp() > 11_500) {
        assert!(
            b.name.contains("scope"),
            "project {} runs over without a reason: {b:#?}",
            b.id
        );
    }
    let on_plan = burns.iter().filter(|b| (8_500..=11_500).contains(&b.plan_bp())).count();
    assert!(
        on_plan * 100 >= burns.len() * 80,
        "{on_plan} of {} projects within 15 % of plan",
        burns.len()
    );

    // Partner consultants spread over their own partner's projects.
    let years = i64::from(org.spec().years);
    for partner in [1, 2] {
        let headcount = r
            .people
            .iter()
            .filter(|p| p.fields.partner_id.is_some_and(|id| id.get() == partner))
            .count() as i64;
        let projects = r
            .projects
            .iter()
            .filter(|p| p.fields.partner_id.is_some_and(|id| id.get() == partner))
            .count() as i64;
        assert!(
            projects >= 2 && projects >= headcount / 8,
            "partner {partner}: {projects} projects"
        );
        let people_years = (headcount / 3).max(3);
        for b in burns.iter().filter(|b| b.partner == Some(partner)) {
            assert!(
                b.logged <= people_years * years * 1_900 * 60,
                "partner {partner} ({headcount} people): {b:#?}"
            );
        }
    }
    for e in time.entries.iter().filter(|e| e.project_id.is_some()) {
        let person = &r.people[(e.person_id - 1) as usize].fields;
        let project = &r.projects[(e.project_id.unwrap() - 1) as usize].fields;
        if let Some(partner) = person.partner_id {
            assert_eq!(project.partner_id, Some(partner), "{e:?}");
        }
    }

    // Everyone together logs about the hours the capacity policy counts them available
    // (its 48 days off a year): a PS lead reads 110-130 % across the board as bad data.
    let policy = psops_core::capacity::CapacityRules::handbook();
    let until = time.entries.iter().map(|e| e.date).max().expect("time");
    let range = psops_core::dates::DateRange::new(org.spec().range().start, until).unwrap();
    let available: i64 = r
        .people
        .iter()
        .map(|p| {
            let facts = psops_core::capacity::PersonFacts {
                person_id: psops_core::Id::new(p.id),
                function: p.fields.function,
                region: p.fields.region.clone(),
                fte: p.fields.fte,
                employment_start: p.fields.employment_start,
                employment_end: p.fields.employment_end,
            };
            psops_core::capacity::policy_view(&policy, &facts, range)
                .available_minutes
                .get()
        })
        .sum();
    let worked: i64 = time.entries.iter().filter(|e| e.date <= until).map(|e| e.minutes).sum();
    let utilization = worked * 10_000 / available;
    eprintln!("{people} people: worked ÷ available (policy view) {utilization} bp");
    assert!(
        (9_300..=10_700).contains(&utilization),
        "{people} people: utilization {utilization} bp"
    );

    // One stint per person and project; a second only after a gap, and rarely.
    let mut stints: BTreeMap<(i64, i64), Vec<(time::Date, time::Date)>> = BTreeMap::new();
    for a in &r.assignments {
        let f = &a.fields;
        stints
            .entry((f.person_id.get(), f.project_id.get()))
            .or_default()
            .push((f.start_date, f.end_date.unwrap_or(time::Date::MAX)));
    }
    let mut twice = 0;
    for (key, list) in &stints {
        assert!(list.len() <= 2, "{key:?}: {list:?}");
        if let [a, b] = list[..] {
            assert!(
                b.0 > a.1 + time::Duration::days(7),
                "{key:?}: a gap between stints, {list:?}"
            );
            twice += 1;
        }
    }
    assert!(twice * 100 <= stints.len() * 3, "{twice} of {} twice", stints.len());

    // Billable utilization by function.
    let by_function = utilization_by_function(&org, &time);
    eprintln!(
        "{people} people: {twice} of {} person-project pairs with two stints; utilization {:?}",
        stints.len(),
        by_function
            .iter()
            .map(|(f, v)| (*f, v.iter().sum::<i64>() / v.len() as i64))
            .collect::<Vec<_>>()
    );
    for (function, low, high) in [
        ("engineer", 6000, 8500),
        ("project_manager", 5000, 8500),
        ("program_manager", 5000, 8500),
        ("technical_architect", 4000, 7000),
        ("trainer", 4000, 7000),
        ("partner_consultant", 7000, 9800),
    ] {
        let v = &by_function[function];
        let mean = v.iter().sum::<i64>() / v.len() as i64;
        assert!((low..=high).contains(&mean), "{function}: mean {mean} bp, people {v:?}");
    }
    for function in ["ops", "finance", "engagement_manager", "regional_delivery_manager"] {
        assert!(by_function[function].iter().all(|bp| *bp == 0), "{function}");
    }

    // Timesheet compliance a PS lead believes: most approvals land by the due day (the
    // week's Friday), and not every one does.
    let friday = |w: psops_core::timesheet::IsoWeek| w.monday() + time::Duration::days(4);
    let on_time = time
        .approvals
        .iter()
        .filter(|a| a.approved_at.date() <= friday(a.week))
        .count();
    let share = on_time * 100 / time.approvals.len().max(1);
    assert!((60..=95).contains(&share), "{share} % of approvals by the due day");
}

#[test]
fn the_default_organisation_burns_to_plan() {
    looks_real(60);
}

#[test]
fn a_large_organisation_burns_to_plan() {
    looks_real(2_000);
}

/// Internal time waits for PS operations, whose demo user decides it, not for the demo
/// PM, whose queue is their own customer projects' weeks.
#[test]
fn the_demo_ops_user_manages_the_internal_projects() {
    for (people, seed) in [(60, 42), (2_000, 7)] {
        let org = DemoOrg::generate(spec(people, 1, seed)).unwrap();
        let of = |role| {
            org.users()
                .iter()
                .find(|u| u.role == role)
                .map(|u| psops_core::Id::new(u.person_id))
        };
        let (ops, pm) = (
            of(psops_core::auth::Role::Ops),
            of(psops_core::auth::Role::ProjectManager),
        );
        let internal: Vec<_> = org
            .records()
            .projects
            .iter()
            .filter(|p| !p.fields.is_customer())
            .collect();
        assert_eq!(internal.len(), 2, "{people} people");
        for p in internal {
            assert_eq!(p.fields.project_manager_id, ops, "{people} people: {}", p.fields.name);
            assert_ne!(p.fields.project_manager_id, pm);
        }
    }
}

/// A demo made on a Saturday has the week just ended submitted, most of it decided, and
/// nothing dated after its last day (a late submitter has not submitted yet).
#[test]
fn a_weekend_demo_has_the_week_just_ended_submitted() {
    let end = date!(2026 - 12 - 05);
    let org = DemoOrg::generate(DemoSpec {
        people: 60,
        years: 1,
        seed: 42,
        end,
    })
    .unwrap();
    let time = all_time(&org);
    let this = psops_core::timesheet::IsoWeek::of(end);
    let submitted = time.weeks.iter().filter(|w| w.week == this).count();
    assert!(
        submitted * 2 > org.records().people.len(),
        "{submitted} of the week submitted"
    );
    assert!(time.weeks.iter().all(|w| w.submitted_at.date() <= end));
    assert!(time.approvals.iter().all(|a| a.approved_at.date() <= end));
    assert!(time.rejections.iter().all(|r| r.rejected_at.date() <= end));
    assert!(time.time_off.iter().all(|t| t.created_at.date() <= end));
    assert!(
        time.time_off
            .iter()
            .filter_map(|t| t.decided_at)
            .all(|d| d.date() <= end)
    );
}

#[test]
fn everyone_has_a_cost_and_every_delivery_role_a_rate_that_leaves_a_margin() {
    use psops_core::rates::{RateKind, in_force, overlaps};
    let org = DemoOrg::generate(spec(300, 2, 7)).unwrap();
    let r = org.records();
    let end = org.spec().end;
    for p in &r.people {
        let mine: Vec<_> = r
            .cost_rates
            .iter()
            .filter(|c| c.fields.person_id.get() == p.id)
            .collect();
        for (i, a) in mine.iter().enumerate() {
            for b in &mine[i + 1..] {
                let (a, b) = (&a.fields, &b.fields);
                assert!(!overlaps(
                    (a.effective_from, a.effective_to),
                    (b.effective_from, b.effective_to)
                ));
            }
        }
        let live = p.fields.employment_end.is_none_or(|e| e >= end);
        let now = in_force(
            mine.iter()
                .map(|c| (c.fields.effective_from, c.fields.effective_to, c.fields.rate)),
            end,
        );
        assert_eq!(now.is_some(), live, "person {} cost on {end}", p.id);
    }
    // Each delivery role bills well above what it costs, in every region, now.
    for region in ["AMER", "EMEA", "APAC"] {
        let card = |kind: RateKind, role: Function| {
            let lines = r
                .role_rates
                .iter()
                .filter(|l| l.fields.kind == kind && l.fields.role == role && l.fields.region == region);
            in_force(
                lines.map(|l| (l.fields.effective_from, l.fields.effective_to, l.fields.rate)),
                end,
            )
        };
        for role in [
            Function::Engineer,
            Function::ProjectManager,
            Function::TechnicalArchitect,
            Function::Trainer,
        ] {
            let (bill, cost) = (
                card(RateKind::Bill, role).unwrap(),
                card(RateKind::StandardCost, role).unwrap(),
            );
            assert_eq!(bill.currency, cost.currency);
            let margin = 100 - cost.amount_minor * 100 / bill.amount_minor;
            assert!((45..=70).contains(&margin), "{region} {role:?} margin {margin}%");
        }
    }
    // FX rates every month of the range, for EUR and AUD.
    assert_eq!(r.fx_rates.len() % 2, 0);
    assert!(r.fx_rates.len() >= 2 * 24);
}
