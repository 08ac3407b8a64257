//! The HTTP API, end to end in-process: every test runs on SQLite, and again on a fresh
//! PostgreSQL database when `PSOPS_TEST_POSTGRES_URL` is set.

// Fixtures write straight to the store as a trusted caller, not through a policy decision.
#![allow(clippy::disallowed_methods)]

#[path = "api/support.rs"]
mod support;

#[path = "api/acceptance.rs"]
mod acceptance;
#[path = "api/access.rs"]
mod access;
#[path = "api/escalations.rs"]
mod escalations;
#[path = "api/forecast.rs"]
mod forecast;
#[path = "api/health_raid.rs"]
mod health_raid;
#[path = "api/interchange.rs"]
mod interchange;
#[path = "api/invoices.rs"]
mod invoices;
#[path = "api/matrix.rs"]
mod matrix;
#[path = "api/matrix_acceptance.rs"]
mod matrix_acceptance;
#[path = "api/matrix_acceptance_fixture.rs"]
mod matrix_acceptance_fixture;
#[path = "api/matrix_catalog.rs"]
mod matrix_catalog;
#[path = "api/matrix_catalog_fixture.rs"]
mod matrix_catalog_fixture;
#[path = "api/matrix_certifications.rs"]
mod matrix_certifications;
#[path = "api/matrix_classes.rs"]
mod matrix_classes;
#[path = "api/matrix_closure_csat.rs"]
mod matrix_closure_csat;
#[path = "api/matrix_education.rs"]
mod matrix_education;
#[path = "api/matrix_escalations.rs"]
mod matrix_escalations;
#[path = "api/matrix_escalations_fixture.rs"]
mod matrix_escalations_fixture;
#[path = "api/matrix_finance.rs"]
mod matrix_finance;
#[path = "api/matrix_fixture.rs"]
mod matrix_fixture;
#[path = "api/matrix_forecast.rs"]
mod matrix_forecast;
#[path = "api/matrix_health.rs"]
mod matrix_health;
#[path = "api/matrix_health_fixture.rs"]
mod matrix_health_fixture;
#[path = "api/matrix_invoices.rs"]
mod matrix_invoices;
#[path = "api/matrix_ledger.rs"]
mod matrix_ledger;
#[path = "api/matrix_notifications.rs"]
mod matrix_notifications;
#[path = "api/matrix_notifications_fixture.rs"]
mod matrix_notifications_fixture;
#[path = "api/matrix_partner_funds.rs"]
mod matrix_partner_funds;
#[path = "api/matrix_partner_funds_fixture.rs"]
mod matrix_partner_funds_fixture;
#[path = "api/matrix_partner_invoices.rs"]
mod matrix_partner_invoices;
#[path = "api/matrix_partnering.rs"]
mod matrix_partnering;
#[path = "api/matrix_scoping.rs"]
mod matrix_scoping;
#[path = "api/matrix_scoping_fixture.rs"]
mod matrix_scoping_fixture;
#[path = "api/matrix_time.rs"]
mod matrix_time;
#[path = "api/matrix_time_fixture.rs"]
mod matrix_time_fixture;
#[path = "api/matrix_webhooks.rs"]
mod matrix_webhooks;
#[path = "api/metrics.rs"]
mod metrics;
#[path = "api/openapi_answers.rs"]
mod openapi_answers;
#[path = "api/protocol.rs"]
mod protocol;
#[path = "api/records.rs"]
mod records;
#[path = "api/rules.rs"]
mod rules;
#[path = "api/schema_check.rs"]
mod schema_check;
#[path = "api/security_accounts.rs"]
mod security_accounts;
#[path = "api/security_csv.rs"]
mod security_csv;
#[path = "api/security_dates.rs"]
mod security_dates;
#[path = "api/security_entries.rs"]
mod security_entries;
#[path = "api/security_headers.rs"]
mod security_headers;
#[path = "api/security_limits.rs"]
mod security_limits;
#[path = "api/security_partner_invoices.rs"]
mod security_partner_invoices;
#[path = "api/security_policy.rs"]
mod security_policy;
#[path = "api/security_sign_in.rs"]
mod security_sign_in;
#[path = "api/security_surface.rs"]
mod security_surface;
#[path = "api/setup_demo.rs"]
mod setup_demo;
#[path = "api/time.rs"]
mod time;
#[path = "api/tsp.rs"]
mod tsp;
#[path = "api/ui_approvals.rs"]
mod ui_approvals;
#[path = "api/ui_browser.rs"]
mod ui_browser;
#[path = "api/ui_catalog.rs"]
mod ui_catalog;
#[path = "api/ui_certification_forms.rs"]
mod ui_certification_forms;
#[path = "api/ui_certifications.rs"]
mod ui_certifications;
#[path = "api/ui_charts.rs"]
mod ui_charts;
#[path = "api/ui_classes.rs"]
mod ui_classes;
#[path = "api/ui_closure_csat.rs"]
mod ui_closure_csat;
#[path = "api/ui_education_report.rs"]
mod ui_education_report;
#[path = "api/ui_escalations.rs"]
mod ui_escalations;
#[path = "api/ui_finance.rs"]
mod ui_finance;
#[path = "api/ui_forecast.rs"]
mod ui_forecast;
#[path = "api/ui_forms.rs"]
mod ui_forms;
#[path = "api/ui_health.rs"]
mod ui_health;
#[path = "api/ui_home.rs"]
mod ui_home;
#[path = "api/ui_invoices.rs"]
mod ui_invoices;
#[path = "api/ui_lifecycle.rs"]
mod ui_lifecycle;
#[path = "api/ui_lists.rs"]
mod ui_lists;
#[path = "api/ui_milestones.rs"]
mod ui_milestones;
#[path = "api/ui_outbox.rs"]
mod ui_outbox;
#[path = "api/ui_pages.rs"]
mod ui_pages;
#[path = "api/ui_partner_funds.rs"]
mod ui_partner_funds;
#[path = "api/ui_partner_invoices.rs"]
mod ui_partner_invoices;
#[path = "api/ui_partners.rs"]
mod ui_partners;
#[path = "api/ui_periods.rs"]
mod ui_periods;
#[path = "api/ui_portfolio.rs"]
mod ui_portfolio;
#[path = "api/ui_scoping.rs"]
mod ui_scoping;
#[path = "api/ui_staffing.rs"]
mod ui_staffing;
#[path = "api/ui_training_survey.rs"]
mod ui_training_survey;
#[path = "api/ui_week.rs"]
mod ui_week;
#[path = "api/webhooks.rs"]
mod webhooks;
