//! `/api/v1/trainer-paths`: a trainer candidate's path to teaching a course — the staff
//! or the channel-partner path — with its evidence, its checklist as it stands, and the
//! certify action that writes the course trainer record once every item is done. Read
//! with the person (a partner's managers their organisation's), kept by ops and
//! administrators.

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use psops_core::certifications::trainer_paths::{
    CandidacyFields, CandidacyFilter, CandidacyPatch, Checklist, TrainerCandidacy,
};
use psops_core::education::trainers::CourseTrainer;
use psops_core::page::Page;
use psops_core::policy::{Action, course_trainer_scope};
use psops_core::record::Entity;
use psops_core::scope::ListScope;
use psops_core::store::prelude::*;
use serde::Deserialize;
use time::OffsetDateTime;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::authorize::allow;
use crate::extract::{Caller, Change, IdPath};
use crate::params::{ListQuery, PageParams};
use crate::problem::{ApiResult, ChangeProblems, ListProblems, ReadProblems};
use crate::respond::{self, NewRecord};

record_routes! {
    record: TrainerCandidacy, fields: CandidacyFields, patch: CandidacyPatch, tag: "education",
    noun: "trainer_path", collection: "/api/v1/trainer-paths", item: "/api/v1/trainer-paths/{id}",
    archive: "/api/v1/trainer-paths/{id}/archive", unarchive: "/api/v1/trainer-paths/{id}/unarchive",
}

/// Filters of trainer paths.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct PathsQuery {
    #[param(value_type = Option<i64>)]
    person_id: Option<String>,
    #[param(value_type = Option<i64>)]
    course_id: Option<String>,
    /// `true` for archived paths only; live ones when absent or `false`.
    #[param(value_type = Option<bool>)]
    archived: Option<String>,
}

/// List trainer paths; at a partner, one's own and — for its managers — their
/// organisation's
#[utoipa::path(get, path = "/api/v1/trainer-paths", tag = "education",
    params(PathsQuery, PageParams),
    responses((status = 200, body = Page<TrainerCandidacy>, description = "A page of trainer paths"), ListProblems))]
async fn list_trainer_paths(
    State(st): State<AppState>,
    Caller(s): Caller,
    query: ListQuery<PathsQuery>,
) -> ApiResult<Json<Page<TrainerCandidacy>>> {
    let (q, mut p, page) = query.split();
    let mut filter = CandidacyFilter {
        person_id: p.id("person_id", q.person_id),
        course_id: p.id("course_id", q.course_id),
        partner_id: None,
        archived: p.flag("archived", q.archived),
    };
    p.finish()?;
    match course_trainer_scope(&s) {
        ListScope::All => {}
        ListScope::Limited { partner: Some(org), .. } => filter.partner_id = Some(org),
        ListScope::Limited { own: Some(me), .. } if filter.person_id.is_none_or(|p| p == me) => {
            filter.person_id = Some(me)
        }
        _ => {
            return Ok(Json(Page {
                items: Vec::new(),
                next_cursor: None,
            }));
        }
    }
    Ok(Json(st.store.list(&filter, page).await?))
}

/// The path's checklist as its evidence stands today: each item, whether it is done and
/// what shows it or is missing. Delivery averages leave out surveys from the trainer's
/// own organisation
#[utoipa::path(get, path = "/api/v1/trainer-paths/{id}/checklist", tag = "education",
    params(IdPath<TrainerCandidacy>),
    responses((status = 200, body = Checklist, description = "The path as a checklist"), ReadProblems))]
async fn trainer_checklist(
    State(st): State<AppState>,
    Caller(s): Caller,
    IdPath(id): IdPath<TrainerCandidacy>,
) -> ApiResult<Json<Checklist>> {
    let path: TrainerCandidacy = st.store.get(id).await?;
    allow(&st, &s, Action::Read, &path).await?;
    let today = OffsetDateTime::now_utc().date();
    Ok(Json(st.store.trainer_checklist(id, today).await?))
}

/// Certify the trainer for the course by their complete path: writes the course trainer
/// record (certified today, until their course certificate expires). Refused (409
/// `trainer_path`) naming every item still missing. Ops and administrators
#[utoipa::path(post, path = "/api/v1/trainer-paths/{id}/certify", tag = "education",
    params(Change<TrainerCandidacy>),
    responses(NewRecord<CourseTrainer>, ChangeProblems))]
async fn certify_trainer(State(st): State<AppState>, c: Change<TrainerCandidacy>) -> ApiResult<Response> {
    let path: TrainerCandidacy = st.store.get(c.id).await?;
    let grant = allow(&st, &c.subject, Action::Update, &path).await?;
    let today = OffsetDateTime::now_utc().date();
    let made = st.store.certify_trainer(&c.ctx(grant), c.id, today).await?;
    st.changed(Entity::CourseTrainer);
    respond::created("/api/v1/course-trainers", psops_core::store::Created::New(made))
}

pub fn router() -> OpenApiRouter<AppState> {
    record_router()
        .routes(routes!(list_trainer_paths))
        .routes(routes!(trainer_checklist))
        .routes(routes!(certify_trainer))
}
