//! `/trainer-paths/{id}`: a trainer candidate's path as a checklist with its evidence and
//! deliveries, and ops' work on it — the evidence edited through the path's record form,
//! and "Certify" once every item is done, which writes the course trainer record as
//! `POST /api/v1/trainer-paths/{id}/certify` does (the same policy call and store action),
//! a refusal told on the page, nothing written.

use axum::Extension;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use psops_core::FieldError;
use psops_core::Id;
use psops_core::certifications::trainer_paths::{DeliveryKind, TrainerCandidacy, tally};
use psops_core::education::courses::Course;
use psops_core::people::Person;
use psops_core::policy::{Action, Decision, Subject, decide};
use psops_core::record::Entity;
use serde::Serialize;
use time::OffsetDateTime;

use super::admin::{Fields, fields, inline, status_of, write_ctx};
use super::filters::{Pairs, path_id, subject};
use super::layout::{Frame, frame};
use super::render::{UiError, render};
use super::session::SignedIn;
use crate::AppState;
use crate::authorize::{Guarded, allow};
use crate::request_id::RequestId;

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
    /// Whether the reader keeps the path: edits its evidence and certifies it.
    keep: bool,
    errors: Vec<FieldError>,
    certified: bool,
}

#[derive(Serialize)]
struct DeliveryRow {
    kind: &'static str,
    delivered_on: String,
    counted: String,
    scores: usize,
    evidence: String,
}

async fn readable(st: &AppState, s: &Subject, id: &str) -> Result<TrainerCandidacy, UiError> {
    let path: TrainerCandidacy = st.store.get(Id::new(path_id(id)?)).await?;
    allow(st, s, Action::Read, &path).await?;
    Ok(path)
}

async fn page(
    st: &AppState,
    me: &SignedIn,
    s: &Subject,
    path: TrainerCandidacy,
    errors: Vec<FieldError>,
    certified: bool,
) -> Result<Response, UiError> {
    let keep = path
        .resource(st, s)
        .await?
        .is_some_and(|r| decide(s, Action::Update, &r) == Decision::Allow);
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
            let observers = d.kind == DeliveryKind::ObservedSubset;
            DeliveryRow {
                kind: d.kind.into(),
                delivered_on: d.delivered_on.to_string(),
                counted: tally(d, own, observers).text(),
                scores: d.scores.len(),
                evidence: d.evidence.clone().unwrap_or_default(),
            }
        })
        .collect();
    let v = PathView {
        frame: frame(me, s),
        id: path.id.get(),
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
        keep,
        certified,
        errors,
    };
    let status = status_of(&v.errors, false);
    Ok((status, render("trainer_path.html", v)?).into_response())
}

/// `GET /trainer-paths/{id}`.
pub async fn show(
    State(st): State<AppState>,
    me: SignedIn,
    Path(id): Path<String>,
    p: Pairs,
) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    let path = readable(&st, &s, &id).await?;
    page(&st, &me, &s, path, Vec::new(), p.get("done") == Some("certified")).await
}

/// `POST /trainer-paths/{id}/certify`: certifies the trainer for the course from today,
/// refused while an item is missing (each named) or while they already are.
pub async fn certify(
    State(st): State<AppState>,
    Extension(request): Extension<RequestId>,
    me: SignedIn,
    Path(id): Path<String>,
    form: Fields,
) -> Result<Response, UiError> {
    fields(&me, form)?;
    let s = subject(&st, &me).await?;
    let path: TrainerCandidacy = st.store.get(Id::new(path_id(&id)?)).await?;
    let grant = allow(&st, &s, Action::Update, &path).await?;
    let today = OffsetDateTime::now_utc().date();
    let ctx = write_ctx(&me, &request, grant);
    match st.store.certify_trainer(&ctx, path.id, today).await {
        Ok(_) => {
            st.changed(Entity::CourseTrainer);
            Ok(Redirect::to(&format!("/trainer-paths/{}?done=certified", path.id)).into_response())
        }
        Err(e) => {
            let errors = inline(e)?;
            page(&st, &me, &s, path, errors, false).await
        }
    }
}
