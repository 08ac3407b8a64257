//! `/api/v1/notifications`: the outbox of messages psops sends people outside it —
//! acceptance requests, survey links, overdue health reports, escalation updates,
//! timesheet reminders — with where each is in its delivery. Administrators and ops read
//! every one and send a failed or kept one again; a project's manager reads their
//! projects' notifications.

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use psops_core::Error;
use psops_core::notify::{NoticeKind, NoticeStatus, Notification, NotificationFilter, NotificationScope};
use psops_core::page::Page;
use psops_core::policy::{Action, notification_scope};
use psops_core::record::Entity;
use serde::Deserialize;
use time::OffsetDateTime;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::authorize::allow;
use crate::extract::{Caller, IdPath, Writer};
use crate::params::{ListQuery, PageParams};
use crate::problem::{ApiResult, ChangeProblems, ListProblems, ReadProblems};
use crate::respond;

/// Filters of the outbox.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct NotificationsQuery {
    #[param(value_type = Option<NoticeKind>)]
    kind: Option<String>,
    #[param(value_type = Option<NoticeStatus>)]
    status: Option<String>,
    #[param(value_type = Option<i64>)]
    project_id: Option<String>,
}

/// A notification by id, or 404 when it does not exist or the caller may not read it.
async fn readable(st: &AppState, s: &psops_core::policy::Subject, id: IdPath<Notification>) -> ApiResult<Notification> {
    let IdPath(id) = id;
    let n = st
        .store
        .notification(id)
        .await?
        .ok_or_else(|| Error::not_found(Entity::Notification, id))?;
    allow(st, s, Action::Read, &n).await?;
    Ok(n)
}

/// List the outbox, newest first: every notification for administrators and ops, a
/// project manager's projects' for them
#[utoipa::path(get, path = "/api/v1/notifications", tag = "notifications",
    params(NotificationsQuery, PageParams),
    responses((status = 200, body = Page<Notification>, description = "A page of notifications, newest first"),
        ListProblems))]
async fn list_notifications(
    State(st): State<AppState>,
    Caller(s): Caller,
    query: ListQuery<NotificationsQuery>,
) -> ApiResult<Json<Page<Notification>>> {
    let (q, mut p, page) = query.split();
    let filter = NotificationFilter {
        kind: p.code("kind", q.kind),
        status: p.code("status", q.status),
        project_id: p.id("project_id", q.project_id),
    };
    p.finish()?;
    let scope = notification_scope(&s);
    if scope == NotificationScope::Nothing {
        return Err(Error::NotFound {
            entity: psops_core::error::Thing::Entity(Entity::Notification),
            id: String::new(),
        }
        .into());
    }
    Ok(Json(st.store.notifications(&filter, scope, page).await?))
}

/// Read one notification with its delivery status, tries and last error
#[utoipa::path(get, path = "/api/v1/notifications/{id}", tag = "notifications",
    params(IdPath<Notification>), responses((status = 200, body = Notification, description = "The notification"),
        ReadProblems))]
async fn get_notification(
    State(st): State<AppState>,
    Caller(s): Caller,
    id: IdPath<Notification>,
) -> ApiResult<Response> {
    respond::record(&readable(&st, &s, id).await?)
}

/// Send a failed or kept notification again (administrators and ops): it waits to be
/// mailed from now, its tries counted afresh; any other status is a conflict (409)
#[utoipa::path(post, path = "/api/v1/notifications/{id}/resend", tag = "notifications",
    params(IdPath<Notification>), responses((status = 200, body = Notification, description = "Waiting to be mailed"),
        ChangeProblems))]
async fn resend_notification(State(st): State<AppState>, w: Writer, id: IdPath<Notification>) -> ApiResult<Response> {
    let n = readable(&st, &w.subject, id).await?;
    let grant = allow(&st, &w.subject, Action::Update, &n).await?;
    let now = OffsetDateTime::now_utc();
    respond::record(&st.store.resend_notification(&w.ctx(grant), n.id, now).await?)
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_notifications))
        .routes(routes!(get_notification))
        .routes(routes!(resend_notification))
}
