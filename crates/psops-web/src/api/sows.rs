//! `/api/v1/sows`: statements of work, numbered and revised. Drafted from an agreed
//! estimate at SOW WIP, changed while a draft, submitted into the approval chain (RDM,
//! revenue, finance when the margin is under target or the discount over its threshold,
//! PS director, legal stamp, signatory), each step decided only by its approver;
//! revised into a new revision; signed by the customer (not once expired), which creates
//! the project. The document comes as a PDF.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use psops_core::catalog::requests::Decision;
use psops_core::page::Page;
use psops_core::policy::{Action, Subject};
use psops_core::rule::Rule;
use psops_core::scoping::opportunities::Opportunity;
use psops_core::scoping::sows::{Difference, Sow, SowFields, SowFilter, SowPatch, SowStatus, SowStepState, diff};
use psops_core::scoping::store::Signature;
use psops_core::store::{RecordStore, Records as _, WriteCtx};
use psops_core::{Error, Id};
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

/// Read one SOW revision
#[utoipa::path(get, path = "/api/v1/sows/{id}", tag = "scoping",
    params(IdPath<Sow>), responses(Versioned<Sow>, ReadProblems))]
async fn get_sow(State(st): State<AppState>, Caller(s): Caller, IdPath(id): IdPath<Sow>) -> ApiResult<Response> {
    record::read(&st, &s, id).await
}

/// Draft a SOW for an opportunity at SOW WIP from one of its agreed estimates (cleared
/// by the TA when over the threshold): numbered, revision 1. Refused (409, rule `gate`)
/// at another state or from an estimate not ready, (422) when a fixed fee's milestones
/// do not add up to its price
#[utoipa::path(post, path = "/api/v1/opportunities/{id}/sows", tag = "scoping",
    request_body = SowFields, params(IdPath<Opportunity>, CreateHeaders),
    responses(NewRecord<Sow>, CreateProblems))]
async fn draft_sow(
    State(st): State<AppState>,
    IdPath(id): IdPath<Opportunity>,
    w: Writer,
    body: Body<SowFields>,
) -> ApiResult<Response> {
    let o = RecordStore::<Opportunity>::get(&*st.store, id).await?;
    let grant = allow(&st, &w.subject, Action::Update, &o).await?;
    let fields = body.value.clone();
    let ctx = w.for_create(&body, grant);
    respond::created("/api/v1/sows", st.store.draft_sow(&ctx, id, fields).await?)
}

async fn guarded(st: &AppState, s: &Subject, c: &Change<Sow>, action: Action) -> ApiResult<WriteCtx> {
    let current = RecordStore::<Sow>::get(&*st.store, c.id).await?;
    let grant = allow(st, s, action, &current).await?;
    Ok(c.ctx(grant))
}

/// Change a draft revision: fields left out keep their value, null clears
#[utoipa::path(patch, path = "/api/v1/sows/{id}", tag = "scoping",
    request_body = SowPatch, params(Change<Sow>), responses(Versioned<Sow>, ChangeProblems))]
async fn update_sow(State(st): State<AppState>, c: Change<Sow>, body: Body<SowPatch>) -> ApiResult<Response> {
    let ctx = guarded(&st, &c.subject, &c, Action::Update).await?;
    respond::record(&st.store.update_sow(&ctx, c.id, c.if_version, body.value).await?)
}

/// Submit a draft into the approval chain settings hold now; finance is added when the
/// margin is under the target or the discount over its threshold. Refused (422) naming
/// each step without an approver
#[utoipa::path(post, path = "/api/v1/sows/{id}/submit", tag = "scoping",
    params(Change<Sow>), responses(Versioned<Sow>, ChangeProblems))]
async fn submit_sow(State(st): State<AppState>, c: Change<Sow>) -> ApiResult<Response> {
    let ctx = guarded(&st, &c.subject, &c, Action::Update).await?;
    respond::record(&st.store.submit_sow(&ctx, c.id, c.if_version).await?)
}

/// Decide the waiting step: only its approver may (403 otherwise, naming the step). The
/// RDM's approval moves the scoping record to ready for approval, the PS director's to
/// approved; the legal stamp stops the stamped-SOW clock
#[utoipa::path(post, path = "/api/v1/sows/{id}/decide", tag = "scoping",
    request_body = StepDecision, params(Change<Sow>), responses(Versioned<Sow>, ChangeProblems))]
async fn decide_sow(State(st): State<AppState>, c: Change<Sow>, body: Body<StepDecision>) -> ApiResult<Response> {
    let ctx = guarded(&st, &c.subject, &c, Action::Approve).await?;
    let b = body.value;
    respond::record(
        &st.store
            .decide_sow(&ctx, c.id, c.if_version, b.decision, b.reason)
            .await?,
    )
}

/// Revise a rejected or approved (unsigned) revision into a new draft revision; the old
/// one is kept, superseded
#[utoipa::path(post, path = "/api/v1/sows/{id}/revise", tag = "scoping",
    params(Change<Sow>), responses(NewRecord<Sow>, ChangeProblems))]
async fn revise_sow(State(st): State<AppState>, c: Change<Sow>) -> ApiResult<Response> {
    let ctx = guarded(&st, &c.subject, &c, Action::Update).await?;
    respond::created("/api/v1/sows", st.store.revise_sow(&ctx, c.id, c.if_version).await?)
}

/// The customer's signature.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct SignBody {
    /// Who signed for the customer.
    signed_by: String,
}

/// Record the customer's signature on an approved revision: refused (409, rule `gate`)
/// once it has expired. Closes the opportunity won and creates its project in set-up
/// with budget, milestones, resource requests and the delivery-kit checklist
#[utoipa::path(post, path = "/api/v1/sows/{id}/sign", tag = "scoping",
    request_body = SignBody, params(Change<Sow>), responses(Versioned<Sow>, ChangeProblems))]
async fn sign_sow(State(st): State<AppState>, c: Change<Sow>, body: Body<SignBody>) -> ApiResult<Response> {
    let ctx = guarded(&st, &c.subject, &c, Action::Update).await?;
    let s = Signature {
        signed_by: body.value.signed_by,
        today: OffsetDateTime::now_utc().date(),
    };
    respond::record(&st.store.sign_sow(&ctx, c.id, c.if_version, s).await?)
}

/// A revision's approval chain: this round's steps and every decision ever made.
#[derive(Serialize, ToSchema)]
#[schema(as = SowSteps)]
struct Steps {
    steps: Vec<SowStepState>,
    decisions: Vec<Decision>,
}

/// The approval chain of one revision: each step, who decides it, what was decided and
/// which step waits; earlier rounds' decisions too
#[utoipa::path(get, path = "/api/v1/sows/{id}/steps", tag = "scoping",
    params(IdPath<Sow>),
    responses((status = 200, body = Steps, description = "The steps and decisions"), ReadProblems))]
async fn sow_steps(State(st): State<AppState>, Caller(s): Caller, IdPath(id): IdPath<Sow>) -> ApiResult<Json<Steps>> {
    let sow = RecordStore::<Sow>::get(&*st.store, id).await?;
    allow(&st, &s, Action::Read, &sow).await?;
    let decisions = st.store.sow_decisions(id).await?;
    Ok(Json(Steps {
        steps: sow.steps(&decisions),
        decisions,
    }))
}

/// The revision compared against.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct DiffQuery {
    /// The id of another revision of the same SOW number.
    #[param(value_type = i64, minimum = 1)]
    from: Option<String>,
}

/// What changed from another revision of the same SOW to this one, field by field
#[utoipa::path(get, path = "/api/v1/sows/{id}/diff", tag = "scoping",
    params(IdPath<Sow>, DiffQuery),
    responses((status = 200, body = Vec<Difference>, description = "The fields that differ"), ReadProblems))]
async fn sow_diff(
    State(st): State<AppState>,
    Caller(s): Caller,
    IdPath(id): IdPath<Sow>,
    query: ListQuery<DiffQuery>,
) -> ApiResult<Json<Vec<Difference>>> {
    let b = RecordStore::<Sow>::get(&*st.store, id).await?;
    allow(&st, &s, Action::Read, &b).await?;
    let (q, mut p, _) = query.split();
    let from: Option<Id<Sow>> = p.id("from", q.from);
    p.finish()?;
    let Some(from) = from else {
        return Err(Error::invalid("from", Rule::Required, "from (another revision's id) is required").into());
    };
    let a = RecordStore::<Sow>::get(&*st.store, from).await?;
    if a.number != b.number {
        return Err(Error::invalid(
            "from",
            Rule::Matches,
            format!("from must be a revision of {}", b.number),
        )
        .into());
    }
    Ok(Json(diff(&a, &b)))
}

/// A PDF file, as bytes.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)]
struct Pdf(Vec<u8>);

/// The revision as a PDF document, made in-process
#[utoipa::path(get, path = "/api/v1/sows/{id}/pdf", tag = "scoping",
    params(IdPath<Sow>),
    responses((status = 200, content_type = "application/pdf", body = Pdf, description = "The SOW as a PDF"), ReadProblems))]
async fn sow_pdf(State(st): State<AppState>, Caller(s): Caller, IdPath(id): IdPath<Sow>) -> ApiResult<Response> {
    let sow = RecordStore::<Sow>::get(&*st.store, id).await?;
    allow(&st, &s, Action::Read, &sow).await?;
    let doc = crate::sow_view::document(&st, &sow).await?;
    let mut res = crate::sow_doc::pdf(&doc).into_response();
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/pdf"));
    let name = format!("attachment; filename=\"{}-r{}.pdf\"", sow.number, sow.revision);
    if let Ok(v) = HeaderValue::from_str(&name) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}

/// Filters of the SOWs.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct SowsQuery {
    #[param(value_type = Option<i64>)]
    opportunity_id: Option<String>,
    #[param(value_type = Option<SowStatus>)]
    status: Option<String>,
    /// `true`: only revisions whose waiting step the caller decides (their inbox).
    #[param(value_type = Option<bool>)]
    waiting_for_me: Option<String>,
    /// `true` for archived revisions only; live ones when absent or `false`.
    #[param(value_type = Option<bool>)]
    archived: Option<String>,
}

/// List SOW revisions of the opportunities the caller sees
#[utoipa::path(get, path = "/api/v1/sows", tag = "scoping",
    params(SowsQuery, PageParams),
    responses((status = 200, body = Page<Sow>, description = "A page of SOWs"), ListProblems))]
async fn list_sows(
    State(st): State<AppState>,
    Caller(s): Caller,
    query: ListQuery<SowsQuery>,
) -> ApiResult<Json<Page<Sow>>> {
    let (q, mut p, page) = query.split();
    let mine = p.flag("waiting_for_me", q.waiting_for_me).unwrap_or(false);
    let filter = SowFilter {
        opportunity_id: p.id("opportunity_id", q.opportunity_id),
        status: p.code("status", q.status),
        waiting_for: mine.then_some(s.user_id),
        visible_to: visible(&s),
        archived: p.flag("archived", q.archived),
    };
    p.finish()?;
    readable(&st, &s).await?;
    Ok(Json(st.store.list(&filter, page).await?))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_sows))
        .routes(routes!(draft_sow))
        .routes(routes!(get_sow, update_sow))
        .routes(routes!(submit_sow))
        .routes(routes!(decide_sow))
        .routes(routes!(revise_sow))
        .routes(routes!(sign_sow))
        .routes(routes!(sow_steps))
        .routes(routes!(sow_diff))
        .routes(routes!(sow_pdf))
}
