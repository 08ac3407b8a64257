//! The demo's change control: after the walk has signed its SOWs, changes raised on the
//! projects those SOWs made (and work at risk on deals not yet won) through the real
//! store calls — raised by operations or the project's manager, decided by PS leadership
//! — so the change log, the approval queue and the report by cause all have something to
//! show. The plan is pure and deterministic from the seed; `add` walks it.

use time::{Date, Duration};

use psops_core::auth::{Role, UserId};
use psops_core::catalog::requests::Verdict;
use psops_core::plan::{Milestone, PlanFilterOf};
use psops_core::projects::Project;
use psops_core::scoping::changes::{Cause, ChangeFields, ChangeKind, MilestoneMove, NewChange};
use psops_core::scoping::opportunities::{Opportunity, OpportunityFilter, OpportunityId};
use psops_core::scoping::sows::{SowFilter, SowStatus};
use psops_core::scoping::states::ScopingState;
use psops_core::store::{Records, Store, WriteCtx};
use psops_core::{Currency, Minutes, Money, Result};

use crate::DemoOrg;
use crate::catalog::as_user;
use crate::rng::Rng;
use crate::scoping::created;

/// What a planned change does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum What {
    /// A $0 change order moving the project's end date.
    EndDate,
    /// A $0 change order moving one of the project's milestones.
    MoveMilestone,
    /// A change order with money, which opens an opportunity from the project's own.
    Money,
    DescriptionOfWork,
    NewSow,
    /// Work at risk on an open deal.
    AtRisk,
    /// Hours over the budget, with their cause.
    Exception(Cause),
}

/// Where leadership leaves it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ends {
    Submitted,
    Approved,
    Rejected,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Planned {
    pub what: What,
    pub ends: Ends,
    /// Weeks a date moves, or tens of hours an exception adds.
    pub size: i64,
}

/// Every kind, every cause and every ending once, whatever the size: a demo of any size
/// shows the whole of change control.
const FIRST: [(What, Ends); 14] = [
    (What::EndDate, Ends::Approved),
    (What::MoveMilestone, Ends::Approved),
    (What::EndDate, Ends::Submitted),
    (What::Money, Ends::Approved),
    (What::Money, Ends::Submitted),
    (What::DescriptionOfWork, Ends::Approved),
    (What::NewSow, Ends::Approved),
    (What::AtRisk, Ends::Approved),
    (What::AtRisk, Ends::Submitted),
    (What::Exception(Cause::Product), Ends::Approved),
    (What::Exception(Cause::Ps), Ends::Approved),
    (What::Exception(Cause::Scoping), Ends::Approved),
    (What::Exception(Cause::Time), Ends::Approved),
    (What::Exception(Cause::Scoping), Ends::Rejected),
];

/// Why leadership turned the rejected one down: the overrun was the customer's doing.
pub const REJECTED_BECAUSE: &str =
    "The delay is the customer's late test data: raise a change order to them, not an exception";

/// The changes a demo of `people` holds: the first set, then one more per 150 people
/// (none at 60, 33 more at 5,000), mostly routine dates, detail and overruns.
pub(crate) fn plan(seed: u64, people: usize) -> Vec<Planned> {
    let mut rng = Rng::derive(seed, 7_001);
    let mut out: Vec<Planned> = FIRST
        .iter()
        .map(|(what, ends)| Planned {
            what: *what,
            ends: *ends,
            size: rng.between(1, 6),
        })
        .collect();
    for _ in 0..people / 150 {
        let what = *rng.pick(&[
            What::EndDate,
            What::EndDate,
            What::MoveMilestone,
            What::DescriptionOfWork,
            What::Exception(Cause::Product),
            What::Exception(Cause::Ps),
            What::Exception(Cause::Scoping),
            What::Exception(Cause::Time),
        ]);
        let ends = if rng.chance(25) {
            Ends::Submitted
        } else {
            Ends::Approved
        };
        out.push(Planned {
            what,
            ends,
            size: rng.between(1, 6),
        });
    }
    out
}

/// A project a signed SOW made, and the opportunity that SOW was for.
struct Signed {
    project: Project,
    opportunity: OpportunityId,
}

/// Raises, submits and decides the planned changes. Without a leadership user or a
/// signed SOW there is nobody to decide or nothing to change, so nothing is raised.
pub(crate) async fn add(store: &dyn Store, ctx: &WriteCtx, org: &DemoOrg, users: &[(Role, UserId)]) -> Result<()> {
    let user = |role: Role| users.iter().find(|(r, _)| *r == role).map(|(_, u)| *u);
    let Some(leader) = user(Role::Leadership) else {
        return Ok(());
    };
    let today = org.spec().end;
    let sows = store
        .every(&SowFilter {
            status: Some(SowStatus::Signed),
            ..Default::default()
        })
        .await?;
    let mut signed = Vec::new();
    for s in sows {
        if let Some(p) = s.project_id {
            signed.push(Signed {
                project: store.get(p).await?,
                opportunity: s.opportunity_id,
            });
        }
    }
    if signed.is_empty() {
        return Ok(());
    }
    // Work at risk is for a deal close to signature: estimates shared or a SOW in hand,
    // not one on hold.
    let open: Vec<Opportunity> = store
        .every(&OpportunityFilter {
            open: Some(true),
            ..Default::default()
        })
        .await?;
    let late: Vec<&Opportunity> = open
        .iter()
        .filter(|o| (ScopingState::EstimateFeedback..=ScopingState::Approved).contains(&o.state))
        .collect();
    let at_risk: Vec<&Opportunity> = if late.is_empty() {
        open.iter().filter(|o| !o.state.is_closed()).collect()
    } else {
        late
    };
    // The project's manager raises on their own project when they are a demo user;
    // operations raises the rest.
    let managers: Vec<(i64, UserId)> = org
        .users()
        .iter()
        .filter(|u| u.role == Role::ProjectManager)
        .filter_map(|u| user(u.role).map(|id| (u.person_id, id)))
        .collect();
    let ops = user(Role::Ops).map_or_else(|| ctx.clone(), as_user);
    let raiser = |p: Option<&Project>| {
        p.and_then(|p| p.fields.project_manager_id)
            .and_then(|pm| managers.iter().find(|(person, _)| *person == pm.get()))
            .map_or_else(|| ops.clone(), |(_, u)| as_user(*u))
    };
    let decider = as_user(leader);
    let mut next_project = (org.spec().seed as usize) % signed.len();
    let mut next_deal = 0;
    for (i, planned) in plan(org.spec().seed, org.spec().people).iter().enumerate() {
        let fields = if planned.what == What::AtRisk {
            let Some(o) = at_risk.get(next_deal % at_risk.len().max(1)) else {
                continue;
            };
            next_deal += 1;
            at_risk_fields(o, planned, today)
        } else {
            let start = next_project;
            next_project = (next_project + 1) % signed.len();
            let mut f = None;
            // A milestone moves on the next project that bills by milestones; failing
            // one, the end date moves instead.
            if planned.what == What::MoveMilestone {
                for k in 0..signed.len() {
                    let s = &signed[(start + k) % signed.len()];
                    let ms = store.every(&PlanFilterOf::<Milestone>::of(s.project.id)).await?;
                    if let Some((m, due)) = ms.iter().find_map(|m| m.fields.due_date.map(|d| (m, d))) {
                        f = Some(milestone_fields(s, m, due, planned));
                        break;
                    }
                }
            }
            let s = &signed[start];
            f.unwrap_or_else(|| project_fields(s, planned, i, today))
        };
        let project = match fields.project_id {
            Some(id) => signed.iter().map(|s| &s.project).find(|p| p.id == id),
            None => None,
        };
        let by = raiser(project);
        let c = created(
            store
                .create(
                    &by,
                    NewChange {
                        raised_by: by.user_id,
                        fields,
                    },
                )
                .await?,
        )?;
        let c = store.submit_change(&by, c.id, None).await?;
        // The store refuses a raiser's own decision; a demo without an ops user raises
        // as the installer, so this only guards a leadership-only installer.
        if c.raised_by == Some(leader) {
            continue;
        }
        match planned.ends {
            Ends::Submitted => {}
            Ends::Approved => {
                store
                    .decide_change(&decider, c.id, None, Verdict::Approve, None)
                    .await?;
            }
            Ends::Rejected => {
                let why = Some(REJECTED_BECAUSE.to_string());
                store.decide_change(&decider, c.id, None, Verdict::Reject, why).await?;
            }
        }
    }
    Ok(())
}

fn blank(kind: ChangeKind, title: &str) -> ChangeFields {
    ChangeFields {
        kind,
        project_id: None,
        opportunity_id: None,
        title: title.into(),
        description: None,
        new_start_date: None,
        new_end_date: None,
        add_budget: None,
        add_minutes: None,
        new_billing_type: None,
        add_milestones: vec![],
        move_milestones: vec![],
        cause: None,
        starts_on: None,
    }
}

fn at_risk_fields(o: &Opportunity, planned: &Planned, today: Date) -> ChangeFields {
    let mut f = blank(ChangeKind::WorkAtRisk, "Start discovery workshops before signature");
    f.opportunity_id = Some(o.id);
    f.starts_on = Some(crate::scoping_docs::working(
        today + Duration::weeks(planned.size.min(3)),
    ));
    f.description = Some(
        "The customer's go-live is fixed and legal review of the SOW runs two more weeks: \
         commit the architect and one consultant now."
            .into(),
    );
    f
}

fn milestone_fields(s: &Signed, m: &Milestone, due: Date, planned: &Planned) -> ChangeFields {
    let mut f = blank(ChangeKind::ChangeOrder, &format!("Move milestone: {}", m.fields.name));
    f.project_id = Some(s.project.id);
    f.description = Some("The customer's change freeze moves the acceptance; no change in price.".into());
    f.move_milestones = vec![MilestoneMove {
        milestone_id: m.id,
        due: due + Duration::weeks(planned.size),
    }];
    f
}

fn project_fields(s: &Signed, planned: &Planned, i: usize, today: Date) -> ChangeFields {
    let p = &s.project;
    let end = p.fields.end_date.unwrap_or(today);
    let mut f = match planned.what {
        // Work at risk never comes here (it is built from its opportunity); a milestone
        // move comes here only when no signed project bills by milestones.
        What::EndDate | What::MoveMilestone | What::AtRisk => {
            let mut f = blank(ChangeKind::ChangeOrder, "Extend the end date");
            f.new_end_date = Some(crate::scoping_docs::working(end + Duration::weeks(planned.size)));
            f.description = Some("The customer's environments arrive late; no change in price.".into());
            f
        }
        What::Money => {
            let mut f = blank(ChangeKind::ChangeOrder, "Phase 2: reporting extension");
            // A fifth more, in the project's currency, rounded to hundreds.
            let base = p.fields.budget.unwrap_or(Money::new(5_000_000, Currency::USD));
            f.add_budget = Some(Money::new(
                (base.amount_minor / 5 / 10_000).max(1) * 10_000,
                base.currency,
            ));
            f.add_minutes = Some(Minutes(planned.size * 10 * 60));
            f.opportunity_id = Some(s.opportunity);
            f.description = Some("Two more dashboards and the finance extract, at the SOW's rates.".into());
            f
        }
        What::DescriptionOfWork => {
            let mut f = blank(ChangeKind::DescriptionOfWork, "Detail the consulting block");
            f.description = Some(
                "The ten consulting days cover: two design workshops, the integration runbook, \
                 and hand-over sessions for the customer's support team."
                    .into(),
            );
            f
        }
        What::NewSow => {
            let mut f = blank(ChangeKind::NewSow, "Managed analytics follow-on");
            f.opportunity_id = Some(s.opportunity);
            f.description = Some("Different work for the same customer: its own SOW.".into());
            f
        }
        What::Exception(cause) => {
            let (title, why) = match cause {
                Cause::Product => (
                    "Product defect workarounds",
                    "A defect in the import tool cost the team rework.",
                ),
                Cause::Ps => (
                    "Consultant ramp-up",
                    "A change of consultant mid-project cost hand-over time.",
                ),
                Cause::Scoping => (
                    "Integration under-scoped",
                    "The estimate missed the second ERP instance.",
                ),
                Cause::Time => (
                    "Timeline slip",
                    "The customer's delays stretched the team's time on site.",
                ),
            };
            let mut f = blank(ChangeKind::WorkException, title);
            f.cause = Some(cause);
            f.add_minutes = Some(Minutes(planned.size * 10 * 60));
            f.description = Some(why.into());
            f
        }
    };
    f.project_id = Some(p.id);
    // Extra changes of a kind read apart in a list.
    if i >= FIRST.len() {
        f.title = format!("{} ({})", f.title, i + 1 - FIRST.len());
    }
    f
}
