//! The routes of the delivery and operations pages: projects, people, reports, API
//! tokens and the admin area. Merged into the UI router in one place.

use axum::Router;
use axum::routing::{get, post};

use super::{
    admin, admin_audit, admin_calendars, admin_policy, admin_tokens, admin_users, compliance, people, projects, reports,
};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/projects", get(projects::list))
        .route("/projects/{id}", get(projects::show))
        .route("/people", get(people::list))
        .route("/people/{id}", get(people::show))
        .route("/reports/utilization", get(reports::utilization))
        .route("/reports/utilization.csv", get(reports::utilization_csv))
        .route("/reports/compliance", get(compliance::show))
        .route("/tokens", get(admin_tokens::list).post(admin_tokens::create))
        .route("/tokens/{id}/revoke", post(admin_tokens::revoke))
        .route("/admin", get(admin::index))
        .route("/admin/users", get(admin_users::list).post(admin_users::create))
        .route("/admin/users/{id}", post(admin_users::update))
        .route("/admin/audit", get(admin_audit::show))
        .route("/admin/policy", get(admin_policy::show).post(admin_policy::update))
        .route(
            "/admin/calendars",
            get(admin_calendars::list).post(admin_calendars::create),
        )
        .route("/admin/calendars/{id}", get(admin_calendars::show))
        .route("/admin/calendars/{id}/holidays", post(admin_calendars::add))
        .route("/admin/time-off", get(admin::time_off))
        .route("/admin/time-off/{id}", post(admin::decide_time_off))
}
