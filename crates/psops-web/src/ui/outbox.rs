//! `/admin/outbox`: every notification psops has queued — acceptance requests, survey
//! links, overdue health reports, escalation updates, timesheet reminders — newest first,
//! with where each is in its delivery (queued, sending, sent, failed, kept), its tries and
//! last error; filtered by kind and status, sorted by any column. Administrators and ops
//! read every one and send a failed or kept one again; a project manager reads their
//! projects' notifications.

use axum::Extension;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use psops_core::Id;
use psops_core::code::Code;
use psops_core::notify::{
    NoticeKind, NoticeStatus, Notification, NotificationFilter, NotificationScope, NotificationSort,
};
use psops_core::policy::{Action, Decision, Resource, decide, notification_scope};
use psops_core::projects::Project;
use psops_core::sort::Direction;
use serde::Serialize;

use time::OffsetDateTime;

use super::admin::{Fields, fields, write_ctx};
use super::filters::{Pairs, names_of, subject};
use super::layout::{Frame, frame};
use super::render::{UiError, render};
use super::session::SignedIn;
use super::table::{self, Column, Pager, col, num};
use crate::AppState;
use crate::authorize::allow;
use crate::params::Params;
use crate::request_id::RequestId;

#[derive(Serialize)]
struct Row {
    id: i64,
    created: String,
    kind: &'static str,
    status: &'static str,
    attempts: i64,
    to_name: String,
    to_email: String,
    subject: String,
    project_id: Option<i64>,
    project: String,
    about: String,
    last_error: String,
    /// When it is tried next, while it waits.
    next_try: String,
    resend: bool,
}

#[derive(Serialize)]
struct OutboxPage {
    #[serde(flatten)]
    frame: Frame,
    rows: Vec<Row>,
    columns: Vec<Column>,
    pager: Pager,
    kinds: Vec<(&'static str, &'static str)>,
    statuses: Vec<(&'static str, &'static str)>,
    kind: String,
    status: String,
    sort: String,
    dir: String,
    /// The list's filters and order, for the way back after sending one again.
    view: String,
    errors: Vec<String>,
    notice: Option<String>,
    /// Whether the reader may send notifications again (administrators and ops).
    resends: bool,
}

fn kind_label(k: NoticeKind) -> &'static str {
    match k {
        NoticeKind::AcceptanceRequest => "Acceptance request",
        NoticeKind::Survey => "Survey",
        NoticeKind::HealthOverdue => "Health report overdue",
        NoticeKind::EscalationUpdate => "Escalation update",
        NoticeKind::EscalationOverdue => "Escalation update overdue",
        NoticeKind::TimesheetReminder => "Timesheet reminder",
    }
}

fn status_label(s: NoticeStatus) -> &'static str {
    match s {
        NoticeStatus::Queued => "Queued",
        NoticeStatus::Sending => "Sending",
        NoticeStatus::Sent => "Sent",
        NoticeStatus::Failed => "Failed",
        NoticeStatus::Kept => "Kept (no mail configured)",
    }
}

fn when(t: OffsetDateTime) -> String {
    format!("{} {:02}:{:02}", t.date(), t.hour(), t.minute())
}

/// Whoever reads some notifications; 404 for everyone else.
async fn scope(st: &AppState, me: &SignedIn) -> Result<(psops_core::policy::Subject, NotificationScope), UiError> {
    let s = subject(st, me).await?;
    match notification_scope(&s) {
        NotificationScope::Nothing => Err(psops_core::Error::not_found(
            psops_core::error::Thing::Entity(psops_core::record::Entity::Notification),
            "",
        )
        .into()),
        scope => Ok((s, scope)),
    }
}

/// `GET /admin/outbox`
pub async fn page(State(st): State<AppState>, me: SignedIn, p: Pairs) -> Result<Response, UiError> {
    let (s, scope) = scope(&st, &me).await?;
    let mut e = Params::new();
    let filter = NotificationFilter {
        kind: e.code("kind", p.get("kind").filter(|v| !v.is_empty())),
        status: e.code("status", p.get("status").filter(|v| !v.is_empty())),
        project_id: e.id("project", p.get("project").filter(|v| !v.is_empty())),
    };
    let mut at = table::read::<NotificationSort>(&mut e, &p);
    if p.get("sort").is_none() && p.get("dir").is_none() {
        // Newest first until the reader sorts otherwise.
        at.direction = Direction::Desc;
    }
    let list = st.store.notifications_page(&filter, scope, &at).await?;
    let projects = names_of::<Project>(&st, list.items.iter().filter_map(|n| n.project_id)).await?;
    let resends = decide(&s, Action::Update, &Resource::Notification { project: None }) == Decision::Allow;
    let rows = list
        .items
        .iter()
        .map(|n: &Notification| Row {
            id: n.id.get(),
            created: when(n.created_at),
            kind: kind_label(n.kind),
            status: n.status.code(),
            attempts: n.attempts,
            to_name: n.to_name.clone(),
            to_email: n.to_email.clone(),
            subject: n.subject.clone(),
            project_id: n.project_id.map(|i| i.get()),
            project: n
                .project_id
                .and_then(|i| projects.get(&i.get()).cloned())
                .unwrap_or_default(),
            about: n.about.clone().unwrap_or_default(),
            last_error: n.last_error.clone().unwrap_or_default(),
            next_try: match n.status {
                NoticeStatus::Queued => n.next_try_at.map(when).unwrap_or_default(),
                _ => String::new(),
            },
            resend: resends && matches!(n.status, NoticeStatus::Failed | NoticeStatus::Kept),
        })
        .collect();
    let cols = vec![
        col("Created", NotificationSort::Created),
        col("Kind", NotificationSort::Kind),
        col("Status", NotificationSort::Status),
        num("Tries", NotificationSort::Attempts),
        col("To", NotificationSort::Recipient),
        col("Subject", NotificationSort::Subject),
    ];
    let view = OutboxPage {
        frame: frame(&me, &s),
        rows,
        columns: table::head("/admin/outbox", &p, &at, cols),
        pager: table::pager("/admin/outbox", &p, &at, list.total),
        kinds: NoticeKind::ALL.iter().map(|k| (k.code(), kind_label(*k))).collect(),
        statuses: NoticeStatus::ALL.iter().map(|k| (k.code(), status_label(*k))).collect(),
        kind: p.text("kind").to_string(),
        status: p.text("status").to_string(),
        sort: p.text("sort").to_string(),
        dir: p.text("dir").to_string(),
        view: p.encoded_without(&["resent"]),
        errors: e
            .errors()
            .iter()
            .map(|f| format!("{}: {}", f.field, f.message))
            .collect(),
        notice: p
            .get("resent")
            .and_then(|v| v.parse::<i64>().ok())
            .map(|id| format!("Notification {id} waits to be mailed again.")),
        resends,
    };
    Ok(render("outbox.html", view)?.into_response())
}

/// `POST /admin/outbox/{id}/resend`: a failed or kept notification waits to be mailed
/// again (administrators and ops).
pub async fn resend(
    State(st): State<AppState>,
    Extension(request): Extension<RequestId>,
    me: SignedIn,
    Path(id): Path<i64>,
    form: Fields,
) -> Result<Response, UiError> {
    let p = fields(&me, form)?;
    let (s, _) = scope(&st, &me).await?;
    let id = Id::new(id);
    let n = st
        .store
        .notification(id)
        .await?
        .ok_or_else(|| psops_core::Error::not_found(psops_core::record::Entity::Notification, id))?;
    allow(&st, &s, Action::Read, &n).await?;
    let grant = allow(&st, &s, Action::Update, &n).await?;
    st.store
        .resend_notification(&write_ctx(&me, &request, grant), id, OffsetDateTime::now_utc())
        .await?;
    // Back to the list as it was filtered: a query string of our own making, kept to the
    // characters one has.
    let view: String = p
        .text("view")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || "=&%_-.+".contains(*c))
        .collect();
    let back = match view.as_str() {
        "" => format!("/admin/outbox?resent={id}"),
        view => format!("/admin/outbox?{view}&resent={id}"),
    };
    Ok(Redirect::to(&back).into_response())
}
