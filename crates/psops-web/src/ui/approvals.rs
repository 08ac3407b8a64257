//! `/approvals`: submitted weeks waiting for the signed-in approver, one line per person,
//! ISO week and project (internal time is one line too), approved or rejected one at a
//! time or many at once. Only lines the policy lets the subject approve are listed, and a
//! posted line that is not among them is refused as "not waiting for you".

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};

use axum::extract::{Extension, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use psops_core::Error;
use psops_core::page::PageRequest;
use psops_core::people::PersonId;
use psops_core::policy::{Action, Grant, Subject, approves_all, list_scope};
use psops_core::projects::ProjectId;
use psops_core::reporting::TimesheetActor;
use psops_core::scope::ListKind;
use psops_core::time_entries::{EntryStatus, TimeEntry, TimeEntryFilter};
use psops_core::timesheet::IsoWeek;
use serde::Serialize;

use super::filters::{Pairs, subject};
use super::form::Form;
use super::layout::{Frame, frame};
use super::render::{UiError, render};
use super::session::SignedIn;
use super::week_grid::clock;
use super::week_save::words;
use crate::AppState;
use crate::authorize::allow;
use crate::request_id::RequestId;

/// One person's submitted time on one project (or internal time) in one week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct Line {
    person: PersonId,
    week: IsoWeek,
    project: Option<ProjectId>,
}

impl Line {
    fn key(&self) -> String {
        let project = self.project.map_or("internal".into(), |p| p.to_string());
        format!("{}.{}.{project}", self.person, self.week)
    }
}

#[derive(Serialize)]
struct LineView {
    key: String,
    person: String,
    week: String,
    project: String,
    hours: String,
    billable: String,
    entries: usize,
    checked: bool,
}

#[derive(Serialize)]
struct ApprovalsPage {
    #[serde(flatten)]
    frame: Frame,
    lines: Vec<LineView>,
    reason: String,
    error: String,
    message: String,
}

/// Everything submitted that the subject may approve, grouped into lines, each with the
/// policy's grant to decide on it.
async fn waiting(state: &AppState, subject: &Subject) -> Result<BTreeMap<Line, (Vec<TimeEntry>, Grant)>, UiError> {
    let filter = TimeEntryFilter {
        status: Some(EntryStatus::Submitted),
        scope: list_scope(subject, ListKind::TimeEntries),
        ..Default::default()
    };
    let mut groups: BTreeMap<Line, Vec<TimeEntry>> = BTreeMap::new();
    let mut page = PageRequest {
        after: None,
        limit: 500,
    };
    loop {
        let got = state.store.list_time_entries(&filter, page).await?;
        let last = got.items.last().map(|e| e.id.get());
        for e in got.items {
            let line = Line {
                person: e.person_id,
                week: IsoWeek::of(e.date),
                project: e.project_id,
            };
            groups.entry(line).or_default().push(e);
        }
        match (got.next_cursor, last) {
            (Some(_), Some(id)) => page.after = Some(id),
            _ => break,
        }
    }
    let mut allowed = BTreeMap::new();
    for (line, entries) in groups {
        match allow(state, subject, Action::Approve, &entries[0]).await {
            Ok(grant) => {
                allowed.insert(line, (entries, grant));
            }
            Err(Error::Forbidden(_) | Error::NotFound { .. }) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(allowed)
}

async fn views(
    state: &AppState,
    lines: &BTreeMap<Line, (Vec<TimeEntry>, Grant)>,
    checked: &[String],
) -> Result<Vec<LineView>, UiError> {
    let mut people = HashMap::new();
    let mut projects = HashMap::new();
    let mut out = Vec::new();
    for (line, (entries, _)) in lines {
        if let Entry::Vacant(slot) = people.entry(line.person) {
            let name = match state.store.get(line.person).await {
                Ok(p) => p.fields.name,
                Err(Error::NotFound { .. }) => format!("person {}", line.person),
                Err(e) => return Err(e.into()),
            };
            slot.insert(name);
        }
        let project = match line.project {
            None => "Internal time".to_string(),
            Some(id) => {
                if let Entry::Vacant(slot) = projects.entry(id) {
                    let name = match state.store.get(id).await {
                        Ok(p) => p.fields.name,
                        Err(Error::NotFound { .. }) => format!("project {id}"),
                        Err(e) => return Err(e.into()),
                    };
                    slot.insert(name);
                }
                projects[&id].clone()
            }
        };
        let minutes: i64 = entries.iter().map(|e| e.minutes.get()).sum();
        let billable: i64 = entries.iter().filter(|e| e.billable).map(|e| e.minutes.get()).sum();
        let key = line.key();
        out.push(LineView {
            checked: checked.contains(&key),
            key,
            person: people[&line.person].clone(),
            week: line.week.to_string(),
            project,
            hours: clock(minutes),
            billable: if billable == 0 { "0:00".into() } else { clock(billable) },
            entries: entries.len(),
        });
    }
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
async fn page(
    state: &AppState,
    me: &SignedIn,
    subject: &Subject,
    status: StatusCode,
    checked: &[String],
    reason: String,
    error: String,
    message: String,
) -> Result<Response, UiError> {
    let lines = waiting(state, subject).await?;
    let view = ApprovalsPage {
        frame: frame(me, subject),
        lines: views(state, &lines, checked).await?,
        reason,
        error,
        message,
    };
    Ok((status, render("approvals.html", view)?).into_response())
}

/// `GET /approvals?approved=3`.
pub async fn show(State(state): State<AppState>, me: SignedIn, params: Pairs) -> Result<Response, UiError> {
    let subject = subject(&state, &me).await?;
    let count = |k| params.get(k).and_then(|n| n.parse::<usize>().ok());
    let message = match (count("approved"), count("rejected")) {
        (Some(n), _) => format!("Approved {n} {}.", if n == 1 { "line" } else { "lines" }),
        (_, Some(n)) => format!(
            "Rejected {n} {}; they are back in draft.",
            if n == 1 { "line" } else { "lines" }
        ),
        _ => String::new(),
    };
    page(
        &state,
        &me,
        &subject,
        StatusCode::OK,
        &[],
        String::new(),
        String::new(),
        message,
    )
    .await
}

/// `POST /approvals`: `action=approve|reject` with the checked `pick`s, or `approve_one` /
/// `reject_one` naming one line; a rejection needs a `reason`.
pub async fn act(
    State(state): State<AppState>,
    me: SignedIn,
    Extension(request): Extension<RequestId>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, UiError> {
    let get = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_string())
    };
    me.check_csrf(&get("csrf").unwrap_or_default())?;
    let subject = subject(&state, &me).await?;
    let picked: Vec<String> = fields
        .iter()
        .filter(|(k, _)| k == "pick")
        .map(|(_, v)| v.clone())
        .collect();
    let reason = get("reason").unwrap_or_default();
    let (reject, targets) = match (get("approve_one"), get("reject_one"), get("action").as_deref()) {
        (Some(one), _, _) => (false, vec![one]),
        (_, Some(one), _) => (true, vec![one]),
        (_, _, Some("reject")) => (true, picked.clone()),
        _ => (false, picked.clone()),
    };
    let refuse = |error: &str| {
        let error = error.to_string();
        let (state, me, subject, picked, reason) = (&state, &me, &subject, &picked, reason.clone());
        async move {
            page(
                state,
                me,
                subject,
                StatusCode::UNPROCESSABLE_ENTITY,
                picked,
                reason,
                error,
                String::new(),
            )
            .await
        }
    };
    if targets.is_empty() {
        return refuse("Choose at least one line to approve or reject.").await;
    }
    if reject && reason.is_empty() {
        return refuse("A rejection needs a reason: say what to fix, so the person can correct the week.").await;
    }
    let lines = waiting(&state, &subject).await?;
    let by_key: HashMap<String, (Line, Grant)> = lines.iter().map(|(l, (_, g))| (l.key(), (*l, *g))).collect();
    let actor = TimesheetActor {
        person_id: subject.person_id,
        approves_all: approves_all(&subject),
    };
    let mut done = 0;
    let mut problems = Vec::new();
    for key in &targets {
        let Some((line, grant)) = by_key.get(key) else {
            problems.push(format!(
                "{key}: not waiting for you (already decided, or not yours to approve)"
            ));
            continue;
        };
        let ctx = super::admin::write_ctx(&me, &request, *grant);
        let result = if reject {
            let r = state
                .store
                .reject_week(&ctx, actor, line.person, line.week, line.project, &reason)
                .await;
            r.map(drop)
        } else {
            let r = state
                .store
                .approve_week(&ctx, actor, line.person, line.week, line.project)
                .await;
            r.map(drop)
        };
        match result {
            Ok(()) => done += 1,
            Err(Error::Internal(cause)) => return Err(UiError::internal(cause)),
            Err(e) => problems.push(format!("{key}: {}", words(e))),
        }
    }
    if problems.is_empty() {
        let verb = if reject { "rejected" } else { "approved" };
        return Ok(Redirect::to(&format!("/approvals?{verb}={done}")).into_response());
    }
    refuse(&problems.join(" · ")).await
}
