//! First-run setup: on a database without users, `psops serve` prints a one-time link
//! to this page, where the first administrator is created. No default password exists.

use super::form::Form;
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use psops_core::auth::{NewUser, Role};
use psops_core::store::WriteCtx;
use psops_core::validate::Checks;
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

use super::page::{UiError, render};
use super::session::{self, FORM_COOKIE, set_cookie};
use super::sign_in::{check_form_token, signed_in_response};
use crate::AppState;
use crate::auth::{hash_password, token_hash};
use crate::request_id::RequestId;

/// How long a setup link works.
pub const SETUP_LINK_LIFETIME: Duration = Duration::hours(24);

/// Makes a one-time setup link when no user exists yet; returns its path.
pub async fn setup_link(state: &AppState) -> psops_core::Result<Option<String>> {
    if state.store.count_users().await? > 0 {
        return Ok(None);
    }
    let (secret, hash) = crate::auth::new_api_token()?;
    let now = OffsetDateTime::now_utc();
    state
        .store
        .create_setup_token(&hash, now, now + SETUP_LINK_LIFETIME)
        .await?;
    Ok(Some(format!("/setup/{secret}")))
}

#[derive(Serialize, Default)]
struct SetupPage {
    token: String,
    csrf: String,
    name: String,
    email: String,
    errors: Vec<String>,
    user: Option<()>,
}

fn page(state: &AppState, status: StatusCode, mut ctx: SetupPage) -> Result<Response, UiError> {
    ctx.csrf = session::random_secret()?;
    let html = render("setup.html", &ctx)?;
    let mut res = (status, html).into_response();
    res.headers_mut()
        .append(header::SET_COOKIE, set_cookie(&state.web, FORM_COOKIE, &ctx.csrf, 3600));
    Ok(res)
}

fn already_set_up() -> UiError {
    UiError::new(
        StatusCode::NOT_FOUND,
        "Setup link used or expired",
        "This setup link was used or has expired. Sign in instead.",
    )
}

pub async fn form(State(state): State<AppState>, Path(token): Path<String>) -> Result<Response, UiError> {
    if state.store.count_users().await? > 0 {
        return Err(already_set_up());
    }
    page(
        &state,
        StatusCode::OK,
        SetupPage {
            token,
            ..Default::default()
        },
    )
}

#[derive(Deserialize)]
pub struct SetupForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

pub async fn submit(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Extension(request): Extension<RequestId>,
    headers: HeaderMap,
    Form(f): Form<SetupForm>,
) -> Result<Response, UiError> {
    check_form_token(&headers, &f.csrf)?;
    let mut c = Checks::new();
    c.text(&f.name, "name", 200).email(f.email.trim(), "email");
    c.check(
        f.password.chars().count() >= 12,
        "password",
        "too_short",
        "password must be at least 12 characters",
    );
    c.check(
        f.password == f.confirm,
        "confirm",
        "matches",
        "the two passwords differ",
    );
    if let Err(psops_core::Error::Invalid(errors)) = c.into_result() {
        let errors = errors.into_iter().map(|e| e.message).collect();
        let ctx = SetupPage {
            token,
            name: f.name,
            email: f.email,
            errors,
            ..Default::default()
        };
        return page(&state, StatusCode::UNPROCESSABLE_ENTITY, ctx);
    }
    let password = f.password;
    let phc = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(UiError::internal)??;
    if !state
        .store
        .use_setup_token(&token_hash(&token), OffsetDateTime::now_utc())
        .await?
    {
        return Err(already_set_up());
    }
    let ctx = WriteCtx {
        user_id: None,
        request_id: Some(request.0),
        idempotency: None,
    };
    let user = state
        .store
        .create_user(
            &ctx,
            NewUser {
                email: f.email.trim().to_string(),
                name: f.name.trim().to_string(),
                roles: vec![Role::Admin],
                person_id: None,
                password_hash: Some(phc),
            },
        )
        .await?;
    signed_in_response(&state, &headers, &user).await
}
