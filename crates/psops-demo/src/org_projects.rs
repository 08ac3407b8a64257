//! Projects in every status of the handbook's lifecycle, with their dates, managers,
//! budgets and partners, and the assignments that staff them over the years.

use time::{Date, Duration};

use crate::names;
use crate::org::{OPS_PROJECT, PRACTICE_PROJECT, PersonPlan, bears_time};
use crate::rng::Rng;
use psops_core::assignments::AssignmentFields;
use psops_core::bulk::{OrgRecords, Seeded};
use psops_core::dates::DateRange;
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
    pub partner: Option<i64>,
    pub training: bool,
    pub manager: Option<i64>,
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

pub(crate) fn projects(records: &mut OrgRecords, rng: &mut Rng, people: usize, range: DateRange) -> Vec<ProjectPlan> {
    let (rs, re, span) = (range.start, range.end, range.days());
    let managers: Vec<i64> = records
        .people
        .iter()
        .filter(|p| matches!(p.fields.function, Function::ProjectManager | Function::ProgramManager))
        .filter(|p| p.fields.employment_end.is_none() && p.fields.employment_start <= rs)
        .map(|p| p.id)
        .collect();
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
                start_date: Some(rs - days(730)),
                end_date: None,
                project_manager_id: managers.first().copied().map(psops_core::Id::new),
                budget_minutes: None,
                budget: None,
                partner_delivered: false,
                partner_id: None,
            },
        });
    }
    let count = (people * 2 / 3).max(40) - 2;
    let mut partner_slots = [2_i64, 1, 2];
    for i in 0..count {
        let id = i as i64 + 3;
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
        // The first evergreen projects go to the partners (one each, then one more for
        // the subcontractor on a completed project).
        let partner = match status {
            ProjectStatus::Active if evergreen && partner_slots[0] > 0 => {
                partner_slots[0] -= 1;
                Some(partner_slots[0] % 2 + 1)
            }
            ProjectStatus::Completed if partner_slots[1] > 0 => {
                partner_slots[1] -= 1;
                Some(2)
            }
            _ => None,
        };
        let offering = if project_type == ProjectType::Training {
            *rng.pick(names::EDUCATION)
        } else {
            *rng.pick(names::CONSULTING)
        };
        let hours = rng.between(10, 75) * 40;
        let rate_minor = rng.between(175, 260) * 100;
        let manager = match status {
            ProjectStatus::Estimate | ProjectStatus::Prospect => None,
            _ if managers.is_empty() => None,
            _ => Some(managers[i % managers.len()]),
        };
        let account_fields = &records.accounts[(account - 1) as usize].fields;
        records.projects.push(Seeded {
            id,
            fields: ProjectFields {
                name: format!("{} — {offering}", account_fields.name),
                code: Some(format!("{}-{:03}", account_fields.code.clone().unwrap_or_default(), id)),
                account_id: Some(psops_core::Id::new(account)),
                project_type,
                billing_type: billing,
                status,
                start_date: start,
                end_date: end,
                project_manager_id: manager.map(psops_core::Id::new),
                budget_minutes: Some(Minutes(hours * 60)),
                budget: Some(Money::new(hours * rate_minor, Currency::USD)),
                partner_delivered: partner.is_some(),
                partner_id: partner.map(psops_core::Id::new),
            },
        });
        plans.push(ProjectPlan {
            id,
            work,
            partner,
            training: matches!(project_type, ProjectType::Training | ProjectType::Both),
            manager,
        });
    }
    plans
}

/// Who may work on which project: partner consultants only on their partner's
/// projects, the company's staff on the others, trainers preferring classes.
fn fits(p: &ProjectPlan, person: &PersonPlan, partner: Option<i64>) -> bool {
    match partner {
        Some(org) => p.partner == Some(org),
        None => p.partner.is_none() && (person.function != Function::Trainer || p.training),
    }
}

pub(crate) fn staff(
    records: &mut OrgRecords,
    plans: &mut [PersonPlan],
    projects: &[ProjectPlan],
    rng: &mut Rng,
    range: DateRange,
) {
    for plan in plans.iter_mut() {
        let person = &records.people[(plan.id - 1) as usize].fields;
        let partner = person.partner_id.map(|p| p.get());
        let from = plan.start.max(range.start);
        let to = plan.end.map_or(range.end, |e| e.min(range.end));
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
                        stints.push(Stint {
                            project: p.id,
                            from: w.start,
                            to: w.end,
                            weight: 1,
                        });
                    }
                }
            }
            Function::Engineer | Function::TechnicalArchitect | Function::Trainer | Function::PartnerConsultant => {
                let mut cursor = from;
                while cursor <= to {
                    let stint_end = (cursor + days(rng.between(45, 150))).min(to);
                    let covering: Vec<&ProjectPlan> = projects
                        .iter()
                        .filter(|p| fits(p, plan, partner))
                        .filter(|p| p.work.is_some_and(|w| w.start <= cursor && cursor <= w.end))
                        .collect();
                    if covering.is_empty() {
                        cursor += days(14);
                        continue;
                    }
                    let main = *rng.pick(&covering);
                    let main_end = main.work.map_or(stint_end, |w| w.end.min(stint_end));
                    stints.push(Stint {
                        project: main.id,
                        from: cursor,
                        to: main_end,
                        weight: 3,
                    });
                    if covering.len() > 1 && rng.chance(30) {
                        let other = *rng.pick(&covering);
                        if other.id != main.id {
                            let end = other.work.map_or(main_end, |w| w.end.min(main_end));
                            stints.push(Stint {
                                project: other.id,
                                from: cursor,
                                to: end,
                                weight: 1,
                            });
                        }
                    }
                    cursor = main_end + days(1);
                }
            }
            _ => {}
        }
        for s in &stints {
            let id = records.assignments.len() as i64 + 1;
            let hours = if s.weight > 1 {
                rng.between(24, 36)
            } else {
                rng.between(4, 12)
            };
            records.assignments.push(Seeded {
                id,
                fields: AssignmentFields {
                    person_id: psops_core::Id::new(plan.id),
                    project_id: psops_core::Id::new(s.project),
                    role: plan.function,
                    start_date: s.from,
                    end_date: Some(s.to),
                    minutes_per_week: Minutes(hours * 60),
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
