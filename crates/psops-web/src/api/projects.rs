//! `/api/v1/projects`: the engagements time, budgets and assignments hang on.

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use psops_core::delivery::lifecycle::ProjectMove;
use psops_core::page::Page;
use psops_core::projects::{
    BillingType, Project, ProjectFields, ProjectFilter, ProjectPatch, ProjectStatus, ProjectType,
};
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

/// Read one project
#[utoipa::path(get, path = "/api/v1/projects/{id}", tag = "projects",
    params(IdPath<Project>), responses(Versioned<Project>, ReadProblems))]
async fn get_project(
    State(st): State<AppState>,
    Caller(s): Caller,
    IdPath(id): IdPath<Project>,
) -> ApiResult<Response> {
    record::read(&st, &s, id).await
}

/// Change one project: fields left out keep their value, null clears
#[utoipa::path(patch, path = "/api/v1/projects/{id}", tag = "projects",
    request_body = ProjectPatch, params(Change<Project>), responses(Versioned<Project>, ChangeProblems))]
async fn update_project(
    State(st): State<AppState>,
    c: Change<Project>,
    body: Body<ProjectPatch>,
) -> ApiResult<Response> {
    record::update(&st, c, body).await
}

/// Create one project
#[utoipa::path(post, path = "/api/v1/projects", tag = "projects",
    request_body = ProjectFields, params(CreateHeaders), responses(NewRecord<Project>, CreateProblems))]
async fn create_project(State(st): State<AppState>, w: Writer, body: Body<ProjectFields>) -> ApiResult<Response> {
    record::create(&st, "/api/v1/projects", w, body).await
}

/// Archive one project: kept for history, takes no new work
#[utoipa::path(post, path = "/api/v1/projects/{id}/archive", tag = "projects",
    params(Change<Project>), responses(Versioned<Project>, ChangeProblems))]
async fn archive_project(State(st): State<AppState>, c: Change<Project>) -> ApiResult<Response> {
    record::archive(&st, c, true).await
}

/// Unarchive one project
#[utoipa::path(post, path = "/api/v1/projects/{id}/unarchive", tag = "projects",
    params(Change<Project>), responses(Versioned<Project>, ChangeProblems))]
async fn unarchive_project(State(st): State<AppState>, c: Change<Project>) -> ApiResult<Response> {
    record::archive(&st, c, false).await
}

/// A project's moves of status and phase, newest first: each dated and by whom
#[utoipa::path(get, path = "/api/v1/projects/{id}/moves", tag = "projects",
    params(IdPath<Project>),
    responses((status = 200, body = Vec<ProjectMove>, description = "The project's moves, newest first"), ReadProblems))]
async fn project_moves(
    State(st): State<AppState>,
    Caller(s): Caller,
    IdPath(id): IdPath<Project>,
) -> ApiResult<Json<Vec<ProjectMove>>> {
    let project: Project = st.store.get(id).await?;
    crate::authorize::allow(&st, &s, psops_core::policy::Action::Read, &project).await?;
    Ok(Json(st.store.project_moves(id).await?))
}

/// Filters of the project list.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct ProjectsQuery {
    #[param(value_type = Option<i64>)]
    account_id: Option<String>,
    #[param(value_type = Option<ProjectStatus>)]
    status: Option<String>,
    #[param(value_type = Option<ProjectType>)]
    project_type: Option<String>,
    #[param(value_type = Option<BillingType>)]
    billing_type: Option<String>,
    #[param(value_type = Option<i64>)]
    project_manager_id: Option<String>,
    #[param(value_type = Option<i64>)]
    partner_id: Option<String>,
    /// Projects running on or after this date (YYYY-MM-DD); open dates always overlap.
    #[param(value_type = Option<String>, format = Date)]
    from: Option<String>,
    /// Projects running on or before this date (YYYY-MM-DD).
    #[param(value_type = Option<String>, format = Date)]
    to: Option<String>,
    /// Part of the name or code, any case.
    q: Option<String>,
    /// `true` for archived projects only; active ones when absent or `false`.
    #[param(value_type = Option<bool>)]
    archived: Option<String>,
}

/// List projects.
#[utoipa::path(get, path = "/api/v1/projects", tag = "projects",
    params(ProjectsQuery, PageParams),
    responses((status = 200, body = Page<Project>, description = "A page of projects"), ListProblems))]
async fn list_projects(
    State(st): State<AppState>,
    Caller(subject): Caller,
    query: ListQuery<ProjectsQuery>,
) -> ApiResult<Json<Page<Project>>> {
    let (q, mut p, page) = query.split();
    let filter = ProjectFilter {
        scope: list_scope(&subject, ListKind::Projects),
        account_id: p.id("account_id", q.account_id),
        status: p.code("status", q.status),
        project_type: p.code("project_type", q.project_type),
        billing_type: p.code("billing_type", q.billing_type),
        project_manager_id: p.id("project_manager_id", q.project_manager_id),
        partner_id: p.id("partner_id", q.partner_id),
        from: p.date("from", q.from),
        to: p.date("to", q.to),
        q: p.text(q.q),
        archived: p.flag("archived", q.archived),
    };
    p.finish()?;
    Ok(Json(st.store.list(&filter, page).await?))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_projects, create_project))
        .routes(routes!(get_project, update_project))
        .routes(routes!(archive_project))
        .routes(routes!(unarchive_project))
        .routes(routes!(project_moves))
}
