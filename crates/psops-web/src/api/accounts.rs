//! `/api/v1/accounts` (the customers) and their contacts, `/api/v1/accounts/{id}/contacts`
//! and `/api/v1/contacts/{id}`.

use axum::Json;
use axum::extract::State;
use psops_core::accounts::{Account, AccountFields, AccountFilter, AccountPatch};
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
    tag: "accounts",
    noun: "account",
    record: Account,
    item: "/api/v1/accounts/{id}",
    get: get_account => account,
    update: update_account(AccountPatch) => update_account,
    create: create_account(AccountFields) at "/api/v1/accounts" => create_account,
    archive: archive_account, unarchive_account => archive_account,
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
    Ok(Json(st.store.list_accounts(&filter, page).await?))
}

/// Contacts: listed and created under their account, read and changed on their own.
mod contacts {
    use axum::Json;
    use axum::extract::State;
    use axum::response::Response;
    use psops_core::accounts::{Account, Contact, ContactFields, ContactPatch};
    use psops_core::page::Page;
    use serde::Deserialize;
    use utoipa::IntoParams;
    use utoipa_axum::router::OpenApiRouter;
    use utoipa_axum::routes;

    use crate::AppState;
    use crate::extract::{Caller, CreateHeaders, IdPath, Json as Body, Writer};
    use crate::params::{ListQuery, PageParams};
    use crate::problem::{ApiResult, CreateProblems, ListProblems};
    use crate::respond::{NewRecord, created};
    use psops_core::policy::Action;

    record_routes! {
        tag: "accounts",
        noun: "contact",
        record: Contact,
        item: "/api/v1/contacts/{id}",
        get: get_contact => contact,
        update: update_contact(ContactPatch) => update_contact,
        archive: archive_contact, unarchive_contact => archive_contact,
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
        let account_record = st.store.account(account).await?;
        crate::guard::allow(&st, &subject, Action::Read, &account_record).await?;
        Ok(Json(st.store.list_contacts(account, archived, page).await?))
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
        let account_record = st.store.account(account).await?;
        crate::guard::allow(&st, &writer.subject, Action::Update, &account_record).await?;
        let ctx = writer.for_create(&body);
        let contact = st.store.create_contact(&ctx, account, body.value).await?;
        created("/api/v1/contacts", contact)
    }

    pub fn router() -> OpenApiRouter<AppState> {
        record_routes().routes(routes!(list_contacts, create_contact))
    }
}

pub fn router() -> OpenApiRouter<AppState> {
    record_routes().routes(routes!(list_accounts)).merge(contacts::router())
}
