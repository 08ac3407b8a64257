//! `/api/v1/partners`: partner organisations that deliver on the company's behalf.

use axum::Json;
use axum::extract::State;
use psops_core::page::Page;
use psops_core::partners::{Partner, PartnerFields, PartnerFilter, PartnerPatch};
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
    tag: "partners",
    noun: "partner organisation",
    record: Partner,
    item: "/api/v1/partners/{id}",
    get: get_partner => partner,
    update: update_partner(PartnerPatch) => update_partner,
    create: create_partner(PartnerFields) at "/api/v1/partners" => create_partner,
    archive: archive_partner, unarchive_partner => archive_partner,
}

/// Filters of the partner list.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct PartnersQuery {
    /// Part of the name, any case.
    q: Option<String>,
    /// `true` for archived partners only; active ones when absent or `false`.
    #[param(value_type = Option<bool>)]
    archived: Option<String>,
}

/// List partner organisations.
#[utoipa::path(get, path = "/api/v1/partners", tag = "partners",
    params(PartnersQuery, PageParams),
    responses((status = 200, body = Page<Partner>, description = "A page of partners"), ListProblems))]
async fn list_partners(
    State(st): State<AppState>,
    Caller(subject): Caller,
    query: ListQuery<PartnersQuery>,
) -> ApiResult<Json<Page<Partner>>> {
    let (q, mut p, page) = query.split();
    let filter = PartnerFilter {
        scope: list_scope(&subject, ListKind::Partners),
        q: p.text(q.q),
        archived: p.flag("archived", q.archived),
    };
    p.finish()?;
    Ok(Json(st.store.list_partners(&filter, page).await?))
}

pub fn router() -> OpenApiRouter<AppState> {
    record_routes().routes(routes!(list_partners))
}
