//! Projects in every status of the handbook's lifecycle, with their dates, managers and
//! partners; the staffing plan that puts people on them (one stint per person and
//! project, now and then a second after a gap); and budgets sized from that plan, so a
//! project burns close to its plan and only a few, whose scope changed, run over.

use time::{Date, Duration};

use crate::names;
use crate::org::{OPS_PROJECT, PRACTICE_PROJECT, PersonPlan, bears_time, day_minutes};
use crate::rng::Rng;
use psops_core::assignments::AssignmentFields;
use psops_core::bulk::{OrgRecords, Seeded};
use psops_core::dates::DateRange;
use psops_core::delivery::lifecycle::Phase;
use psops_core::people::Function;
use psops_core::projects::{BillingType, ProjectFields, ProjectStatus, ProjectType};
use psops_core::{Currency, Minutes, Money};

/// The status of the n-th customer project, cycling: every status appears in 38.
const STATUSES: [ProjectStatus; 38] = {
    use ProjectStatus::*;
    [
        Active,
        Completed,
        Active,
        Prospect,
        Closed,
        Active,
        Estimate,
        Completed,
        OnHold,
        Active,
        InSetUp,
        Completed,
        Cancelled,
        Active,
        OkayToStart,
        Backlog,
        Completed,
        Active,
        Closed,
        Prospect,
        Active,
        Completed,
        Estimate,
        Active,
        OnHold,
        Closed,
        InSetUp,
        Completed,
        Active,
        OkayToStart,
        Cancelled,
        Backlog,
        Completed,
        Active,
        Closed,
        Prospect,
        Completed,
        Estimate,
    ]
};

/// A project as the staffing and time generators see it.
#[derive(Debug, Clone)]
pub(crate) struct ProjectPlan {
    pub id: i64,
    /// Days time can be logged: inside the project's dates and the demo's range.
    pub work: Option<DateRange>,
    /// The last day people are planned on it: its end date, or the day work stopped
    /// (on hold, cancelled); past the demo's today for a running project.
    pub plan_end: Date,
    pub partner: Option<i64>,
    pub training: bool,
    pub manager: Option<i64>,
    /// Its scope grew after the budget was set: it runs over, and its name says why.
    pub over: bool,
    /// The hourly rate its money budget is priced at, in minor units.
    pub rate_minor: i64,
}

/// A person on a project for some days; `weight` shares the billable time of a day
/// between concurrent stints.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Stint {
    pub project: i64,
    pub from: Date,
    pub to: Date,
    pub weight: i64,
}

fn days(n: i64) -> Duration {
    Duration::days(n)
}

/// Partner consultants per partner project: a partner gets one project per this many
/// consultants (at least two), so its people spread over several teams.
const PARTNER_TEAM: usize = 6;

/// Customer projects are ids 3 and up, at index `id - 3` of the plans.
const FIRST_CUSTOMER: i64 = 3;

pub(crate) fn projects(records: &mut OrgRecords, rng: &mut Rng, people: usize, range: DateRange) -> Vec<ProjectPlan> {
    let (rs, re, span) = (range.start, range.end, range.days());
    let managers: Vec<i64> = records
        .people
        .iter()
        .filter(|p| matches!(p.fields.function, Function::ProjectManager | Function::ProgramManager))
        .filter(|p| p.fields.employment_end.is_none() && p.fields.employment_start <= rs)
        .map(|p| p.id)
        .collect();
    let mut headcount = [0_usize; 2];
    for p in &records.people {
        if let Some(partner) = p.fields.partner_id {
            headcount[(partner.get() - 1) as usize] += 1;
        }
    }
    // Two thirds of a partner's projects run all through the demo's years, so its
    // consultants always have a team; the rest start later (the staff augmentation
    // partner) or finished earlier (the subcontractor).
    let mut long_slots = [0_usize; 2];
    let mut other_slots = [0_usize; 2];
    for p in 0..2 {
        let slots = headcount[p].div_ceil(PARTNER_TEAM).max(2);
        long_slots[p] = (slots * 2 / 3).max(1);
        other_slots[p] = slots - long_slots[p];
    }
    // Internal time is PS operations' to approve, not a delivery PM's: at 5,000 people a
    // PM who managed the internal projects had thousands of people's weeks waiting.
    let operations = records
        .people
        .iter()
        .filter(|p| p.fields.function == Function::Ops && p.fields.partner_id.is_none())
        .find(|p| p.fields.employment_end.is_none() && p.fields.employment_start <= rs)
        .map(|p| p.id)
        .or_else(|| managers.first().copied());
    let mut plans = Vec::new();
    for (id, name) in [
        (OPS_PROJECT, "PS operations and enablement"),
        (PRACTICE_PROJECT, "Practice development and delivery kits"),
    ] {
        records.projects.push(Seeded {
            id,
            fields: ProjectFields {
                name: name.into(),
                code: Some(format!("INT-{id:03}")),
                account_id: None,
                project_type: ProjectType::Internal,
                billing_type: BillingType::NonBillable,
                status: ProjectStatus::Active,
                phase: None,
                start_date: Some(rs - days(730)),
                end_date: None,
                project_manager_id: operations.map(psops_core::Id::new),
                budget_minutes: None,
                budget: None,
                partner_delivered: false,
                partner_id: None,
            },
        });
    }
    let count = (people * 2 / 3).max(40) - 2;
    let mut carrying = 0;
    for i in 0..count {
        let id = i as i64 + FIRST_CUSTOMER;
        let status = STATUSES[i % STATUSES.len()];
        let account = (i % records.accounts.len()) as i64 + 1;
        let project_type = match i % 11 {
            3 | 8 => ProjectType::Training,
            5 => ProjectType::Both,
            _ => ProjectType::Consulting,
        };
        let billing = if project_type == ProjectType::Training || i % 3 == 2 {
            BillingType::FixedFee
        } else {
            BillingType::TimeAndMaterials
        };
        let evergreen = status == ProjectStatus::Active && i % 2 == 0;
        let (start, end, work_until) = match status {
            ProjectStatus::Active if evergreen => (
                Some(rs - days(rng.between(30, 400))),
                Some(re + days(rng.between(60, 400))),
                re,
            ),
            ProjectStatus::Active => (
                Some(rs + days(rng.between(0, span * 6 / 10))),
                Some(re + days(rng.between(30, 300))),
                re,
            ),
            ProjectStatus::Completed | ProjectStatus::Closed => {
                let len = rng.between(60, 300.min(span - 60));
                let s = rs + days(rng.between(-60, (span - len - 21).max(-59)));
                (Some(s), Some(s + days(len)), s + days(len))
            }
            ProjectStatus::OnHold => {
                let s = rs + days(rng.between(0, span / 2));
                (Some(s), None, (re - days(rng.between(20, 60))).max(s))
            }
            ProjectStatus::Cancelled => {
                let s = rs + days(rng.between(0, span - 90));
                let e = s + days(rng.between(14, 45));
                (Some(s), Some(e), e)
            }
            ProjectStatus::OkayToStart | ProjectStatus::InSetUp => {
                let s = re + days(rng.between(7, 45));
                (Some(s), Some(s + days(rng.between(60, 200))), re)
            }
            ProjectStatus::Backlog => (Some(re + days(rng.between(60, 150))), None, re),
            ProjectStatus::Estimate | ProjectStatus::Prospect => (None, None, re),
        };
        let work = match (bears_time(status), start) {
            (true, Some(s)) => DateRange {
                start: s,
                end: work_until,
            }
            .intersect(&range),
            _ => None,
        };
        let plan_end = match status {
            ProjectStatus::Active => end.unwrap_or(work_until),
            _ => work_until,
        };
        let wanted: &[(usize, bool)] = match status {
            ProjectStatus::Active if evergreen => &[(0, true), (1, true)],
            ProjectStatus::Active => &[(0, false)],
            ProjectStatus::Completed => &[(1, false)],
            _ => &[],
        };
        // The partner with the most open slots of this kind takes the project.
        let partner = wanted
            .iter()
            .filter(|(p, long)| if *long { long_slots[*p] > 0 } else { other_slots[*p] > 0 })
            .max_by_key(|(p, long)| (if *long { long_slots[*p] } else { other_slots[*p] }, 1 - *p))
            .map(|&(p, long)| {
                let slots = if long { &mut long_slots } else { &mut other_slots };
                slots[p] -= 1;
                p as i64 + 1
            });
        let offering = if project_type == ProjectType::Training {
            *rng.pick(names::EDUCATION)
        } else {
            *rng.pick(names::CONSULTING)
        };
        let rate_minor = rng.between(175, 260) * 100;
        // One in fourteen projects that carry time had its scope extended after the
        // budget was agreed: it runs over.
        let over = work.is_some() && status != ProjectStatus::Cancelled && {
            carrying += 1;
            carrying % 14 == 4
        };
        let manager = match status {
            ProjectStatus::Estimate | ProjectStatus::Prospect => None,
            _ if managers.is_empty() => None,
            _ => Some(managers[i % managers.len()]),
        };
        let account_fields = &records.accounts[(account - 1) as usize].fields;
        let scope = if over {
            " (scope extended by change request)"
        } else {
            ""
        };
        records.projects.push(Seeded {
            id,
            fields: ProjectFields {
                name: format!("{} — {offering}{scope}", account_fields.name),
                code: Some(format!("{}-{:03}", account_fields.code.clone().unwrap_or_default(), id)),
                account_id: Some(psops_core::Id::new(account)),
                project_type,
                billing_type: billing,
                status,
                phase: phase_of(status, start, end, re, i),
                start_date: start,
                end_date: end,
                project_manager_id: manager.map(psops_core::Id::new),
                // Sized from the staffing plan once people are on it: see `budgets`.
                budget_minutes: None,
                budget: None,
                partner_delivered: partner.is_some(),
                partner_id: partner.map(psops_core::Id::new),
            },
        });
        plans.push(ProjectPlan {
            id,
            work,
            plan_end: plan_end.max(work.map_or(plan_end, |w| w.end)),
            partner,
            training: matches!(project_type, ProjectType::Training | ProjectType::Both),
            manager,
            over,
            rate_minor,
        });
    }
    plans
}

/// Where a project stands in the methodology on `today`: set-up projects close their SOW,
/// running ones are past planning by a sixth of their time and deploy in the last fifth,
/// iterating in between; closed ones have deployed.
fn phase_of(status: ProjectStatus, start: Option<Date>, end: Option<Date>, today: Date, i: usize) -> Option<Phase> {
    use ProjectStatus::*;
    match status {
        Estimate | Prospect | Cancelled => None,
        InSetUp => Some(Phase::SowClose),
        OkayToStart | Backlog => Some(Phase::InitiateAndPlan),
        OnHold => Some(Phase::DeliverTrainAndMonitor),
        Closed | Completed => Some(Phase::DeployAndClose),
        Active => {
            let (Some(s), Some(e)) = (start, end) else {
                return Some(Phase::DeliverTrainAndMonitor);
            };
            let (done, whole) = ((today - s).whole_days(), (e - s).whole_days().max(1));
            Some(if done * 6 < whole {
                Phase::InitiateAndPlan
            } else if done * 5 > whole * 4 {
                Phase::DeployAndClose
            } else if i.is_multiple_of(3) {
                Phase::IterateAndValidate
            } else {
                Phase::DeliverTrainAndMonitor
            })
        }
    }
}

/// A project a person has been on: how many stints, and the last day of the latest.
struct Been {
    project: usize,
    stints: u8,
    last: Date,
}

/// The days of the demo's range a project carries time on, at least one.
fn work_days(p: &ProjectPlan) -> i64 {
    p.work.map_or(1, |w| w.days().max(1))
}

/// Candidates looked at for a stint: the least loaded of a few open projects is taken,
/// so teams come out of similar size.
const CHOICES: usize = 3;
/// Random draws from a large pool before falling back to a full scan.
const DRAWS: usize = 48;

/// The project a person joins on `cursor`: one from `pool` that carries time that day
/// and that they have not been on, the least loaded of a few; failing that, one they
/// left at least four weeks ago and are rolled back on (once).
fn choose(
    pool: &[usize],
    projects: &[ProjectPlan],
    load: &[i64],
    been: &[Been],
    cursor: Date,
    exclude: Option<usize>,
    rng: &mut Rng,
) -> Option<usize> {
    let covers =
        |k: usize| Some(k) != exclude && projects[k].work.is_some_and(|w| w.start <= cursor && cursor <= w.end);
    let fresh = |k: usize| !been.iter().any(|b| b.project == k);
    let mut found: Vec<usize> = Vec::with_capacity(CHOICES);
    if pool.len() > DRAWS {
        for _ in 0..DRAWS {
            let k = pool[rng.below(pool.len() as u64) as usize];
            if covers(k) && fresh(k) && !found.contains(&k) {
                found.push(k);
                if found.len() == CHOICES {
                    break;
                }
            }
        }
    }
    if found.is_empty() {
        let open: Vec<usize> = pool.iter().copied().filter(|&k| covers(k) && fresh(k)).collect();
        for _ in 0..CHOICES.min(open.len()) {
            found.push(*rng.pick(&open));
        }
    }
    let lighter = |a: usize, b: usize| {
        // Planned person-days per day of work: the smaller, the smaller the team.
        if load[a] * work_days(&projects[b]) <= load[b] * work_days(&projects[a]) {
            a
        } else {
            b
        }
    };
    if let Some(best) = found.iter().copied().reduce(lighter) {
        return Some(best);
    }
    been.iter()
        .filter(|b| b.stints == 1 && b.last + days(28) <= cursor && covers(b.project))
        .map(|b| b.project)
        .reduce(lighter)
}

/// The share of a day's billable time each stint gets on average over its days, as the
/// time generator splits it by weight between the stints running that day.
fn day_shares(stints: &[Stint]) -> Vec<f64> {
    let mut bounds: Vec<Date> = stints.iter().flat_map(|s| [s.from, s.to + days(1)]).collect();
    bounds.sort_unstable();
    bounds.dedup();
    let mut acc = vec![0.0_f64; stints.len()];
    for pair in bounds.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let total: i64 = stints
            .iter()
            .filter(|s| s.from <= a && a <= s.to)
            .map(|s| s.weight)
            .sum();
        if total == 0 {
            continue;
        }
        let len = (b - a).whole_days() as f64;
        for (i, s) in stints.iter().enumerate() {
            if s.from <= a && a <= s.to {
                acc[i] += len * s.weight as f64 / total as f64;
            }
        }
    }
    stints
        .iter()
        .zip(acc)
        .map(|(s, a)| a / ((s.to - s.from).whole_days() + 1) as f64)
        .collect()
}

/// The share of a year's weekdays planners count a person to work: the rest are public
/// holidays, company days and time off (about the policy's 48 days). People take a
/// little more time off than that (some 82 % of weekdays are worked), so a project
/// tends to finish a touch under plan.
const AVAILABLE: f64 = 0.84;

/// The billable minutes a week a person logs on average when all their billable time
/// goes to one project: the time generator's day (with its noise) times their target.
fn full_week(plan: &PersonPlan) -> f64 {
    // The day's minutes plus the average of the daily noise the time generator adds.
    let day = day_minutes(plan.fte_bp) as f64 + 3.75 * plan.fte_bp as f64 / 10_000.0;
    5.0 * AVAILABLE * day * plan.share_bp as f64 / 10_000.0
}

pub(crate) fn staff(
    records: &mut OrgRecords,
    plans: &mut [PersonPlan],
    projects: &[ProjectPlan],
    rng: &mut Rng,
    range: DateRange,
) {
    // Who may work where: partner consultants only on their partner's projects, the
    // company's staff on the others, trainers on classes.
    let mut pools: [Vec<usize>; 4] = Default::default();
    for (k, p) in projects.iter().enumerate().filter(|(_, p)| p.work.is_some()) {
        match p.partner {
            Some(1) => pools[2].push(k),
            Some(_) => pools[3].push(k),
            None => {
                pools[0].push(k);
                if p.training {
                    pools[1].push(k);
                }
            }
        }
    }
    let mut load = vec![0_i64; projects.len()];
    for plan in plans.iter_mut() {
        let person = &records.people[(plan.id - 1) as usize].fields;
        let partner = person.partner_id.map(|p| p.get());
        let from = plan.start.max(range.start);
        let to = plan.end.map_or(range.end, |e| e.min(range.end));
        // The plan reaches past today up to the project's end, not past the person's.
        let last = plan.end.unwrap_or(Date::MAX);
        let mut stints = Vec::new();
        match plan.function {
            Function::ProjectManager | Function::ProgramManager => {
                for p in projects.iter().filter(|p| p.manager == Some(plan.id)) {
                    if let Some(w) = p.work.and_then(|w| {
                        w.intersect(&DateRange {
                            start: from,
                            end: to.max(from),
                        })
                    }) {
                        let end = if w.end == range.end {
                            p.plan_end.min(last)
                        } else {
                            w.end
                        };
                        stints.push(Stint {
                            project: p.id,
                            from: w.start,
                            to: end.max(w.end),
                            weight: 1,
                        });
                    }
                }
            }
            Function::Engineer | Function::TechnicalArchitect | Function::Trainer | Function::PartnerConsultant => {
                let pool = match partner {
                    Some(1) => &pools[2],
                    Some(_) => &pools[3],
                    None if plan.function == Function::Trainer => &pools[1],
                    None => &pools[0],
                };
                // Partner consultants stay long on an engagement and rarely split.
                let (shortest, longest, split) = if partner.is_some() {
                    (150, 500, 10)
                } else {
                    (60, 200, 30)
                };
                let mut been: Vec<Been> = Vec::new();
                let mut cursor = from;
                while cursor <= to {
                    let Some(main) = choose(pool, projects, &load, &been, cursor, None, rng) else {
                        cursor += days(14);
                        continue;
                    };
                    let end = (cursor + days(rng.between(shortest, longest)))
                        .min(projects[main].plan_end)
                        .min(last);
                    stints.push(Stint {
                        project: projects[main].id,
                        from: cursor,
                        to: end,
                        weight: 3,
                    });
                    let mut joined = vec![(main, end, 3)];
                    if rng.chance(split)
                        && let Some(other) = choose(pool, projects, &load, &been, cursor, Some(main), rng)
                    {
                        let other_end = end.min(projects[other].plan_end);
                        stints.push(Stint {
                            project: projects[other].id,
                            from: cursor,
                            to: other_end,
                            weight: 1,
                        });
                        joined.push((other, other_end, 1));
                    }
                    for (k, end, weight) in joined {
                        load[k] += ((end.min(range.end) - cursor).whole_days() + 1) * weight;
                        match been.iter_mut().find(|b| b.project == k) {
                            Some(b) => {
                                b.stints += 1;
                                b.last = end;
                            }
                            None => been.push(Been {
                                project: k,
                                stints: 1,
                                last: end,
                            }),
                        }
                    }
                    cursor = end + days(1);
                }
            }
            _ => {}
        }
        // Each stint is planned at the hours a week the person spends on it on average.
        let week = full_week(plan);
        for (s, share) in stints.iter().zip(day_shares(&stints)) {
            let id = records.assignments.len() as i64 + 1;
            let minutes = ((week * share / 60.0).round() as i64).max(1) * 60;
            records.assignments.push(Seeded {
                id,
                fields: AssignmentFields {
                    person_id: psops_core::Id::new(plan.id),
                    project_id: psops_core::Id::new(s.project),
                    role: plan.function,
                    start_date: s.from,
                    end_date: Some(s.to),
                    minutes_per_week: Minutes(minutes),
                },
            });
        }
        // Time goes only on projects a person is assigned to: the company's own staff
        // hold a standing assignment on its two internal projects.
        if partner.is_none() {
            for project in [OPS_PROJECT, PRACTICE_PROJECT] {
                let id = records.assignments.len() as i64 + 1;
                records.assignments.push(Seeded {
                    id,
                    fields: AssignmentFields {
                        person_id: psops_core::Id::new(plan.id),
                        project_id: psops_core::Id::new(project),
                        role: plan.function,
                        start_date: from,
                        end_date: plan.end.map(|end| end.max(from)),
                        minutes_per_week: Minutes(2 * 60),
                    },
                });
            }
        }
        plan.stints = stints;
    }
}

/// Planned minutes of an assignment: its hours a week over its days.
pub(crate) fn planned_minutes(a: &AssignmentFields) -> i64 {
    let end = a.end_date.unwrap_or(a.start_date);
    let days = (end - a.start_date).whole_days() + 1;
    a.minutes_per_week.get() * days / 7
}

/// Budgets from the staffing plan: the planned hours of everyone on a project plus a
/// contingency of 5–15 % (a project whose scope grew keeps the budget of its first
/// plan, some 15–30 % short; a cancelled one the budget of the whole engagement it was
/// sold as); the money budget prices those hours at the project's rate. A project
/// nobody is planned on yet is estimated: a small team for its weeks.
pub(crate) fn budgets(records: &mut OrgRecords, projects: &[ProjectPlan], rng: &mut Rng) {
    let mut planned = vec![0_i64; projects.len()];
    for a in &records.assignments {
        let id = a.fields.project_id.get();
        if id >= FIRST_CUSTOMER {
            planned[(id - FIRST_CUSTOMER) as usize] += planned_minutes(&a.fields);
        }
    }
    for (k, p) in projects.iter().enumerate() {
        let fields = &mut records.projects[(p.id - 1) as usize].fields;
        let staffed = planned[k] > 0;
        let plan = if staffed {
            planned[k]
        } else {
            let weeks = match (fields.start_date, fields.end_date) {
                (Some(s), Some(e)) => ((e - s).whole_days() / 7).clamp(2, 52),
                _ => rng.between(8, 26),
            };
            rng.between(2, 5) * weeks * 30 * 60
        };
        let percent = if p.over {
            rng.between(70, 85)
        } else if staffed && fields.status == ProjectStatus::Cancelled {
            // Budgeted for the whole engagement, stopped within weeks.
            rng.between(250, 500)
        } else {
            rng.between(105, 115)
        };
        let hours = ((plan * percent / 100 + 300) / 600 * 10).max(10);
        fields.budget_minutes = Some(Minutes(hours * 60));
        fields.budget = Some(Money::new(hours * p.rate_minor, Currency::USD));
    }
}
