//! `/approvals/{person}/{week}`: one person's week as an approver decides it — the days ×
//! projects grid with the notes, billable and non-billable apart, the hours the policy
//! expects, what is worth a look (core `timesheet::review`), each waiting project with
//! its own approve and reject, and the week's history of submissions and rejections.

use std::collections::{BTreeMap, HashMap};

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use psops_core::capacity::CapacityView;
use psops_core::code::Code;
use psops_core::people::{Person, PersonId};
use psops_core::policy::Action;
use psops_core::projects::{Project, ProjectId};
use psops_core::time_entries::TimeEntry;
use psops_core::timesheet::{IsoWeek, Warning, review};
use serde::Serialize;

use super::approvals::{Line, waiting};
use super::filters::{Pairs, label, names_of, subject};
use super::layout::{Frame, frame};
use super::render::{UiError, render};
use super::session::SignedIn;
use super::week_grid::{RowKey, Work, clock};
use super::week_load::{entries_in, entries_of};
use crate::AppState;
use crate::authorize::allow;

#[derive(Serialize)]
struct Cell {
    value: String,
    notes: Vec<String>,
}

#[derive(Serialize)]
struct Row {
    label: String,
    billable: bool,
    /// The statuses of its entries, e.g. "submitted".
    status: String,
    cells: Vec<Cell>,
    total: String,
}

/// A waiting project of the week, decided on its own.
#[derive(Serialize)]
struct Decision {
    key: String,
    project: String,
    hours: String,
}

#[derive(Serialize)]
struct Step {
    when: String,
    what: String,
}

#[derive(Serialize)]
struct WeekPage {
    #[serde(flatten)]
    frame: Frame,
    person_id: i64,
    person: String,
    week: String,
    back: String,
    /// The list's view, carried through a decision made here.
    view: String,
    /// What a decision made here did.
    message: String,
    days: Vec<String>,
    rows: Vec<Row>,
    totals: Vec<String>,
    total: String,
    billable: String,
    non_billable: String,
    expected: String,
    /// Whether the reader sees every entry of the week, not only their projects' lines.
    whole: bool,
    warnings: Vec<Warning>,
    decisions: Vec<Decision>,
    history: Vec<Step>,
}

fn parse(person: &str, week: &str) -> Result<(PersonId, IsoWeek), UiError> {
    let person = match person.parse::<i64>() {
        Ok(n) if n > 0 => PersonId::new(n),
        _ => return Err(super::not_found()),
    };
    let week = week.parse::<IsoWeek>().map_err(|_| super::not_found())?;
    Ok((person, week))
}

pub async fn show(
    State(st): State<AppState>,
    me: SignedIn,
    Path((person, week)): Path<(String, String)>,
    p: Pairs,
) -> Result<Response, UiError> {
    let (person_id, week) = parse(&person, &week)?;
    let s = subject(&st, &me).await?;
    let person: Person = st.store.get(person_id).await?;
    allow(&st, &s, Action::Read, &person).await?;
    let entries = entries_of(&st, &s, person_id, week.range()).await?;
    let lines = waiting(&st, &s).await?;
    let mine: Vec<(&Line, &[i64; 3])> = lines
        .iter()
        .filter(|(l, _)| l.person == person_id && l.week == week)
        .collect();
    if entries.is_empty() && mine.is_empty() {
        return Err(super::not_found());
    }
    let mut project_ids: Vec<ProjectId> = entries.iter().filter_map(|e| e.project_id).collect();
    project_ids.sort();
    project_ids.dedup();
    // A week touches a handful of projects: their names, and which serve customers.
    let mut customer: HashMap<ProjectId, bool> = HashMap::new();
    let mut names: HashMap<ProjectId, String> = HashMap::new();
    for id in project_ids {
        let project: Project = st.store.get(id).await?;
        customer.insert(id, project.fields.is_customer());
        names.insert(id, project.fields.name);
    }
    let range = week.range();
    let expected = st
        .store
        .capacity(person_id, range, CapacityView::Calendar)
        .await?
        .available_minutes;
    // An approver who sees only their projects' lines does not judge the whole week:
    // without this, a PM reads "5:30 of 40:00 h, short" about a full week.
    let whole = whole_week(&st, person_id, range, &entries, &s).await?;
    let warnings = review(
        &entries,
        whole.then_some(expected),
        |p| customer.get(&p).copied().unwrap_or(false),
        super::locale::shown,
    );

    let mut by_row: BTreeMap<(String, bool), Vec<&TimeEntry>> = BTreeMap::new();
    let work_name = |e: &TimeEntry| match RowKey::of(e).map(|k| k.work) {
        Some(Work::Project(p)) => names.get(&p).cloned().unwrap_or_else(|| format!("project {p}")),
        Some(Work::Category(c)) => format!("Internal time: {}", label(c.code())),
        None => "—".into(),
    };
    for e in &entries {
        by_row.entry((work_name(e), !e.billable)).or_default().push(e);
    }
    let day_of = |e: &TimeEntry| (e.date - range.start).whole_days() as usize;
    let mut totals = [0i64; 7];
    let rows = by_row
        .into_iter()
        .map(|((name, unbilled), list)| {
            let mut cells: Vec<Cell> = (0..7)
                .map(|_| Cell {
                    value: String::new(),
                    notes: Vec::new(),
                })
                .collect();
            let mut minutes = [0i64; 7];
            let mut statuses: Vec<&'static str> = Vec::new();
            for e in &list {
                let d = day_of(e).min(6);
                minutes[d] += e.minutes.get();
                totals[d] += e.minutes.get();
                if let Some(n) = e.note.as_deref().filter(|n| !n.trim().is_empty()) {
                    cells[d].notes.push(n.to_string());
                }
                if !statuses.contains(&e.status.code()) {
                    statuses.push(e.status.code());
                }
            }
            for (c, m) in cells.iter_mut().zip(minutes) {
                if m > 0 {
                    c.value = clock(m);
                }
            }
            Row {
                label: name,
                billable: !unbilled,
                status: statuses.join(", "),
                cells,
                total: clock(minutes.iter().sum()),
            }
        })
        .collect();
    let logged: i64 = entries.iter().map(|e| e.minutes.get()).sum();
    let billable: i64 = entries.iter().filter(|e| e.billable).map(|e| e.minutes.get()).sum();
    let decisions = mine
        .iter()
        .map(|(l, sums)| Decision {
            key: l.key(),
            project: match l.project {
                Some(p) => names.get(&p).cloned().unwrap_or_else(|| format!("project {p}")),
                None => "Internal time".into(),
            },
            hours: clock(sums[0]),
        })
        .collect();
    let history = history(&st, person_id, week).await?;
    // Back to the list as it was left: its filters, sort and page.
    let view = p.get("view").filter(|v| super::approvals::plain_query(v));
    let back = match view {
        Some(v) => format!("/approvals?{v}"),
        None => "/approvals".to_string(),
    };
    let ctx = WeekPage {
        frame: frame(&me, &s),
        person_id: person_id.get(),
        person: person.fields.name,
        week: week.to_string(),
        back,
        view: view.unwrap_or_default().to_string(),
        message: super::approvals::decided(&p),
        days: (0..7)
            .map(|d| {
                let date = range.start + time::Duration::days(d);
                format!(
                    "{} {}",
                    &date.weekday().to_string()[..3],
                    super::locale::shown_short(date)
                )
            })
            .collect(),
        rows,
        totals: totals
            .iter()
            .map(|m| if *m > 0 { clock(*m) } else { String::new() })
            .collect(),
        total: clock(logged),
        billable: clock(billable),
        non_billable: clock(logged - billable),
        expected: expected.clock_text(),
        whole,
        warnings,
        decisions,
        history,
    };
    Ok(render("approval_week.html", ctx)?.into_response())
}

/// Whether `seen` is all of the person's week: true for a reader who may read every
/// entry; otherwise the week's entries are counted without the reader's scope.
async fn whole_week(
    st: &AppState,
    person: PersonId,
    range: psops_core::dates::DateRange,
    seen: &[TimeEntry],
    s: &psops_core::policy::Subject,
) -> Result<bool, UiError> {
    use psops_core::policy::list_scope;
    use psops_core::scope::{ListKind, ListScope};
    if list_scope(s, ListKind::TimeEntries) == ListScope::All {
        return Ok(true);
    }
    let all = entries_in(st, person, range, ListScope::All).await?;
    Ok(all.len() == seen.len())
}

/// When the week was last submitted and every rejection, newest first.
async fn history(st: &AppState, person: PersonId, week: IsoWeek) -> Result<Vec<Step>, UiError> {
    let mut steps = Vec::new();
    let rejections = st.store.list_rejections(person, week).await?;
    let approvals = st.store.list_approvals(person, week).await?;
    let ids = rejections
        .iter()
        .filter_map(|r| r.project_id)
        .chain(approvals.iter().filter_map(|a| a.project_id));
    let projects = names_of::<Project>(st, ids).await?;
    let on = |project: Option<ProjectId>| match project {
        Some(p) => projects
            .get(&p.get())
            .cloned()
            .unwrap_or_else(|| format!("project {p}")),
        None => "internal time".into(),
    };
    for r in rejections {
        steps.push((
            r.rejected_at,
            format!(
                "Rejected the time on {} ({} entries): {}",
                on(r.project_id),
                r.entries,
                r.reason
            ),
        ));
    }
    for a in approvals {
        steps.push((a.approved_at, format!("Approved the time on {}", on(a.project_id))));
    }
    if let Some(at) = st.store.week_submitted_at(person, week).await? {
        steps.push((at, "Submitted".into()));
    }
    // Latest first.
    steps.sort_by_key(|s| std::cmp::Reverse(s.0));
    Ok(steps
        .into_iter()
        .map(|(at, what)| Step {
            when: super::locale::shown(at.date()),
            what,
        })
        .collect())
}
