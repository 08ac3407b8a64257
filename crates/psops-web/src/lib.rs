//! psops-web: the HTTP face of psops — REST API with its OpenAPI document, health checks
//! and authentication.
#![forbid(unsafe_code)]

mod access;
mod api;
pub mod auth;
mod extract;
mod health;
mod params;
mod problem;
mod request_id;
mod respond;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware::{from_fn, from_fn_with_state};
use psops_core::store::Store;
use tower_http::trace::TraceLayer;

pub use problem::Problem;

/// The largest request body accepted; anything bigger is 413.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
}

/// The whole HTTP application: `/healthz`, `/readyz`, `/api/v1/*`, with request ids,
/// tracing and problem+json errors.
pub fn app(state: AppState) -> Router {
    let protected = api::protected().layer(from_fn_with_state(state.clone(), access::authenticate));
    let (router, _) = api::public().merge(protected).split_for_parts();
    router
        .fallback(api::no_route)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(TraceLayer::new_for_http().make_span_with(request_id::span))
        .layer(from_fn(request_id::layer))
        .with_state(state)
}

/// The OpenAPI 3.1 document of the API, generated from the handlers; also served at
/// `/api/v1/openapi.json`.
pub fn openapi() -> utoipa::openapi::OpenApi {
    api::openapi()
}
