//! `/week`: the signed-in person's weekly timesheet grid. `GET` shows a week (this ISO week
//! by default) with rows added or copied from last week through the query; `POST /week`
//! saves every changed cell (the form without JavaScript); `POST /week/cell` saves one
//! cell for htmx and answers the cell with the row and week totals swapped out of band;
//! `POST /week/submit` submits the week's drafts.

use std::collections::BTreeMap;

use axum::extract::{Extension, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use psops_core::error::Thing;
use psops_core::policy::{Action, Resource, Subject};
use psops_core::projects::ProjectId;
use psops_core::reporting::TimesheetActor;
use psops_core::time_entries::EntryStatus;
use psops_core::timesheet::{IsoWeek, WeekActions, WeekState};
use serde::Serialize;
use time::{Duration, OffsetDateTime};

use super::filters::{Pairs, is_htmx, subject};
use super::form::Form;
use super::layout::{Frame, frame};
use super::render::{UiError, render};
use super::session::SignedIn;
use super::week_grid::{Grid, RowKey, RowView, Totals, Typed, parse_rows, rows_param};
use super::week_load::{Choice, Loaded, load, own_entries, parse_week, person};
use super::week_save::{Author, CellInput, changed, save, words};
use crate::AppState;
use crate::authorize::{Fixed, allow};
use crate::request_id::RequestId;

#[derive(Serialize)]
struct Day {
    name: &'static str,
    date: String,
}

#[derive(Serialize)]
struct WeekPage {
    #[serde(flatten)]
    frame: Frame,
    week: String,
    prev: String,
    next: String,
    this_week: String,
    days: Vec<Day>,
    rows: Vec<RowView>,
    totals: Totals,
    extra: String,
    choices: Vec<Choice>,
    /// The one banner: the week's state in words, with the rejection reasons.
    state: WeekState,
    banner: String,
    rejections: Vec<String>,
    locked: bool,
    actions: WeekActions,
    message: String,
}

const NAMES: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

fn rows(loaded: &Loaded, typed: &BTreeMap<(String, usize), Typed>) -> Vec<RowView> {
    let grid = &loaded.grid;
    grid.rows()
        .iter()
        .enumerate()
        .map(|(i, k)| {
            let name = loaded.labels.get(&k.key()).cloned().unwrap_or_default();
            grid.row(*k, i, name, typed)
        })
        .collect()
}

/// The extra rows to keep showing: those without any entry yet.
fn empty_rows(grid: &Grid) -> String {
    let empty: Vec<RowKey> = grid
        .rows()
        .iter()
        .copied()
        .filter(|k| grid.row_minutes(*k) == 0)
        .collect();
    rows_param(&empty)
}

fn week_link(week: Option<IsoWeek>, fallback: IsoWeek) -> String {
    week.unwrap_or(fallback).to_string()
}

async fn page(
    state: &AppState,
    me: &SignedIn,
    subject: &Subject,
    loaded: Loaded,
    typed: &BTreeMap<(String, usize), Typed>,
    message: String,
) -> Result<Html<String>, UiError> {
    let person_id = person(subject)?;
    let week = loaded.week;
    let submitted_at = state
        .store
        .week_submitted_at(person_id, week)
        .await?
        .map(|t| super::locale::shown(t.date()))
        .unwrap_or_default();
    let rejections: Vec<String> = state
        .store
        .list_rejections(person_id, week)
        .await?
        .into_iter()
        .map(|r| r.reason)
        .collect();
    let range = week.range();
    let locked = state
        .store
        .list_locked_periods()
        .await?
        .iter()
        .any(|l| l.range.start <= range.end && range.start <= l.range.end);
    let week_state = WeekState::of(loaded.grid.statuses(), !rejections.is_empty());
    let decided = loaded.grid.statuses().any(|s| s == EntryStatus::Approved);
    let actions = week_state.actions(locked, decided);
    let banner = banner(week_state, locked, &submitted_at, actions);
    let days = (0..7)
        .map(|d| Day {
            name: NAMES[d],
            date: super::locale::shown_short(loaded.grid.date(d)),
        })
        .collect();
    let monday = week.monday();
    render(
        "week.html",
        WeekPage {
            frame: frame(me, subject),
            week: week.to_string(),
            prev: week_link(monday.checked_sub(Duration::days(7)).map(IsoWeek::of), week),
            next: week_link(week.next(), week),
            this_week: IsoWeek::of(OffsetDateTime::now_utc().date()).to_string(),
            days,
            rows: quiet(rows(&loaded, typed), week_state),
            totals: loaded.grid.totals(),
            extra: empty_rows(&loaded.grid),
            choices: loaded.choices,
            state: week_state,
            banner,
            rejections,
            locked,
            actions,
            message,
        },
    )
}

/// Cells whose status is the week's own say nothing: the banner said it once.
fn quiet(mut rows: Vec<RowView>, state: WeekState) -> Vec<RowView> {
    let said = match state {
        WeekState::Submitted => EntryStatus::Submitted,
        WeekState::Approved => EntryStatus::Approved,
        _ => return rows,
    };
    for cell in rows.iter_mut().flat_map(|r| r.cells.iter_mut()) {
        if cell.status == psops_core::code::Code::code(&said) {
            cell.hint.clear();
        }
    }
    rows
}

/// The week's state in one sentence, with what to do next.
fn banner(state: WeekState, locked: bool, submitted_at: &str, actions: WeekActions) -> String {
    let on = if submitted_at.is_empty() {
        String::new()
    } else {
        format!(" on {submitted_at}")
    };
    let text = match state {
        WeekState::Empty => "Nothing logged yet. Add a row or copy last week's rows.".to_string(),
        WeekState::Open => "Draft: not submitted yet. Submit the week when it is complete.".to_string(),
        WeekState::Rejected => "Rejected: fix the lines below and submit the week again.".to_string(),
        WeekState::Submitted if actions.withdraw => {
            format!("Submitted{on}, waiting for approval. Withdraw it to change anything.")
        }
        WeekState::Submitted => format!("Submitted{on}; part of it is approved, the rest waits for approval."),
        WeekState::Approved => "Approved. There is nothing more to do for this week.".to_string(),
    };
    if locked {
        format!("Locked: this week lies in a closed period, so nothing in it can change. {text}")
    } else {
        text
    }
}

/// `GET /week?week=2026-W48&rows=…&add=p12&nonbillable=on&copy=1`.
pub async fn show(State(state): State<AppState>, me: SignedIn, params: Pairs) -> Result<Response, UiError> {
    let subject = subject(&state, &me).await?;
    let week = parse_week(params.get("week"))?;
    let mut extra = parse_rows(params.get("rows").unwrap_or(""));
    let mut message = String::new();
    if let Some(add) = params.get("add").filter(|a| !a.is_empty()) {
        // Billable follows the project unless the person says this time is not.
        let billable = match add.strip_prefix('p').and_then(|id| id.parse::<i64>().ok()) {
            Some(id) if params.get("nonbillable").is_none() => match state.store.get(ProjectId::new(id)).await {
                Ok(p) => p.fields.default_billable(),
                Err(_) => false,
            },
            _ => false,
        };
        match RowKey::parse(&format!("{add}-{}", if billable { "b" } else { "n" })) {
            Some(k) => extra.push(k),
            None => message = format!("'{add}' is not a project or internal category to add"),
        }
    }
    if params.get("copy").is_some() {
        let last = week.monday() - Duration::days(7);
        let before = own_entries(&state, &subject, IsoWeek::of(last).range()).await?;
        extra.extend(before.iter().filter_map(RowKey::of));
        if before.is_empty() {
            message = "Last week has no rows to copy.".into();
        }
    }
    let loaded = load(&state, &subject, week, &extra).await?;
    Ok(page(&state, &me, &subject, loaded, &BTreeMap::new(), message)
        .await?
        .into_response())
}

/// The submitted form as name → value.
type Fields = Vec<(String, String)>;

fn field<'a>(fields: &'a Fields, name: &str) -> &'a str {
    fields.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
}

fn check_csrf(me: &SignedIn, headers: &HeaderMap, fields: &Fields) -> Result<(), UiError> {
    let header = headers.get("x-csrf-token").and_then(|v| v.to_str().ok());
    me.check_csrf(header.unwrap_or(field(fields, "csrf")))
}

/// The cells named in a form: `m.{row}.{day}` with its note `n.{row}.{day}`.
fn cells(fields: &Fields) -> Vec<(RowKey, usize, String, String)> {
    fields
        .iter()
        .filter_map(|(k, v)| {
            let (key, day) = k.strip_prefix("m.")?.rsplit_once('.')?;
            let row = RowKey::parse(key)?;
            let day: usize = day.parse().ok().filter(|d| *d < 7)?;
            Some((
                row,
                day,
                v.clone(),
                field(fields, &format!("n.{key}.{day}")).to_string(),
            ))
        })
        .collect()
}

/// `POST /week`: saves every changed cell; back to the week, or the week with the cells
/// that broke a rule and why.
pub async fn save_all(
    State(state): State<AppState>,
    me: SignedIn,
    headers: HeaderMap,
    Extension(request): Extension<RequestId>,
    Form(fields): Form<Fields>,
) -> Result<Response, UiError> {
    check_csrf(&me, &headers, &fields)?;
    let subject = subject(&state, &me).await?;
    let week = parse_week(Some(field(&fields, "week")))?;
    let extra = parse_rows(field(&fields, "rows"));
    let author = Author(&me, &request);
    let before = load(&state, &subject, week, &extra).await?;
    let mut typed = BTreeMap::new();
    for (key, day, value, note) in cells(&fields) {
        let input = CellInput {
            key,
            day,
            value: &value,
            note: &note,
        };
        if !changed(&before.grid, &input) {
            continue;
        }
        if let Some(error) = save(&state, &subject, &author, &before.grid, &input).await? {
            typed.insert((key.key(), day), Typed { value, note, error });
        }
    }
    let mut keep: Vec<RowKey> = before.grid.rows().to_vec();
    keep.retain(|k| extra.contains(k) || before.grid.row_minutes(*k) > 0);
    let after = load(&state, &subject, week, &keep).await?;
    if typed.is_empty() {
        let to = format!("/week?week={week}&rows={}", empty_rows(&after.grid));
        return Ok(Redirect::to(&to).into_response());
    }
    let html = page(&state, &me, &subject, after, &typed, String::new()).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
}

#[derive(Serialize)]
struct CellFragment {
    row: RowView,
    totals: Totals,
}

#[derive(Serialize)]
struct Fragment {
    fragment: CellFragment,
}

/// `POST /week/cell` (htmx): saves the cell named by `cell` (`{row}.{day}`) and answers its
/// row — the cell with the rule it broke — and the week's totals, from which htmx takes the
/// cell and, out of band, the row and week totals. Always 200 so htmx swaps it; without
/// htmx, the whole week page.
pub async fn save_cell(
    State(state): State<AppState>,
    me: SignedIn,
    headers: HeaderMap,
    Extension(request): Extension<RequestId>,
    Form(fields): Form<Fields>,
) -> Result<Response, UiError> {
    check_csrf(&me, &headers, &fields)?;
    let subject = subject(&state, &me).await?;
    let week = parse_week(Some(field(&fields, "week")))?;
    let bad = || {
        UiError::new(
            StatusCode::BAD_REQUEST,
            "No such cell",
            "Send the cell from the week page.",
        )
    };
    let (key_text, day) = field(&fields, "cell").rsplit_once('.').ok_or_else(bad)?;
    let key = RowKey::parse(key_text).ok_or_else(bad)?;
    let day: usize = day.parse().ok().filter(|d| *d < 7).ok_or_else(bad)?;
    let value = field(&fields, &format!("m.{key_text}.{day}")).to_string();
    let note = field(&fields, &format!("n.{key_text}.{day}")).to_string();
    let before = load(&state, &subject, week, &[key]).await?;
    let input = CellInput {
        key,
        day,
        value: &value,
        note: &note,
    };
    let author = Author(&me, &request);
    let mut typed = BTreeMap::new();
    match save(&state, &subject, &author, &before.grid, &input).await? {
        Some(error) => {
            typed.insert((key.key(), day), Typed { value, note, error });
        }
        // A note typed before its hours stays in the cell until the hours come.
        None if value.trim().is_empty() && !note.trim().is_empty() => {
            let error = String::new();
            typed.insert((key.key(), day), Typed { value, note, error });
        }
        None => {}
    }
    let after = load(&state, &subject, week, &[key]).await?;
    if !is_htmx(&headers) {
        let status = if typed.values().all(|t| t.error.is_empty()) {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        return Ok((status, page(&state, &me, &subject, after, &typed, String::new()).await?).into_response());
    }
    let index = after.grid.rows().iter().position(|k| *k == key).unwrap_or(0);
    let label = after.labels.get(&key.key()).cloned().unwrap_or_default();
    let fragment = CellFragment {
        row: after.grid.row(key, index, label, &typed),
        totals: after.grid.totals(),
    };
    Ok(render("week_row.html", Fragment { fragment })?.into_response())
}

/// `POST /week/submit`: the week's drafts go to the approvers.
pub async fn submit(
    State(state): State<AppState>,
    me: SignedIn,
    headers: HeaderMap,
    Extension(request): Extension<RequestId>,
    Form(fields): Form<Fields>,
) -> Result<Response, UiError> {
    step(&state, &me, &headers, &request, &fields, Step::Submit).await
}

/// `POST /week/withdraw`: a submitted week nobody has decided on goes back to draft.
pub async fn withdraw(
    State(state): State<AppState>,
    me: SignedIn,
    headers: HeaderMap,
    Extension(request): Extension<RequestId>,
    Form(fields): Form<Fields>,
) -> Result<Response, UiError> {
    step(&state, &me, &headers, &request, &fields, Step::Withdraw).await
}

#[derive(Clone, Copy)]
enum Step {
    Submit,
    Withdraw,
}

/// A step of the owner's week, through the store's timesheet cycle (which checks it).
async fn step(
    state: &AppState,
    me: &SignedIn,
    headers: &HeaderMap,
    request: &RequestId,
    fields: &Fields,
    step: Step,
) -> Result<Response, UiError> {
    check_csrf(me, headers, fields)?;
    let subject = subject(state, me).await?;
    let person_id = person(&subject)?;
    let week = parse_week(Some(field(fields, "week")))?;
    let me_person = state.store.get(person_id).await?;
    let sheet = Resource::Timesheet {
        person_id,
        person_partner_id: me_person.fields.partner_id,
        manager_id: me_person.fields.manager_id,
    };
    let grant = allow(state, &subject, Action::Update, &Fixed(sheet, Thing::Timesheet)).await?;
    let actor = TimesheetActor {
        person_id: Some(person_id),
        ..psops_core::policy::timesheet_actor(&subject)
    };
    let ctx = super::admin::write_ctx(me, request, grant);
    let done = match step {
        Step::Submit => state.store.submit_week(&ctx, actor, person_id, week).await,
        Step::Withdraw => state.store.withdraw_week(&ctx, actor, person_id, week).await,
    };
    let (nothing, failed) = match step {
        Step::Submit => (
            "There is no draft time in this week to submit.",
            "The week was not submitted",
        ),
        Step::Withdraw => (
            "There is no submitted time in this week to withdraw.",
            "The week was not withdrawn",
        ),
    };
    match done {
        Ok(moved) if moved.is_empty() => {
            let loaded = load(state, &subject, week, &[]).await?;
            Ok(page(state, me, &subject, loaded, &BTreeMap::new(), nothing.to_string())
                .await?
                .into_response())
        }
        Ok(_) => Ok(Redirect::to(&format!("/week?week={week}")).into_response()),
        Err(psops_core::Error::Internal(cause)) => Err(UiError::internal(cause)),
        Err(e) => {
            let loaded = load(state, &subject, week, &[]).await?;
            let message = format!("{failed}: {}.", words(e));
            let html = page(state, me, &subject, loaded, &BTreeMap::new(), message).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
    }
}
