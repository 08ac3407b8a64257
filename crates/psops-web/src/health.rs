//! Health checks for load balancers and orchestrators: `/healthz` says the process
//! serves, `/readyz` that it can reach its database. Neither needs a token.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::problem::{ApiError, ApiResult, Problem};

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// Always `ok`.
    pub status: String,
}

fn ok() -> Json<Health> {
    Json(Health { status: "ok".into() })
}

/// Liveness: the process answers.
#[utoipa::path(get, path = "/healthz", tag = "health", security(()),
    responses((status = 200, body = Health, description = "Healthy")))]
async fn healthz() -> Json<Health> {
    ok()
}

/// Readiness: the database answers.
#[utoipa::path(get, path = "/readyz", tag = "health", security(()),
    responses(
        (status = 200, body = Health, description = "Healthy"),
        (status = 503, body = Problem, content_type = "application/problem+json",
            description = "The database does not answer"),
    ))]
async fn readyz(State(state): State<AppState>) -> ApiResult<Json<Health>> {
    state
        .store
        .ping()
        .await
        .map_err(|e| ApiError::Unavailable(e.to_string()))?;
    Ok(ok())
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(healthz)).routes(routes!(readyz))
}
