//! `/api/v1/accounts`: the customers (their contacts are in `contacts.rs`).

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use psops_core::accounts::{Account, AccountFields, AccountFilter, AccountPatch};
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

/// Read one account
#[utoipa::path(get, path = "/api/v1/accounts/{id}", tag = "accounts",
    params(IdPath<Account>), responses(Versioned<Account>, ReadProblems))]
async fn get_account(
    State(st): State<AppState>,
    Caller(s): Caller,
    IdPath(id): IdPath<Account>,
) -> ApiResult<Response> {
    record::read(&st, &s, id).await
}

/// Change one account: fields left out keep their value, null clears
#[utoipa::path(patch, path = "/api/v1/accounts/{id}", tag = "accounts",
    request_body = AccountPatch, params(Change<Account>), responses(Versioned<Account>, ChangeProblems))]
async fn update_account(
    State(st): State<AppState>,
    c: Change<Account>,
    body: Body<AccountPatch>,
) -> ApiResult<Response> {
    record::update(&st, c, body).await
}

/// Create one account
#[utoipa::path(post, path = "/api/v1/accounts", tag = "accounts",
    request_body = AccountFields, params(CreateHeaders), responses(NewRecord<Account>, CreateProblems))]
async fn create_account(State(st): State<AppState>, w: Writer, body: Body<AccountFields>) -> ApiResult<Response> {
    record::create(&st, "/api/v1/accounts", w, body).await
}

/// Archive one account: kept for history, takes no new work
#[utoipa::path(post, path = "/api/v1/accounts/{id}/archive", tag = "accounts",
    params(Change<Account>), responses(Versioned<Account>, ChangeProblems))]
async fn archive_account(State(st): State<AppState>, c: Change<Account>) -> ApiResult<Response> {
    record::archive(&st, c, true).await
}

/// Unarchive one account
#[utoipa::path(post, path = "/api/v1/accounts/{id}/unarchive", tag = "accounts",
    params(Change<Account>), responses(Versioned<Account>, ChangeProblems))]
async fn unarchive_account(State(st): State<AppState>, c: Change<Account>) -> ApiResult<Response> {
    record::archive(&st, c, false).await
}

/// Filters of the account list.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct AccountsQuery {
    /// Part of the name or code, any case.
    q: Option<String>,
    /// `true` for archived accounts only; active ones when absent or `false`.
    #[param(value_type = Option<bool>)]
    archived: Option<String>,
}

/// List accounts.
#[utoipa::path(get, path = "/api/v1/accounts", tag = "accounts",
    params(AccountsQuery, PageParams),
    responses((status = 200, body = Page<Account>, description = "A page of accounts"), ListProblems))]
async fn list_accounts(
    State(st): State<AppState>,
    Caller(subject): Caller,
    query: ListQuery<AccountsQuery>,
) -> ApiResult<Json<Page<Account>>> {
    let (q, mut p, page) = query.split();
    let filter = AccountFilter {
        scope: list_scope(&subject, ListKind::Accounts),
        q: p.text(q.q),
        archived: p.flag("archived", q.archived),
    };
    p.finish()?;
    Ok(Json(st.store.list(&filter, page).await?))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_accounts, create_account))
        .routes(routes!(get_account, update_account))
        .routes(routes!(archive_account))
        .routes(routes!(unarchive_account))
        .merge(super::contacts::router())
}
