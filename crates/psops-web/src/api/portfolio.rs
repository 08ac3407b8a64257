//! `/api/v1/portfolio`: delivery as leadership reads it — the active projects' RAG and
//! trend, overdue health reports, escalated RAID items, open escalations by severity,
//! milestones awaiting acceptance and CSAT this quarter against last — for the projects
//! and escalations the caller may see.

use axum::Json;
use axum::extract::State;
use psops_core::delivery::portfolio::{Portfolio, PortfolioScope};
use psops_core::error::Thing;
use psops_core::policy::{Action, Resource, Subject, escalation_scope, list_scope};
use psops_core::scope::ListKind;
use time::OffsetDateTime;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::authorize::{Fixed, allow};
use crate::extract::Caller;
use crate::problem::{ApiResult, ReadProblems};

/// The portfolio the subject may read, or the refusal.
pub async fn read(st: &AppState, s: &Subject) -> psops_core::Result<Portfolio> {
    allow(st, s, Action::Read, &Fixed(Resource::Portfolio, Thing::Portfolio)).await?;
    let scope = PortfolioScope {
        projects: list_scope(s, ListKind::Projects),
        escalations: escalation_scope(s),
    };
    st.store.portfolio(&scope, OffsetDateTime::now_utc()).await
}

/// The delivery portfolio: leadership, ops, finance and practice managers read every
/// project's; a project manager reads their own projects'
#[utoipa::path(get, path = "/api/v1/portfolio", tag = "delivery",
    responses((status = 200, body = Portfolio, description = "The portfolio"), ReadProblems))]
async fn get_portfolio(State(st): State<AppState>, Caller(s): Caller) -> ApiResult<Json<Portfolio>> {
    Ok(Json(read(&st, &s).await?))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_portfolio))
}
