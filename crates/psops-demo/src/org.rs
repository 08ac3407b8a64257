//! The organisation's records: partners, regions and their calendars, people with
//! managers, customers and contacts, projects in every status and the assignments that
//! staff them — plus, for each person, the plan their time is generated from.

use std::collections::{BTreeMap, HashSet};

use time::{Date, Duration};

use crate::install::DemoUser;
use crate::names::{self, REGIONS};
use crate::rng::Rng;
use crate::{DEMO_ROLES, DemoSpec};
use psops_core::Currency;
use psops_core::Id;
use psops_core::accounts::{AccountFields, ContactFields, NewContact};
use psops_core::bulk::{OrgRecords, Seeded};
use psops_core::calendars::CalendarFields;
use psops_core::capacity::{Holiday, TimeOffKind};
use psops_core::dates::DateRange;
use psops_core::partners::{PartnerFields, PartnerType};
use psops_core::people::{Fte, Function, PersonFields};
use psops_core::projects::ProjectStatus;

pub(crate) use crate::org_projects::Stint;

/// People per 60 by function, in the order they are created (managers first).
const FUNCTIONS: [(Function, usize); 11] = [
    (Function::RegionalDeliveryManager, 3),
    (Function::Ops, 3),
    (Function::Finance, 2),
    (Function::EngagementManager, 4),
    (Function::ProjectCoordinator, 3),
    (Function::ProjectManager, 6),
    (Function::ProgramManager, 2),
    (Function::TechnicalArchitect, 6),
    (Function::Trainer, 4),
    (Function::Engineer, 22),
    (Function::PartnerConsultant, 5),
];

/// What a person's time is generated from.
#[derive(Debug, Clone)]
pub(crate) struct PersonPlan {
    pub id: i64,
    pub function: Function,
    pub region: usize,
    pub fte_bp: i64,
    pub start: Date,
    pub end: Option<Date>,
    /// The billable share of a working day this person aims at, in basis points.
    pub share_bp: i64,
    pub stints: Vec<Stint>,
    /// Their last week is submitted and waits for approval (a demo user approves it).
    pub waits: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct Built {
    pub records: OrgRecords,
    pub plans: Vec<PersonPlan>,
    pub users: Vec<DemoUser>,
    pub range: DateRange,
    /// Public holidays per region.
    pub holidays: Vec<HashSet<Date>>,
    /// Company-wide days off: friends-and-family days and the summit.
    pub company_days: BTreeMap<Date, TimeOffKind>,
}

/// The internal projects every organisation has (ids 1 and 2).
pub(crate) const OPS_PROJECT: i64 = 1;
pub(crate) const PRACTICE_PROJECT: i64 = 2;

fn ascii(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            'ü' => Some('u'),
            'é' | 'è' => Some('e'),
            'á' | 'à' => Some('a'),
            'í' => Some('i'),
            'ó' | 'ö' => Some('o'),
            'ñ' => Some('n'),
            c if c.is_ascii_alphanumeric() => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

fn function_counts(people: usize) -> Vec<(Function, usize)> {
    let mut counts: Vec<(Function, usize)> = FUNCTIONS
        .iter()
        .map(|&(f, w)| {
            let min = if f == Function::PartnerConsultant { 2 } else { 1 };
            (f, (w * people / 60).max(min))
        })
        .collect();
    let others: usize = counts
        .iter()
        .filter(|(f, _)| *f != Function::Engineer)
        .map(|(_, n)| n)
        .sum();
    for (f, n) in &mut counts {
        if *f == Function::Engineer {
            *n = people.saturating_sub(others);
        }
    }
    counts
}

fn target_bp(f: Function) -> i64 {
    match f {
        Function::ProjectManager | Function::ProgramManager | Function::Engineer => 7000,
        Function::TechnicalArchitect | Function::Trainer => 5500,
        Function::PartnerConsultant => 8500,
        _ => 0,
    }
}

pub(crate) fn build(spec: &DemoSpec) -> Built {
    let range = spec.range();
    let mut rng = Rng::derive(spec.seed, 1);
    let partners = vec![
        Seeded {
            id: 1,
            fields: PartnerFields {
                name: "Meridian Cloud Partners".into(),
                partner_type: PartnerType::StaffAugmentation,
                region: Some("EMEA".into()),
                notes: Some(
                    "Staff augmentation: certified engineers embedded in our delivery teams; a training service partner \
                     delivering our courses"
                        .into(),
                ),
                // A training service partner for well over a year: past its ramp-up.
                training_since: Some(spec.end - time::Duration::days(480)),
            },
        },
        Seeded {
            id: 2,
            fields: PartnerFields {
                name: "Cascade DevOps Consulting".into(),
                partner_type: PartnerType::ProjectBasedSubcontract,
                region: Some("AMER".into()),
                notes: Some("Project-based subcontract under a prime partner SOW".into()),
                // Enrolled ten months ago, its ramp-up over with one trainer for one course.
                training_since: Some(spec.end - time::Duration::days(300)),
            },
        },
    ];
    let mut records = OrgRecords {
        partners,
        ..OrgRecords::default()
    };
    let partner_domains = ["meridian-partners.example", "cascade-devops.example"];
    let mut holidays = Vec::new();
    for (i, region) in REGIONS.iter().enumerate() {
        let id = i as i64 + 1;
        records.calendars.push(Seeded {
            id,
            fields: CalendarFields {
                name: region.calendar.into(),
                region: region.code.into(),
            },
        });
        let mut set = HashSet::new();
        for year in range.start.year()..=range.end.year() + 1 {
            for (date, name) in names::holidays(i, year) {
                set.insert(date);
                records.holidays.push((
                    id,
                    Holiday {
                        date,
                        minutes: None,
                        name: name.into(),
                    },
                ));
            }
        }
        holidays.push(set);
    }

    // People, managers first.
    let mut emails = HashSet::new();
    let mut plans = Vec::with_capacity(spec.people);
    let mut rdms: Vec<Vec<i64>> = vec![Vec::new(); 3];
    let mut first_of: BTreeMap<&'static str, Vec<i64>> = BTreeMap::new();
    let mut partner_people: [Vec<i64>; 2] = [Vec::new(), Vec::new()];
    let span = range.days();
    for (function, count) in function_counts(spec.people) {
        for k in 0..count {
            let id = records.people.len() as i64 + 1;
            let first = *rng.pick(names::FIRST_NAMES);
            let last = *rng.pick(names::LAST_NAMES);
            let partner = (function == Function::PartnerConsultant).then_some(k % 2);
            let domain = partner.map_or("demo.psops.example", |p| partner_domains[p]);
            let mut email = format!("{}.{}@{domain}", ascii(first), ascii(last));
            if !emails.insert(email.clone()) {
                email = format!("{}.{}{id}@{domain}", ascii(first), ascii(last));
                emails.insert(email.clone());
            }
            let region = match (function, partner) {
                (Function::RegionalDeliveryManager, _) => k % 3,
                (_, Some(p)) => 1 - p,
                _ => match rng.below(100) {
                    0..45 => 0,
                    45..80 => 1,
                    _ => 2,
                },
            };
            // The first people of each function (and of each partner) stay all along:
            // the demo users sign in as them.
            let stable = k == 0 || (partner.is_some() && k < 4);
            let mut start = range.start - Duration::days(rng.between(120, 2500));
            let mut end = None;
            if !stable && span > 200 {
                match rng.below(100) {
                    0..8 => start = range.start + Duration::days(rng.between(30, span - 60)),
                    8..13 => end = Some(range.start + Duration::days(rng.between(60, span - 30))),
                    _ => {}
                }
            }
            let fte_bp = match rng.below(100) {
                _ if function == Function::RegionalDeliveryManager || stable => 10_000,
                0..6 => 8_000,
                6..9 => 5_000,
                _ => 10_000,
            };
            let manager_id = match (function, partner) {
                (_, Some(_)) => None,
                (Function::RegionalDeliveryManager, _) if id == 1 => None,
                (Function::RegionalDeliveryManager, _) => Some(1),
                _ => {
                    let local = &rdms[region];
                    let pool = if local.is_empty() { &rdms[0] } else { local };
                    Some(pool[(id as usize) % pool.len().max(1)])
                }
            };
            if function == Function::RegionalDeliveryManager {
                rdms[region].push(id);
            }
            if stable {
                first_of.entry(function_key(function, partner)).or_default().push(id);
            }
            if let Some(p) = partner {
                partner_people[p].push(id);
            }
            let base = target_bp(function);
            let share_bp = if base == 0 {
                0
            } else {
                let star = if rng.chance(10) { 1500 } else { 0 };
                (base + rng.between(-1200, 1200) + star).clamp(1500, 9500)
            };
            records.people.push(Seeded {
                id,
                fields: PersonFields {
                    name: format!("{first} {last}"),
                    email,
                    function,
                    region: REGIONS[region].code.into(),
                    time_zone: (*rng.pick(REGIONS[region].zones)).into(),
                    fte: Fte::from_basis_points(fte_bp).unwrap_or(Fte::FULL),
                    employment_start: start,
                    employment_end: end,
                    manager_id: manager_id.map(psops_core::Id::new),
                    partner_id: partner.map(|p| psops_core::Id::new(p as i64 + 1)),
                },
            });
            plans.push(PersonPlan {
                id,
                function,
                region,
                fte_bp,
                start,
                end,
                share_bp,
                stints: Vec::new(),
                waits: false,
            });
        }
    }

    accounts(&mut records, &mut rng, spec.people);
    let projects = crate::org_projects::projects(&mut records, &mut rng, spec.people, range);
    crate::org_projects::staff(&mut records, &mut plans, &projects, &mut rng, range);
    crate::org_projects::budgets(&mut records, &projects, &mut rng);
    crate::skills::add(&mut records, &mut Rng::derive(spec.seed, 77), range.end);
    line_up(&mut records, &mut plans, &first_of, range.end);
    records.locked_periods = names::locked_months(range);
    crate::rates::add(&mut records, &range, spec.seed);
    let users = users(&records, &first_of);
    Built {
        records,
        plans,
        users,
        range,
        holidays,
        company_days: names::company_days(range),
    }
}

fn function_key(f: Function, partner: Option<usize>) -> &'static str {
    match partner {
        Some(0) => "partner_a",
        Some(_) => "partner_b",
        None => psops_core::code::Code::code(&f),
    }
}

fn accounts(records: &mut OrgRecords, rng: &mut Rng, people: usize) {
    let count = (people * 25 / 60).max(25);
    let mut contact_id = 0;
    for i in 0..count {
        let (base, industry) = names::ACCOUNTS[i % names::ACCOUNTS.len()];
        let round = i / names::ACCOUNTS.len();
        let name = if round == 0 {
            base.to_string()
        } else {
            format!("{base} ({})", round + 1)
        };
        let initials: String = base
            .split_whitespace()
            .filter_map(|w| w.chars().next())
            .filter(char::is_ascii_alphabetic)
            .collect();
        let code = if round == 0 {
            initials.to_uppercase()
        } else {
            format!("{}{}", initials.to_uppercase(), round + 1)
        };
        let region = &REGIONS[i % 3];
        let id = i as i64 + 1;
        records.accounts.push(Seeded {
            id,
            fields: AccountFields {
                name,
                code: Some(code),
                region: Some(region.code.into()),
                industry: Some(industry.into()),
                currency: region.currency.parse::<Currency>().ok(),
            },
        });
        let domain = format!("{}.example", ascii(base));
        for _ in 0..2 {
            contact_id += 1;
            let first = *rng.pick(names::FIRST_NAMES);
            let last = *rng.pick(names::LAST_NAMES);
            records.contacts.push(Seeded {
                id: contact_id,
                fields: NewContact {
                    account_id: Id::new(id),
                    fields: ContactFields {
                        name: format!("{first} {last}"),
                        email: Some(format!("{}.{}@{domain}", ascii(first), ascii(last))),
                        title: Some((*rng.pick(names::CONTACT_TITLES)).into()),
                        phone: Some(format!("+1 555 01{:02}", rng.below(100))),
                    },
                },
            });
        }
    }
}

/// The demo's headline flows — the demo consultant submits a week, the demo project
/// manager approves it; the demo partner manager approves their consultants' weeks —
/// need the one to manage the customer projects the other works on this week and last
/// (a stint may have ended on Tuesday), and the partner manager their organisation's.
fn line_up(
    records: &mut OrgRecords,
    plans: &mut [PersonPlan],
    first_of: &BTreeMap<&'static str, Vec<i64>>,
    today: Date,
) {
    let first = |key: &str| first_of.get(key).and_then(|v| v.first()).copied();
    let (Some(pm), Some(consultant)) = (first("project_manager"), first("engineer")) else {
        return;
    };
    let recent = psops_core::timesheet::IsoWeek::of(today - Duration::days(7)).monday();
    let current: HashSet<i64> = records
        .assignments
        .iter()
        .filter(|a| a.fields.person_id.get() == consultant)
        .filter(|a| a.fields.start_date <= today && a.fields.end_date.is_none_or(|e| e >= recent))
        .map(|a| a.fields.project_id.get())
        .collect();
    for p in records.projects.iter_mut() {
        if current.contains(&p.id) && p.fields.is_customer() {
            p.fields.project_manager_id = Some(Id::new(pm));
        }
    }
    // The demo partner manager runs their organisation's delivery: they manage the
    // projects it delivers, so their consultants' submitted weeks wait for them.
    let Some(partner_manager) = first("partner_a") else {
        return;
    };
    let org = records.people[(partner_manager - 1) as usize].fields.partner_id;
    for p in records.projects.iter_mut() {
        if org.is_some() && p.fields.partner_id == org && p.fields.partner_delivered {
            p.fields.project_manager_id = Some(Id::new(partner_manager));
        }
    }
    // And their consultants' last week waits for them.
    for plan in plans.iter_mut() {
        let partner = records.people[(plan.id - 1) as usize].fields.partner_id;
        plan.waits = org.is_some() && partner == org && plan.id != partner_manager;
    }
}

fn users(records: &OrgRecords, first_of: &BTreeMap<&'static str, Vec<i64>>) -> Vec<DemoUser> {
    let pick = |key: &str, n: usize| first_of.get(key).and_then(|v| v.get(n)).copied();
    DEMO_ROLES
        .iter()
        .filter_map(|&role| {
            use psops_core::auth::Role::*;
            let person = match role {
                Admin => pick("regional_delivery_manager", 0),
                Ops => pick("ops", 0),
                Finance => pick("finance", 0),
                PracticeManager => pick("technical_architect", 0),
                EngagementManager => pick("engagement_manager", 0),
                ProjectManager => pick("project_manager", 0),
                Consultant => pick("engineer", 0),
                PartnerManager => pick("partner_a", 0),
                PartnerConsultant => pick("partner_a", 1).or(pick("partner_b", 0)),
                Leadership => pick("program_manager", 0),
            }?;
            let p = &records.people[(person - 1) as usize].fields;
            Some(DemoUser {
                role,
                email: p.email.clone(),
                name: p.name.clone(),
                person_id: person,
            })
        })
        .collect()
}

/// Minutes of a working day for an FTE, on the 15-minute step.
pub(crate) fn day_minutes(fte_bp: i64) -> i64 {
    (480 * fte_bp / 10_000) / 15 * 15
}

pub(crate) fn bears_time(s: ProjectStatus) -> bool {
    matches!(
        s,
        ProjectStatus::Active
            | ProjectStatus::OnHold
            | ProjectStatus::Completed
            | ProjectStatus::Closed
            | ProjectStatus::Cancelled
    )
}
