//! `/api/v1/assignments`: people staffed on projects.

use axum::Json;
use axum::extract::State;
use psops_core::assignments::{Assignment, AssignmentFields, AssignmentFilter, AssignmentPatch};
use psops_core::page::Page;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::extract::Caller;
use crate::params::{ListQuery, PageParams};
use crate::problem::{ApiResult, ListProblems};
use psops_core::policy::{ListKind, list_scope};

record_routes! {
    tag: "assignments",
    noun: "assignment",
    record: Assignment,
    item: "/api/v1/assignments/{id}",
    get: get_assignment => assignment,
    update: update_assignment(AssignmentPatch) => update_assignment,
    create: create_assignment(AssignmentFields) at "/api/v1/assignments" => create_assignment,
    archive: archive_assignment, unarchive_assignment => archive_assignment,
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
    Ok(Json(st.store.list_assignments(&filter, page).await?))
}

pub fn router() -> OpenApiRouter<AppState> {
    record_routes().routes(routes!(list_assignments))
}
