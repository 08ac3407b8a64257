//! Technical certifications: the definitions (`/api/v1/certifications`, read by everyone,
//! kept by ops and administrators), learners' attempts — a written assessment recorded by
//! ops, then a lab graded by a PS engineer (`/api/v1/certification-attempts`) — the
//! certificates a passed attempt issues (`/api/v1/certificates`, revoked by ops) and the
//! figures: pass rates by certification and certificates expiring soon. A partner's
//! managers read their own consultants' attempts and certificates; nobody at a partner
//! reads another's (404). The public check by number is a page, `/verify`.

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use psops_core::certifications::attempts::{AttemptFilter, AttemptStatus};
use psops_core::certifications::certificates::CertificateFilter;
use psops_core::certifications::reports::{Expiring, Figures, LearnerScope};
use psops_core::certifications::{
    Certificate, Certification, CertificationAttempt, CertificationFields, CertificationFilter, CertificationPatch,
    LabInput, Revocation, WrittenInput,
};
use psops_core::page::Page;
use psops_core::policy::{Action, Subject, learner_scope};
use psops_core::record::Entity;
use psops_core::scope::ListScope;
use psops_core::store::prelude::*;
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::authorize::allow;
use crate::authorize::certifications::OfLearner;
use crate::extract::{Caller, Change, IdPath, Json as Body, Writer};
use crate::params::{ListQuery, PageParams, Query};
use crate::problem::{ApiResult, ChangeProblems, CreateProblems, ListProblems, ReadProblems};
use crate::respond::{self, NewRecord, Versioned};

record_routes! {
    record: Certification, fields: CertificationFields, patch: CertificationPatch, tag: "education",
    noun: "certification", collection: "/api/v1/certifications", item: "/api/v1/certifications/{id}",
    archive: "/api/v1/certifications/{id}/archive", unarchive: "/api/v1/certifications/{id}/unarchive",
}

/// Whose learners the subject reads: all (`Some(None)`), one partner's (`Some(Some)`) or
/// none (`None`), as the policy lets them read learners.
pub fn learners_of(s: &Subject) -> Option<Option<psops_core::partners::PartnerId>> {
    match learner_scope(s) {
        ListScope::All => Some(None),
        ListScope::Limited { partner: Some(p), .. } => Some(Some(p)),
        _ => None,
    }
}

fn empty<T>() -> Json<Page<T>> {
    Json(Page {
        items: Vec::new(),
        next_cursor: None,
    })
}

/// Filters of the certifications.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct CertificationsQuery {
    /// Part of the code or name, any case.
    q: Option<String>,
    /// The course certified.
    #[param(value_type = Option<i64>)]
    course_id: Option<String>,
    /// `true` for archived certifications only; live ones when absent or `false`.
    #[param(value_type = Option<bool>)]
    archived: Option<String>,
}

/// List certifications
#[utoipa::path(get, path = "/api/v1/certifications", tag = "education",
    params(CertificationsQuery, PageParams),
    responses((status = 200, body = Page<Certification>, description = "A page of certifications"), ListProblems))]
async fn list_certifications(
    State(st): State<AppState>,
    Caller(_s): Caller,
    query: ListQuery<CertificationsQuery>,
) -> ApiResult<Json<Page<Certification>>> {
    let (q, mut p, page) = query.split();
    let filter = CertificationFilter {
        q: p.text(q.q),
        course_id: p.id("course_id", q.course_id),
        archived: p.flag("archived", q.archived),
    };
    p.finish()?;
    Ok(Json(st.store.list(&filter, page).await?))
}

/// Record a learner's written assessment as a new attempt at the certification: it
/// passes at the certification's written pass mark. Refused (409) while the learner
/// holds the certificate in force (`already_certified`), while their last attempt awaits
/// its lab (`attempt_open`), past the attempts allowed (`max_attempts`) or before the
/// retake wait after a failed assessment ends (`retake_wait`, naming the first possible
/// day). Ops and administrators
#[utoipa::path(post, path = "/api/v1/certifications/{id}/attempts", tag = "education",
    request_body = WrittenInput, params(IdPath<Certification>, crate::extract::CreateHeaders),
    responses(NewRecord<CertificationAttempt>, CreateProblems))]
async fn record_written(
    State(st): State<AppState>,
    IdPath(id): IdPath<Certification>,
    w: Writer,
    body: Body<WrittenInput>,
) -> ApiResult<Response> {
    let cert: Certification = st.store.get(id).await?;
    allow(&st, &w.subject, Action::Read, &cert).await?;
    let learner = OfLearner(body.value.learner_id, Entity::CertificationAttempt);
    let grant = allow(&st, &w.subject, Action::Create, &learner).await?;
    let made = st.store.record_written(&w.ctx(grant), id, body.value).await?;
    st.changed(Entity::CertificationAttempt);
    respond::created("/api/v1/certification-attempts", psops_core::store::Created::New(made))
}

/// Filters of attempts and certificates.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct AttemptsQuery {
    #[param(value_type = Option<i64>)]
    certification_id: Option<String>,
    #[param(value_type = Option<i64>)]
    learner_id: Option<String>,
    #[param(value_type = Option<AttemptStatus>)]
    status: Option<String>,
}

/// List attempts at certifications; a partner's managers get their own consultants'
#[utoipa::path(get, path = "/api/v1/certification-attempts", tag = "education",
    params(AttemptsQuery, PageParams),
    responses((status = 200, body = Page<CertificationAttempt>, description = "A page of attempts"), ListProblems))]
async fn list_attempts(
    State(st): State<AppState>,
    Caller(s): Caller,
    query: ListQuery<AttemptsQuery>,
) -> ApiResult<Json<Page<CertificationAttempt>>> {
    let (q, mut p, page) = query.split();
    let filter = AttemptFilter {
        certification_id: p.id("certification_id", q.certification_id),
        learner_id: p.id("learner_id", q.learner_id),
        status: p.code("status", q.status),
        partner_id: None,
        archived: None,
    };
    p.finish()?;
    let Some(partner_id) = learners_of(&s) else {
        return Ok(empty());
    };
    let filter = AttemptFilter { partner_id, ..filter };
    Ok(Json(st.store.list(&filter, page).await?))
}

/// Read one attempt at a certification
#[utoipa::path(get, path = "/api/v1/certification-attempts/{id}", tag = "education",
    params(IdPath<CertificationAttempt>),
    responses(Versioned<CertificationAttempt>, ReadProblems))]
async fn get_attempt(
    State(st): State<AppState>,
    Caller(s): Caller,
    IdPath(id): IdPath<CertificationAttempt>,
) -> ApiResult<Response> {
    crate::api::record::read(&st, &s, id).await
}

/// An attempt after its lab, and the certificate a pass issued.
#[derive(Serialize, ToSchema)]
struct Graded {
    attempt: CertificationAttempt,
    certificate: Option<Certificate>,
}

/// Record the hands-on lab of an attempt whose written assessment passed (else 409
/// `written_first`), graded by one of the company's PS engineers or technical architects
/// (`lab_grader`): a pass needs the rubric score at the lab pass mark (`below_pass_mark`),
/// a fail says why in `comments`. A pass issues the certificate, with a random number and
/// the certification's validity. Ops, administrators and the company's consultants (the
/// PS engineers)
#[utoipa::path(post, path = "/api/v1/certification-attempts/{id}/lab", tag = "education",
    request_body = LabInput, params(Change<CertificationAttempt>),
    responses((status = 200, body = Graded, description = "The attempt graded, and its certificate on a pass"),
        ChangeProblems))]
async fn record_lab(
    State(st): State<AppState>,
    c: Change<CertificationAttempt>,
    body: Body<LabInput>,
) -> ApiResult<Json<Graded>> {
    let attempt: CertificationAttempt = st.store.get(c.id).await?;
    let grant = allow(&st, &c.subject, Action::Approve, &attempt).await?;
    let (attempt, certificate) = st
        .store
        .record_lab(&c.ctx(grant), c.id, c.if_version, body.value)
        .await?;
    st.changed(Entity::CertificationAttempt);
    Ok(Json(Graded { attempt, certificate }))
}

/// Filters of certificates.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct CertificatesQuery {
    #[param(value_type = Option<i64>)]
    certification_id: Option<String>,
    #[param(value_type = Option<i64>)]
    learner_id: Option<String>,
}

/// List issued certificates; a partner's managers get their own consultants'
#[utoipa::path(get, path = "/api/v1/certificates", tag = "education",
    params(CertificatesQuery, PageParams),
    responses((status = 200, body = Page<Certificate>, description = "A page of certificates"), ListProblems))]
async fn list_certificates(
    State(st): State<AppState>,
    Caller(s): Caller,
    query: ListQuery<CertificatesQuery>,
) -> ApiResult<Json<Page<Certificate>>> {
    let (q, mut p, page) = query.split();
    let filter = CertificateFilter {
        certification_id: p.id("certification_id", q.certification_id),
        learner_id: p.id("learner_id", q.learner_id),
        partner_id: None,
        archived: None,
    };
    p.finish()?;
    let Some(partner_id) = learners_of(&s) else {
        return Ok(empty());
    };
    let filter = CertificateFilter { partner_id, ..filter };
    Ok(Json(st.store.list(&filter, page).await?))
}

/// Read one certificate
#[utoipa::path(get, path = "/api/v1/certificates/{id}", tag = "education",
    params(IdPath<Certificate>),
    responses(Versioned<Certificate>, ReadProblems))]
async fn get_certificate(
    State(st): State<AppState>,
    Caller(s): Caller,
    IdPath(id): IdPath<Certificate>,
) -> ApiResult<Response> {
    crate::api::record::read(&st, &s, id).await
}

/// Revoke a certificate with a reason (kept, never shown publicly): from today it reads
/// as revoked on the verification page and no longer counts as the holder's person
/// certification. A certificate is revoked once (`already_revoked`). Ops and
/// administrators
#[utoipa::path(post, path = "/api/v1/certificates/{id}/revoke", tag = "education",
    request_body = Revocation, params(Change<Certificate>),
    responses(Versioned<Certificate>, ChangeProblems))]
async fn revoke_certificate(
    State(st): State<AppState>,
    c: Change<Certificate>,
    body: Body<Revocation>,
) -> ApiResult<Response> {
    let cert: Certificate = st.store.get(c.id).await?;
    let grant = allow(&st, &c.subject, Action::Update, &cert).await?;
    let today = OffsetDateTime::now_utc().date();
    let done = st
        .store
        .revoke_certificate(&c.ctx(grant), c.id, c.if_version, body.value, today)
        .await?;
    st.changed(Entity::Certificate);
    respond::record(&done)
}

/// What the certification report covers.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct ReportQuery {
    /// How many days ahead the expiring list looks (1–730); 90 when absent.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 730)]
    days: Option<String>,
}

/// The certification report: pass rates by certification, and certificates expiring in
/// the next `days`.
#[derive(Serialize, ToSchema)]
pub struct CertificationReport {
    pub figures: Vec<Figures>,
    pub expiring: Vec<Expiring>,
    pub days: i64,
}

/// The certification report: attempts, pass rates (written, lab and overall) and
/// certificates in force per certification, and the certificates expiring in the next
/// 90 days (or `days`). A partner's managers get their own consultants'
#[utoipa::path(get, path = "/api/v1/certification-report", tag = "education",
    params(ReportQuery),
    responses((status = 200, body = CertificationReport, description = "Pass rates and expiring certificates"),
        ListProblems))]
async fn certification_report(
    State(st): State<AppState>,
    Caller(s): Caller,
    Query(q): Query<ReportQuery>,
) -> ApiResult<Json<CertificationReport>> {
    let mut p = crate::params::Params::new();
    let days = match q.days.as_deref().map(str::trim) {
        None => 90,
        Some(text) => match text.parse::<i64>() {
            Ok(d) if (1..=730).contains(&d) => d,
            _ => {
                p.add(
                    "days",
                    psops_core::rule::Rule::Range,
                    "days must be a whole number from 1 to 730",
                );
                0
            }
        },
    };
    p.finish()?;
    let Some(partner) = learners_of(&s) else {
        return Err(psops_core::Error::not_found(psops_core::error::Thing::Object, "certification-report").into());
    };
    let scope = partner.map_or(LearnerScope::All, LearnerScope::Partner);
    let today = OffsetDateTime::now_utc().date();
    Ok(Json(report(&st, &scope, today, days).await?))
}

/// The report's figures for a scope on a day.
pub async fn report(
    st: &AppState,
    scope: &LearnerScope,
    today: time::Date,
    days: i64,
) -> psops_core::Result<CertificationReport> {
    Ok(CertificationReport {
        figures: st.store.certification_figures(scope, today).await?,
        expiring: st
            .store
            .expiring_certificates(today, today + Duration::days(days), scope)
            .await?,
        days,
    })
}

pub fn router() -> OpenApiRouter<AppState> {
    record_router()
        .routes(routes!(list_certifications))
        .routes(routes!(record_written))
        .routes(routes!(list_attempts))
        .routes(routes!(get_attempt))
        .routes(routes!(record_lab))
        .routes(routes!(list_certificates))
        .routes(routes!(get_certificate))
        .routes(routes!(revoke_certificate))
        .routes(routes!(certification_report))
}
