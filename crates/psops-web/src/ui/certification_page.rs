//! `/certifications/{id}`: a certification's terms, figures, latest attempts and
//! certificates, with the work done on them — record a learner's written assessment,
//! grade an attempt's lab (`?grade={attempt}`), revoke a certificate in force
//! (`?revoke={certificate}`). Each action is allowed exactly as its API route allows it
//! (the same policy calls, the same store action), is offered only to those allowed,
//! and a refusal comes back at its field with the rule's message, nothing written.

use axum::Extension;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use psops_core::certifications::attempts::{AttemptFilter, AttemptStatus};
use psops_core::certifications::certificates::{CertificateFilter, CertificateStatus};
use psops_core::certifications::reports::LearnerScope;
use psops_core::certifications::{
    Certificate, Certification, CertificationAttempt, LabInput, Revocation, WrittenInput,
};
use psops_core::education::courses::Course;
use psops_core::education::learners::Learner;
use psops_core::page::PageRequest;
use psops_core::policy::{Action, Decision, Subject, decide};
use psops_core::record::Entity;
use psops_core::store::prelude::*;
use psops_core::{Error, FieldError, Id};
use serde::Serialize;
use time::OffsetDateTime;

use super::admin::{Fields, fields, refused, status_of, write_ctx};
use super::certifications::{AttemptRow, CertificateRow, FigureRow, attempt_rows, certificate_rows, figure_row};
use super::edit::action::{self, ActionForm};
use super::edit::{LAB, REVOCATION, WRITTEN, may_edit};
use super::filters::{Pairs, path_id, subject};
use super::layout::{Frame, frame};
use super::render::{UiError, render};
use super::session::SignedIn;
use crate::AppState;
use crate::api::certifications::learners_of;
use crate::authorize::certifications::OfLearner;
use crate::authorize::{Guarded, allow, may_at_best};
use crate::request_id::RequestId;

/// The API collection whose policy records attempts and grades their labs.
const ATTEMPTS: &str = "/api/v1/certification-attempts";

/// The grading form of one attempt.
#[derive(Serialize)]
struct Grading {
    attempt: i64,
    version: i64,
    learner: String,
    number: i64,
    form: ActionForm,
}

/// The revocation form of one certificate.
#[derive(Serialize)]
struct Revoking {
    certificate: i64,
    version: i64,
    number: String,
    holder: String,
    form: ActionForm,
}

#[derive(Serialize)]
struct CertificationView {
    #[serde(flatten)]
    frame: Frame,
    id: i64,
    code: String,
    name: String,
    course: String,
    written_pass_mark: i64,
    lab_pass_mark: i64,
    max_attempts: i64,
    retake_wait_days: i64,
    validity_months: i64,
    figures: Option<FigureRow>,
    attempts: Vec<AttemptRow>,
    certificates: Vec<CertificateRow>,
    keep: bool,
    written: Option<ActionForm>,
    grading: Option<Grading>,
    revoking: Option<Revoking>,
    /// Someone changed the attempt or certificate after the form was opened.
    conflict: bool,
    /// What was refused when its form is no longer there to show it.
    errors: Vec<FieldError>,
    done: Option<&'static str>,
}

/// Which action was posted and refused; `Fresh` opens what the link asks for.
enum Open {
    Fresh,
    Written,
    Grade(Id<CertificationAttempt>),
    Revoke(Id<Certificate>),
}

/// What an action came back with: the rules it broke, and whether someone changed the
/// record after the form was opened.
type Said = (Vec<FieldError>, bool);

async fn allowed<G: Guarded>(st: &AppState, s: &Subject, action: Action, g: &G) -> Result<bool, UiError> {
    Ok(g.resource(st, s)
        .await?
        .is_some_and(|r| decide(s, action, &r) == Decision::Allow))
}

async fn readable(st: &AppState, s: &Subject, id: &str) -> Result<Certification, UiError> {
    let cert: Certification = st.store.get(Id::new(path_id(id)?)).await?;
    allow(st, s, Action::Read, &cert).await?;
    Ok(cert)
}

fn today() -> String {
    OffsetDateTime::now_utc().date().to_string()
}

/// The grading form of `attempt` when it awaits its lab and the reader grades labs.
async fn grading(
    st: &AppState,
    s: &Subject,
    cert: &Certification,
    attempt: Id<CertificationAttempt>,
    form: Option<ActionForm>,
) -> Result<Option<Grading>, UiError> {
    let Ok(a) = RecordStore::<CertificationAttempt>::get(&*st.store, attempt).await else {
        return Ok(None);
    };
    if a.fields.certification_id != cert.id
        || a.fields.status != AttemptStatus::AwaitingLab
        || !allowed(st, s, Action::Approve, &a).await?
    {
        return Ok(None);
    }
    let learner: Learner = st.store.get(a.fields.learner_id).await?;
    Ok(Some(Grading {
        attempt: a.id.get(),
        version: a.meta.version,
        learner: learner.fields.name,
        number: a.fields.number,
        form: form.unwrap_or_else(|| ActionForm::fresh(LAB, &[("taken_on", today())])),
    }))
}

/// The revocation form of `certificate` when it is in force and the reader revokes.
async fn revoking(
    st: &AppState,
    s: &Subject,
    cert: &Certification,
    certificate: Id<Certificate>,
    form: Option<ActionForm>,
) -> Result<Option<Revoking>, UiError> {
    let Ok(c) = RecordStore::<Certificate>::get(&*st.store, certificate).await else {
        return Ok(None);
    };
    let today = OffsetDateTime::now_utc().date();
    if c.fields.certification_id != cert.id
        || c.fields.status_on(today) != CertificateStatus::Active
        || !allowed(st, s, Action::Update, &c).await?
    {
        return Ok(None);
    }
    let holder: Learner = st.store.get(c.fields.learner_id).await?;
    Ok(Some(Revoking {
        certificate: c.id.get(),
        version: c.meta.version,
        number: c.fields.number,
        holder: holder.fields.name,
        form: form.unwrap_or_else(|| ActionForm::fresh(REVOCATION, &[])),
    }))
}

#[allow(clippy::too_many_arguments)]
async fn page(
    st: &AppState,
    me: &SignedIn,
    s: &Subject,
    cert: Certification,
    open: Open,
    link: &Pairs,
    (errors, conflict): Said,
    done: Option<&'static str>,
) -> Result<Response, UiError> {
    let settings = st.store.settings().await?;
    let terms = cert.fields.terms(&settings.certifications);
    let course = match cert.fields.course_id {
        Some(c) => RecordStore::<Course>::get(&*st.store, c)
            .await
            .map(|c| c.fields.name)
            .unwrap_or_default(),
        None => String::new(),
    };
    let today = OffsetDateTime::now_utc().date();
    let (figures, attempts, certificates) = match learners_of(s) {
        None => (None, Vec::new(), Vec::new()),
        Some(partner_id) => {
            let scope = partner_id.map_or(LearnerScope::All, LearnerScope::Partner);
            let figures = st.store.certification_figures(&scope, today).await?;
            let mine = figures.iter().find(|f| f.certification_id == cert.id).map(figure_row);
            let newest = PageRequest { after: None, limit: 50 };
            let a = AttemptFilter {
                certification_id: Some(cert.id),
                partner_id,
                ..Default::default()
            };
            let c = CertificateFilter {
                certification_id: Some(cert.id),
                partner_id,
                ..Default::default()
            };
            (
                mine,
                st.store.list(&a, newest).await?.items,
                st.store.list(&c, newest).await?.items,
            )
        }
    };
    // Only the rows an action applies to ask the policy (one learner read each).
    let mut graded = Vec::new();
    for a in attempts
        .iter()
        .filter(|a| a.fields.status == AttemptStatus::AwaitingLab)
    {
        if allowed(st, s, Action::Approve, a).await? {
            graded.push(a.id);
        }
    }
    let mut revocable = Vec::new();
    for c in certificates
        .iter()
        .filter(|c| c.fields.status_on(today) == CertificateStatus::Active)
    {
        if allowed(st, s, Action::Update, c).await? {
            revocable.push(c.id);
        }
    }
    let mut attempt_view = attempt_rows(st, &attempts).await?;
    for (row, a) in attempt_view.iter_mut().zip(&attempts) {
        row.grade = graded.contains(&a.id);
    }
    let mut certificate_view = certificate_rows(st, &certificates).await?;
    for (row, c) in certificate_view.iter_mut().zip(&certificates) {
        row.revoke = revocable.contains(&c.id);
    }
    let records = may_at_best(s, ATTEMPTS, Action::Create);
    let linked = |key: &str| link.get(key).and_then(|v| v.parse::<i64>().ok());
    let told = |list| Some(ActionForm::refused(list, link, errors.clone()));
    let (written, grading, revoking) = match &open {
        Open::Written => (told(WRITTEN), None, None),
        Open::Grade(a) => (None, grading(st, s, &cert, *a, told(LAB)).await?, None),
        Open::Revoke(c) => (None, None, revoking(st, s, &cert, *c, told(REVOCATION)).await?),
        Open::Fresh => (
            None,
            match linked("grade") {
                Some(a) => grading(st, s, &cert, Id::new(a), None).await?,
                None => None,
            },
            match linked("revoke") {
                Some(c) => revoking(st, s, &cert, Id::new(c), None).await?,
                None => None,
            },
        ),
    };
    let written = match written {
        Some(form) => Some(form),
        None if records => Some(ActionForm::fresh(WRITTEN, &[("taken_on", today.to_string())])),
        None => None,
    };
    let status = status_of(&errors, conflict);
    // A refused lab or revocation whose record moved on meanwhile has no form left to
    // tell it in: it is told above the page.
    let placed = match open {
        Open::Grade(_) => grading.is_some(),
        Open::Revoke(_) => revoking.is_some(),
        Open::Fresh | Open::Written => true,
    };
    let errors = if placed { Vec::new() } else { errors };
    let v = CertificationView {
        frame: frame(me, s),
        id: cert.id.get(),
        keep: may_edit::<Certification>(s),
        code: cert.fields.code,
        name: cert.fields.name,
        course,
        written_pass_mark: cert.fields.written_pass_mark,
        lab_pass_mark: cert.fields.lab_pass_mark,
        max_attempts: terms.max_attempts,
        retake_wait_days: terms.retake_wait_days,
        validity_months: cert.fields.validity_months,
        figures,
        attempts: attempt_view,
        certificates: certificate_view,
        written,
        grading,
        revoking,
        conflict,
        errors,
        done,
    };
    Ok((status, render("certification.html", v)?).into_response())
}

/// `GET /certifications/{id}`.
pub async fn show(
    State(st): State<AppState>,
    me: SignedIn,
    Path(id): Path<String>,
    p: Pairs,
) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    let cert = readable(&st, &s, &id).await?;
    let done = match p.get("done") {
        Some("written") => Some("Written assessment recorded."),
        Some("lab") => Some("Lab graded."),
        Some("revoked") => Some("Certificate revoked."),
        _ => None,
    };
    page(&st, &me, &s, cert, Open::Fresh, &p, (Vec::new(), false), done).await
}

fn version(p: &Pairs) -> Option<i64> {
    p.get("version").and_then(|v| v.parse().ok())
}

fn back(cert: &Certification, done: &str) -> Response {
    Redirect::to(&format!("/certifications/{}?done={done}", cert.id)).into_response()
}

/// `POST /certifications/{id}/attempts`: a learner's written assessment, as `POST
/// /api/v1/certifications/{id}/attempts` records it.
pub async fn record_written(
    State(st): State<AppState>,
    Extension(request): Extension<RequestId>,
    me: SignedIn,
    Path(id): Path<String>,
    form: Fields,
) -> Result<Response, UiError> {
    let p = fields(&me, form)?;
    let s = subject(&st, &me).await?;
    let cert = readable(&st, &s, &id).await?;
    // Who may record no attempt at all learns nothing from the form's errors.
    if !may_at_best(&s, ATTEMPTS, Action::Create) {
        return Err(Error::Forbidden("your roles do not allow you to record assessments".into()).into());
    }
    let input: WrittenInput = match action::body(&st, &s, WRITTEN, &p).await? {
        Ok(input) => input,
        Err(errors) => return page(&st, &me, &s, cert, Open::Written, &p, (errors, false), None).await,
    };
    let learner = OfLearner(input.learner_id, Entity::CertificationAttempt);
    let grant = allow(&st, &s, Action::Create, &learner).await?;
    match st
        .store
        .record_written(&write_ctx(&me, &request, grant), cert.id, input)
        .await
    {
        Ok(_) => {
            st.changed(Entity::CertificationAttempt);
            Ok(back(&cert, "written"))
        }
        Err(e) => page(&st, &me, &s, cert, Open::Written, &p, refused(e)?, None).await,
    }
}

/// `POST /certifications/{id}/attempts/{attempt}/lab`: the attempt's lab, graded as
/// `POST /api/v1/certification-attempts/{id}/lab` grades it.
pub async fn record_lab(
    State(st): State<AppState>,
    Extension(request): Extension<RequestId>,
    me: SignedIn,
    Path((id, attempt)): Path<(String, String)>,
    form: Fields,
) -> Result<Response, UiError> {
    let p = fields(&me, form)?;
    let s = subject(&st, &me).await?;
    let cert = readable(&st, &s, &id).await?;
    let a: CertificationAttempt = st.store.get(Id::new(path_id(&attempt)?)).await?;
    let grant = allow(&st, &s, Action::Approve, &a).await?;
    if a.fields.certification_id != cert.id {
        return Err(super::not_found());
    }
    let input: LabInput = match action::body(&st, &s, LAB, &p).await? {
        Ok(input) => input,
        Err(errors) => return page(&st, &me, &s, cert, Open::Grade(a.id), &p, (errors, false), None).await,
    };
    let ctx = write_ctx(&me, &request, grant);
    match st.store.record_lab(&ctx, a.id, version(&p), input).await {
        Ok(_) => {
            st.changed(Entity::CertificationAttempt);
            Ok(back(&cert, "lab"))
        }
        Err(e) => page(&st, &me, &s, cert, Open::Grade(a.id), &p, refused(e)?, None).await,
    }
}

/// `POST /certifications/{id}/certificates/{certificate}/revoke`: revoked with a reason
/// as `POST /api/v1/certificates/{id}/revoke` revokes it, from today.
pub async fn revoke(
    State(st): State<AppState>,
    Extension(request): Extension<RequestId>,
    me: SignedIn,
    Path((id, certificate)): Path<(String, String)>,
    form: Fields,
) -> Result<Response, UiError> {
    let p = fields(&me, form)?;
    let s = subject(&st, &me).await?;
    let cert = readable(&st, &s, &id).await?;
    let c: Certificate = st.store.get(Id::new(path_id(&certificate)?)).await?;
    let grant = allow(&st, &s, Action::Update, &c).await?;
    if c.fields.certification_id != cert.id {
        return Err(super::not_found());
    }
    let input: Revocation = match action::body(&st, &s, REVOCATION, &p).await? {
        Ok(input) => input,
        Err(errors) => return page(&st, &me, &s, cert, Open::Revoke(c.id), &p, (errors, false), None).await,
    };
    let ctx = write_ctx(&me, &request, grant);
    let today = OffsetDateTime::now_utc().date();
    match st.store.revoke_certificate(&ctx, c.id, version(&p), input, today).await {
        Ok(_) => {
            st.changed(Entity::Certificate);
            Ok(back(&cert, "revoked"))
        }
        Err(e) => page(&st, &me, &s, cert, Open::Revoke(c.id), &p, refused(e)?, None).await,
    }
}
