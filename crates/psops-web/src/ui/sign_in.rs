//! Signing in and out. The form is bound to a pre-session (see [`super::pre_session`]);
//! failed sign-ins block an account from the address that failed them and slow the
//! account down everywhere else (see `psops_core::sessions::Throttle`); a successful
//! sign-in always starts a brand-new session.

use std::net::SocketAddr;
use std::sync::OnceLock;

use super::form::Form;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::pre_session;
use super::render::{UiError, render};
use super::session::{self, SESSION_COOKIE, SignedIn, cookie, hash, set_cookie};
use crate::AppState;
use psops_core::credentials::{hash_password, verify_password};

/// The caller's address as the listener saw it, for throttling by address.
pub struct ClientAddr(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let addr = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip().to_string());
        Ok(ClientAddr(addr.unwrap_or_else(|| "unknown".into())))
    }
}

#[derive(Serialize)]
struct SignInPage<'a> {
    csrf: &'a str,
    email: &'a str,
    message: Option<&'a str>,
    user: Option<()>,
}

/// Renders the form with a fresh pre-session for the address it is shown to.
pub async fn form_page(
    state: &AppState,
    addr: &str,
    status: StatusCode,
    email: &str,
    message: Option<&str>,
) -> Result<Response, UiError> {
    let issued = pre_session::issue(state, addr).await?;
    let html = render(
        "sign_in.html",
        SignInPage {
            csrf: &issued.token,
            email,
            message,
            user: None,
        },
    )?;
    let mut res = (status, html).into_response();
    pre_session::attach(&mut res, &issued);
    Ok(res)
}

pub async fn form(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
) -> Result<Response, UiError> {
    if session::current(&state, &headers).await?.is_some() {
        return Ok(Redirect::to("/").into_response());
    }
    form_page(&state, &addr, StatusCode::OK, "", None).await
}

#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

/// A hash to verify against when the account does not exist, so that a wrong e-mail
/// takes as long as a wrong password and reveals nothing.
fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| hash_password("decoy password that never matches").unwrap_or_default())
}

pub async fn submit(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    Form(f): Form<SignInForm>,
) -> Result<Response, UiError> {
    pre_session::check(&state, &headers, &addr, &f.csrf).await?;
    let email = f.email.trim().to_lowercase();
    let now = OffsetDateTime::now_utc();
    let throttle = state.web.throttle;
    let (pair, address, account) = (
        format!("pair:{email}|{addr}"),
        format!("address:{addr}"),
        format!("account:{email}"),
    );
    let since = now - throttle.window;
    let store = &state.store;
    if store.sign_in_failures_since(&pair, since).await? >= throttle.max_failures
        || store.sign_in_failures_since(&address, since).await? >= throttle.max_address_failures()
    {
        let wait = throttle.window.whole_minutes();
        let msg = format!("Too many failed sign-ins from here. Wait {wait} minutes and try again.");
        return form_page(&state, &addr, StatusCode::TOO_MANY_REQUESTS, &email, Some(&msg)).await;
    }
    // Failures from elsewhere only slow this account down: they cannot lock its owner out.
    let backoff = throttle.account_backoff(store.sign_in_failures_since(&account, since).await?);
    if backoff > time::Duration::ZERO && store.sign_in_failures_since(&account, now - backoff).await? > 0 {
        let msg = format!(
            "Too many failed sign-ins for this account. Wait {} seconds and try again.",
            backoff.whole_seconds()
        );
        return form_page(&state, &addr, StatusCode::TOO_MANY_REQUESTS, &email, Some(&msg)).await;
    }
    let user = state
        .store
        .user_by_email(&email)
        .await?
        .filter(|u| u.disabled_at.is_none());
    let stored = match &user {
        Some(u) => state.store.password_hash(u.id).await?,
        None => None,
    };
    let phc = stored.unwrap_or_else(|| decoy_hash().to_string());
    let password = f.password;
    let verified = tokio::task::spawn_blocking(move || verify_password(&password, &phc))
        .await
        .map_err(UiError::internal)?;
    let Some(user) = user.filter(|_| verified) else {
        for s in [&pair, &address, &account] {
            state.store.record_sign_in_failure(s, now).await?;
        }
        return form_page(
            &state,
            &addr,
            StatusCode::UNAUTHORIZED,
            &email,
            Some("The e-mail or the password is wrong."),
        )
        .await;
    };
    signed_in_response(&state, &headers, &user).await
}

/// Ends any session the browser brought, starts a new one and goes home.
pub async fn signed_in_response(
    state: &AppState,
    headers: &HeaderMap,
    user: &psops_core::auth::User,
) -> Result<Response, UiError> {
    if let Some(old) = cookie(headers, SESSION_COOKIE) {
        state.store.end_session(&hash(old), OffsetDateTime::now_utc()).await?;
    }
    let (_, session_cookie) = session::start(state, user).await?;
    let mut res = Redirect::to("/").into_response();
    res.headers_mut().append(header::SET_COOKIE, session_cookie);
    res.headers_mut()
        .append(header::SET_COOKIE, pre_session::end(&state.web));
    Ok(res)
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    pub csrf: String,
}

fn signed_out(state: &AppState) -> Response {
    let mut res = Redirect::to("/sign-in").into_response();
    res.headers_mut()
        .append(header::SET_COOKIE, set_cookie(&state.web, SESSION_COOKIE, "", 0));
    res
}

pub async fn sign_out(
    State(state): State<AppState>,
    me: SignedIn,
    Form(f): Form<CsrfForm>,
) -> Result<Response, UiError> {
    me.check_csrf(&f.csrf)?;
    state
        .store
        .end_session(&me.session.id_hash, OffsetDateTime::now_utc())
        .await?;
    Ok(signed_out(&state))
}

pub async fn sign_out_everywhere(
    State(state): State<AppState>,
    me: SignedIn,
    Form(f): Form<CsrfForm>,
) -> Result<Response, UiError> {
    me.check_csrf(&f.csrf)?;
    state
        .store
        .end_user_sessions(me.user.id, OffsetDateTime::now_utc())
        .await?;
    Ok(signed_out(&state))
}
