//! `/api/v1/audit`: the audit log, read-only, for admin and ops.

use axum::Json;
use axum::extract::State;
use psops_core::audit::{AuditAction, AuditEntry, AuditFilter};
use psops_core::error::Thing;
use psops_core::page::Page;
use psops_core::policy::{Action, Resource};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::authorize::{Fixed, allow};
use crate::extract::Caller;
use crate::params::{ListQuery, PageParams};
use crate::problem::{ApiResult, ListProblems};

/// Filters of the audit log.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct AuditQuery {
    /// The kind of object, e.g. `person`, `time_entry`, `user`, `api_token`, `settings`.
    entity: Option<String>,
    #[param(value_type = Option<i64>)]
    entity_id: Option<String>,
    /// Changes made by this user.
    #[param(value_type = Option<i64>)]
    user_id: Option<String>,
    #[param(value_type = Option<AuditAction>)]
    action: Option<String>,
    /// First day (YYYY-MM-DD, UTC).
    #[param(value_type = Option<String>, format = Date)]
    from: Option<String>,
    /// Last day (YYYY-MM-DD, UTC).
    #[param(value_type = Option<String>, format = Date)]
    to: Option<String>,
}

/// Read the audit log, oldest first.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit",
    params(AuditQuery, PageParams),
    responses((status = 200, body = Page<AuditEntry>, description = "A page of audit entries"), ListProblems))]
async fn list_audit(
    State(st): State<AppState>,
    Caller(s): Caller,
    query: ListQuery<AuditQuery>,
) -> ApiResult<Json<Page<AuditEntry>>> {
    let (q, mut p, page) = query.split();
    let entity_id: Option<psops_core::Id<()>> = p.id("entity_id", q.entity_id);
    let filter = AuditFilter {
        entity: p.text(q.entity),
        entity_id: entity_id.map(|i| i.get()),
        user_id: p.id("user_id", q.user_id),
        action: p.code("action", q.action),
        from: p.date("from", q.from),
        to: p.date("to", q.to),
        newest_first: false,
    };
    p.finish()?;
    allow(&st, &s, Action::Read, &Fixed(Resource::AuditLog, Thing::AuditLog)).await?;
    Ok(Json(st.store.list_audit(&filter, page).await?))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_audit))
}
