//! The web UI: pages rendered on the server from templates embedded in the binary, with
//! htmx for in-place updates. Every page obeys the same authorization policy as the API.

mod admin;
mod admin_audit;
mod admin_calendars;
mod admin_capacity;
mod admin_overrides;
mod admin_tokens;
mod admin_users;
mod approval_week;
mod approvals;
mod assets;
mod catalog;
mod certification_page;
mod certifications;
pub mod charts;
mod class_page;
mod compliance;
mod csat_report;
mod directory;
mod edit;
mod education;
mod education_report;
mod escalations;
mod filters;
mod finance;
mod finance_periods;
mod forecast;
mod form;
mod home;
pub(crate) mod home_ops;
mod invoices;
mod layout;
mod listing;
mod locale;
mod milestones;
mod outbox;
mod partner_funds;
mod partner_invoices;
mod partner_page;
mod partner_report;
mod people;
mod person_bookings;
mod person_profile;
mod portfolio;
pub(crate) mod pre_session;
mod project_closure;
mod project_health;
mod project_lifecycle;
mod project_money;
mod project_page;
mod project_raid;
mod project_tabs;
mod projects;
pub(crate) mod rates;
mod render;
mod report_charts;
mod reports;
mod scoping;
mod scoping_actions;
mod scoping_change;
mod scoping_estimate;
mod scoping_estimate_page;
mod scoping_inbox;
mod scoping_opportunity;
mod scoping_sow;
mod scoping_sow_page;
pub(crate) mod session;
mod setup;
mod sign_in;
mod sku_requests;
mod staffing;
mod staffing_forecast;
mod staffing_heatmap;
mod staffing_plan;
mod staffing_plan_view;
mod staffing_request;
mod staffing_request_view;
mod staffing_requests;
mod survey_public;
mod table;
mod time_off;
mod trainer_path_page;
mod training_partners;
mod utilization;
mod verify;
mod week;
mod week_grid;
mod week_load;
mod week_save;

use axum::Router;
use axum::routing::{get, post};

pub(crate) use render::{UiError, framed};
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
        .route("/favicon.ico", get(assets::favicon))
        .route("/week", get(week::show).post(week::save_all))
        .route("/week/cell", post(week::save_cell))
        .route("/week/submit", post(week::submit))
        .route("/week/withdraw", post(week::withdraw))
        .route("/me/utilization", get(utilization::show))
        .route("/me/time-off", get(time_off::show).post(time_off::request))
        .route("/me/time-off/{id}/withdraw", post(time_off::withdraw))
        .route("/approvals", get(approvals::show).post(approvals::act))
        .route("/approvals/{person}/{week}", get(approval_week::show))
        .route("/portfolio", get(portfolio::show))
        .route("/staffing", get(staffing::show))
        .route("/staffing/plan", get(staffing_plan::show))
        .route("/staffing/forecast", get(staffing_forecast::show))
        .route("/staffing/requests", get(staffing_requests::list))
        .route("/staffing/plan/accept", post(staffing_plan::accept))
        .route("/staffing/requests/{id}", get(staffing_request::show))
        .route("/staffing/requests/{id}/book", post(staffing_request::book))
        .route("/staffing/requests/{id}/release", post(staffing_request::release))
        .route("/finance/forecast", get(forecast::show))
        .route("/finance/forecast/snapshot", post(forecast::keep))
        .route("/reports/csat", get(csat_report::show))
        .route("/finance", get(finance::dashboard))
        .route("/finance/margin", get(finance::margin))
        .route("/projects/{id}/money", get(project_money::show))
        .route("/projects/{id}/money/method", post(project_money::set_method))
        .route("/projects", get(projects::list))
        .route("/projects/{id}", get(project_page::show))
        .route("/projects/{id}/move", post(project_lifecycle::act))
        .route("/projects/{id}/milestones", get(milestones::show))
        .route(
            "/projects/{id}/milestones/{milestone}/{action}",
            post(milestones::act).layer(axum::extract::DefaultBodyLimit::max(milestones::FORM_LIMIT)),
        )
        .route(
            "/projects/{id}/milestones/{milestone}/evidence/{evidence}",
            get(milestones::download),
        )
        .route(
            "/projects/{id}/health",
            get(project_health::show).post(project_health::file),
        )
        .route("/projects/{id}/raid", get(project_raid::show))
        .route(
            "/projects/{id}/closure",
            get(project_closure::show).post(project_closure::save),
        )
        .route("/projects/{id}/closure/survey", post(project_closure::send))
        .route("/survey/{token}", get(survey_public::show).post(survey_public::answer))
        .route(
            "/training-survey/{token}",
            get(survey_public::show_training).post(survey_public::answer_training),
        )
        .route("/verify", get(verify::form))
        .route("/certifications", get(certifications::list))
        .route("/certifications/{id}", get(certification_page::show))
        .route(
            "/certifications/{id}/attempts",
            post(certification_page::record_written),
        )
        .route(
            "/certifications/{id}/attempts/{attempt}/lab",
            post(certification_page::record_lab),
        )
        .route(
            "/certifications/{id}/certificates/{certificate}/revoke",
            post(certification_page::revoke),
        )
        .route("/learners/{id}/certifications", get(certifications::learner))
        .route("/trainer-paths/{id}", get(trainer_path_page::show))
        .route("/trainer-paths/{id}/certify", post(trainer_path_page::certify))
        .route("/verify/{number}", get(verify::show))
        .route("/accounts", get(directory::accounts))
        .route("/accounts/{id}", get(directory::account))
        .route("/partners", get(directory::partners))
        .route("/partners/report", get(partner_report::show))
        .route("/partners/training", get(training_partners::show))
        .route("/partners/{id}", get(partner_page::show))
        .route("/partners/{id}/onboarding/{action}", post(partner_page::act))
        .route("/people", get(people::list))
        .route("/people/{id}", get(people::show))
        .route("/people/{id}/bookings", get(person_bookings::show))
        .route("/reports/utilization", get(reports::utilization))
        .route("/reports/utilization.csv", get(reports::utilization_csv))
        .route("/reports/compliance", get(compliance::show))
        .route("/reports/compliance/remind", post(compliance::remind))
        .route("/finance/periods", get(finance_periods::page))
        .route("/finance/periods/recognise", post(finance_periods::recognise))
        .route("/finance/periods/{month}/close", post(finance_periods::close))
        .route("/finance/periods/{month}/reopen", post(finance_periods::reopen))
        .route("/admin/outbox", get(outbox::page))
        .route("/admin/outbox/{id}/resend", post(outbox::resend))
        .route("/partner-funds", get(partner_funds::page))
        .route("/partner-funds/{id}", get(partner_funds::show))
        .route(
            "/partner-invoices",
            get(partner_invoices::page).post(partner_invoices::upload),
        )
        .route("/partner-invoices/{id}", get(partner_invoices::show))
        .route("/partner-invoices/{id}/{action}", post(partner_invoices::act))
        .route("/invoices", get(invoices::page).post(invoices::create))
        .route("/invoices/{id}", get(invoices::show))
        .route("/invoices/{id}/print", get(invoices::print))
        .route("/invoices/{id}/pdf", get(invoices::pdf))
        .route("/invoices/{id}/{action}", post(invoices::act))
        .route("/tokens", get(admin_tokens::list).post(admin_tokens::create))
        .route("/tokens/{id}/revoke", post(admin_tokens::revoke))
        .route("/admin", get(admin::index))
        .route("/admin/users", get(admin_users::list).post(admin_users::create))
        .route("/admin/users/{id}", post(admin_users::update))
        .route("/admin/audit", get(admin_audit::show))
        .route(
            "/admin/capacity",
            get(admin_capacity::show).post(admin_capacity::update),
        )
        .route("/admin/capacity/overrides", post(admin_overrides::create))
        .route("/admin/capacity/overrides/{id}/delete", post(admin_overrides::delete))
        .route(
            "/admin/calendars",
            get(admin_calendars::list).post(admin_calendars::create),
        )
        .route("/admin/calendars/{id}", get(admin_calendars::show))
        .route("/admin/calendars/{id}/holidays", post(admin_calendars::add))
        .route("/admin/time-off", get(admin::time_off))
        .route("/admin/time-off/{id}", post(admin::decide_time_off))
        .route("/courses", get(education::courses))
        .route("/courses/{id}", get(education::course))
        .route("/learners", get(education::learners))
        .route("/classes", get(education::classes))
        .route("/education/report", get(education_report::show))
        .route("/classes/{id}", get(class_page::show))
        .route("/classes/{id}/{action}", post(class_page::act))
        .route("/catalog", get(catalog::browse))
        .route("/catalog/types", get(catalog::types))
        .route("/catalog/bundles", get(catalog::bundles))
        .route("/catalog/offerings/{id}", get(catalog::offering))
        .route("/catalog/skus/{id}", get(catalog::sku))
        .route("/catalog/requests", get(sku_requests::list))
        .route("/catalog/requests/{id}", get(sku_requests::show))
        .route("/catalog/requests/{id}/submit", post(sku_requests::submit))
        .route("/catalog/requests/{id}/revise", post(sku_requests::revise))
        .route("/catalog/requests/{id}/decide", post(sku_requests::decide))
        .route("/rates", get(rates::card))
        .route("/rates/card/history", get(rates::history))
        .route("/rates/cost", get(rates::cost))
        .route("/rates/fx", get(rates::fx))
        .route("/scoping", get(scoping::board))
        .route("/scoping/list", get(scoping::list))
        .route("/scoping/inbox", get(scoping_inbox::inbox))
        .route("/scoping/report", get(scoping_inbox::report))
        .route("/scoping/opportunities/{id}", get(scoping_opportunity::show))
        .route("/scoping/opportunities/{id}/{action}", post(scoping_actions::act))
        .route(
            "/scoping/opportunities/{id}/estimates/new",
            get(scoping_estimate::new_form).post(scoping_estimate::save),
        )
        .route("/scoping/estimates/preview", post(scoping_estimate::preview))
        .route("/scoping/estimates/{id}", get(scoping_estimate_page::show))
        .route("/scoping/estimates/{id}/{action}", post(scoping_estimate_page::act))
        .route(
            "/scoping/opportunities/{id}/sows/new",
            get(scoping_sow::new_form).post(scoping_sow::save),
        )
        .route("/scoping/changes/{id}", get(scoping_change::show))
        .route("/scoping/changes/{id}/{action}", post(scoping_change::act))
        .route("/scoping/sows/{id}", get(scoping_sow_page::show))
        .route("/scoping/sows/{id}/pdf", get(scoping_sow_page::pdf))
        .route("/scoping/sows/{id}/{action}", post(scoping_sow_page::act))
        .route("/escalations", get(escalations::list))
        .route("/escalations/{id}", get(escalations::show))
        .route("/escalations/{id}/{action}", post(escalations::act))
        .route(
            "/projects/{id}/escalations",
            get(escalations::for_project).post(escalations::raise),
        )
        .merge(edit::router())
}

/// The page for a path that leads nowhere.
pub fn not_found() -> render::UiError {
    render::UiError::new(
        axum::http::StatusCode::NOT_FOUND,
        "Not found",
        "There is no page at this address.",
    )
}
