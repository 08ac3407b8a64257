//! `/api/v1/users`: who may sign in, with which roles (admin only), and
//! `/api/v1/tokens`: API tokens — everyone manages their own, admin everyone's.

use axum::Json as JsonOut;
use axum::extract::State;
use axum::http::StatusCode;
use psops_core::auth::{ApiToken, NewApiToken, NewUser, Role, TokenScope, User, UserPatch};
use psops_core::error::Thing;
use psops_core::page::Page;
use psops_core::people::PersonId;
use psops_core::policy::{Action, Resource};
use psops_core::record::Entity;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::authorize::{Fixed, allow};
use crate::extract::{Caller, Change, IdPath, Json, Writer};
use crate::params::{ListQuery, PageParams};
use crate::problem::{ApiResult, ChangeProblems, CreateProblems, ListProblems, ReadProblems};
use psops_core::credentials::{hash_password, new_api_token};

const USERS: Fixed = Fixed(Resource::Users, Thing::Entity(Entity::User));

/// A new user. Without a password the user cannot sign in until one is set
/// (`psops user set-password`); API tokens work either way.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct NewUserBody {
    email: String,
    name: String,
    #[schema(min_items = 1)]
    roles: Vec<Role>,
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    person_id: Option<PersonId>,
    /// At least 12 characters; stored as an argon2id hash.
    #[serde(default)]
    #[schema(min_length = 12)]
    password: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct UsersQuery {}

/// List users (admin).
#[utoipa::path(get, path = "/api/v1/users", tag = "users",
    params(UsersQuery, PageParams),
    responses((status = 200, body = Page<User>, description = "A page of users"), ListProblems))]
async fn list_users(
    State(st): State<AppState>,
    Caller(s): Caller,
    query: ListQuery<UsersQuery>,
) -> ApiResult<JsonOut<Page<User>>> {
    let (_, p, page) = query.split();
    p.finish()?;
    allow(&st, &s, Action::Read, &USERS).await?;
    Ok(JsonOut(st.store.list_users(page).await?))
}

/// Read one user (admin).
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users",
    params(IdPath<User>),
    responses((status = 200, body = User, description = "The user"), ReadProblems))]
async fn get_user(State(st): State<AppState>, Caller(s): Caller, IdPath(id): IdPath<User>) -> ApiResult<JsonOut<User>> {
    allow(&st, &s, Action::Read, &USERS).await?;
    Ok(JsonOut(st.store.user(id).await?))
}

/// Create a user (admin).
#[utoipa::path(post, path = "/api/v1/users", tag = "users",
    request_body = NewUserBody,
    responses((status = 201, body = User, description = "The new user"), CreateProblems))]
async fn create_user(
    State(st): State<AppState>,
    writer: Writer,
    body: Json<NewUserBody>,
) -> ApiResult<(StatusCode, JsonOut<User>)> {
    let grant = allow(&st, &writer.subject, Action::Create, &USERS).await?;
    let b = body.value;
    let password_hash = match b.password {
        Some(pw) => Some(
            tokio::task::spawn_blocking(move || hash_password(&pw))
                .await
                .map_err(psops_core::Error::internal)??,
        ),
        None => None,
    };
    let new = NewUser {
        email: b.email,
        name: b.name,
        roles: b.roles,
        person_id: b.person_id,
        password_hash,
    };
    Ok((
        StatusCode::CREATED,
        JsonOut(st.store.create_user(&writer.ctx(grant), new).await?),
    ))
}

/// Change a user's name, roles, person, or disable them (admin). Disabling ends their
/// sessions and stops their tokens at once.
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "users",
    request_body = UserPatch,
    params(IdPath<User>),
    responses((status = 200, body = User, description = "The user"), ChangeProblems))]
async fn update_user(State(st): State<AppState>, c: Change<User>, body: Json<UserPatch>) -> ApiResult<JsonOut<User>> {
    let grant = allow(&st, &c.subject, Action::Update, &USERS).await?;
    let disable = body.value.disabled == Some(true);
    let user = st.store.update_user(&c.ctx(grant), c.id, body.value).await?;
    st.changed(Entity::User);
    if disable {
        st.store.end_user_sessions(user.id, OffsetDateTime::now_utc()).await?;
    }
    Ok(JsonOut(user))
}

/// A token to create for yourself.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct NewTokenBody {
    name: String,
    #[serde(default = "read_write")]
    scope: TokenScope,
    #[serde(default, with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    expires_at: Option<OffsetDateTime>,
}

fn read_write() -> TokenScope {
    TokenScope::ReadWrite
}

/// A new token and its secret, shown this once.
#[derive(Debug, Serialize, ToSchema)]
struct CreatedToken {
    token: ApiToken,
    /// Send as `Authorization: Bearer <secret>`. It is not stored and cannot be shown again.
    secret: String,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct TokensQuery {}

/// Your API tokens.
#[utoipa::path(get, path = "/api/v1/tokens", tag = "users",
    params(TokensQuery),
    responses((status = 200, body = Vec<ApiToken>, description = "The caller's tokens"), ListProblems))]
async fn list_tokens(State(st): State<AppState>, Caller(s): Caller) -> ApiResult<JsonOut<Vec<ApiToken>>> {
    Ok(JsonOut(st.store.list_api_tokens(s.user_id).await?))
}

/// Create an API token for yourself; the secret is in the response, once.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "users",
    request_body = NewTokenBody,
    responses((status = 201, body = CreatedToken, description = "The token and its secret"), CreateProblems))]
async fn create_token(
    State(st): State<AppState>,
    writer: Writer,
    body: Json<NewTokenBody>,
) -> ApiResult<(StatusCode, JsonOut<CreatedToken>)> {
    let me = writer.subject.user_id;
    let grant = allow(
        &st,
        &writer.subject,
        Action::Create,
        &Fixed(Resource::ApiToken { owner: me }, Thing::Entity(Entity::ApiToken)),
    )
    .await?;
    if writer.subject.read_only && body.value.scope == TokenScope::ReadWrite {
        return Err(psops_core::Error::Forbidden("a read-only token cannot make a read-write one".into()).into());
    }
    let (secret, token_hash) = new_api_token()?;
    let b = body.value;
    let new = NewApiToken {
        user_id: me,
        name: b.name,
        scope: b.scope,
        token_hash,
        expires_at: b.expires_at,
    };
    let token = st.store.create_api_token(&writer.ctx(grant), new).await?;
    Ok((StatusCode::CREATED, JsonOut(CreatedToken { token, secret })))
}

/// Revoke a token: it fails from the next request on.
#[utoipa::path(post, path = "/api/v1/tokens/{id}/revoke", tag = "users",
    params(IdPath<ApiToken>),
    responses((status = 200, body = ApiToken, description = "The revoked token"), ChangeProblems))]
async fn revoke_token(State(st): State<AppState>, c: Change<ApiToken>) -> ApiResult<JsonOut<ApiToken>> {
    let token = st.store.api_token(c.id).await?;
    let grant = allow(
        &st,
        &c.subject,
        Action::Delete,
        &Fixed(
            Resource::ApiToken { owner: token.user_id },
            Thing::Entity(Entity::ApiToken),
        ),
    )
    .await?;
    let revoked = st
        .store
        .revoke_api_token(&c.ctx(grant), c.id, OffsetDateTime::now_utc())
        .await?;
    st.changed(Entity::ApiToken);
    Ok(JsonOut(revoked))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_users, create_user))
        .routes(routes!(get_user, update_user))
        .routes(routes!(list_tokens, create_token))
        .routes(routes!(revoke_token))
}
