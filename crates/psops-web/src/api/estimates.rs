//! `/api/v1/estimates`: an opportunity's estimate versions, priced on save from SKUs and
//! the rate card (a saved version never changes; a change is a new version), the live
//! preview, sharing and agreement, the technical architect's review above the
//! threshold, and a standard-SKU order that creates the project without a SOW.

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use psops_core::page::Page;
use psops_core::policy::{Action, Subject};
use psops_core::projects::ProjectId;
use psops_core::scoping::estimates::{Estimate, EstimateFields, EstimateFilter, EstimateStatus, TaReview};
use psops_core::scoping::pricing::{PricedLine, Totals};
use psops_core::store::{RecordStore, Records as _, WriteCtx};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::decision::StepDecision;
use super::opportunities::{readable, visible};
use super::record;
use crate::AppState;
use crate::authorize::allow;
use crate::extract::{Caller, Change, CreateHeaders, IdPath, Json as Body, Writer};
use crate::params::{ListQuery, PageParams};
use crate::problem::{ApiResult, ChangeProblems, CreateProblems, ListProblems, ReadProblems};
use crate::respond::{self, NewRecord, Versioned};

/// Read one estimate version
#[utoipa::path(get, path = "/api/v1/estimates/{id}", tag = "scoping",
    params(IdPath<Estimate>), responses(Versioned<Estimate>, ReadProblems))]
async fn get_estimate(
    State(st): State<AppState>,
    Caller(s): Caller,
    IdPath(id): IdPath<Estimate>,
) -> ApiResult<Response> {
    record::read(&st, &s, id).await
}

/// Save a new version of an opportunity's estimate, priced from the SKUs' list prices
/// and the rate card in force on its price date: refused (422) naming each line a SKU's
/// bounds, seat limit, status or price refuses (the custom path: T&M lines), and each
/// role without a bill rate or standard cost in the region
#[utoipa::path(post, path = "/api/v1/estimates", tag = "scoping",
    request_body = EstimateFields, params(CreateHeaders), responses(NewRecord<Estimate>, CreateProblems))]
async fn create_estimate(State(st): State<AppState>, w: Writer, body: Body<EstimateFields>) -> ApiResult<Response> {
    let grant = allow(&st, &w.subject, Action::Update, &body.value).await?;
    let fields = body.value.clone();
    let ctx = w.for_create(&body, grant);
    respond::created("/api/v1/estimates", st.store.create_estimate(&ctx, fields).await?)
}

/// An estimate priced without saving it.
#[derive(Debug, Clone, Serialize, ToSchema)]
struct Preview {
    priced: Vec<PricedLine>,
    totals: Totals,
    ta_review: TaReview,
}

/// Price an estimate as saving it would, without saving: the editor's live totals
#[utoipa::path(post, path = "/api/v1/estimates/preview", tag = "scoping",
    request_body = EstimateFields,
    responses((status = 200, body = Preview, description = "The priced lines and totals"), ChangeProblems))]
async fn preview_estimate(
    State(st): State<AppState>,
    w: Writer,
    body: Body<EstimateFields>,
) -> ApiResult<Json<Preview>> {
    allow(&st, &w.subject, Action::Update, &body.value).await?;
    let p = st.store.preview_estimate(&body.value).await?;
    Ok(Json(Preview {
        priced: p.lines,
        totals: p.totals,
        ta_review: p.ta_review,
    }))
}

async fn guarded(st: &AppState, s: &Subject, c: &Change<Estimate>, action: Action) -> ApiResult<WriteCtx> {
    let current = RecordStore::<Estimate>::get(&*st.store, c.id).await?;
    let grant = allow(st, s, action, &current).await?;
    Ok(c.ctx(grant))
}

/// A version's new status.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct StatusBody {
    status: EstimateStatus,
}

/// Share a version with the customer (stamps the estimate clock), or record that the
/// customer agreed its price and scope, or declined it: draft → shared → agreed or
/// declined
#[utoipa::path(post, path = "/api/v1/estimates/{id}/status", tag = "scoping",
    request_body = StatusBody, params(Change<Estimate>), responses(Versioned<Estimate>, ChangeProblems))]
async fn set_status(State(st): State<AppState>, c: Change<Estimate>, body: Body<StatusBody>) -> ApiResult<Response> {
    let ctx = guarded(&st, &c.subject, &c, Action::Update).await?;
    respond::record(
        &st.store
            .set_estimate_status(&ctx, c.id, c.if_version, body.value.status)
            .await?,
    )
}

/// Send a version over the TA threshold to the opportunity's technical architect, due in
/// the setting's business days
#[utoipa::path(post, path = "/api/v1/estimates/{id}/ta-review", tag = "scoping",
    params(Change<Estimate>), responses(Versioned<Estimate>, ChangeProblems))]
async fn request_review(State(st): State<AppState>, c: Change<Estimate>) -> ApiResult<Response> {
    let ctx = guarded(&st, &c.subject, &c, Action::Update).await?;
    respond::record(&st.store.request_ta_review(&ctx, c.id, c.if_version).await?)
}

/// The technical architect's decision on a version waiting for their review: only the
/// opportunity's technical architect decides (403 otherwise)
#[utoipa::path(post, path = "/api/v1/estimates/{id}/ta-decision", tag = "scoping",
    request_body = StepDecision, params(Change<Estimate>), responses(Versioned<Estimate>, ChangeProblems))]
async fn decide_review(
    State(st): State<AppState>,
    c: Change<Estimate>,
    body: Body<StepDecision>,
) -> ApiResult<Response> {
    let ctx = guarded(&st, &c.subject, &c, Action::Approve).await?;
    let b = body.value;
    respond::record(
        &st.store
            .decide_ta_review(&ctx, c.id, c.if_version, b.decision, b.reason)
            .await?,
    )
}

/// The project an order made.
#[derive(Debug, Clone, Serialize, ToSchema)]
struct Ordered {
    #[schema(value_type = i64)]
    project_id: ProjectId,
}

/// Book an agreed estimate of standard-SOW SKUs as an order: creates the project in
/// set-up (budget, resource requests, delivery-kit checklist) without a SOW and closes the
/// opportunity won; refused (409, rule `gate`) for a line that needs a SOW
#[utoipa::path(post, path = "/api/v1/estimates/{id}/order", tag = "scoping",
    params(Change<Estimate>),
    responses((status = 200, body = Ordered, description = "The project made"), ChangeProblems))]
async fn order(State(st): State<AppState>, c: Change<Estimate>) -> ApiResult<Json<Ordered>> {
    let ctx = guarded(&st, &c.subject, &c, Action::Update).await?;
    let project_id = st.store.order(&ctx, c.id, OffsetDateTime::now_utc().date()).await?;
    Ok(Json(Ordered { project_id }))
}

/// Filters of the estimates.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct EstimatesQuery {
    #[param(value_type = Option<i64>)]
    opportunity_id: Option<String>,
    #[param(value_type = Option<EstimateStatus>)]
    status: Option<String>,
    #[param(value_type = Option<TaReview>)]
    ta_review: Option<String>,
    /// `true`: only versions waiting for the caller's review as technical architect.
    #[param(value_type = Option<bool>)]
    waiting_for_me: Option<String>,
    /// `true` for archived versions only; live ones when absent or `false`.
    #[param(value_type = Option<bool>)]
    archived: Option<String>,
}

/// List estimate versions of the opportunities the caller sees
#[utoipa::path(get, path = "/api/v1/estimates", tag = "scoping",
    params(EstimatesQuery, PageParams),
    responses((status = 200, body = Page<Estimate>, description = "A page of estimates"), ListProblems))]
async fn list_estimates(
    State(st): State<AppState>,
    Caller(s): Caller,
    query: ListQuery<EstimatesQuery>,
) -> ApiResult<Json<Page<Estimate>>> {
    let (q, mut p, page) = query.split();
    let mine = p.flag("waiting_for_me", q.waiting_for_me).unwrap_or(false);
    let mut filter = EstimateFilter {
        opportunity_id: p.id("opportunity_id", q.opportunity_id),
        status: p.code("status", q.status),
        ta_review: p.code("ta_review", q.ta_review),
        visible_to: visible(&s),
        archived: p.flag("archived", q.archived),
        ..Default::default()
    };
    p.finish()?;
    if mine {
        // Nobody without a person record is anyone's technical architect.
        filter.ta_person = Some(s.person_id.unwrap_or(psops_core::Id::new(0)));
        filter.ta_review = Some(TaReview::Waiting);
    }
    readable(&st, &s).await?;
    Ok(Json(st.store.list(&filter, page).await?))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_estimates, create_estimate))
        .routes(routes!(preview_estimate))
        .routes(routes!(get_estimate))
        .routes(routes!(set_status))
        .routes(routes!(request_review))
        .routes(routes!(decide_review))
        .routes(routes!(order))
}
