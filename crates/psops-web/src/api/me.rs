//! `/api/v1/me`: who the token belongs to.

use axum::Json;
use psops_core::auth::{TokenScope, User};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::extract::Authenticated;
use crate::problem::ReadProblems;

/// The caller: the token's user and what the token may do.
#[derive(Debug, Serialize, ToSchema)]
struct Me {
    user: User,
    scope: TokenScope,
}

/// The user the token belongs to.
#[utoipa::path(get, path = "/api/v1/me", tag = "me",
    responses((status = 200, body = Me, description = "The caller"), ReadProblems))]
async fn me(Authenticated(actor): Authenticated) -> Json<Me> {
    Json(Me {
        user: actor.user,
        scope: actor.scope,
    })
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(me))
}
