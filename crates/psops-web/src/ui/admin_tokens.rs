//! `/tokens`: API tokens. Everyone lists, creates and revokes their own; an admin picks
//! any user's. A new token's secret is on the page that answers the create, once: it is
//! not stored and no page shows it again.

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use psops_core::FieldError;
use psops_core::auth::{ApiToken, ApiTokenId, NewApiToken, TokenScope, UserId};
use psops_core::code::Code;
use psops_core::error::Thing;
use psops_core::page::PageRequest;
use psops_core::policy::{Action, Resource};
use psops_core::record::Entity;
use psops_core::rule::Rule;
use serde::Serialize;
use time::{OffsetDateTime, Time};

use super::admin::{Fields, fields, inline, write_ctx};
use super::filters::{Pairs, day, path_id, subject};
use super::layout::{Frame, frame, sees_users};
use super::render::{UiError, render};
use super::session::SignedIn;
use crate::AppState;
use crate::authorize::{Fixed, allow};
use crate::params::Params;
use crate::request_id::RequestId;
use psops_core::credentials::new_api_token;

fn owned_by(owner: UserId) -> Fixed {
    Fixed(Resource::ApiToken { owner }, Thing::Entity(Entity::ApiToken))
}

#[derive(Serialize)]
struct Row {
    id: i64,
    name: String,
    scope: &'static str,
    created: String,
    expires: String,
    last_used: String,
    revoked: bool,
}

#[derive(Serialize)]
struct TokensPage {
    #[serde(flatten)]
    frame: Frame,
    owner: i64,
    mine: bool,
    owner_name: String,
    rows: Vec<Row>,
    users: Vec<(i64, String)>,
    errors: Vec<FieldError>,
    name: String,
    secret: Option<String>,
    notice: Option<&'static str>,
}

fn row(t: &ApiToken, now: OffsetDateTime) -> Row {
    Row {
        id: t.id.get(),
        name: t.name.clone(),
        scope: t.scope.code(),
        created: day(Some(t.created_at.date())),
        expires: day(t.expires_at.map(|d| d.date())),
        last_used: day(t.last_used_at.map(|d| d.date())),
        revoked: !t.is_live(now),
    }
}

struct View {
    status: StatusCode,
    owner: UserId,
    errors: Vec<FieldError>,
    name: String,
    secret: Option<String>,
    notice: Option<&'static str>,
}

async fn page(st: &AppState, me: &SignedIn, v: View) -> Result<Response, UiError> {
    let s = subject(st, me).await?;
    allow(st, &s, Action::Read, &owned_by(v.owner)).await?;
    let owner = st.store.user(v.owner).await?;
    let now = OffsetDateTime::now_utc();
    let tokens = st.store.list_api_tokens(v.owner).await?;
    let users = if sees_users(&s) {
        let all = st
            .store
            .list_users(PageRequest {
                after: None,
                limit: 500,
            })
            .await?;
        all.items.into_iter().map(|u| (u.id.get(), u.name)).collect()
    } else {
        Vec::new()
    };
    let ctx = TokensPage {
        frame: frame(me, &s),
        owner: owner.id.get(),
        mine: owner.id == me.user.id,
        owner_name: owner.name,
        rows: tokens.iter().map(|t| row(t, now)).collect(),
        users,
        errors: v.errors,
        name: v.name,
        secret: v.secret,
        notice: v.notice,
    };
    Ok((v.status, render("tokens.html", ctx)?).into_response())
}

pub async fn list(State(st): State<AppState>, me: SignedIn, p: Pairs) -> Result<Response, UiError> {
    let mut e = Params::new();
    let owner = e.id("user", p.get("user")).unwrap_or(me.user.id);
    let v = View {
        status: StatusCode::OK,
        owner,
        errors: e.into_errors(),
        name: String::new(),
        secret: None,
        notice: p
            .get("done")
            .map(|_| "Token revoked; it fails from the next request on."),
    };
    page(&st, &me, v).await
}

pub async fn create(
    State(st): State<AppState>,
    Extension(request): Extension<RequestId>,
    me: SignedIn,
    form: Fields,
) -> Result<Response, UiError> {
    let p = fields(&me, form)?;
    let s = subject(&st, &me).await?;
    let owner = me.user.id;
    let grant = allow(&st, &s, Action::Create, &owned_by(owner)).await?;
    let mut e = Params::new();
    let scope = e
        .code::<TokenScope>("scope", p.get("scope"))
        .unwrap_or(TokenScope::ReadWrite);
    let expires = e.date("expires", p.get("expires"));
    let today = OffsetDateTime::now_utc().date();
    if expires.is_some_and(|d| d <= today) {
        e.add("expires", Rule::Future, "expires must be a day after today");
    }
    let name = p.text("name");
    let mut errors = e.into_errors();
    if errors.is_empty() {
        let (secret, token_hash) = new_api_token()?;
        let new = NewApiToken {
            user_id: owner,
            name: name.clone(),
            scope,
            token_hash,
            expires_at: expires.map(|d| d.with_time(Time::MIDNIGHT).assume_utc()),
        };
        match st.store.create_api_token(&write_ctx(&me, &request, grant), new).await {
            Ok(token) => {
                let v = View {
                    status: StatusCode::CREATED,
                    owner,
                    errors: Vec::new(),
                    name: String::new(),
                    secret: Some(secret),
                    notice: None,
                };
                tracing::info!(token = token.id.get(), "api token created from the web");
                return page(&st, &me, v).await;
            }
            Err(e) => errors.extend(inline(e)?),
        }
    }
    let v = View {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        owner,
        errors,
        name,
        secret: None,
        notice: None,
    };
    page(&st, &me, v).await
}

pub async fn revoke(
    State(st): State<AppState>,
    Extension(request): Extension<RequestId>,
    me: SignedIn,
    Path(id): Path<String>,
    form: Fields,
) -> Result<Response, UiError> {
    fields(&me, form)?;
    let id = ApiTokenId::new(path_id(&id)?);
    let s = subject(&st, &me).await?;
    let token = st.store.api_token(id).await?;
    let grant = allow(&st, &s, Action::Delete, &owned_by(token.user_id)).await?;
    st.store
        .revoke_api_token(&write_ctx(&me, &request, grant), id, OffsetDateTime::now_utc())
        .await?;
    st.changed(psops_core::record::Entity::ApiToken);
    let back = if token.user_id == me.user.id {
        "/tokens?done=1".to_string()
    } else {
        format!("/tokens?user={}&done=1", token.user_id)
    };
    Ok(Redirect::to(&back).into_response())
}
