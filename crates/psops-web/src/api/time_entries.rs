//! `/api/v1/time-entries`: time logged by people on projects or internal categories.
//! Every create and change is checked by the entry rules (minutes positive and a multiple
//! of the rounding step, at most 24 h a day per person, the date inside the person's
//! employment and the project's dates, no time on archived projects, a note on
//! non-billable time on a customer project). Draft entries are deleted, not archived.

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use psops_core::page::Page;
use psops_core::time_entries::{
    EntryStatus, InternalCategory, NewTimeEntry, TimeEntry, TimeEntryFilter, TimeEntryPatch,
};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::authorize::{GuardedUpdate as _, allow};
use crate::extract::{Caller, Change, CreateHeaders, IdPath, Json as Body, Writer};
use crate::params::{ListQuery, PageParams};
use crate::problem::{ApiResult, ChangeProblems, CreateProblems, ListProblems, ReadProblems};
use crate::respond::{NewRecord, Versioned, no_content};
use crate::{AppState, respond};
use psops_core::policy::{Action, list_scope};
use psops_core::scope::ListKind;

/// Read one time entry
#[utoipa::path(get, path = "/api/v1/time-entries/{id}", tag = "time-entries",
    params(IdPath<TimeEntry>), responses(Versioned<TimeEntry>, ReadProblems))]
async fn get_time_entry(
    State(st): State<AppState>,
    Caller(s): Caller,
    IdPath(id): IdPath<TimeEntry>,
) -> ApiResult<Response> {
    let found = st.store.time_entry(id).await?;
    allow(&st, &s, Action::Read, &found).await?;
    respond::record(&found)
}

/// Change one time entry: fields left out keep their value, null clears
#[utoipa::path(patch, path = "/api/v1/time-entries/{id}", tag = "time-entries",
    request_body = TimeEntryPatch, params(Change<TimeEntry>), responses(Versioned<TimeEntry>, ChangeProblems))]
async fn update_time_entry(
    State(st): State<AppState>,
    c: Change<TimeEntry>,
    body: Body<TimeEntryPatch>,
) -> ApiResult<Response> {
    let current = st.store.time_entry(c.id).await?;
    let grant = current.allow_update(&st, &c.subject, &body.value).await?;
    let updated = st
        .store
        .update_time_entry(&c.ctx(grant), c.id, c.if_version, body.value)
        .await?;
    respond::record(&updated)
}

/// Create one time entry
#[utoipa::path(post, path = "/api/v1/time-entries", tag = "time-entries",
    request_body = NewTimeEntry, params(CreateHeaders), responses(NewRecord<TimeEntry>, CreateProblems))]
async fn create_time_entry(State(st): State<AppState>, w: Writer, body: Body<NewTimeEntry>) -> ApiResult<Response> {
    let grant = allow(&st, &w.subject, Action::Create, &body.value).await?;
    let ctx = w.for_create(&body, grant);
    respond::created(
        "/api/v1/time-entries",
        st.store.create_time_entry(&ctx, body.value).await?,
    )
}

/// Filters of the time-entry list.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct TimeEntriesQuery {
    #[param(value_type = Option<i64>)]
    person_id: Option<String>,
    #[param(value_type = Option<i64>)]
    project_id: Option<String>,
    /// Entries on the projects of this account.
    #[param(value_type = Option<i64>)]
    account_id: Option<String>,
    #[param(value_type = Option<InternalCategory>)]
    category: Option<String>,
    #[param(value_type = Option<EntryStatus>)]
    status: Option<String>,
    #[param(value_type = Option<bool>)]
    billable: Option<String>,
    /// Entries on or after this date (YYYY-MM-DD).
    #[param(value_type = Option<String>, format = Date)]
    from: Option<String>,
    /// Entries on or before this date (YYYY-MM-DD).
    #[param(value_type = Option<String>, format = Date)]
    to: Option<String>,
}

/// List time entries.
#[utoipa::path(get, path = "/api/v1/time-entries", tag = "time-entries",
    params(TimeEntriesQuery, PageParams),
    responses((status = 200, body = Page<TimeEntry>, description = "A page of time entries"),
        ListProblems))]
async fn list_time_entries(
    State(st): State<AppState>,
    Caller(subject): Caller,
    query: ListQuery<TimeEntriesQuery>,
) -> ApiResult<Json<Page<TimeEntry>>> {
    let (q, mut p, page) = query.split();
    let filter = TimeEntryFilter {
        scope: list_scope(&subject, ListKind::TimeEntries),
        person_id: p.id("person_id", q.person_id),
        project_id: p.id("project_id", q.project_id),
        account_id: p.id("account_id", q.account_id),
        category: p.code("category", q.category),
        status: p.code("status", q.status),
        billable: p.flag("billable", q.billable),
        from: p.date("from", q.from),
        to: p.date("to", q.to),
    };
    p.finish()?;
    Ok(Json(st.store.list_time_entries(&filter, page).await?))
}

/// Delete a draft time entry.
#[utoipa::path(delete, path = "/api/v1/time-entries/{id}", tag = "time-entries",
    params(Change<TimeEntry>),
    responses((status = 204, description = "Deleted"), ChangeProblems))]
async fn delete_time_entry(State(st): State<AppState>, c: Change<TimeEntry>) -> ApiResult<Response> {
    let current = st.store.time_entry(c.id).await?;
    let grant = allow(&st, &c.subject, Action::Delete, &current).await?;
    st.store.delete_time_entry(&c.ctx(grant), c.id, c.if_version).await?;
    Ok(no_content())
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_time_entries, create_time_entry))
        .routes(routes!(get_time_entry, update_time_entry, delete_time_entry))
}
