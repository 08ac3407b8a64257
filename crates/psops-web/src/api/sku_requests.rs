//! `/api/v1/sku-requests`: new-SKU requests. A practice manager drafts one with its cost
//! basis (delivery cost is computed), submits it, and each step of the approval chain is
//! decided in order by the user settings designate for it; the last approval makes the
//! SKU. Only those who see cost read every request; an approver reads the ones they decide.

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use psops_core::catalog::requests::{
    Decision, NewSkuRequest, SkuRequest, SkuRequestFields, SkuRequestFilter, SkuRequestPatch, SkuRequestStatus,
    StepState,
};
use psops_core::page::Page;
use psops_core::policy::{Action, Resource};
use psops_core::record::Entity;
use psops_core::store::{RecordStore, Records as _};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::decision::StepDecision;
use super::record;
use crate::AppState;
use crate::authorize::allow;
use crate::extract::{Caller, Change, CreateHeaders, IdPath, Json as Body, Writer};
use crate::params::{ListQuery, PageParams};
use crate::problem::{ApiResult, ChangeProblems, CreateProblems, ListProblems, ReadProblems};
use crate::respond::{self, NewRecord, Versioned};

/// Read one SKU request
#[utoipa::path(get, path = "/api/v1/sku-requests/{id}", tag = "catalog",
    params(IdPath<SkuRequest>), responses(Versioned<SkuRequest>, ReadProblems))]
async fn get_request(
    State(st): State<AppState>,
    Caller(s): Caller,
    IdPath(id): IdPath<SkuRequest>,
) -> ApiResult<Response> {
    record::read(&st, &s, id).await
}

/// Change a draft SKU request: fields left out keep their value, null clears
#[utoipa::path(patch, path = "/api/v1/sku-requests/{id}", tag = "catalog",
    request_body = SkuRequestPatch, params(Change<SkuRequest>), responses(Versioned<SkuRequest>, ChangeProblems))]
async fn update_request(
    State(st): State<AppState>,
    c: Change<SkuRequest>,
    body: Body<SkuRequestPatch>,
) -> ApiResult<Response> {
    record::update(&st, c, body).await
}

/// Draft a SKU request; the caller is its drafter
#[utoipa::path(post, path = "/api/v1/sku-requests", tag = "catalog",
    request_body = SkuRequestFields, params(CreateHeaders), responses(NewRecord<SkuRequest>, CreateProblems))]
async fn create_request(State(st): State<AppState>, w: Writer, body: Body<SkuRequestFields>) -> ApiResult<Response> {
    let new = NewSkuRequest {
        requested_by: Some(w.subject.user_id),
        fields: body.value.clone(),
    };
    let grant = allow(&st, &w.subject, Action::Create, &new).await?;
    let ctx = w.for_create(&body, grant);
    respond::created("/api/v1/sku-requests", st.store.create(&ctx, new).await?)
}

/// Archive one SKU request: kept for history
#[utoipa::path(post, path = "/api/v1/sku-requests/{id}/archive", tag = "catalog",
    params(Change<SkuRequest>), responses(Versioned<SkuRequest>, ChangeProblems))]
async fn archive_request(State(st): State<AppState>, c: Change<SkuRequest>) -> ApiResult<Response> {
    record::archive(&st, c, true).await
}

/// Unarchive one SKU request
#[utoipa::path(post, path = "/api/v1/sku-requests/{id}/unarchive", tag = "catalog",
    params(Change<SkuRequest>), responses(Versioned<SkuRequest>, ChangeProblems))]
async fn unarchive_request(State(st): State<AppState>, c: Change<SkuRequest>) -> ApiResult<Response> {
    record::archive(&st, c, false).await
}

/// Submit a draft (or a revised rejected request) into the approval chain settings hold
/// now: refused (422) naming each missing part of the cost basis and each step without
/// an approver
#[utoipa::path(post, path = "/api/v1/sku-requests/{id}/submit", tag = "catalog",
    params(Change<SkuRequest>), responses(Versioned<SkuRequest>, ChangeProblems))]
async fn submit_request(State(st): State<AppState>, c: Change<SkuRequest>) -> ApiResult<Response> {
    let current = RecordStore::<SkuRequest>::get(&*st.store, c.id).await?;
    let grant = allow(&st, &c.subject, Action::Update, &current).await?;
    let done = st.store.submit_sku_request(&c.ctx(grant), c.id, c.if_version).await?;
    respond::record(&done)
}

/// Send a rejected request back to a draft to revise it
#[utoipa::path(post, path = "/api/v1/sku-requests/{id}/revise", tag = "catalog",
    params(Change<SkuRequest>), responses(Versioned<SkuRequest>, ChangeProblems))]
async fn revise_request(State(st): State<AppState>, c: Change<SkuRequest>) -> ApiResult<Response> {
    let current = RecordStore::<SkuRequest>::get(&*st.store, c.id).await?;
    let grant = allow(&st, &c.subject, Action::Update, &current).await?;
    let done = st.store.revise_sku_request(&c.ctx(grant), c.id, c.if_version).await?;
    respond::record(&done)
}

/// Decide the waiting step: only that step's designated approver may (403 otherwise,
/// naming the step), never the drafter; a rejection needs a reason. The last approval
/// makes the SKU, numbered and active, with the proposed list price from today
#[utoipa::path(post, path = "/api/v1/sku-requests/{id}/decide", tag = "catalog",
    request_body = StepDecision, params(Change<SkuRequest>), responses(Versioned<SkuRequest>, ChangeProblems))]
async fn decide_request(
    State(st): State<AppState>,
    c: Change<SkuRequest>,
    body: Body<StepDecision>,
) -> ApiResult<Response> {
    let current = RecordStore::<SkuRequest>::get(&*st.store, c.id).await?;
    let grant = allow(&st, &c.subject, Action::Approve, &current).await?;
    let b = body.value;
    let done = st
        .store
        .decide_sku_request(&c.ctx(grant), c.id, c.if_version, b.decision, b.reason)
        .await?;
    respond::record(&done)
}

/// A request's approval chain: this round's steps and every decision ever made.
#[derive(Serialize, ToSchema)]
struct Steps {
    steps: Vec<StepState>,
    decisions: Vec<Decision>,
}

/// The approval chain of one SKU request: each step, who decides it, what was decided and
/// which step waits; earlier rounds' decisions too
#[utoipa::path(get, path = "/api/v1/sku-requests/{id}/steps", tag = "catalog",
    params(IdPath<SkuRequest>),
    responses((status = 200, body = Steps, description = "The steps and decisions"), ReadProblems))]
async fn request_steps(
    State(st): State<AppState>,
    Caller(s): Caller,
    IdPath(id): IdPath<SkuRequest>,
) -> ApiResult<Json<Steps>> {
    let current = RecordStore::<SkuRequest>::get(&*st.store, id).await?;
    allow(&st, &s, Action::Read, &current).await?;
    let decisions = st.store.sku_request_decisions(id).await?;
    Ok(Json(Steps {
        steps: current.steps(&decisions),
        decisions,
    }))
}

/// Filters of the SKU requests.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct RequestsQuery {
    #[param(value_type = Option<SkuRequestStatus>)]
    status: Option<String>,
    /// `true`: only the requests whose waiting step the caller decides (their inbox).
    #[param(value_type = Option<bool>)]
    waiting_for_me: Option<String>,
    /// `true` for archived requests only; live ones when absent or `false`.
    #[param(value_type = Option<bool>)]
    archived: Option<String>,
}

/// List SKU requests: all of them for those who see cost, else those the caller drafted,
/// decides or decided
#[utoipa::path(get, path = "/api/v1/sku-requests", tag = "catalog",
    params(RequestsQuery, PageParams),
    responses((status = 200, body = Page<SkuRequest>, description = "A page of SKU requests"), ListProblems))]
async fn list_requests(
    State(st): State<AppState>,
    Caller(s): Caller,
    query: ListQuery<RequestsQuery>,
) -> ApiResult<Json<Page<SkuRequest>>> {
    let (q, mut p, page) = query.split();
    let mine = p.flag("waiting_for_me", q.waiting_for_me).unwrap_or(false);
    let filter = SkuRequestFilter {
        status: p.code("status", q.status),
        waiting_for: mine.then_some(s.user_id),
        visible_to: (!s.sees_cost()).then_some(s.user_id),
        archived: p.flag("archived", q.archived),
    };
    p.finish()?;
    super::readable(
        &st,
        &s,
        Resource::SkuRequest {
            requested_by: Some(s.user_id),
            subject_approves: false,
        },
        Entity::SkuRequest,
    )
    .await?;
    Ok(Json(st.store.list(&filter, page).await?))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_requests, create_request))
        .routes(routes!(get_request, update_request))
        .routes(routes!(archive_request))
        .routes(routes!(unarchive_request))
        .routes(routes!(submit_request))
        .routes(routes!(revise_request))
        .routes(routes!(decide_request))
        .routes(routes!(request_steps))
}
