//! The batch plan: every open request starting in a window, filled together by the
//! optimizer ([`super::optimize`]) from the people who pass each request's checks. Hard
//! requests are filled first; then fit, weighted by priority and hours, less a charge for
//! every hour the plan books someone beyond their billable target. Existing bookings (hard
//! and soft) are locked: the plan only adds. Every line says why it was chosen; every
//! request left open says why.

use std::collections::HashSet;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;

use super::availability::WeekLoad;
use super::fit::{Ask, Person, Profile, first_failure, fit, score};
use super::optimize::{Agent, Choice, Job, Limits, Problem, solve};
use crate::dates::DateRange;
use crate::people::{Function, PersonId};
use crate::plan::{Booking, ResourceRequest, ResourceRequestId};
use crate::projects::ProjectId;
use crate::{Error, Result};

/// Someone the plan may book, over the whole horizon.
#[derive(Debug, Clone)]
pub struct Staff {
    pub profile: Profile,
    /// Their weeks over the whole horizon.
    pub weeks: Vec<WeekLoad>,
    /// The roles they may fill: their function, or for a vetted partner consultant
    /// without a precise one, the roles of their track.
    pub roles: Vec<Function>,
    /// Billable hard-booked minutes in each week of the horizon.
    pub billable: Vec<i64>,
    /// The partner organisation of a partner consultant.
    pub partner: Option<(crate::partners::PartnerId, String)>,
    /// Projects and accounts they have been assigned to.
    pub projects: HashSet<i64>,
    pub accounts: HashSet<i64>,
}

/// An open, unstaffed request the plan may fill.
#[derive(Debug, Clone)]
pub struct Open {
    pub request: ResourceRequest,
    pub project_name: String,
    pub account_id: Option<i64>,
    pub billable: bool,
    pub span: DateRange,
    /// Its first week, counted from the horizon's first.
    pub first_week: usize,
    /// Its load in each of its weeks.
    pub load: Vec<i64>,
}

/// What the plan was asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(as = PlanWindow)]
pub struct Window {
    /// Requests starting from this day…
    pub from: Date,
    /// …to this day are planned.
    pub to: Date,
}

/// One proposed booking, with its reasons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(as = PlanLine)]
pub struct Line {
    #[schema(value_type = i64)]
    pub request_id: ResourceRequestId,
    #[schema(value_type = i64)]
    pub project_id: ProjectId,
    pub project_name: String,
    pub role: Function,
    pub booking: Booking,
    pub priority: i64,
    pub start_date: Date,
    pub end_date: Date,
    /// The request's hours, in minutes.
    pub minutes: i64,
    #[schema(value_type = i64)]
    pub person_id: PersonId,
    pub name: String,
    pub partner_name: Option<String>,
    /// Their fit, 0 to 1000.
    pub score_milli: i64,
    /// Billable utilization over the request's dates before and after, against target.
    pub effect: String,
    /// Why them: their rank among those able, the strongest parts, and — when someone
    /// fitted better — where that person went.
    pub why: String,
}

/// A request the plan leaves open, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(as = PlanUnfilled)]
pub struct Unfilled {
    #[schema(value_type = i64)]
    pub request_id: ResourceRequestId,
    pub project_name: String,
    pub role: Function,
    pub booking: Booking,
    pub priority: i64,
    pub start_date: Date,
    pub reason: String,
}

/// The plan's figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(as = PlanFigures)]
pub struct Figures {
    pub requests: usize,
    pub hard_requests: usize,
    pub filled: usize,
    pub hard_filled: usize,
    /// Hard requests filled ÷ hard requests, in basis points (10,000 when there are none).
    pub hard_fill_bp: i64,
    pub minutes_filled: i64,
    /// The mean over the company's people with capacity of |billable utilization −
    /// target| over the horizon, before and after the plan, in basis points.
    pub mean_distance_before_bp: i64,
    pub mean_distance_after_bp: i64,
    /// The optimizer's objective and its proven upper bound: no plan can score above
    /// `bound`, so this one is within `gap` (a share of the bound; 0.01 = 1 %) of the best.
    pub objective: i64,
    pub bound: i64,
    pub gap: f64,
    /// The same shortfall as a share of the objective's value part (the objective less
    /// the bonus for each hard request filled, which outweighs all value put together and
    /// so makes `gap` tiny whenever every hard request is filled).
    pub value_gap: f64,
    pub optimal: bool,
    pub millis: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Proposal {
    pub window: Window,
    /// The Monday of the horizon's first week and how many weeks it spans.
    pub first_week: Date,
    pub weeks: usize,
    pub figures: Figures,
    pub lines: Vec<Line>,
    pub unfilled: Vec<Unfilled>,
}

/// Partners' consultants are worth this fraction of the company's own to the plan: the
/// handbook seeks a partner only when no one internal is free, so a partner takes a hard
/// request no one internal can, and a soft one only when no one internal wants it.
const PARTNER_SHARE: i64 = 4;
/// Value lost per minute a plan books someone beyond their billable target. A good fit
/// (0.8) at the middle priority is worth 240 an hour; an hour over target costs 60.
const OVER_TARGET_PENALTY: i64 = 1;

/// What filling a request with someone of this fit is worth: fit × priority × hours.
fn value(o: &Open, score_milli: i64, partner: bool) -> i64 {
    let weight = 6 - o.request.fields.priority.clamp(1, 5);
    let hours: i64 = o.load.iter().sum::<i64>() / 60;
    let v = (weight * score_milli * hours.max(1) / 10).max(1);
    if partner { (v / PARTNER_SHARE).max(1) } else { v }
}

/// The person as fitting reads them for one request: their weeks over its weeks, their
/// billable bookings then, and their history with its project and account.
pub fn person_for<'a>(s: &'a Staff, o: &Open) -> Person<'a> {
    let end = (o.first_week + o.load.len()).min(s.weeks.len());
    let start = o.first_week.min(end);
    Person {
        profile: &s.profile,
        role_fits: s.roles.contains(&o.request.fields.role),
        weeks: &s.weeks[start..end],
        billable_booked: s.billable.get(start..end).map_or(0, |b| b.iter().sum()),
        on_project: s.projects.contains(&o.request.fields.project_id.get()),
        on_account: o.account_id.is_some_and(|a| s.accounts.contains(&a)),
    }
}

/// What the request asks, as fitting reads it.
pub fn ask(o: &Open) -> Ask<'_> {
    let f = &o.request.fields;
    Ask {
        span: o.span,
        load: o.load.clone(),
        billable: o.billable,
        required_skills: &f.required_skills,
        desired_skills: &f.desired_skills,
        certifications: &f.certifications,
        region: f.region.as_deref(),
        time_zone: f.time_zone.as_deref(),
        max_hours_apart: f.max_hours_apart,
    }
}

/// Each able person's fit score to a request, best first: (staff index, score).
type Able = Vec<(usize, i64)>;

/// The plan weighs each request's best-fitting able people, at most this many: beyond
/// them a person fits worse than fifty others who could take it too.
pub const OPTIONS_PER_REQUEST: usize = 50;

fn mean_distance(staff: &[Staff], added: &[i64]) -> i64 {
    let mut sum = 0i64;
    let mut n = 0i64;
    for (i, s) in staff.iter().enumerate() {
        if s.partner.is_some() {
            continue;
        }
        let capacity: i64 = s.weeks.iter().map(|w| w.capacity).sum();
        if capacity <= 0 {
            continue;
        }
        let billable: i64 = s.billable.iter().sum::<i64>() + added[i];
        let util = crate::ratio::basis_points(billable, capacity).unwrap_or(0);
        sum += (util - s.profile.target_bp).abs();
        n += 1;
    }
    if n == 0 { 0 } else { sum / n }
}

/// Plans the open requests over `weeks` weeks from `first_week`, within `time`.
pub fn propose(
    window: Window,
    first_week: Date,
    weeks: usize,
    staff: &[Staff],
    open: &[Open],
    today: Date,
    time: Duration,
) -> Result<Proposal> {
    let mut able: Vec<Able> = Vec::with_capacity(open.len());
    let mut able_total: Vec<usize> = Vec::with_capacity(open.len());
    let mut ruled_out: Vec<Vec<(&'static str, usize)>> = Vec::with_capacity(open.len());
    let mut jobs = Vec::with_capacity(open.len());
    for o in open {
        let a = ask(o);
        let mut list: Able = Vec::new();
        let mut out: Vec<(&'static str, usize)> = Vec::new();
        for (i, s) in staff.iter().enumerate() {
            if !s.roles.contains(&o.request.fields.role) {
                continue;
            }
            let p = person_for(s, o);
            match first_failure(&p, &a) {
                Some(c) => match out.iter_mut().find(|(k, _)| *k == c) {
                    Some(e) => e.1 += 1,
                    None => out.push((c, 1)),
                },
                None => list.push((i, score(&p, &a, today))),
            }
        }
        list.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
        able_total.push(list.len());
        list.truncate(OPTIONS_PER_REQUEST);
        jobs.push(Job {
            hard: o.request.fields.booking == Booking::Hard,
            first_week: o.first_week,
            profile: o.load.clone(),
            options: list
                .iter()
                .map(|(i, f)| Choice {
                    agent: *i as u32,
                    value: value(o, *f, staff[*i].partner.is_some()),
                    scale: 1,
                })
                .collect(),
        });
        able.push(list);
        ruled_out.push(out);
    }
    let agents: Vec<Agent> = staff
        .iter()
        .map(|s| {
            let capacity: i64 = s.weeks.iter().map(|w| w.capacity).sum();
            let target = capacity * s.profile.target_bp / 10_000;
            Agent {
                free: s.weeks.iter().map(|w| w.free()).collect(),
                // A partner consultant has no target of ours: they are charged nothing.
                target_left: if s.partner.is_some() {
                    capacity
                } else {
                    target - s.billable.iter().sum::<i64>()
                },
            }
        })
        .collect();
    let problem = Problem {
        weeks,
        agents,
        jobs,
        over_target_penalty: OVER_TARGET_PENALTY,
    };
    let started = std::time::Instant::now();
    let plan = solve(
        &problem,
        Limits {
            time,
            ..Limits::default()
        },
    )
    .map_err(|e| Error::Internal(format!("the staffing problem is malformed: {e}")))?;
    let millis = started.elapsed().as_millis() as u64;

    // Who went where, to explain a second choice.
    let mut taken_by: std::collections::HashMap<usize, Vec<usize>> = std::collections::HashMap::new();
    for (j, a) in plan.assignment.iter().enumerate() {
        if let Some(a) = a {
            taken_by.entry(*a as usize).or_default().push(j);
        }
    }
    let mut added = vec![0i64; staff.len()];
    let mut lines = Vec::new();
    let mut unfilled = Vec::new();
    for (j, o) in open.iter().enumerate() {
        let f = &o.request.fields;
        match plan.assignment.get(j).copied().flatten() {
            Some(a) => {
                let a = a as usize;
                let s = &staff[a];
                if o.billable {
                    added[a] += o.load.iter().sum::<i64>();
                }
                let rank = able[j].iter().position(|(i, _)| *i == a).unwrap_or(0);
                let chosen = fit(&person_for(s, o), &ask(o), today);
                let mut parts: Vec<&super::fit::Part> = chosen.parts.iter().filter(|p| p.score_milli >= 700).collect();
                parts.sort_by_key(|x| std::cmp::Reverse(x.weighted()));
                let strong: Vec<String> = parts.iter().take(3).map(|p| p.detail.clone()).collect();
                let mut why = format!(
                    "fit {:.2}, {} of {} able",
                    chosen.score_milli as f64 / 1_000.0,
                    ordinal(rank + 1),
                    able_total[j]
                );
                if !strong.is_empty() {
                    why.push_str(&format!(": {}", strong.join("; ")));
                }
                // Someone who fits better (not merely as well) went elsewhere or stayed
                // free: say which.
                if rank > 0 && able[j][0].1 > chosen.score_milli {
                    let (better, best) = able[j][0];
                    let went = taken_by.get(&better).and_then(|js| js.first()).map(|k| &open[*k]);
                    why.push_str(&match went {
                        Some(w) => format!(
                            ". {} fits better ({:.2}) and is planned for {} on {}",
                            staff[better].profile.name,
                            best as f64 / 1_000.0,
                            crate::code::Code::code(&w.request.fields.role).replace('_', " "),
                            w.project_name
                        ),
                        None => format!(
                            ". {} fits better ({:.2}) but would go over their target or capacity",
                            staff[better].profile.name,
                            best as f64 / 1_000.0
                        ),
                    });
                }
                if s.partner.is_some() {
                    why.push_str(". A partner consultant: no one of the company's own was left to take it");
                }
                lines.push(Line {
                    request_id: o.request.id,
                    project_id: f.project_id,
                    project_name: o.project_name.clone(),
                    role: f.role,
                    booking: f.booking,
                    priority: f.priority,
                    start_date: o.span.start,
                    end_date: o.span.end,
                    minutes: o.load.iter().sum(),
                    person_id: s.profile.person_id,
                    name: s.profile.name.clone(),
                    partner_name: s.partner.as_ref().map(|p| p.1.clone()),
                    score_milli: chosen.score_milli,
                    effect: chosen.effect.clone(),
                    why,
                });
            }
            None => {
                let reason = if able[j].is_empty() {
                    let parts: Vec<String> = ruled_out[j]
                        .iter()
                        .map(|(c, n)| format!("{n} by {}", c.replace('_', " ")))
                        .collect();
                    if parts.is_empty() {
                        "no one of the role".to_string()
                    } else {
                        format!("no one passes every check (ruled out: {})", parts.join(", "))
                    }
                } else {
                    let room = able[j]
                        .iter()
                        .filter(|(i, _)| {
                            let p = person_for(&staff[*i], o);
                            p.weeks.iter().zip(&o.load).all(|(w, need)| w.free() >= *need)
                        })
                        .count();
                    if room == 0 {
                        format!(
                            "{} pass every check, but soft bookings already take the room they have",
                            able_total[j]
                        )
                    } else {
                        format!(
                            "{room} could take it alone, but their hours went to requests worth more (harder, more urgent or a better fit)"
                        )
                    }
                };
                unfilled.push(Unfilled {
                    request_id: o.request.id,
                    project_name: o.project_name.clone(),
                    role: f.role,
                    booking: f.booking,
                    priority: f.priority,
                    start_date: o.span.start,
                    reason,
                });
            }
        }
    }
    let hard_requests = open
        .iter()
        .filter(|o| o.request.fields.booking == Booking::Hard)
        .count();
    let hard_filled = plan.figures.hard_filled;
    let figures = Figures {
        requests: open.len(),
        hard_requests,
        filled: lines.len(),
        hard_filled,
        hard_fill_bp: (hard_filled * 10_000)
            .checked_div(hard_requests)
            .map_or(10_000, |bp| bp as i64),
        minutes_filled: plan.figures.minutes_filled,
        mean_distance_before_bp: mean_distance(staff, &vec![0; staff.len()]),
        mean_distance_after_bp: mean_distance(staff, &added),
        objective: plan.objective,
        bound: plan.bound,
        gap: if plan.bound > 0 {
            ((plan.bound - plan.objective) as f64 / plan.bound as f64 * 10_000.0).round() / 10_000.0
        } else {
            0.0
        },
        value_gap: (plan.value_gap() * 10_000.0).round() / 10_000.0,
        optimal: plan.optimal,
        millis,
    };
    Ok(Proposal {
        window,
        first_week,
        weeks,
        figures,
        lines,
        unfilled,
    })
}

fn ordinal(n: usize) -> String {
    match (n % 10, n % 100) {
        (1, x) if x != 11 => format!("{n}st"),
        (2, x) if x != 12 => format!("{n}nd"),
        (3, x) if x != 13 => format!("{n}rd"),
        _ => format!("{n}th"),
    }
}

#[cfg(test)]
#[path = "planner_tests.rs"]
mod tests;
