//! `/api/v1/partners`: partner organisations that deliver on the company's behalf.

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use psops_core::page::Page;
use psops_core::partnering::onboarding::PartnerStatus;
use psops_core::partners::{Partner, PartnerFields, PartnerFilter, PartnerPatch};
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

/// Read one partner organisation
#[utoipa::path(get, path = "/api/v1/partners/{id}", tag = "partners",
    params(IdPath<Partner>), responses(Versioned<Partner>, ReadProblems))]
async fn get_partner(
    State(st): State<AppState>,
    Caller(s): Caller,
    IdPath(id): IdPath<Partner>,
) -> ApiResult<Response> {
    record::read(&st, &s, id).await
}

/// Change one partner organisation: fields left out keep their value, null clears
#[utoipa::path(patch, path = "/api/v1/partners/{id}", tag = "partners",
    request_body = PartnerPatch, params(Change<Partner>), responses(Versioned<Partner>, ChangeProblems))]
async fn update_partner(
    State(st): State<AppState>,
    c: Change<Partner>,
    body: Body<PartnerPatch>,
) -> ApiResult<Response> {
    record::update(&st, c, body).await
}

/// Create one partner organisation
#[utoipa::path(post, path = "/api/v1/partners", tag = "partners",
    request_body = PartnerFields, params(CreateHeaders), responses(NewRecord<Partner>, CreateProblems))]
async fn create_partner(State(st): State<AppState>, w: Writer, body: Body<PartnerFields>) -> ApiResult<Response> {
    record::create(&st, "/api/v1/partners", w, body).await
}

/// Archive one partner organisation: kept for history, takes no new work
#[utoipa::path(post, path = "/api/v1/partners/{id}/archive", tag = "partners",
    params(Change<Partner>), responses(Versioned<Partner>, ChangeProblems))]
async fn archive_partner(State(st): State<AppState>, c: Change<Partner>) -> ApiResult<Response> {
    record::archive(&st, c, true).await
}

/// Unarchive one partner organisation
#[utoipa::path(post, path = "/api/v1/partners/{id}/unarchive", tag = "partners",
    params(Change<Partner>), responses(Versioned<Partner>, ChangeProblems))]
async fn unarchive_partner(State(st): State<AppState>, c: Change<Partner>) -> ApiResult<Response> {
    record::archive(&st, c, false).await
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
    /// Only partners of this status.
    #[param(value_type = Option<PartnerStatus>)]
    status: Option<String>,
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
        status: p.code("status", q.status),
    };
    p.finish()?;
    Ok(Json(st.store.list(&filter, page).await?))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_partners, create_partner))
        .routes(routes!(get_partner, update_partner))
        .routes(routes!(archive_partner))
        .routes(routes!(unarchive_partner))
}
