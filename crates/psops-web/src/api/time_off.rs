//! `/api/v1/time-off`: days (or parts) off — PTO, friends-and-family, summit/training,
//! other — kept apart from time entries. A person requests their own; their manager, ops
//! or admin approves or rejects it (with a reason); only approved time off lowers the
//! calendar view of capacity. The owner withdraws a request while it is undecided; an
//! approver cancels decided time off.

use axum::Json as JsonOut;
use axum::extract::State;
use axum::response::Response;
use psops_core::calendars::{NewTimeOff, TimeOffDecision, TimeOffFilter, TimeOffRecord, TimeOffStatus};
use psops_core::capacity::TimeOffKind;
use psops_core::error::Thing;
use psops_core::page::Page;
use psops_core::people::PersonId;
use psops_core::policy::{Action, Decision, Resource, Subject, decide, list_scope};
use psops_core::record::Entity;
use psops_core::scope::ListKind;
use psops_core::store::Created;
use psops_core::{Error, Result};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::authorize::{Guarded, allow};
use crate::extract::{Caller, Change, IdPath, Json, Writer};
use crate::params::{ListQuery, PageParams};
use crate::problem::{ApiResult, ChangeProblems, CreateProblems, ListProblems, ReadProblems};
use crate::respond::{NewRecord, Versioned, created, no_content, record};

const COLLECTION: &str = "/api/v1/time-off";

/// The policy's view of a person's time off; `None` when the person does not exist.
async fn resource_of(st: &AppState, person: PersonId) -> Result<Option<Resource>> {
    match st.store.get(person).await {
        Ok(p) => Ok(Some(Resource::TimeOff {
            person_id: p.id,
            person_partner_id: p.fields.partner_id,
            manager_id: p.fields.manager_id,
        })),
        Err(Error::NotFound { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

impl Guarded for TimeOffRecord {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(Entity::TimeOff), self.id.to_string())
    }
    async fn resource(&self, st: &AppState, _: &Subject) -> Result<Option<Resource>> {
        resource_of(st, self.person_id).await
    }
}

impl Guarded for NewTimeOff {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(Entity::TimeOff), String::new())
    }
    async fn resource(&self, st: &AppState, _: &Subject) -> Result<Option<Resource>> {
        resource_of(st, self.person_id).await
    }
}

/// Filters of the time-off list.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct TimeOffQuery {
    #[param(value_type = Option<i64>)]
    person_id: Option<String>,
    #[param(value_type = Option<TimeOffStatus>)]
    status: Option<String>,
    #[param(value_type = Option<TimeOffKind>)]
    kind: Option<String>,
    /// Days on or after this one (YYYY-MM-DD).
    #[param(value_type = Option<String>, format = Date)]
    from: Option<String>,
    /// Days on or before this one.
    #[param(value_type = Option<String>, format = Date)]
    to: Option<String>,
}

/// List time off: your own, your reports', or everyone's for ops, admin and finance.
#[utoipa::path(get, path = "/api/v1/time-off", tag = "time-off",
    params(TimeOffQuery, PageParams),
    responses((status = 200, body = Page<TimeOffRecord>, description = "A page of time off"), ListProblems))]
async fn list_time_off(
    State(st): State<AppState>,
    Caller(s): Caller,
    query: ListQuery<TimeOffQuery>,
) -> ApiResult<JsonOut<Page<TimeOffRecord>>> {
    let (q, mut p, page) = query.split();
    let filter = TimeOffFilter {
        person_id: p.id("person_id", q.person_id),
        status: p.code("status", q.status),
        kind: p.code("kind", q.kind),
        from: p.date("from", q.from),
        to: p.date("to", q.to),
        scope: list_scope(&s, ListKind::TimeOff),
    };
    p.finish()?;
    Ok(JsonOut(st.store.list_time_off(&filter, page).await?))
}

/// Request time off (for yourself; ops and admin for anyone).
#[utoipa::path(post, path = "/api/v1/time-off", tag = "time-off",
    request_body = NewTimeOff,
    responses(NewRecord<TimeOffRecord>, CreateProblems))]
async fn request_time_off(State(st): State<AppState>, writer: Writer, body: Json<NewTimeOff>) -> ApiResult<Response> {
    let grant = allow(&st, &writer.subject, Action::Create, &body.value).await?;
    created(
        COLLECTION,
        Created::New(st.store.request_time_off(&writer.ctx(grant), body.value).await?),
    )
}

/// Read one request.
#[utoipa::path(get, path = "/api/v1/time-off/{id}", tag = "time-off",
    params(IdPath<TimeOffRecord>),
    responses(Versioned<TimeOffRecord>, ReadProblems))]
async fn get_time_off(
    State(st): State<AppState>,
    Caller(s): Caller,
    IdPath(id): IdPath<TimeOffRecord>,
) -> ApiResult<Response> {
    let found = st.store.time_off(id).await?;
    allow(&st, &s, Action::Read, &found).await?;
    record(&found)
}

/// Withdraw a request (its owner, while undecided) or cancel time off (an approver).
#[utoipa::path(delete, path = "/api/v1/time-off/{id}", tag = "time-off",
    params(Change<TimeOffRecord>),
    responses((status = 204, description = "Deleted"), ChangeProblems))]
async fn delete_time_off(State(st): State<AppState>, c: Change<TimeOffRecord>) -> ApiResult<Response> {
    let current = st.store.time_off(c.id).await?;
    let grant = allow(&st, &c.subject, Action::Delete, &current).await?;
    let approver = match resource_of(&st, current.person_id).await? {
        Some(r) => decide(&c.subject, Action::Approve, &r) == Decision::Allow,
        None => false,
    };
    if current.status != TimeOffStatus::Requested && !approver {
        return Err(Error::Forbidden(
            "decided time off is cancelled by an approver (the person's manager, ops or admin)".into(),
        )
        .into());
    }
    st.store.delete_time_off(&c.ctx(grant), c.id, c.if_version).await?;
    Ok(no_content())
}

/// Approve a request: from now on it lowers the person's calendar capacity.
#[utoipa::path(post, path = "/api/v1/time-off/{id}/approve", tag = "time-off",
    params(Change<TimeOffRecord>),
    responses(Versioned<TimeOffRecord>, ChangeProblems))]
async fn approve_time_off(State(st): State<AppState>, c: Change<TimeOffRecord>) -> ApiResult<Response> {
    let current = st.store.time_off(c.id).await?;
    let grant = allow(&st, &c.subject, Action::Approve, &current).await?;
    record(
        &st.store
            .decide_time_off(&c.ctx(grant), c.id, c.if_version, TimeOffDecision::Approve)
            .await?,
    )
}

/// Why a request is rejected.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct RejectBody {
    /// Required: tells the person what to change.
    reason: String,
}

/// Reject a request, with a reason.
#[utoipa::path(post, path = "/api/v1/time-off/{id}/reject", tag = "time-off",
    request_body = RejectBody,
    params(Change<TimeOffRecord>),
    responses(Versioned<TimeOffRecord>, ChangeProblems))]
async fn reject_time_off(
    State(st): State<AppState>,
    c: Change<TimeOffRecord>,
    body: Json<RejectBody>,
) -> ApiResult<Response> {
    let current = st.store.time_off(c.id).await?;
    let grant = allow(&st, &c.subject, Action::Approve, &current).await?;
    let decision = TimeOffDecision::Reject {
        reason: body.value.reason,
    };
    record(
        &st.store
            .decide_time_off(&c.ctx(grant), c.id, c.if_version, decision)
            .await?,
    )
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_time_off, request_time_off))
        .routes(routes!(get_time_off, delete_time_off))
        .routes(routes!(approve_time_off))
        .routes(routes!(reject_time_off))
}
