//! `/api/v1/people`: employees and partner consultants.

use axum::Json;
use axum::extract::State;
use psops_core::page::Page;
use psops_core::people::{Function, Person, PersonFields, PersonFilter, PersonPatch};
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
    tag: "people",
    noun: "person",
    record: Person,
    item: "/api/v1/people/{id}",
    get: get_person => person,
    update: update_person(PersonPatch) => update_person,
    create: create_person(PersonFields) at "/api/v1/people" => create_person,
    archive: archive_person, unarchive_person => archive_person,
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
    Ok(Json(st.store.list_people(&filter, page).await?))
}

pub fn router() -> OpenApiRouter<AppState> {
    record_routes().routes(routes!(list_people))
}
