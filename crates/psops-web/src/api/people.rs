//! `/api/v1/people`: employees and partner consultants.

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use psops_core::page::Page;
use psops_core::people::{Function, Person, PersonFields, PersonFilter, PersonPatch};
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

/// Read one person
#[utoipa::path(get, path = "/api/v1/people/{id}", tag = "people",
    params(IdPath<Person>), responses(Versioned<Person>, ReadProblems))]
async fn get_person(State(st): State<AppState>, Caller(s): Caller, IdPath(id): IdPath<Person>) -> ApiResult<Response> {
    record::read(&st, &s, id).await
}

/// Change one person: fields left out keep their value, null clears
#[utoipa::path(patch, path = "/api/v1/people/{id}", tag = "people",
    request_body = PersonPatch, params(Change<Person>), responses(Versioned<Person>, ChangeProblems))]
async fn update_person(State(st): State<AppState>, c: Change<Person>, body: Body<PersonPatch>) -> ApiResult<Response> {
    record::update(&st, c, body).await
}

/// Create one person
#[utoipa::path(post, path = "/api/v1/people", tag = "people",
    request_body = PersonFields, params(CreateHeaders), responses(NewRecord<Person>, CreateProblems))]
async fn create_person(State(st): State<AppState>, w: Writer, body: Body<PersonFields>) -> ApiResult<Response> {
    record::create(&st, "/api/v1/people", w, body).await
}

/// Archive one person: kept for history, takes no new work
#[utoipa::path(post, path = "/api/v1/people/{id}/archive", tag = "people",
    params(Change<Person>), responses(Versioned<Person>, ChangeProblems))]
async fn archive_person(State(st): State<AppState>, c: Change<Person>) -> ApiResult<Response> {
    record::archive(&st, c, true).await
}

/// Unarchive one person
#[utoipa::path(post, path = "/api/v1/people/{id}/unarchive", tag = "people",
    params(Change<Person>), responses(Versioned<Person>, ChangeProblems))]
async fn unarchive_person(State(st): State<AppState>, c: Change<Person>) -> ApiResult<Response> {
    record::archive(&st, c, false).await
}

/// Filters of the people list.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct PeopleQuery {
    #[param(value_type = Option<Function>)]
    function: Option<String>,
    region: Option<String>,
    #[param(value_type = Option<i64>)]
    manager_id: Option<String>,
    /// People employed by this partner organisation.
    #[param(value_type = Option<i64>)]
    partner_id: Option<String>,
    /// Part of the name or e-mail, any case.
    q: Option<String>,
    /// `true` for archived people only; active ones when absent or `false`.
    #[param(value_type = Option<bool>)]
    archived: Option<String>,
}

/// List people.
#[utoipa::path(get, path = "/api/v1/people", tag = "people",
    params(PeopleQuery, PageParams),
    responses((status = 200, body = Page<Person>, description = "A page of people"), ListProblems))]
async fn list_people(
    State(st): State<AppState>,
    Caller(subject): Caller,
    query: ListQuery<PeopleQuery>,
) -> ApiResult<Json<Page<Person>>> {
    let (q, mut p, page) = query.split();
    let filter = PersonFilter {
        scope: list_scope(&subject, ListKind::People),
        function: p.code("function", q.function),
        region: p.text(q.region),
        manager_id: p.id("manager_id", q.manager_id),
        partner_id: p.id("partner_id", q.partner_id),
        q: p.text(q.q),
        archived: p.flag("archived", q.archived),
    };
    p.finish()?;
    Ok(Json(st.store.list(&filter, page).await?))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_people, create_person))
        .routes(routes!(get_person, update_person))
        .routes(routes!(archive_person))
        .routes(routes!(unarchive_person))
}
