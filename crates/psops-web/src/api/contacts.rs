//! Contacts: listed and created under their account (`/api/v1/accounts/{id}/contacts`),
//! read and changed on their own (`/api/v1/contacts/{id}`).

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use psops_core::accounts::{Account, Contact, ContactFields, ContactFilter, ContactPatch, NewContact};
use psops_core::page::Page;
use psops_core::policy::Action;
use psops_core::store::{RecordStore, Records as _};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::record;
use crate::AppState;
use crate::authorize::allow;
use crate::extract::{Caller, Change, CreateHeaders, IdPath, Json as Body, Writer};
use crate::params::{ListQuery, PageParams};
use crate::problem::{ApiResult, ChangeProblems, CreateProblems, ListProblems, ReadProblems};
use crate::respond::{NewRecord, Versioned, created};

/// Read one contact
#[utoipa::path(get, path = "/api/v1/contacts/{id}", tag = "accounts",
    params(IdPath<Contact>), responses(Versioned<Contact>, ReadProblems))]
async fn get_contact(
    State(st): State<AppState>,
    Caller(s): Caller,
    IdPath(id): IdPath<Contact>,
) -> ApiResult<Response> {
    record::read(&st, &s, id).await
}

/// Change one contact: fields left out keep their value, null clears
#[utoipa::path(patch, path = "/api/v1/contacts/{id}", tag = "accounts",
    request_body = ContactPatch, params(Change<Contact>), responses(Versioned<Contact>, ChangeProblems))]
async fn update_contact(
    State(st): State<AppState>,
    c: Change<Contact>,
    body: Body<ContactPatch>,
) -> ApiResult<Response> {
    record::update(&st, c, body).await
}

/// Archive one contact: kept for history, takes no new work
#[utoipa::path(post, path = "/api/v1/contacts/{id}/archive", tag = "accounts",
    params(Change<Contact>), responses(Versioned<Contact>, ChangeProblems))]
async fn archive_contact(State(st): State<AppState>, c: Change<Contact>) -> ApiResult<Response> {
    record::archive(&st, c, true).await
}

/// Unarchive one contact
#[utoipa::path(post, path = "/api/v1/contacts/{id}/unarchive", tag = "accounts",
    params(Change<Contact>), responses(Versioned<Contact>, ChangeProblems))]
async fn unarchive_contact(State(st): State<AppState>, c: Change<Contact>) -> ApiResult<Response> {
    record::archive(&st, c, false).await
}

/// Filters of an account's contact list.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct ContactsQuery {
    /// `true` for archived contacts only; active ones when absent or `false`.
    #[param(value_type = Option<bool>)]
    archived: Option<String>,
}

/// List an account's contacts.
#[utoipa::path(get, path = "/api/v1/accounts/{id}/contacts", tag = "accounts",
    params(IdPath<Account>, ContactsQuery, PageParams),
    responses((status = 200, body = Page<Contact>, description = "A page of contacts"),
        ListProblems))]
async fn list_contacts(
    State(st): State<AppState>,
    Caller(subject): Caller,
    IdPath(account): IdPath<Account>,
    query: ListQuery<ContactsQuery>,
) -> ApiResult<Json<Page<Contact>>> {
    let (q, mut p, page) = query.split();
    let archived = p.flag("archived", q.archived);
    p.finish()?;
    // An unknown or hidden account is a 404, not an empty list.
    let account_record = st.store.get(account).await?;
    allow(&st, &subject, Action::Read, &account_record).await?;
    let filter = ContactFilter {
        account_id: account,
        archived,
    };
    Ok(Json(st.store.list(&filter, page).await?))
}

/// Add a contact to an account.
#[utoipa::path(post, path = "/api/v1/accounts/{id}/contacts", tag = "accounts",
    request_body = ContactFields,
    params(IdPath<Account>, CreateHeaders),
    responses(NewRecord<Contact>, CreateProblems))]
async fn create_contact(
    State(st): State<AppState>,
    IdPath(account): IdPath<Account>,
    writer: Writer,
    body: Body<ContactFields>,
) -> ApiResult<Response> {
    // Contacts belong to their account: adding one is changing the account.
    let account_record = RecordStore::<Account>::get(&*st.store, account).await?;
    let grant = allow(&st, &writer.subject, Action::Update, &account_record).await?;
    let ctx = writer.for_create(&body, grant);
    let new = NewContact {
        account_id: account,
        fields: body.value,
    };
    created("/api/v1/contacts", st.store.create(&ctx, new).await?)
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_contacts, create_contact))
        .routes(routes!(get_contact, update_contact))
        .routes(routes!(archive_contact))
        .routes(routes!(unarchive_contact))
}
