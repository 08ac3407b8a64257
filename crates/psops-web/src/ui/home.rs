//! The home page answers each role's first questions, every figure a link to the page
//! behind it: a person's week and quarter; an approver's waiting weeks and, for a project
//! manager, their projects' burn and health; the organisation's utilization, last week's
//! compliance and who is off target for those who oversee it. Someone with none of these
//! (a first administrator) gets the next steps instead.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use psops_core::capacity::CapacityView;
use psops_core::dates::DateRange;
use psops_core::fiscal::FiscalQuarter;
use psops_core::health::{Health, burn};
use psops_core::people::PersonId;
use psops_core::policy::{Subject, approval_scope, list_scope};
use psops_core::projects::{ProjectFilter, ProjectStatus};
use psops_core::reporting::UtilizationFilter;
use psops_core::scope::{ListKind, ListScope};
use psops_core::store::Records as _;
use psops_core::timesheet::{IsoWeek, WeekState};
use psops_core::utilization::GroupBy;
use psops_core::{Minutes, auth::Role};
use serde::Serialize;
use time::{Duration, OffsetDateTime};

use super::filters::{hours, pct, subject};
use super::home_ops::{Ops, ops};
use super::layout::{Frame, frame, runs_settings, sees_compliance, sees_users, timesheet_links};
use super::render::{UiError, render};
use super::session::SignedIn;
use super::week_load::own_entries;
use crate::AppState;

/// Projects listed on a project manager's home, worst first.
const PROJECTS_SHOWN: usize = 10;

#[derive(Serialize)]
struct Week {
    label: String,
    href: String,
    state: WeekState,
    state_label: &'static str,
    /// When a week still to submit is due, or since when it is overdue.
    due: Option<String>,
    overdue: bool,
}

/// The signed-in person's own figures.
#[derive(Serialize)]
struct Mine {
    this_week: Week,
    last_week: Week,
    logged: String,
    expected: String,
    logged_pct: String,
    quarter: String,
    billable_utilization: String,
    /// "target 70.0 %", or "no billable target" for roles without one.
    target: String,
    has_target: bool,
    /// Billable utilization at or above the target so far.
    on_target: bool,
    /// Reminders of the last two weeks: (week, message, sent on).
    reminders: Vec<(String, String, String)>,
}

#[derive(Serialize)]
struct ProjectLine {
    id: i64,
    name: String,
    logged: String,
    budget: String,
    burn: String,
    elapsed: String,
    health: Health,
    health_label: &'static str,
}

#[derive(Serialize)]
struct Approver {
    weeks: usize,
    /// The approvals list's lines: a person's week on one project (or internal time).
    lines: usize,
    hours: String,
    oldest: Option<String>,
    /// For project managers: their active projects with an hours budget, worst first.
    projects: Option<Vec<ProjectLine>>,
    more_projects: usize,
}

#[derive(Serialize)]
struct HomePage {
    #[serde(flatten)]
    frame: Frame,
    mine: Option<Mine>,
    approver: Option<Approver>,
    ops: Option<Ops>,
    next_steps: Vec<(&'static str, &'static str)>,
}

/// The fiscal quarter holding `today`, from its first day to today (what "so far" means).
pub(super) fn quarter_to_date(
    cal: psops_core::fiscal::FiscalCalendar,
    today: time::Date,
) -> (FiscalQuarter, DateRange) {
    let q = cal.quarter_of(today);
    let range = cal.quarter_range(q);
    (
        q,
        DateRange {
            start: range.start,
            end: today.min(range.end),
        },
    )
}

async fn week(
    st: &AppState,
    s: &Subject,
    person: PersonId,
    week: IsoWeek,
    today: time::Date,
) -> Result<(Week, Minutes), UiError> {
    let entries = own_entries(st, s, week.range()).await?;
    let rejected = !st.store.list_rejections(person, week).await?.is_empty();
    let state = WeekState::of(entries.iter().map(|e| e.status), rejected);
    let logged = entries.iter().map(|e| e.minutes.get()).sum();
    // A week still to submit says when it is due, and says so plainly once that passed.
    let to_submit = matches!(state, WeekState::Empty | WeekState::Open | WeekState::Rejected);
    let due = psops_core::timesheet::due_date_for(week, &st.store.settings().await?)?;
    let overdue = to_submit && today > due;
    let due = to_submit.then(|| {
        let day = format!("{} {}", due.weekday(), super::locale::shown(due));
        if overdue {
            format!("overdue since {day}")
        } else {
            format!("due {day}")
        }
    });
    Ok((
        Week {
            label: week.to_string(),
            href: format!("/week?week={week}"),
            state,
            state_label: state.label(),
            due,
            overdue,
        },
        Minutes(logged),
    ))
}

async fn mine(st: &AppState, s: &Subject, person: PersonId, today: time::Date) -> Result<Mine, UiError> {
    let this = IsoWeek::of(today);
    let last = IsoWeek::of(today - Duration::days(7));
    let (this_week, logged) = week(st, s, person, this, today).await?;
    let (last_week, _) = week(st, s, person, last, today).await?;
    let expected = st
        .store
        .capacity(person, this.range(), CapacityView::Calendar)
        .await?
        .available_minutes;
    let cal = st.store.settings().await?.fiscal_calendar();
    let (q, range) = quarter_to_date(cal, today);
    let filter = UtilizationFilter {
        person_id: Some(person),
        ..Default::default()
    };
    let report = st.store.utilization(range, GroupBy::Person, &filter).await?;
    let row = report.total;
    let since = today - Duration::days(14);
    let reminders = st
        .store
        .reminders(Some(person), &psops_core::scope::ListScope::All, 3)
        .await?
        .into_iter()
        .filter(|r| r.sent_at.date() >= since)
        .map(|r| (r.week.to_string(), r.message, super::locale::shown(r.sent_at.date())))
        .collect();
    Ok(Mine {
        reminders,
        this_week,
        last_week,
        // Time as the week page writes it (h:mm), against this week's own working days
        // less its holidays and time off: the policy view's yearly average is no
        // measure of one week.
        logged: format!("{} h", logged.clock_text()),
        expected: format!("{} h", expected.clock_text()),
        logged_pct: pct(psops_core::ratio::basis_points(logged.get(), expected.get())),
        quarter: q.label(),
        billable_utilization: pct(row.billable_utilization_bp),
        target: match row.target_bp {
            Some(t) if t > 0 => format!("target {}", pct(Some(t))),
            _ => "no billable target".into(),
        },
        has_target: row.target_bp.is_some_and(|t| t > 0),
        on_target: row.attainment_bp.is_none_or(|a| a >= 10_000),
    })
}

async fn approver(st: &AppState, s: &Subject, today: time::Date) -> Result<Approver, UiError> {
    let waiting = st.store.waiting(&approval_scope(s)).await?;
    let mut weeks: BTreeMap<(i64, IsoWeek), i64> = BTreeMap::new();
    for w in &waiting {
        *weeks.entry((w.person_id.get(), w.week)).or_default() += w.minutes;
    }
    let oldest = weeks.keys().map(|(_, w)| *w).min();
    let projects = match (s.has(Role::ProjectManager), s.person_id) {
        (true, Some(me)) => Some(projects(st, me, today).await?),
        _ => None,
    };
    let (projects, more_projects) = match projects {
        Some(mut p) => {
            let more = p.len().saturating_sub(PROJECTS_SHOWN);
            p.truncate(PROJECTS_SHOWN);
            (Some(p), more)
        }
        None => (None, 0),
    };
    Ok(Approver {
        weeks: weeks.len(),
        lines: waiting.len(),
        hours: format!("{} h", Minutes(weeks.values().sum()).clock_text()),
        oldest: oldest.map(|w| w.to_string()),
        projects,
        more_projects,
    })
}

/// The manager's active projects with an hours budget, worst health and burn first.
async fn projects(st: &AppState, me: PersonId, today: time::Date) -> Result<Vec<ProjectLine>, UiError> {
    let filter = ProjectFilter {
        project_manager_id: Some(me),
        status: Some(ProjectStatus::Active),
        archived: Some(false),
        ..Default::default()
    };
    let mut mine = st.store.every(&filter).await?;
    mine.retain(|p| p.fields.budget_minutes.is_some());
    let ids: Vec<_> = mine.iter().map(|p| p.id).collect();
    let logged = st.store.project_minutes(&ids).await?;
    let mut lines: Vec<(Health, i64, ProjectLine)> = mine
        .into_iter()
        .filter_map(|p| {
            let f = &p.fields;
            let minutes = logged.get(&p.id).copied().unwrap_or(Minutes(0));
            let b = burn(minutes, f.budget_minutes, f.start_date, f.end_date, today)?;
            Some((
                b.health,
                -b.burn_bp,
                ProjectLine {
                    id: p.id.get(),
                    name: f.name.clone(),
                    logged: format!("{} h", hours(minutes)),
                    budget: f.budget_minutes.map(|m| format!("{} h", hours(m))).unwrap_or_default(),
                    burn: pct(Some(b.burn_bp)),
                    elapsed: pct(b.elapsed_bp),
                    health: b.health,
                    health_label: b.health.label(),
                },
            ))
        })
        .collect();
    lines.sort_by_key(|l| (l.0, l.1));
    Ok(lines.into_iter().map(|(_, _, l)| l).collect())
}

/// What a signed-in user with nothing to see yet can do next.
fn next_steps(s: &Subject) -> Vec<(&'static str, &'static str)> {
    let mut steps = Vec::new();
    if sees_users(s) {
        steps.push((
            "/admin/users",
            "Link your user to your person record to get your own week and utilization",
        ));
    }
    if runs_settings(s) {
        steps.push(("/admin/calendars", "Add each region's holiday calendar"));
        steps.push((
            "/admin/capacity",
            "Check the capacity policy and the utilization targets",
        ));
    }
    steps.push(("/projects", "Find your projects"));
    steps.push((
        "/api/v1/openapi.json",
        "Load people, projects and time through the REST API",
    ));
    steps
}

pub async fn show(State(st): State<AppState>, me: SignedIn) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    let today = OffsetDateTime::now_utc().date();
    let mine = match s.person_id {
        Some(person) => Some(mine(&st, &s, person, today).await?),
        None => None,
    };
    let approves = timesheet_links(&s).iter().any(|(href, _)| *href == "/approvals");
    let approver = if approves {
        Some(approver(&st, &s, today).await?)
    } else {
        None
    };
    // The organisation's figures for those who oversee all of it; a project manager's
    // team figures are one click away on the utilization report.
    let oversees = matches!(list_scope(&s, ListKind::Figures), ListScope::All);
    let ops = if oversees && sees_compliance(&s) {
        Some(ops(&st, &s, today).await?)
    } else {
        None
    };
    let next_steps = if mine.is_none() { next_steps(&s) } else { Vec::new() };
    let page = HomePage {
        frame: frame(&me, &s),
        mine,
        approver,
        ops,
        next_steps,
    };
    Ok(render("home.html", page)?.into_response())
}
