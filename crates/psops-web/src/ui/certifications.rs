//! The certification pages: `/certifications` (every certification with its pass rates
//! and the certificates expiring in the next 90 days) and `/learners/{id}/certifications`
//! (a learner's attempts and certificates), and the attempt and certificate rows the
//! certification's own page (`certification_page`) shows too. What each shows follows
//! the API's rules: a partner's managers see their own consultants.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use psops_core::certifications::attempts::AttemptFilter;
use psops_core::certifications::certificates::CertificateFilter;
use psops_core::certifications::reports::{Figures, LearnerScope};
use psops_core::certifications::{Certificate, Certification, CertificationAttempt};
use psops_core::education::learners::{Learner, LearnerId};
use psops_core::error::Thing;
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
pub(super) struct FigureRow {
    id: i64,
    code: String,
    name: String,
    attempts: i64,
    written: String,
    lab: String,
    pass: String,
    active: i64,
}

pub(super) fn figure_row(f: &Figures) -> FigureRow {
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
    /// Whether the reader keeps the definitions ("New certification").
    keep: bool,
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
        keep: super::edit::may_edit::<Certification>(&s),
    };
    Ok(render("certifications.html", v)?.into_response())
}

#[derive(Serialize)]
pub(super) struct AttemptRow {
    pub(super) id: i64,
    /// Whether the reader may grade its lab here (it awaits it).
    pub(super) grade: bool,
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
pub(super) struct CertificateRow {
    pub(super) id: i64,
    /// Whether the reader may revoke it here (it is in force).
    pub(super) revoke: bool,
    number: String,
    learner_id: i64,
    learner: String,
    certification: String,
    issued_on: String,
    expires_on: String,
    status: &'static str,
}

pub(super) async fn attempt_rows(st: &AppState, items: &[CertificationAttempt]) -> Result<Vec<AttemptRow>, UiError> {
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
                id: a.id.get(),
                grade: false,
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

pub(super) async fn certificate_rows(st: &AppState, items: &[Certificate]) -> Result<Vec<CertificateRow>, UiError> {
    let today = OffsetDateTime::now_utc().date();
    let learners: Vec<LearnerId> = items.iter().map(|c| c.fields.learner_id).collect();
    let learners = RecordStore::<Learner>::names(&*st.store, &learners).await?;
    let certs: Vec<Id<Certification>> = items.iter().map(|c| c.fields.certification_id).collect();
    let certs = RecordStore::<Certification>::names(&*st.store, &certs).await?;
    Ok(items
        .iter()
        .map(|c| CertificateRow {
            id: c.id.get(),
            revoke: false,
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
