//! A partner's status, onboarding checklist and vetting pipeline, and one person's
//! vetting: `/api/v1/partners/{id}/move`, `/onboarding`, `/onboarding/tick`,
//! `/onboarding/untick`, `/vetting`, and `/api/v1/people/{id}/vetting`.

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use psops_core::partnering::onboarding::{Onboarding, OnboardingItem, PartnerMove};
use psops_core::partnering::vetting::VettingPipeline;
use psops_core::partnering::vetting_state::Vetting;
use psops_core::partners::Partner;
use psops_core::people::Person;
use psops_core::policy::Action;
use psops_core::record::Entity;
use psops_core::store::RecordStore;
use serde::Deserialize;
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::authorize::allow;
use crate::authorize::partnering::{consultant, vetting, vetting_of};
use crate::extract::{Caller, Change, IdPath, Json as Body, Writer};
use crate::problem::{ApiResult, ChangeProblems, ReadProblems};
use crate::respond::{self, Versioned};

fn today() -> Date {
    OffsetDateTime::now_utc().date()
}

async fn partner(st: &AppState, id: psops_core::partners::PartnerId) -> ApiResult<Partner> {
    Ok(RecordStore::<Partner>::get(&*st.store, id).await?)
}

/// Move a partner's status, dated (today when `on` is absent): prospect → onboarding;
/// onboarding → active, only with its checklist complete (409 `onboarding_incomplete`
/// naming the open items); active ↔ suspended; any → ended; ended → onboarding
#[utoipa::path(post, path = "/api/v1/partners/{id}/move", tag = "partners",
    request_body = PartnerMove, params(Change<Partner>), responses(Versioned<Partner>, ChangeProblems))]
async fn move_partner(State(st): State<AppState>, c: Change<Partner>, body: Body<PartnerMove>) -> ApiResult<Response> {
    let current = partner(&st, c.id).await?;
    let grant = allow(&st, &c.subject, Action::Update, &current).await?;
    let done = st
        .store
        .move_partner(&c.ctx(grant), c.id, c.if_version, body.value, today())
        .await?;
    st.changed(Entity::Partner);
    respond::record(&done)
}

/// Read a partner's onboarding: its status, its type's checklist with who ticked each
/// item and when, and what is still open
#[utoipa::path(get, path = "/api/v1/partners/{id}/onboarding", tag = "partners",
    params(IdPath<Partner>),
    responses((status = 200, body = Onboarding, description = "The partner's onboarding"), ReadProblems))]
async fn get_onboarding(
    State(st): State<AppState>,
    Caller(s): Caller,
    IdPath(id): IdPath<Partner>,
) -> ApiResult<Json<Onboarding>> {
    allow(&st, &s, Action::Read, &partner(&st, id).await?).await?;
    Ok(Json(st.store.onboarding(id).await?))
}

/// An item to tick, and the day it was done (today when absent).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct TickItem {
    item: OnboardingItem,
    #[serde(default)]
    done_on: Option<Date>,
}

/// An item to untick.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct UntickItem {
    item: OnboardingItem,
}

/// Tick an item of a partner's checklist (again: changes its day). Access, buddy and
/// timesheet training wait for the paperwork (409 `paperwork_first`); an item not on the
/// partner type's checklist is refused (422)
#[utoipa::path(post, path = "/api/v1/partners/{id}/onboarding/tick", tag = "partners",
    request_body = TickItem, params(IdPath<Partner>),
    responses((status = 200, body = Onboarding, description = "The partner's onboarding"), ChangeProblems))]
async fn tick(
    State(st): State<AppState>,
    IdPath(id): IdPath<Partner>,
    w: Writer,
    body: Body<TickItem>,
) -> ApiResult<Json<Onboarding>> {
    let grant = allow(&st, &w.subject, Action::Update, &partner(&st, id).await?).await?;
    let b = body.value;
    let done = st
        .store
        .tick(&w.ctx(grant), id, b.item, b.done_on.unwrap_or_else(today))
        .await?;
    st.changed(Entity::Partner);
    Ok(Json(done))
}

/// Untick an item of a partner's checklist; refused while the partner is active (409:
/// suspend it first)
#[utoipa::path(post, path = "/api/v1/partners/{id}/onboarding/untick", tag = "partners",
    request_body = UntickItem, params(IdPath<Partner>),
    responses((status = 200, body = Onboarding, description = "The partner's onboarding"), ChangeProblems))]
async fn untick(
    State(st): State<AppState>,
    IdPath(id): IdPath<Partner>,
    w: Writer,
    body: Body<UntickItem>,
) -> ApiResult<Json<Onboarding>> {
    let grant = allow(&st, &w.subject, Action::Update, &partner(&st, id).await?).await?;
    let done = st.store.untick(&w.ctx(grant), id, body.value.item).await?;
    st.changed(Entity::Partner);
    Ok(Json(done))
}

/// Read a partner's vetting pipeline: its consultants by vetting state, with what each
/// still lacks. A partner's consultant reads only their own line
#[utoipa::path(get, path = "/api/v1/partners/{id}/vetting", tag = "partners",
    params(IdPath<Partner>),
    responses((status = 200, body = VettingPipeline, description = "The partner's vetting pipeline"), ReadProblems))]
async fn get_pipeline(
    State(st): State<AppState>,
    Caller(s): Caller,
    IdPath(id): IdPath<Partner>,
) -> ApiResult<Json<VettingPipeline>> {
    allow(&st, &s, Action::Read, &partner(&st, id).await?).await?;
    let mut pipeline = st.store.vetting_pipeline(id, today()).await?;
    // Each line is the consultant's vetting: shown to whoever may read theirs.
    let mut kept = Vec::new();
    for c in pipeline.consultants {
        if allow(&st, &s, Action::Read, &consultant(c.person_id, id, vetting))
            .await
            .is_ok()
        {
            kept.push(c);
        }
    }
    pipeline.consultants = kept;
    pipeline.recount();
    Ok(Json(pipeline))
}

/// Read a person's vetting: its state and what they still lack (`not_needed` for the
/// company's own people)
#[utoipa::path(get, path = "/api/v1/people/{id}/vetting", tag = "partners",
    params(IdPath<Person>),
    responses((status = 200, body = Vetting, description = "The person's vetting"), ReadProblems))]
async fn get_vetting(
    State(st): State<AppState>,
    Caller(s): Caller,
    IdPath(id): IdPath<Person>,
) -> ApiResult<Json<Vetting>> {
    allow(&st, &s, Action::Read, &vetting_of(&st, id).await?).await?;
    Ok(Json(st.store.vetting(id, today()).await?))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(move_partner))
        .routes(routes!(get_onboarding))
        .routes(routes!(tick))
        .routes(routes!(untick))
        .routes(routes!(get_pipeline))
        .routes(routes!(get_vetting))
        .merge(super::partner_records::router())
}
