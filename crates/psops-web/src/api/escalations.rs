//! `/api/v1/escalations`: escalations on an account or one of its projects — raised with
//! a severity, a DRI (the project's manager by default) and exit criteria; kept up to
//! date on a timeline whose next update is due a severity's cadence after the last;
//! moved open → investigating → mitigated → resolved; closed with the customer's written
//! agreement. Lists show only what the caller may read.

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use psops_core::delivery::escalations::{
    Escalation, EscalationClose, EscalationFields, EscalationFilter, EscalationMove, EscalationNote, EscalationPatch,
    EscalationStatus, EscalationUpdate, NewEscalation, Severity,
};
use psops_core::page::Page;
use psops_core::policy::{Action, escalation_scope};
use psops_core::record::Entity;
use psops_core::store::{RecordStore, Records as _};
use serde::Deserialize;
use time::OffsetDateTime;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::record;
use crate::AppState;
use crate::authorize::allow;
use crate::extract::{Caller, Change as Changing, CreateHeaders, IdPath, Json as Body, Writer};
use crate::params::{ListQuery, PageParams};
use crate::problem::{ApiResult, ChangeProblems, CreateProblems, ListProblems, ReadProblems};
use crate::respond::{self, NewRecord, Versioned};

/// Read one escalation
#[utoipa::path(get, path = "/api/v1/escalations/{id}", tag = "delivery",
    params(IdPath<Escalation>), responses(Versioned<Escalation>, ReadProblems))]
async fn get_escalation(
    State(st): State<AppState>,
    Caller(s): Caller,
    IdPath(id): IdPath<Escalation>,
) -> ApiResult<Response> {
    record::read(&st, &s, id).await
}

/// Change an escalation's severity, title, description, DRI, exit criteria, stand-up
/// cadence or whether the product was at fault (not a closed one). A new severity moves
/// the next update's due time; the stand-up cadence is dated when first set
#[utoipa::path(patch, path = "/api/v1/escalations/{id}", tag = "delivery",
    request_body = EscalationPatch, params(Changing<Escalation>), responses(Versioned<Escalation>, ChangeProblems))]
async fn update_escalation(
    State(st): State<AppState>,
    c: Changing<Escalation>,
    body: Body<EscalationPatch>,
) -> ApiResult<Response> {
    let current = RecordStore::<Escalation>::get(&*st.store, c.id).await?;
    let grant = allow(&st, &c.subject, Action::Update, &current).await?;
    let done = st
        .store
        .change_escalation(&c.ctx(grant), c.id, c.if_version, body.value, OffsetDateTime::now_utc())
        .await?;
    st.changed(Entity::Escalation);
    respond::record(&done)
}

/// Raise an escalation on an account (`account_id`) or one of its projects
/// (`project_id`; the account is the project's). The DRI defaults to the project's
/// manager on a project and is required on an account; exit criteria are required
#[utoipa::path(post, path = "/api/v1/escalations", tag = "delivery",
    request_body = EscalationFields, params(CreateHeaders), responses(NewRecord<Escalation>, CreateProblems))]
async fn create_escalation(State(st): State<AppState>, w: Writer, body: Body<EscalationFields>) -> ApiResult<Response> {
    let new = NewEscalation {
        raised_by: Some(w.subject.user_id),
        fields: body.value.clone(),
    };
    let grant = allow(&st, &w.subject, Action::Create, &new).await?;
    let ctx = w.for_create(&body, grant);
    let made = st.store.raise_escalation(&ctx, new, OffsetDateTime::now_utc()).await?;
    st.changed(Entity::Escalation);
    respond::created("/api/v1/escalations", made)
}

/// The escalation's timeline, oldest first: every update with who wrote it, when, and
/// the status change it records
#[utoipa::path(get, path = "/api/v1/escalations/{id}/updates", tag = "delivery",
    params(IdPath<Escalation>),
    responses((status = 200, body = Vec<EscalationUpdate>, description = "The timeline"), ReadProblems))]
async fn timeline(
    State(st): State<AppState>,
    Caller(s): Caller,
    IdPath(id): IdPath<Escalation>,
) -> ApiResult<Json<Vec<EscalationUpdate>>> {
    let found = RecordStore::<Escalation>::get(&*st.store, id).await?;
    allow(&st, &s, Action::Read, &found).await?;
    Ok(Json(st.store.escalation_timeline(id).await?))
}

/// Add an update to the timeline: the next update is then due the severity's cadence from
/// now. The DRI is notified when someone else wrote it
#[utoipa::path(post, path = "/api/v1/escalations/{id}/updates", tag = "delivery",
    request_body = EscalationNote, params(Changing<Escalation>), responses(Versioned<Escalation>, ChangeProblems))]
async fn add_update(
    State(st): State<AppState>,
    c: Changing<Escalation>,
    body: Body<EscalationNote>,
) -> ApiResult<Response> {
    let current = RecordStore::<Escalation>::get(&*st.store, c.id).await?;
    let grant = allow(&st, &c.subject, Action::Update, &current).await?;
    let done = st
        .store
        .add_escalation_update(&c.ctx(grant), c.id, c.if_version, body.value, OffsetDateTime::now_utc())
        .await?;
    st.changed(Entity::Escalation);
    respond::record(&done)
}

/// Move the status, with the update that explains it: open → investigating, mitigated or
/// resolved; investigating → mitigated or resolved; mitigated → investigating or
/// resolved; resolved → investigating. Closed only through `close` (409/422 otherwise)
#[utoipa::path(post, path = "/api/v1/escalations/{id}/move", tag = "delivery",
    request_body = EscalationMove, params(Changing<Escalation>), responses(Versioned<Escalation>, ChangeProblems))]
async fn move_escalation(
    State(st): State<AppState>,
    c: Changing<Escalation>,
    body: Body<EscalationMove>,
) -> ApiResult<Response> {
    let current = RecordStore::<Escalation>::get(&*st.store, c.id).await?;
    let grant = allow(&st, &c.subject, Action::Update, &current).await?;
    let done = st
        .store
        .move_escalation(&c.ctx(grant), c.id, c.if_version, body.value, OffsetDateTime::now_utc())
        .await?;
    st.changed(Entity::Escalation);
    respond::record(&done)
}

/// Close a resolved escalation with the customer's written agreement (who agreed, the
/// day, how or where), the outcome and the account's sentiment — and a root-cause
/// analysis when the product was at fault. Each missing part is named (422)
#[utoipa::path(post, path = "/api/v1/escalations/{id}/close", tag = "delivery",
    request_body = EscalationClose, params(Changing<Escalation>), responses(Versioned<Escalation>, ChangeProblems))]
async fn close_escalation(
    State(st): State<AppState>,
    c: Changing<Escalation>,
    body: Body<EscalationClose>,
) -> ApiResult<Response> {
    let current = RecordStore::<Escalation>::get(&*st.store, c.id).await?;
    let grant = allow(&st, &c.subject, Action::Update, &current).await?;
    let done = st
        .store
        .close_escalation(&c.ctx(grant), c.id, c.if_version, body.value, OffsetDateTime::now_utc())
        .await?;
    st.changed(Entity::Escalation);
    respond::record(&done)
}

/// Filters of the escalations.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct EscalationsQuery {
    #[param(value_type = Option<EscalationStatus>)]
    status: Option<String>,
    #[param(value_type = Option<Severity>)]
    severity: Option<String>,
    #[param(value_type = Option<i64>)]
    account_id: Option<String>,
    #[param(value_type = Option<i64>)]
    project_id: Option<String>,
    #[param(value_type = Option<i64>)]
    dri_id: Option<String>,
    /// `true` for those whose update is overdue now only.
    #[param(value_type = Option<bool>)]
    overdue: Option<String>,
    /// `true` for those still running (every status but closed) only.
    #[param(value_type = Option<bool>)]
    open: Option<String>,
}

/// List escalations the caller may read: every one for those who oversee delivery and
/// leadership; a project's for whoever reads the project; an account's for the company's
/// staff (and the managers of partners delivering for it); those the caller is DRI of
#[utoipa::path(get, path = "/api/v1/escalations", tag = "delivery",
    params(EscalationsQuery, PageParams),
    responses((status = 200, body = Page<Escalation>, description = "A page of escalations"), ListProblems))]
async fn list_escalations(
    State(st): State<AppState>,
    Caller(s): Caller,
    query: ListQuery<EscalationsQuery>,
) -> ApiResult<Json<Page<Escalation>>> {
    let (q, mut p, page) = query.split();
    let overdue = p.flag("overdue", q.overdue).unwrap_or(false);
    let filter = EscalationFilter {
        account_id: p.id("account_id", q.account_id),
        project_id: p.id("project_id", q.project_id),
        severity: p.code("severity", q.severity),
        status: p.code("status", q.status),
        dri_id: p.id("dri_id", q.dri_id),
        open_only: p.flag("open", q.open).unwrap_or(false),
        overdue_at: overdue.then(OffsetDateTime::now_utc),
        scope: escalation_scope(&s),
        archived: None,
    };
    p.finish()?;
    Ok(Json(st.store.list(&filter, page).await?))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_escalations, create_escalation))
        .routes(routes!(get_escalation, update_escalation))
        .routes(routes!(timeline, add_update))
        .routes(routes!(move_escalation))
        .routes(routes!(close_escalation))
}
