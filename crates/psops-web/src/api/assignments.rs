//! `/api/v1/assignments`: people staffed on projects.

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use psops_core::assignments::{Assignment, AssignmentFields, AssignmentFilter, AssignmentPatch};
use psops_core::page::Page;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::record;
use crate::AppState;
use crate::extract::{Caller, Change, CreateHeaders, IdPath, Json as Body, Writer};
use crate::params::{ListQuery, PageParams};
use crate::problem::{ApiResult, ChangeProblems, CreateProblems, ListProblems, ReadProblems};
use crate::respond::{NewRecord, Versioned};
use psops_core::policy::list_scope;
use psops_core::scope::ListKind;
use psops_core::store::Records as _;

/// Read one assignment
#[utoipa::path(get, path = "/api/v1/assignments/{id}", tag = "assignments",
    params(IdPath<Assignment>), responses(Versioned<Assignment>, ReadProblems))]
async fn get_assignment(
    State(st): State<AppState>,
    Caller(s): Caller,
    IdPath(id): IdPath<Assignment>,
) -> ApiResult<Response> {
    record::read(&st, &s, id).await
}

/// Change one assignment: fields left out keep their value, null clears
#[utoipa::path(patch, path = "/api/v1/assignments/{id}", tag = "assignments",
    request_body = AssignmentPatch, params(Change<Assignment>), responses(Versioned<Assignment>, ChangeProblems))]
async fn update_assignment(
    State(st): State<AppState>,
    c: Change<Assignment>,
    body: Body<AssignmentPatch>,
) -> ApiResult<Response> {
    record::update(&st, c, body).await
}

/// Create one assignment
#[utoipa::path(post, path = "/api/v1/assignments", tag = "assignments",
    request_body = AssignmentFields, params(CreateHeaders), responses(NewRecord<Assignment>, CreateProblems))]
async fn create_assignment(State(st): State<AppState>, w: Writer, body: Body<AssignmentFields>) -> ApiResult<Response> {
    record::create(&st, "/api/v1/assignments", w, body).await
}

/// Archive one assignment: kept for history, takes no new work
#[utoipa::path(post, path = "/api/v1/assignments/{id}/archive", tag = "assignments",
    params(Change<Assignment>), responses(Versioned<Assignment>, ChangeProblems))]
async fn archive_assignment(State(st): State<AppState>, c: Change<Assignment>) -> ApiResult<Response> {
    record::archive(&st, c, true).await
}

/// Unarchive one assignment
#[utoipa::path(post, path = "/api/v1/assignments/{id}/unarchive", tag = "assignments",
    params(Change<Assignment>), responses(Versioned<Assignment>, ChangeProblems))]
async fn unarchive_assignment(State(st): State<AppState>, c: Change<Assignment>) -> ApiResult<Response> {
    record::archive(&st, c, false).await
}

/// Filters of the assignment list.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct AssignmentsQuery {
    #[param(value_type = Option<i64>)]
    person_id: Option<String>,
    #[param(value_type = Option<i64>)]
    project_id: Option<String>,
    /// Assignments running on or after this date (YYYY-MM-DD).
    #[param(value_type = Option<String>, format = Date)]
    from: Option<String>,
    /// Assignments running on or before this date (YYYY-MM-DD).
    #[param(value_type = Option<String>, format = Date)]
    to: Option<String>,
    /// `true` for archived assignments only; active ones when absent or `false`.
    #[param(value_type = Option<bool>)]
    archived: Option<String>,
}

/// List assignments.
#[utoipa::path(get, path = "/api/v1/assignments", tag = "assignments",
    params(AssignmentsQuery, PageParams),
    responses((status = 200, body = Page<Assignment>, description = "A page of assignments"),
        ListProblems))]
async fn list_assignments(
    State(st): State<AppState>,
    Caller(subject): Caller,
    query: ListQuery<AssignmentsQuery>,
) -> ApiResult<Json<Page<Assignment>>> {
    let (q, mut p, page) = query.split();
    let filter = AssignmentFilter {
        scope: list_scope(&subject, ListKind::Assignments),
        person_id: p.id("person_id", q.person_id),
        project_id: p.id("project_id", q.project_id),
        from: p.date("from", q.from),
        to: p.date("to", q.to),
        archived: p.flag("archived", q.archived),
    };
    p.finish()?;
    Ok(Json(st.store.list(&filter, page).await?))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_assignments, create_assignment))
        .routes(routes!(get_assignment, update_assignment))
        .routes(routes!(archive_assignment))
        .routes(routes!(unarchive_assignment))
}
