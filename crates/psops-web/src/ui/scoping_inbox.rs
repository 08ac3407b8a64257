//! `/scoping/inbox`: what waits for the signed-in user in scoping — SOW steps they
//! decide, estimates waiting for their review as technical architect, and the overdue
//! clocks of the opportunities they manage. `/scoping/report`: win rates by engagement
//! manager, segment and close quarter, and every overdue service-level clock with the
//! count by clock, for those who oversee scoping.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use psops_core::Error;
use psops_core::auth::Role;
use psops_core::code::Code;
use psops_core::people::Person;
use psops_core::policy::Subject;
use psops_core::scoping::estimates::{EstimateFilter, TaReview};
use psops_core::scoping::opportunities::{Opportunity, Segment};
use psops_core::scoping::sows::{Sow, SowFilter, SowRole};
use psops_core::scoping::wins::{WinBy, WinRate, win_rates};
use psops_core::store::Records as _;
use serde::Serialize;

use super::filters::{names_of, pct, subject};
use super::layout::{Frame, frame};
use super::render::{UiError, render};
use super::scoping::{open_to, when};
use super::session::SignedIn;
use crate::AppState;
use crate::api::opportunities::overdue;
use psops_core::scoping::clocks::Overdue;

#[derive(Serialize)]
struct Waiting {
    href: String,
    what: String,
    opportunity: String,
    detail: String,
}

#[derive(Serialize)]
struct OverdueRow {
    href: String,
    name: String,
    clock: &'static str,
    state: &'static str,
    due: String,
    em: String,
}

#[derive(Serialize)]
struct InboxPage {
    #[serde(flatten)]
    frame: Frame,
    sows: Vec<Waiting>,
    estimates: Vec<Waiting>,
    /// Submitted changes, for PS leadership (who decide them).
    changes: Option<Vec<Waiting>>,
    overdue: Option<Vec<OverdueRow>>,
}

async fn overdue_rows(st: &AppState, list: Vec<Overdue>) -> Result<Vec<OverdueRow>, UiError> {
    let ems = names_of::<Person>(st, list.iter().filter_map(|o| o.engagement_manager_id)).await?;
    Ok(list
        .into_iter()
        .map(|o| OverdueRow {
            href: format!("/scoping/opportunities/{}", o.opportunity_id),
            name: o.name,
            clock: o.clock.label(),
            state: o.state.label(),
            due: when(o.due_at.0),
            em: o
                .engagement_manager_id
                .and_then(|p| ems.get(&p.get()).cloned())
                .unwrap_or_else(|| "—".into()),
        })
        .collect())
}

/// `GET /scoping/inbox`.
pub async fn inbox(State(st): State<AppState>, me: SignedIn) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    open_to(&s)?;
    let sows: Vec<Sow> = st
        .store
        .every(&SowFilter {
            waiting_for: Some(s.user_id),
            archived: Some(false),
            ..Default::default()
        })
        .await?;
    // Nobody without a person record is anyone's technical architect.
    let estimates = match s.person_id {
        Some(p) => {
            st.store
                .every(&EstimateFilter {
                    ta_person: Some(p),
                    ta_review: Some(TaReview::Waiting),
                    archived: Some(false),
                    ..Default::default()
                })
                .await?
        }
        None => Vec::new(),
    };
    let opportunities = names_of::<Opportunity>(
        &st,
        sows.iter()
            .map(|w| w.opportunity_id)
            .chain(estimates.iter().map(|e| e.fields.opportunity_id)),
    )
    .await?;
    let mut sow_rows = Vec::new();
    for w in &sows {
        let decided = st.store.sow_decisions(w.id).await?;
        let step = w.steps(&decided).into_iter().find(|step| step.waiting);
        sow_rows.push(Waiting {
            href: format!("/scoping/sows/{}", w.id),
            what: format!("{} r{}: {}", w.number, w.revision, w.fields.title),
            opportunity: opportunities.get(&w.opportunity_id.get()).cloned().unwrap_or_default(),
            detail: step
                .map(|st| st.role.label())
                .unwrap_or(SowRole::RegionalDeliveryManager.label())
                .to_string(),
        });
    }
    let estimate_rows = estimates
        .iter()
        .map(|e| Waiting {
            href: format!("/scoping/estimates/{}", e.id),
            what: format!("Estimate v{} — {}", e.number, e.totals.price),
            opportunity: opportunities
                .get(&e.fields.opportunity_id.get())
                .cloned()
                .unwrap_or_default(),
            detail: e.ta_due_at.map(|d| format!("due {}", when(d))).unwrap_or_default(),
        })
        .collect();
    let managed = match s.person_id {
        Some(p) if s.has(Role::EngagementManager) => Some(overdue_rows(&st, overdue(&st, &s, Some(p)).await?).await?),
        _ => None,
    };
    let decides_changes = psops_core::policy::decide(
        &s,
        psops_core::policy::Action::Approve,
        &psops_core::policy::Resource::Change {
            project: None,
            engagement_manager: None,
            raised_by: None,
        },
    ) == psops_core::policy::Decision::Allow;
    let changes = if decides_changes {
        let submitted = st
            .store
            .every(&psops_core::scoping::changes::ChangeFilter {
                status: Some(psops_core::scoping::changes::ChangeStatus::Submitted),
                archived: Some(false),
                ..Default::default()
            })
            .await?;
        Some(
            submitted
                .iter()
                // Whoever raised a change does not decide it.
                .filter(|c| c.raised_by != Some(s.user_id))
                .map(|c| Waiting {
                    href: format!("/scoping/changes/{}", c.id),
                    what: format!("{}: {}", c.fields.kind.label(), c.fields.title),
                    opportunity: String::new(),
                    detail: when(c.meta.updated_at),
                })
                .collect(),
        )
    } else {
        None
    };
    let page = InboxPage {
        frame: frame(&me, &s),
        sows: sow_rows,
        estimates: estimate_rows,
        changes,
        overdue: managed,
    };
    Ok(render("scoping_inbox.html", page)?.into_response())
}

#[derive(Serialize)]
struct RateRow {
    key: String,
    won: i64,
    lost: i64,
    rate: String,
}

#[derive(Serialize)]
struct ReportPage {
    #[serde(flatten)]
    frame: Frame,
    by_em: Vec<RateRow>,
    by_segment: Vec<RateRow>,
    by_quarter: Vec<RateRow>,
    overdue: Vec<OverdueRow>,
    by_clock: Vec<(&'static str, usize)>,
    truncated: bool,
}

fn rows(list: Vec<WinRate>, name: impl Fn(&str) -> String) -> Vec<RateRow> {
    list.into_iter()
        .map(|r| RateRow {
            key: if r.key == "total" { "All".into() } else { name(&r.key) },
            won: r.won,
            lost: r.lost,
            rate: pct(r.rate_bp),
        })
        .collect()
}

/// Whether the subject oversees scoping (as the API's win rates require).
fn oversees(s: &Subject) -> Result<(), UiError> {
    open_to(s)?;
    if s.reads_all_opportunities() {
        Ok(())
    } else {
        Err(Error::Forbidden("the scoping report is for those who oversee scoping".into()).into())
    }
}

/// `GET /scoping/report`.
pub async fn report(State(st): State<AppState>, me: SignedIn) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    oversees(&s)?;
    let counts = st.store.win_counts().await?;
    let ems = names_of::<Person>(&st, counts.iter().filter_map(|c| c.engagement_manager_id)).await?;
    let em_name = |k: &str| match k.parse::<i64>() {
        Ok(id) => ems.get(&id).cloned().unwrap_or_else(|| format!("#{id}")),
        Err(_) => "No engagement manager".into(),
    };
    let segment = |k: &str| Segment::from_code(k).map_or(k.to_string(), |s| s.label().to_string());
    let list = overdue(&st, &s, None).await?;
    let truncated = list.len() >= crate::api::opportunities::OVERDUE_LIMIT;
    let mut by_clock: BTreeMap<&'static str, usize> = BTreeMap::new();
    for o in &list {
        *by_clock.entry(o.clock.label()).or_default() += 1;
    }
    let page = ReportPage {
        frame: frame(&me, &s),
        by_em: rows(win_rates(&counts, WinBy::EngagementManager), em_name),
        by_segment: rows(win_rates(&counts, WinBy::Segment), segment),
        by_quarter: rows(win_rates(&counts, WinBy::Quarter), |k| {
            if k.is_empty() {
                "No quarter".into()
            } else {
                k.to_string()
            }
        }),
        overdue: overdue_rows(&st, list).await?,
        by_clock: by_clock.into_iter().collect(),
        truncated,
    };
    Ok(render("scoping_report.html", page)?.into_response())
}
