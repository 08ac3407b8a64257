//! psops-web: the HTTP face of psops — REST API with its OpenAPI document, health checks
//! and authentication.
#![forbid(unsafe_code)]

mod api;
mod authorize;
mod bearer;
mod counts;
mod extract;
mod headers;
mod health;
mod invoice_doc;
mod known;
pub mod limits;
mod params;
mod problem;
pub mod prometheus;
mod request_id;
mod respond;
pub mod sow_doc;
pub mod sow_view;
mod ui;

/// Fuzz targets for cookies and CSRF tokens, as property tests.
#[cfg(test)]
mod fuzz;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware::{from_fn, from_fn_with_state};
use psops_core::record::Entity;
use psops_core::store::Store;
use tower_http::trace::TraceLayer;

pub use problem::Problem;
pub use ui::WebConfig;

/// The largest request body accepted; anything bigger is 413.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub web: WebConfig,
    /// The address people outside reach psops at (`https://psops.example.com`), for the
    /// links psops mails them (a CSAT survey's); without it a link is built from the
    /// request's own `Host`.
    pub public_url: Option<Arc<str>>,
    /// When set, `GET /metrics` asks for `Authorization: Bearer <this>`; unset, it is
    /// open like `/healthz`.
    pub metrics_token: Option<Arc<str>>,
    /// Run before each `/metrics` answer to set the gauges only the binary can read.
    pub metrics_probe: Option<prometheus::Probe>,
    /// Bearer tokens looked up in the last second (see `known`).
    known: Arc<known::KnownTokens>,
}

impl AppState {
    /// The state with the default web settings (cookies without `Secure`).
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self {
            store,
            web: WebConfig::default(),
            public_url: None,
            metrics_token: None,
            metrics_probe: None,
            known: Arc::default(),
        }
    }

    /// After a change to `entity` on this node: who tokens belong to is looked up afresh
    /// when the change could alter it (users, their tokens, people's employers).
    pub(crate) fn base_url(&self, headers: &axum::http::HeaderMap) -> String {
        if let Some(url) = &self.public_url {
            return url.trim_end_matches('/').to_string();
        }
        let host = headers
            .get(axum::http::header::HOST)
            .and_then(|h| h.to_str().ok())
            .filter(|h| h.bytes().all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b)))
            .unwrap_or("localhost");
        let scheme = if self.web.secure_cookies { "https" } else { "http" };
        format!("{scheme}://{host}")
    }

    pub(crate) fn changed(&self, entity: Entity) {
        if matches!(entity, Entity::User | Entity::ApiToken | Entity::Person) {
            self.known.forget();
        }
    }
}

/// On a database without users, a one-time link (a path) to the page that creates the
/// first administrator; `None` once someone exists.
pub async fn setup_link(state: &AppState) -> psops_core::Result<Option<String>> {
    ui::setup_link(state).await
}

/// The whole HTTP application: `/healthz`, `/readyz`, `/metrics`, `/api/v1/*`, with
/// request ids, tracing, request metrics, problem+json errors, the time limits of
/// [`limits`] and the security headers of every response.
pub fn app(state: AppState) -> Router {
    prometheus::handle();
    let protected = api::protected()
        .layer(from_fn(api::exact::typed_query))
        .layer(from_fn_with_state(state.clone(), bearer::authenticate));
    let (router, _) = api::public().merge(protected).split_for_parts();
    let https = state.web.secure_cookies;
    let router = router
        .merge(ui::router())
        .merge(api::feeds::feeds())
        .fallback(not_found)
        .layer(from_fn_with_state(state.clone(), ui::framed))
        .layer(from_fn_with_state(state.clone(), counts::layer))
        .layer(from_fn_with_state(state.web.limits, limits::layer))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(TraceLayer::new_for_http().make_span_with(request_id::span))
        .layer(from_fn(request_id::layer))
        .layer(from_fn(prometheus::layer))
        .with_state(state);
    headers::add(router, https)
}

/// Unknown paths: problem+json under `/api`, a page everywhere else.
async fn not_found(uri: axum::http::Uri) -> axum::response::Response {
    use axum::response::IntoResponse;
    if uri.path().starts_with("/api/") {
        api::no_route().await.into_response()
    } else {
        ui::not_found().into_response()
    }
}

/// The OpenAPI 3.1 document of the API, generated from the handlers; also served at
/// `/api/v1/openapi.json`.
pub fn openapi() -> serde_json::Value {
    api::openapi()
}
