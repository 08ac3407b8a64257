//! `/scoping/changes/{id}`: one change — what it changes, its status, who raised and
//! decided it and what its approval did — with its next step: submit a draft (who may
//! change it), approve or reject it (PS leadership, never whoever raised it). A refusal
//! is told on the page; nothing is written then. New and edit forms are the generic ones
//! (`edit::scoping_kinds`).

use axum::Extension;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use psops_core::catalog::requests::Verdict;
use psops_core::code::Code;
use psops_core::policy::{Action, Subject};
use psops_core::scoping::changes::{Change, ChangeStatus, Terms};
use psops_core::store::RecordStore;
use psops_core::{Error, FieldError, Id};
use serde::Serialize;

use super::admin::{Fields, fields, write_ctx};
use super::filters::{Pairs, day, hours, path_id, subject, user_names};
use super::layout::{Frame, frame};
use super::render::{UiError, render};
use super::scoping::open_to;
use super::session::SignedIn;
use crate::AppState;
use crate::authorize::allow;
use crate::request_id::RequestId;

async fn readable(st: &AppState, s: &Subject, id: &str) -> Result<Change, UiError> {
    open_to(s)?;
    let c: Change = RecordStore::<Change>::get(&*st.store, Id::new(path_id(id)?)).await?;
    allow(st, s, Action::Read, &c).await?;
    Ok(c)
}

#[derive(Serialize)]
struct ChangePage {
    #[serde(flatten)]
    frame: Frame,
    id: i64,
    version: i64,
    title: String,
    kind: &'static str,
    status: &'static str,
    facts: Vec<(&'static str, String)>,
    /// What the approval did, as (what, before, after) or (what, link, name).
    applied: Vec<(String, String, String)>,
    made: Vec<(String, String)>,
    back: (String, String),
    edit: bool,
    submit: bool,
    decide: bool,
    errors: Vec<FieldError>,
    reason: String,
    done: Option<String>,
    conflict: bool,
}

fn money(m: Option<psops_core::Money>) -> String {
    m.map(|m| m.written()).unwrap_or_else(|| "—".into())
}

/// A project's terms before and after, the lines that differ.
fn compared(before: &Terms, after: &Terms) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let mut line = |what: &str, b: String, a: String| {
        if a != b {
            out.push((what.to_string(), b, a));
        }
    };
    line("Start", day(before.start_date), day(after.start_date));
    line("End", day(before.end_date), day(after.end_date));
    line(
        "Billing",
        before.billing_type.code().replace('_', " "),
        after.billing_type.code().replace('_', " "),
    );
    line("Budget", money(before.budget), money(after.budget));
    line(
        "Budget hours",
        before.budget_minutes.map(hours).unwrap_or_default(),
        after.budget_minutes.map(hours).unwrap_or_default(),
    );
    out
}

async fn page(
    st: &AppState,
    me: &SignedIn,
    s: &Subject,
    c: &Change,
    said: (Vec<FieldError>, String, Option<String>, bool),
) -> Result<Response, UiError> {
    let (errors, reason, done, conflict) = said;
    let f = &c.fields;
    let change = allow(st, s, Action::Update, c).await.is_ok();
    let decides = allow(st, s, Action::Approve, c).await.is_ok();
    let users = user_names(st, c.raised_by.into_iter().chain(c.decided_by).collect()).await?;
    let who = |u: Option<psops_core::auth::UserId>| {
        u.and_then(|u| users.get(&u.get()).cloned())
            .unwrap_or_else(|| "—".into())
    };
    let back = match (f.project_id, f.opportunity_id) {
        (Some(p), _) => (format!("/projects/{p}"), "the project".to_string()),
        (None, Some(o)) => (format!("/scoping/opportunities/{o}"), "the opportunity".to_string()),
        _ => ("/scoping".into(), "Scoping".into()),
    };
    let mut facts = vec![
        ("Raised by", who(c.raised_by)),
        ("Description", f.description.clone().unwrap_or_else(|| "—".into())),
    ];
    for (what, v) in [
        ("New start date", f.new_start_date.map(|d| day(Some(d)))),
        ("New end date", f.new_end_date.map(|d| day(Some(d)))),
        ("Money added", f.add_budget.map(|m| m.written())),
        ("Hours added", f.add_minutes.map(hours)),
        (
            "Switch billing to",
            f.new_billing_type.map(|b| b.code().replace('_', " ")),
        ),
        ("Cause", f.cause.map(|c| c.code().to_string())),
        ("Work starts on", f.starts_on.map(|d| day(Some(d)))),
    ] {
        if let Some(v) = v {
            facts.push((what, v));
        }
    }
    for m in &f.add_milestones {
        facts.push((
            "Milestone added",
            format!("{} · {} · {}", m.name, day(Some(m.due)), m.amount.written()),
        ));
    }
    for m in &f.move_milestones {
        facts.push((
            "Milestone moved",
            format!("#{} to {}", m.milestone_id, day(Some(m.due))),
        ));
    }
    if c.decided_by.is_some() {
        let why = c.reason.clone().map(|r| format!(": {r}")).unwrap_or_default();
        facts.push(("Decided by", format!("{}{why}", who(c.decided_by))));
    }
    let (applied, made) = match &c.applied {
        None => (Vec::new(), Vec::new()),
        Some(a) => {
            let terms = match (&a.before, &a.after) {
                (Some(b), Some(af)) => compared(b, af),
                _ => Vec::new(),
            };
            let mut made = Vec::new();
            if let Some(o) = a.opportunity_id {
                made.push((
                    format!("/scoping/opportunities/{o}"),
                    "The opportunity it opened".to_string(),
                ));
            }
            if let Some(p) = a.project_id {
                made.push((format!("/projects/{p}"), "The project it made".to_string()));
            }
            (terms, made)
        }
    };
    let ctx = ChangePage {
        frame: frame(me, s),
        id: c.id.get(),
        version: c.meta.version,
        title: f.title.clone(),
        kind: f.kind.label(),
        status: c.status.code(),
        facts,
        applied,
        made,
        back,
        edit: change && c.status == ChangeStatus::Draft,
        submit: change && c.status == ChangeStatus::Draft,
        decide: decides && c.status == ChangeStatus::Submitted,
        errors,
        reason,
        done,
        conflict,
    };
    let status = super::admin::status_of(&ctx.errors, ctx.conflict);
    Ok((status, render("change.html", ctx)?).into_response())
}

/// `GET /scoping/changes/{id}`.
pub async fn show(
    State(st): State<AppState>,
    me: SignedIn,
    Path(id): Path<String>,
    p: Pairs,
) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    let c = readable(&st, &s, &id).await?;
    let done = p.get("done").map(|d| match d {
        "submitted" => "Submitted: PS leadership decides it.".to_string(),
        "approved" => "Approved and applied.".to_string(),
        "rejected" => "Rejected.".to_string(),
        _ => "Saved.".to_string(),
    });
    page(&st, &me, &s, &c, (Vec::new(), String::new(), done, false)).await
}

/// `POST /scoping/changes/{id}/{action}`: `submit`, or `decide` (`decision`, `reason`).
pub async fn act(
    State(st): State<AppState>,
    Extension(request): Extension<RequestId>,
    me: SignedIn,
    Path((id, action)): Path<(String, String)>,
    form: Fields,
) -> Result<Response, UiError> {
    let p = fields(&me, form)?;
    let s = subject(&st, &me).await?;
    let c = readable(&st, &s, &id).await?;
    let v = p.get("version").and_then(|v| v.parse::<i64>().ok());
    let reason = p.text("reason");
    let kind = match action.as_str() {
        "submit" => Action::Update,
        "decide" => Action::Approve,
        _ => return Err(super::not_found()),
    };
    let grant = allow(&st, &s, kind, &c).await?;
    let ctx = write_ctx(&me, &request, grant);
    let outcome: Result<&str, Error> = if action == "submit" {
        st.store.submit_change(&ctx, c.id, v).await.map(|_| "submitted")
    } else {
        match p.get("decision").and_then(|d| d.parse::<Verdict>().ok()) {
            Some(verdict) => {
                let why = Some(reason.clone()).filter(|r| !r.trim().is_empty());
                st.store
                    .decide_change(&ctx, c.id, v, verdict, why)
                    .await
                    .map(|_| match verdict {
                        Verdict::Approve => "approved",
                        Verdict::Reject => "rejected",
                    })
            }
            None => Err(Error::invalid(
                "decision",
                psops_core::rule::Rule::InvalidValue,
                "decision must be approve or reject",
            )),
        }
    };
    let (errors, conflict) = match outcome {
        Ok(done) => return Ok(Redirect::to(&format!("/scoping/changes/{}?done={done}", c.id)).into_response()),
        Err(e) => super::admin::refused(e)?,
    };
    let now = readable(&st, &s, &id).await?;
    page(&st, &me, &s, &now, (errors, reason, None, conflict)).await
}
