//! The REST API under `/api/v1`: merges each resource's router and builds the OpenAPI
//! document from them.
//!
//! `/api/v1/openapi.json` is served without a token: it documents the API and holds no
//! data, and clients and tools fetch it before they have credentials.

#[macro_use]
mod routes_macro;

pub(crate) mod acceptance;
mod accounts;
mod assignments;
mod audit;
mod calendars;
mod capacity;
mod catalog;
pub(crate) mod certifications;
mod changes;
mod classes;
mod contacts;
mod crm;
mod decision;
mod education;
pub mod education_report;
mod escalations;
mod estimates;
pub(crate) mod exact;
pub mod feeds;
pub mod finance;
pub mod forecast;
mod health_raid;
mod interchange;
mod invoices;
mod ledger;
mod me;
mod notifications;
pub(crate) mod opportunities;
mod partner_funds;
mod partner_invoices;
mod partner_records;
pub(crate) mod partner_report;
mod partnering;
mod partners;
mod people;
mod period;
mod plan;
pub mod portfolio;
mod projects;
mod rates;
pub(crate) mod record;
mod reminders;
mod reports;
mod settings;
mod sku_requests;
mod skus;
mod sows;
pub mod staffing;
mod surveys;
mod time_entries;
mod time_off;
mod timesheets;
mod trainer_paths;
pub(crate) mod training_partners;
mod users;
mod webhooks;

use std::sync::OnceLock;

use axum::body::Bytes;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use psops_core::FieldError;
use psops_core::accounts::{Account, Contact};
use psops_core::assignments::Assignment;
use psops_core::partners::Partner;
use psops_core::people::Person;
use psops_core::projects::Project;
use psops_core::time_entries::TimeEntry;
use utoipa::OpenApi as _;
use utoipa::openapi::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::problem::{ApiError, Problem};

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "psops",
        description = "Professional-services automation: people, accounts, partners, projects, \
            assignments and time. Errors are RFC 9457 problem+json; updates take If-Match; \
            creates take Idempotency-Key. Every date (YYYY-MM-DD) and date-time psops takes — \
            in parameters and bodies, ISO weeks and fiscal quarters too — lies between \
            1900-01-01 and 2200-12-31; anything outside is a 422 with rule date_bounds. \
            Every request answers within the server's time limit (30 s by default) or with a \
            503 problem of type urn:psops:problem:timeout.",
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    // Records answered through `Versioned`/`NewRecord`, which refer to them by name.
    components(schemas(
        Problem, FieldError, Person, Partner, Account, Contact, Project, Assignment, TimeEntry,
        psops_core::catalog::OfferingType, psops_core::catalog::Offering, psops_core::catalog::Sku,
        psops_core::catalog::SkuPrice, psops_core::catalog::Bundle, psops_core::catalog::SkuRequest,
        psops_core::rates::RoleRate, psops_core::rates::ProjectRate, psops_core::rates::CostRate,
        psops_core::rates::FxRate, psops_core::scoping::opportunities::Opportunity,
        psops_core::scoping::estimates::Estimate, psops_core::scoping::sows::Sow, psops_core::plan::Milestone,
        psops_core::plan::ResourceRequest, psops_core::plan::ChecklistItem, psops_core::scoping::wins::WinBy,
        psops_core::scoping::changes::Change, psops_core::delivery::escalations::Escalation,
        psops_core::delivery::health::HealthReport, psops_core::delivery::raid::RaidItem,
        psops_core::delivery::surveys::CsatBy,
        psops_core::notify::Notification, psops_core::notify::NoticeKind, psops_core::notify::NoticeStatus,
        psops_core::finance::invoices::Invoice, psops_core::partner_funds::PrimeSow,
        psops_core::partner_funds::WorkAuthorization, psops_core::partner_invoices::PartnerInvoice,
        psops_core::education::learners::Learner, psops_core::education::courses::Course,
        psops_core::education::trainers::CourseTrainer, psops_core::education::classes::TrainingClass,
        psops_core::education::enrolments::Enrolment,
        psops_core::certifications::Certification, psops_core::certifications::CertificationAttempt,
        psops_core::certifications::Certificate, psops_core::certifications::trainer_paths::TrainerCandidacy,
        psops_core::staffing::store::RequestView, psops_core::staffing::store::RequestOrder,
        psops_core::staffing::forecast::ForecastGroup, psops_core::sort::Direction
    )),
    security(("bearer" = [])),
    modifiers(&BearerScheme),
)]
struct ApiDoc;

struct BearerScheme;

impl utoipa::Modify for BearerScheme {
    fn modify(&self, doc: &mut OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("An API token from `psops token create`"))
                    .build(),
            ),
        );
    }
}

/// Routes that need no token.
pub fn public() -> OpenApiRouter<AppState> {
    crate::health::router()
        .merge(crate::prometheus::router())
        .routes(routes!(openapi_json))
}

/// Routes behind the bearer token.
pub fn protected() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(people::router())
        .merge(partners::router())
        .merge(education::router())
        .merge(classes::router())
        .merge(partnering::router())
        .merge(partner_funds::router())
        .merge(partner_invoices::router())
        .merge(accounts::router())
        .merge(projects::router())
        .merge(assignments::router())
        .merge(time_entries::router())
        .merge(settings::router())
        .merge(me::router())
        .merge(users::router())
        .merge(audit::router())
        .merge(interchange::router())
        .merge(feeds::router())
        .merge(capacity::router())
        .merge(calendars::router())
        .merge(time_off::router())
        .merge(timesheets::router())
        .merge(reports::router())
        .merge(reminders::router())
        .merge(catalog::router())
        .merge(skus::router())
        .merge(sku_requests::router())
        .merge(rates::router())
        .merge(opportunities::router())
        .merge(estimates::router())
        .merge(sows::router())
        .merge(plan::router())
        .merge(staffing::router())
        .merge(partner_report::router())
        .merge(crm::router())
        .merge(changes::router())
        .merge(acceptance::router())
        .merge(escalations::router())
        .merge(portfolio::router())
        .merge(health_raid::router())
        .merge(surveys::router())
        .merge(notifications::router())
        .merge(webhooks::router())
        .merge(finance::router())
        .merge(invoices::router())
        .merge(ledger::router())
        .merge(forecast::router())
        .merge(certifications::router())
        .merge(education_report::router())
        .merge(trainer_paths::router())
        .merge(training_partners::router())
}

/// Refuses a whole list the caller may not read at all as its records are refused: 404.
async fn readable(
    st: &AppState,
    s: &psops_core::policy::Subject,
    r: psops_core::policy::Resource,
    e: psops_core::record::Entity,
) -> crate::problem::ApiResult<()> {
    let fixed = crate::authorize::Fixed(r, psops_core::error::Thing::Entity(e));
    crate::authorize::allow(st, s, psops_core::policy::Action::Read, &fixed).await?;
    Ok(())
}

/// The catalog is read by the company's staff; partners do not see it.
async fn catalog_readable(st: &AppState, s: &psops_core::policy::Subject) -> crate::problem::ApiResult<()> {
    let e = psops_core::record::Entity::Offering;
    readable(st, s, psops_core::policy::Resource::Catalog, e).await
}

/// The document as served: generated from the handlers, then made exact.
pub fn openapi() -> serde_json::Value {
    let mut doc = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(public())
        .merge(protected())
        .into_openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").to_string();
    document_date_bounds(&mut doc);
    // The exact pass works on the JSON form: merging `allOf`s and adding patterns is a
    // walk over values.
    let mut value = serde_json::to_value(&doc).unwrap_or_default();
    exact::make_exact(&mut value);
    value
}

/// Says on every date, week and quarter parameter which values psops takes.
fn document_date_bounds(doc: &mut OpenApi) {
    for item in doc.paths.paths.values_mut() {
        let ops = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for op in ops.into_iter().flatten() {
            for p in op.parameters.iter_mut().flatten() {
                let utoipa::openapi::RefOr::T(p) = p else { continue };
                let schema = serde_json::to_value(&p.schema).unwrap_or_default();
                let bound = if schema["format"] == "date" {
                    "A date from 1900-01-01 to 2200-12-31."
                } else if p.name == "week" {
                    "An ISO week of the years 1900 to 2200, e.g. 2026-W48."
                } else if p.name == "quarter" {
                    "A fiscal quarter such as FY2027-Q1 (the FY may be left out), whose days lie from 1900-01-01 to 2200-12-31."
                } else {
                    continue;
                };
                p.description = Some(match p.description.take() {
                    Some(d) if !d.is_empty() => format!("{d} {bound}"),
                    _ => bound.to_string(),
                });
            }
        }
    }
}

/// This document as JSON.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "meta", security(()),
    responses((status = 200, description = "The OpenAPI 3.1 document of this API",
        content_type = "application/json")))]
async fn openapi_json() -> Response {
    static DOC: OnceLock<Bytes> = OnceLock::new();
    let body = DOC
        .get_or_init(|| Bytes::from(serde_json::to_vec(&openapi()).unwrap_or_default()))
        .clone();
    (
        [(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))],
        body,
    )
        .into_response()
}

/// Anything no route matches.
pub async fn no_route() -> ApiError {
    ApiError::NoRoute
}
