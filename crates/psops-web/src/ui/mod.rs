//! The web UI: pages rendered on the server from templates embedded in the binary, with
//! htmx for in-place updates. Every page obeys the same authorization policy as the API.

mod admin;
mod admin_audit;
mod admin_calendars;
mod admin_policy;
mod admin_tokens;
mod admin_users;
mod approvals;
mod assets;
pub mod charts;
mod compliance;
mod filters;
mod form;
mod frame;
mod home;
mod page;
mod pages;
mod people;
mod projects;
mod reports;
mod session;
mod setup;
mod sign_in;
mod utilization;
mod week;
mod week_grid;
mod week_load;
mod week_save;

use axum::Router;
use axum::routing::{get, post};

pub use session::WebConfig;
pub use setup::setup_link;

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home::show))
        .route("/sign-in", get(sign_in::form).post(sign_in::submit))
        .route("/sign-out", post(sign_in::sign_out))
        .route("/sign-out-everywhere", post(sign_in::sign_out_everywhere))
        .route("/setup/{token}", get(setup::form).post(setup::submit))
        .route("/assets/{name}", get(assets::serve))
        .route("/week", get(week::show).post(week::save_all))
        .route("/week/cell", post(week::save_cell))
        .route("/week/submit", post(week::submit))
        .route("/me/utilization", get(utilization::show))
        .route("/approvals", get(approvals::show).post(approvals::act))
        .merge(pages::router())
}

/// The page for a path that leads nowhere.
pub fn not_found() -> page::UiError {
    page::UiError::new(
        axum::http::StatusCode::NOT_FOUND,
        "Not found",
        "There is no page at this address.",
    )
}
