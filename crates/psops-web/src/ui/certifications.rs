//! The certification pages: `/certifications` (every certification with its pass rates
//! and the certificates expiring in the next 90 days), `/certifications/{id}` (its terms,
//! figures and latest attempts), `/learners/{id}/certifications` (a learner's attempts
//! and certificates) and `/trainer-paths/{id}` (a trainer's path as a checklist). What
//! each shows follows the API's rules: a partner's managers see their own consultants.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use psops_core::certifications::attempts::AttemptFilter;
use psops_core::certifications::certificates::CertificateFilter;
use psops_core::certifications::reports::{Figures, LearnerScope};
use psops_core::certifications::trainer_paths::TrainerCandidacy;
use psops_core::certifications::{Certificate, Certification, CertificationAttempt};
use psops_core::education::courses::Course;
use psops_core::education::learners::{Learner, LearnerId};
use psops_core::error::Thing;
use psops_core::page::PageRequest;
use psops_core::people::Person;
use psops_core::policy::Action;
use psops_core::record::Entity;
use psops_core::store::prelude::*;
use psops_core::{Error, Id};
use serde::Serialize;
use time::OffsetDateTime;

use super::filters::subject;
use super::layout::{Frame, frame};
use super::render::{UiError, render};
use super::session::SignedIn;
use crate::AppState;
use crate::api::certifications::{learners_of, report};
use crate::authorize::allow;

fn rate(r: Option<i64>) -> String {
    r.map_or("—".to_string(), |r| format!("{r} %"))
}

#[derive(Serialize)]
struct FigureRow {
    id: i64,
    code: String,
    name: String,
    attempts: i64,
    written: String,
    lab: String,
    pass: String,
    active: i64,
}

fn figure_row(f: &Figures) -> FigureRow {
    FigureRow {
        id: f.certification_id.get(),
        code: f.code.clone(),
        name: f.name.clone(),
        attempts: f.attempts,
        written: rate(f.written_pass_rate),
        lab: rate(f.lab_pass_rate),
        pass: rate(f.pass_rate),
        active: f.active_certificates,
    }
}

#[derive(Serialize)]
struct ExpiringRow {
    number: String,
    learner_id: i64,
    holder: String,
    certification: String,
    expires_on: String,
}

#[derive(Serialize)]
struct ListView {
    #[serde(flatten)]
    frame: Frame,
    figures: Vec<FigureRow>,
    expiring: Vec<ExpiringRow>,
    days: i64,
}

fn hidden() -> UiError {
    Error::not_found(Thing::Entity(Entity::Certification), "").into()
}

/// `GET /certifications`.
pub async fn list(State(st): State<AppState>, me: SignedIn) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    let partner = learners_of(&s).ok_or_else(hidden)?;
    let scope = partner.map_or(LearnerScope::All, LearnerScope::Partner);
    let today = OffsetDateTime::now_utc().date();
    let r = report(&st, &scope, today, 90).await?;
    let v = ListView {
        frame: frame(&me, &s),
        figures: r.figures.iter().map(figure_row).collect(),
        expiring: r
            .expiring
            .into_iter()
            .map(|e| ExpiringRow {
                number: e.number,
                learner_id: e.learner_id.get(),
                holder: e.holder,
                certification: e.certification,
                expires_on: e.expires_on.to_string(),
            })
            .collect(),
        days: r.days,
    };
    Ok(render("certifications.html", v)?.into_response())
}

#[derive(Serialize)]
struct AttemptRow {
    learner_id: i64,
    learner: String,
    certification: String,
    number: i64,
    status: &'static str,
    written_on: String,
    written: String,
    lab_on: String,
    lab: String,
    grader: String,
    comments: String,
}

#[derive(Serialize)]
struct CertificateRow {
    number: String,
    learner_id: i64,
    learner: String,
    certification: String,
    issued_on: String,
    expires_on: String,
    status: &'static str,
}

async fn attempt_rows(st: &AppState, items: &[CertificationAttempt]) -> Result<Vec<AttemptRow>, UiError> {
    let learners: Vec<LearnerId> = items.iter().map(|a| a.fields.learner_id).collect();
    let learners = RecordStore::<Learner>::names(&*st.store, &learners).await?;
    let certs: Vec<Id<Certification>> = items.iter().map(|a| a.fields.certification_id).collect();
    let certs = RecordStore::<Certification>::names(&*st.store, &certs).await?;
    let graders: Vec<Id<Person>> = items.iter().filter_map(|a| a.fields.lab_grader_id).collect();
    let graders = RecordStore::<Person>::names(&*st.store, &graders).await?;
    let name = |m: &HashMap<i64, String>, id: i64| m.get(&id).cloned().unwrap_or_default();
    Ok(items
        .iter()
        .map(|a| {
            let f = &a.fields;
            AttemptRow {
                learner_id: f.learner_id.get(),
                learner: name(&learners, f.learner_id.get()),
                certification: name(&certs, f.certification_id.get()),
                number: f.number,
                status: f.status.into(),
                written_on: f.written_on.to_string(),
                written: format!("{} / {}", f.written_score, f.written_pass_mark),
                lab_on: f.lab_on.map(|d| d.to_string()).unwrap_or_default(),
                lab: match (f.lab_score, f.lab_pass_mark) {
                    (Some(s), Some(m)) => format!("{s} / {m}"),
                    _ => String::new(),
                },
                grader: f.lab_grader_id.map(|g| name(&graders, g.get())).unwrap_or_default(),
                comments: f.lab_comments.clone().unwrap_or_default(),
            }
        })
        .collect())
}

async fn certificate_rows(st: &AppState, items: &[Certificate]) -> Result<Vec<CertificateRow>, UiError> {
    let today = OffsetDateTime::now_utc().date();
    let learners: Vec<LearnerId> = items.iter().map(|c| c.fields.learner_id).collect();
    let learners = RecordStore::<Learner>::names(&*st.store, &learners).await?;
    let certs: Vec<Id<Certification>> = items.iter().map(|c| c.fields.certification_id).collect();
    let certs = RecordStore::<Certification>::names(&*st.store, &certs).await?;
    Ok(items
        .iter()
        .map(|c| CertificateRow {
            number: c.fields.number.clone(),
            learner_id: c.fields.learner_id.get(),
            learner: learners.get(&c.fields.learner_id.get()).cloned().unwrap_or_default(),
            certification: certs.get(&c.fields.certification_id.get()).cloned().unwrap_or_default(),
            issued_on: c.fields.issued_on.to_string(),
            expires_on: c.fields.expires_on.to_string(),
            status: c.fields.status_on(today).into(),
        })
        .collect())
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
}

/// `GET /certifications/{id}`: its terms, its figures, its latest 50 attempts and
/// certificates.
pub async fn show(State(st): State<AppState>, me: SignedIn, Path(id): Path<i64>) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    let cert: Certification = st.store.get(Id::new(id)).await?;
    allow(&st, &s, Action::Read, &cert).await?;
    let partner = learners_of(&s);
    let settings = st.store.settings().await?;
    let terms = cert.fields.terms(&settings.certifications);
    let course = match cert.fields.course_id {
        Some(c) => RecordStore::<Course>::get(&*st.store, c)
            .await
            .map(|c| c.fields.name)
            .unwrap_or_default(),
        None => String::new(),
    };
    let (figures, attempts, certificates) = match partner {
        None => (None, Vec::new(), Vec::new()),
        Some(partner_id) => {
            let scope = partner_id.map_or(LearnerScope::All, LearnerScope::Partner);
            let today = OffsetDateTime::now_utc().date();
            let figures = st.store.certification_figures(&scope, today).await?;
            let mine = figures.iter().find(|f| f.certification_id == cert.id).map(figure_row);
            let newest = PageRequest { after: None, limit: 50 };
            let a = AttemptFilter {
                certification_id: Some(cert.id),
                partner_id,
                ..Default::default()
            };
            let attempts = st.store.list(&a, newest).await?.items;
            let c = CertificateFilter {
                certification_id: Some(cert.id),
                partner_id,
                ..Default::default()
            };
            let certificates = st.store.list(&c, newest).await?.items;
            (
                mine,
                attempt_rows(&st, &attempts).await?,
                certificate_rows(&st, &certificates).await?,
            )
        }
    };
    let v = CertificationView {
        frame: frame(&me, &s),
        id,
        code: cert.fields.code,
        name: cert.fields.name,
        course,
        written_pass_mark: cert.fields.written_pass_mark,
        lab_pass_mark: cert.fields.lab_pass_mark,
        max_attempts: terms.max_attempts,
        retake_wait_days: terms.retake_wait_days,
        validity_months: cert.fields.validity_months,
        figures,
        attempts,
        certificates,
    };
    Ok(render("certification.html", v)?.into_response())
}

#[derive(Serialize)]
struct LearnerView {
    #[serde(flatten)]
    frame: Frame,
    id: i64,
    name: String,
    attempts: Vec<AttemptRow>,
    certificates: Vec<CertificateRow>,
}

/// `GET /learners/{id}/certifications`: every attempt and certificate of one learner.
pub async fn learner(State(st): State<AppState>, me: SignedIn, Path(id): Path<i64>) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    let who: Learner = st.store.get(Id::new(id)).await?;
    allow(&st, &s, Action::Read, &who).await?;
    let a = AttemptFilter {
        learner_id: Some(who.id),
        ..Default::default()
    };
    let attempts = st.store.every(&a).await?;
    let c = CertificateFilter {
        learner_id: Some(who.id),
        ..Default::default()
    };
    let certificates = st.store.every(&c).await?;
    let v = LearnerView {
        frame: frame(&me, &s),
        id,
        name: who.fields.name,
        attempts: attempt_rows(&st, &attempts).await?,
        certificates: certificate_rows(&st, &certificates).await?,
    };
    Ok(render("learner_certifications.html", v)?.into_response())
}

#[derive(Serialize)]
struct StepRow {
    label: &'static str,
    done: bool,
    text: String,
}

#[derive(Serialize)]
struct PathView {
    #[serde(flatten)]
    frame: Frame,
    id: i64,
    person: String,
    person_id: i64,
    course: String,
    path: &'static str,
    started_on: String,
    steps: Vec<StepRow>,
    complete: bool,
    done: usize,
    deliveries: Vec<DeliveryRow>,
}

#[derive(Serialize)]
struct DeliveryRow {
    kind: &'static str,
    delivered_on: String,
    counted: String,
    scores: usize,
    evidence: String,
}

/// `GET /trainer-paths/{id}`: the path as a checklist with its evidence and deliveries.
pub async fn trainer_path(State(st): State<AppState>, me: SignedIn, Path(id): Path<i64>) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    let path: TrainerCandidacy = st.store.get(Id::new(id)).await?;
    allow(&st, &s, Action::Read, &path).await?;
    let today = OffsetDateTime::now_utc().date();
    let list = st.store.trainer_checklist(path.id, today).await?;
    let person: Person = st.store.get(path.fields.person_id).await?;
    let course: Course = st.store.get(path.fields.course_id).await?;
    let own = person.fields.partner_id;
    let deliveries = path
        .fields
        .deliveries
        .iter()
        .map(|d| {
            let observers = d.kind == psops_core::certifications::trainer_paths::DeliveryKind::ObservedSubset;
            DeliveryRow {
                kind: d.kind.into(),
                delivered_on: d.delivered_on.to_string(),
                counted: psops_core::certifications::trainer_paths::tally(d, own, observers).text(),
                scores: d.scores.len(),
                evidence: d.evidence.clone().unwrap_or_default(),
            }
        })
        .collect();
    let v = PathView {
        frame: frame(&me, &s),
        id,
        person: person.fields.name,
        person_id: person.id.get(),
        course: course.fields.name,
        path: path.fields.path.into(),
        started_on: path.fields.started_on.to_string(),
        done: list.steps.iter().filter(|s| s.done).count(),
        steps: list
            .steps
            .into_iter()
            .map(|s| StepRow {
                label: s.label,
                done: s.done,
                text: s.text,
            })
            .collect(),
        complete: list.complete,
        deliveries,
    };
    Ok(render("trainer_path.html", v)?.into_response())
}
