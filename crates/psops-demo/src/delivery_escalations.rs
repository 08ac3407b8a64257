//! The demo's escalations: about a dozen at the default size (growing with the square
//! root of the headcount — a 5,000-person organisation has about a hundred), of every
//! severity, on the projects that look troubled (those with work exceptions or change
//! orders first) and now and then on a whole account. Each is walked through the real
//! store calls at the times it happened: opened, a stand-up cadence set within the day
//! (mostly), updates at its severity's cadence, its status moved along, and — for the
//! older ones — closed with the customer's written agreement, an outcome and the account's
//! sentiment. Some open ones have let their update slip, so the overdue list and the
//! DRIs' notices have something to show. Deterministic from the seed.

use psops_core::auth::{Role, UserId};
use psops_core::delivery::escalations::{
    EscalationClose, EscalationFields, EscalationMove, EscalationNote, EscalationPatch, EscalationStatus,
    NewEscalation, Sentiment, Severity,
};
use psops_core::projects::{Project, ProjectFilter, ProjectStatus};
use psops_core::scoping::changes::ChangeFilter;
use psops_core::store::{Records, Store, WriteCtx};
use psops_core::{Id, Result};
use time::{Duration, Time};

use crate::DemoOrg;
use crate::catalog::as_user;
use crate::rng::Rng;

const TITLES: [&str; 16] = [
    "Go-live blocked by data migration errors",
    "Integration with the ERP failing nightly",
    "Executive sponsor unhappy with progress",
    "Performance under load below the SOW's targets",
    "Key consultant rolled off mid-phase",
    "SSO rollout locking users out",
    "Reports disagree with the finance system",
    "Upgrade broke custom workflows",
    "Customer disputes the milestone acceptance",
    "Security review findings block production",
    "Adoption stalled after training",
    "Timeline slipped past the renewal date",
    "Data residency concern raised by legal",
    "Sandbox environments unavailable for a week",
    "API rate limits throttling the integration",
    "Scope disagreement on the reporting module",
];

const EXIT: [&str; 8] = [
    "A full business day of orders processed without errors",
    "Nightly sync green for ten consecutive runs",
    "Sponsor confirms the recovery plan in the steering committee",
    "p95 response under 800 ms at the agreed load",
    "Replacement consultant onboarded and the plan re-baselined",
    "All users signed in through SSO for a week",
    "Month-end figures reconcile to the cent",
    "Customer signs the acceptance of the disputed milestone",
];

const NOTES: [&str; 10] = [
    "Status call with the customer's project lead; next steps agreed.",
    "Engineering reproduced the issue in staging.",
    "Workaround shared with the customer; monitoring.",
    "Daily update e-mailed to the sponsor.",
    "Fix in code review; target deploy date given to the customer.",
    "Customer confirmed the workaround holds.",
    "Escalated internally to product management.",
    "Joint session with the customer's IT team.",
    "Root cause narrowed to a configuration change.",
    "Plan re-baselined and shared with the customer.",
];

const OUTCOMES: [&str; 6] = [
    "Fix deployed; the customer confirmed normal operation.",
    "Recovery plan delivered; milestones re-baselined and accepted.",
    "Configuration corrected; monitoring shows no recurrence.",
    "Replacement consultant in place; the customer is satisfied with the pace.",
    "Product patch released; the integration is stable.",
    "Scope clarified in a description of work; the customer agreed.",
];

const STANDUPS: [&str; 4] = [
    "Daily 09:00 CET",
    "Daily 16:30 UTC",
    "Mon/Wed/Fri 10:00 ET",
    "Twice weekly, Tue/Thu 14:00 GMT",
];

/// How many escalations an organisation of `people` has: twelve at the default 60.
pub(crate) fn count(people: usize) -> usize {
    let n = (12.0 * (people as f64 / 60.0).sqrt()).round() as usize;
    n.clamp(4, 150)
}

/// What happens to one escalation.
#[derive(Debug, Clone)]
pub(crate) struct Planned {
    pub severity: Severity,
    /// Days before "today" it opened.
    pub days_ago: i64,
    pub closed: bool,
    /// Open, with its update left to slip past the cadence.
    pub slipped: bool,
    pub on_account: bool,
    pub product_at_fault: bool,
    pub standup: bool,
    pub title: usize,
    pub sentiment: Sentiment,
}

/// The escalations of an organisation: every severity, some closed, some slipped.
pub(crate) fn plan(seed: u64, people: usize) -> Vec<Planned> {
    let mut rng = Rng::derive(seed, 0xE5C);
    (0..count(people))
        .map(|i| {
            let severity = match i {
                0..=3 => Severity::ALL[i],
                _ => match rng.below(100) {
                    0..=14 => Severity::Critical,
                    15..=44 => Severity::High,
                    45..=79 => Severity::Medium,
                    _ => Severity::Low,
                },
            };
            let closed = i % 3 == 1 || rng.chance(20);
            let (lo, hi) = match (severity, closed) {
                (Severity::Critical, false) => (2, 8),
                (Severity::Critical, true) => (6, 40),
                (Severity::High, false) => (3, 20),
                (Severity::High, true) => (10, 60),
                (Severity::Medium, false) => (7, 40),
                (Severity::Medium, true) => (20, 90),
                (Severity::Low, false) => (14, 60),
                (Severity::Low, true) => (30, 120),
            };
            Planned {
                severity,
                days_ago: rng.between(lo, hi),
                closed,
                slipped: !closed && (i % 3 == 2 || rng.chance(25)),
                on_account: i % 6 == 5,
                product_at_fault: rng.chance(35),
                standup: rng.chance(90) || closed,
                title: rng.below(TITLES.len() as u64) as usize,
                sentiment: match rng.below(100) {
                    0..=24 => Sentiment::Happy,
                    25..=69 => Sentiment::Engaged,
                    70..=89 => Sentiment::Frustrated,
                    _ => Sentiment::Disengaged,
                },
            }
        })
        .collect()
}

/// The projects that look troubled, most troubled first: those with a work exception or
/// a change order, then the other active ones; each with a manager.
async fn troubled(store: &dyn Store) -> Result<Vec<Project>> {
    let changes = store.every(&ChangeFilter::default()).await?;
    let mut ids: Vec<i64> = changes
        .iter()
        .filter_map(|c| c.fields.project_id.map(|p| p.get()))
        .collect();
    ids.sort();
    ids.dedup();
    let active = store
        .every(&ProjectFilter {
            status: Some(ProjectStatus::Active),
            ..Default::default()
        })
        .await?;
    let mut out: Vec<Project> = Vec::new();
    for id in &ids {
        if let Ok(p) = store.get(Id::<Project>::new(*id)).await {
            out.push(p);
        }
    }
    out.extend(active.into_iter().filter(|p| !ids.contains(&p.id.get())));
    out.retain(|p| p.fields.project_manager_id.is_some() && p.fields.account_id.is_some());
    Ok(out)
}

/// Walks the planned escalations through the store. Without an active managed project
/// there is nothing to escalate.
pub(crate) async fn add(store: &dyn Store, ctx: &WriteCtx, org: &DemoOrg, users: &[(Role, UserId)]) -> Result<()> {
    let projects = troubled(store).await?;
    if projects.is_empty() {
        return Ok(());
    }
    let user = |role: Role| users.iter().find(|(r, _)| *r == role).map(|(_, u)| *u);
    // Operations keeps the escalation desk; its person is DRI of account escalations.
    let ops = user(Role::Ops).map_or_else(|| ctx.clone(), as_user);
    let ops_person = org
        .users()
        .iter()
        .find(|u| u.role == Role::Ops)
        .map(|u| Id::new(u.person_id));
    let settings = store.settings().await?.escalations;
    let today = org.spec().end.with_time(Time::MIDNIGHT).assume_utc();
    let mut rng = Rng::derive(org.spec().seed, 0xE5D);
    for (i, p) in plan(org.spec().seed, org.spec().people).iter().enumerate() {
        let project = &projects[i % projects.len()];
        let opened = today - Duration::days(p.days_ago) + Duration::hours(rng.between(8, 17));
        let on_account = p.on_account && ops_person.is_some();
        let fields = EscalationFields {
            account_id: project.fields.account_id,
            project_id: (!on_account).then_some(project.id),
            severity: p.severity,
            title: TITLES[p.title].to_string(),
            description: Some(format!(
                "Raised by the customer on {}. {}",
                opened.date(),
                NOTES[(p.title + 3) % NOTES.len()]
            )),
            dri_id: if on_account { ops_person } else { None },
            exit_criteria: EXIT[p.title % EXIT.len()].to_string(),
            standup_cadence: None,
            product_at_fault: p.product_at_fault,
        };
        let new = NewEscalation {
            raised_by: None,
            fields,
        };
        let mut e = match store.raise_escalation(&ops, new, opened).await? {
            psops_core::store::Created::New(e) => e,
            psops_core::store::Created::Replayed(_) => continue,
        };
        if p.standup {
            let at = opened + Duration::hours(rng.between(2, 20));
            let patch = EscalationPatch {
                standup_cadence: Some(Some(STANDUPS[i % STANDUPS.len()].to_string())),
                ..Default::default()
            };
            e = store.change_escalation(&ops, e.id, None, patch, at).await?;
        }
        // Updates at the cadence (a little early each time) until it closes, until today
        // or — when it slipped — until well before today.
        let cadence = settings.cadence(p.severity);
        let stop = if p.slipped {
            today - cadence - cadence / 2
        } else {
            today - Duration::hours(1)
        };
        let span = (stop - opened).whole_hours().max(1);
        let close_at = opened + Duration::hours(span * 9 / 10);
        let mut t = e.last_update_at;
        let mut k = 0usize;
        loop {
            let step = cadence * (rng.between(60, 95) as f64 / 100.0);
            t += step;
            if t > stop || p.closed && t > close_at {
                break;
            }
            let share = (t - opened).whole_hours() * 100 / span;
            let next = match e.status {
                EscalationStatus::Open => Some(EscalationStatus::Investigating),
                EscalationStatus::Investigating if share > 45 => Some(EscalationStatus::Mitigated),
                EscalationStatus::Mitigated if p.closed && share > 75 => Some(EscalationStatus::Resolved),
                _ => None,
            };
            let text = NOTES[(p.title + k) % NOTES.len()].to_string();
            k += 1;
            e = match next {
                Some(to) => {
                    store
                        .move_escalation(&ops, e.id, None, EscalationMove { to, text }, t)
                        .await?
                }
                None => {
                    store
                        .add_escalation_update(&ops, e.id, None, EscalationNote { text }, t)
                        .await?
                }
            };
        }
        if p.closed {
            let at = (e.last_update_at + Duration::hours(4)).min(today - Duration::hours(1));
            if e.status != EscalationStatus::Resolved {
                let m = EscalationMove {
                    to: EscalationStatus::Resolved,
                    text: "Fix confirmed; waiting for the customer's written agreement to close.".into(),
                };
                e = store.move_escalation(&ops, e.id, None, m, at).await?;
            }
            let close = EscalationClose {
                agreed_by: format!("{} sponsor", project_customer(project)),
                agreed_on: Some(at.date()),
                agreement: format!("E-mail from the customer's sponsor of {}", at.date()),
                rca: p
                    .product_at_fault
                    .then(|| format!("https://wiki.example.com/rca/ESC-{}", e.id)),
                outcome: OUTCOMES[(p.title + i) % OUTCOMES.len()].to_string(),
                sentiment: Some(p.sentiment),
            };
            store.close_escalation(&ops, e.id, None, close, at).await?;
        }
    }
    Ok(())
}

fn project_customer(p: &Project) -> String {
    p.fields
        .name
        .split([' ', '-', ':'])
        .next()
        .filter(|w| !w.is_empty())
        .unwrap_or("The customer's")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dozen_at_the_default_size_of_every_severity_some_closed_some_slipped() {
        let p = plan(42, 60);
        assert_eq!(p.len(), 12);
        for s in Severity::ALL {
            assert!(p.iter().any(|e| e.severity == s), "{s:?}");
        }
        assert!(p.iter().filter(|e| e.closed).count() >= 3);
        assert!(p.iter().filter(|e| e.slipped).count() >= 2);
        assert!(p.iter().all(|e| !(e.closed && e.slipped)));
        assert_eq!(plan(42, 60).len(), plan(42, 60).len());
        assert!((90..=120).contains(&count(5_000)), "{}", count(5_000));
        assert_eq!(count(12), 5);
    }
}
