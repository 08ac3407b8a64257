//! `/api/v1/surveys`, `/api/v1/closures/{id}` and `/api/v1/reports/csat`: a closing
//! project's CSAT survey (sent to a contact of its account as a single-use link that
//! expires — the link's token is in the answer to the sender and in the message to the
//! contact, nowhere else; psops keeps only its hash, which no answer shows), the
//! project's closure checklist that gates completed, and the CSAT figures.
//!
//! The customer answers on the public page `/survey/{token}` (a form, no account); the
//! API has no answer endpoint, so a bearer token never stands in for a customer.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use psops_core::Error;
use psops_core::delivery::closure::{Closure, ClosurePatch};
use psops_core::delivery::surveys::{CsatBy, CsatRow, SentSurvey, Survey, SurveyRequest};
use psops_core::error::Thing;
use psops_core::policy::{Action, Resource};
use psops_core::projects::{Project, ProjectId};
use psops_core::record::Entity;
use psops_core::rule::Rule;
use serde::Deserialize;
use time::OffsetDateTime;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::authorize::{ClosureOf, Fixed, allow};
use crate::extract::{Caller, Change, IdPath, Json as Body, Writer};
use crate::params::{Params, Query};
use crate::problem::{ApiResult, ChangeProblems, CreateProblems, ListProblems, ReadProblems};
use crate::respond;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(send_survey, list_surveys))
        .routes(routes!(get_survey))
        .routes(routes!(get_closure, update_closure))
        .routes(routes!(csat_report))
}

/// Send a closing project's CSAT survey to a contact of its account: a single-use link
/// good for the `surveys.link_days` setting (30 days by default), its message queued to
/// the contact. The answer holds the link and its token — shown this once, never
/// stored. Refused (409, rule `duplicate`) while an earlier survey of the project is
/// answered or still open; (422) for a contact of another account or without e-mail
#[utoipa::path(post, path = "/api/v1/surveys", tag = "projects",
    request_body = SurveyRequest,
    responses((status = 201, body = SentSurvey, description = "The survey sent, with its link"), CreateProblems))]
async fn send_survey(
    State(st): State<AppState>,
    headers: HeaderMap,
    w: Writer,
    body: Body<SurveyRequest>,
) -> ApiResult<Response> {
    let request = body.value.clone();
    let grant = allow(&st, &w.subject, Action::Create, &request).await?;
    let ctx = w.ctx(grant);
    let base = st.base_url(&headers);
    let sent = st
        .store
        .send_survey(&ctx, request, &base, OffsetDateTime::now_utc())
        .await?;
    let mut res = respond::record(&sent)?;
    *res.status_mut() = axum::http::StatusCode::CREATED;
    if let Ok(v) = axum::http::HeaderValue::from_str(&format!("/api/v1/surveys/{}", sent.survey.id)) {
        res.headers_mut().insert(axum::http::header::LOCATION, v);
    }
    Ok(res)
}

/// Which project's surveys.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct SurveysQuery {
    /// The project (required).
    #[param(value_type = i64, required = true)]
    project_id: Option<String>,
}

/// List a project's CSAT surveys, newest first (a project has one, or a few when links
/// expired unanswered)
#[utoipa::path(get, path = "/api/v1/surveys", tag = "projects",
    params(SurveysQuery),
    responses((status = 200, body = Vec<Survey>, description = "The project's surveys"), ListProblems))]
async fn list_surveys(
    State(st): State<AppState>,
    Caller(s): Caller,
    Query(q): Query<SurveysQuery>,
) -> ApiResult<Json<Vec<Survey>>> {
    let mut p = Params::new();
    let project: Option<ProjectId> = p.id("project_id", q.project_id);
    p.finish()?;
    let Some(project) = project else {
        return Err(Error::invalid("project_id", Rule::Required, "project_id is required").into());
    };
    allow(&st, &s, Action::Read, &ClosureOf(project)).await?;
    Ok(Json(st.store.surveys_of(project).await?))
}

/// Read one CSAT survey: where it went, when, and its answer (never its token)
#[utoipa::path(get, path = "/api/v1/surveys/{id}", tag = "projects",
    params(IdPath<Survey>),
    responses((status = 200, body = Survey, description = "The survey"), ReadProblems))]
async fn get_survey(State(st): State<AppState>, Caller(s): Caller, IdPath(id): IdPath<Survey>) -> ApiResult<Response> {
    let survey = st.store.survey(id).await?;
    allow(&st, &s, Action::Read, &survey).await?;
    respond::record(&survey)
}

/// A project's closure checklist: the closure meeting, the customer's revenue sign-off,
/// the internal retrospective and the regional manager's closeout report, with the
/// hours estimated (the budget from the SOW) against the hours recorded, and `missing`
/// — what still stands between the project and completed (empty: ready)
#[utoipa::path(get, path = "/api/v1/closures/{id}", tag = "projects",
    params(("id" = i64, Path, description = "The project's id")),
    responses((status = 200, body = Closure, description = "The checklist"), ReadProblems))]
async fn get_closure(
    State(st): State<AppState>,
    Caller(s): Caller,
    IdPath(id): IdPath<Project>,
) -> ApiResult<Response> {
    allow(&st, &s, Action::Read, &ClosureOf(id)).await?;
    respond::record(&st.store.closure(id).await?)
}

/// Change a project's closure checklist: fields left out keep their value, null clears
/// (the checklist's first version is 1; before it, its ETag is "0")
#[utoipa::path(patch, path = "/api/v1/closures/{id}", tag = "projects",
    request_body = ClosurePatch, params(Change<Project>),
    responses((status = 200, body = Closure, description = "The checklist"), ChangeProblems))]
async fn update_closure(
    State(st): State<AppState>,
    c: Change<Project>,
    body: Body<ClosurePatch>,
) -> ApiResult<Response> {
    let grant = allow(&st, &c.subject, Action::Update, &ClosureOf(c.id)).await?;
    let ctx = c.ctx(grant);
    respond::record(&st.store.update_closure(&ctx, c.id, c.if_version, body.value).await?)
}

/// How to group the CSAT report.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct CsatQuery {
    /// `quarter` (fiscal, the default), `offering`, `pm`, `region` or `partner`.
    #[param(value_type = Option<CsatBy>)]
    by: Option<String>,
}

/// The CSAT report: per group, surveys sent, answered and satisfied (4 or 5), CSAT %
/// (satisfied ÷ answered, basis points; null without answers — not 0) and the response
/// rate (answered ÷ sent, basis points)
#[utoipa::path(get, path = "/api/v1/reports/csat", tag = "reports",
    params(CsatQuery),
    responses((status = 200, body = Vec<CsatRow>, description = "The report"), ListProblems))]
async fn csat_report(
    State(st): State<AppState>,
    Caller(s): Caller,
    Query(q): Query<CsatQuery>,
) -> ApiResult<Json<Vec<CsatRow>>> {
    allow(
        &st,
        &s,
        Action::Read,
        &Fixed(Resource::CsatReport, Thing::Entity(Entity::Survey)),
    )
    .await?;
    let mut p = Params::new();
    let by: CsatBy = p.code("by", q.by).unwrap_or(CsatBy::Quarter);
    p.finish()?;
    Ok(Json(st.store.csat_report(by).await?))
}
