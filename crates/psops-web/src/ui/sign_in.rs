//! Signing in and out. Failed sign-ins are throttled per account and per address; a
//! successful one always starts a brand-new session.

use std::net::SocketAddr;
use std::sync::OnceLock;

use super::form::Form;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::render::{UiError, render};
use super::session::{self, FORM_COOKIE, SESSION_COOKIE, SignedIn, cookie, hash, same_secret, set_cookie};
use crate::AppState;
use crate::credentials::{hash_password, verify_password};

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

/// Renders the form with a fresh double-submit token in a cookie and in the form.
pub fn form_page(
    state: &AppState,
    status: StatusCode,
    email: &str,
    message: Option<&str>,
) -> Result<Response, UiError> {
    let token = session::random_secret()?;
    let html = render(
        "sign_in.html",
        SignInPage {
            csrf: &token,
            email,
            message,
            user: None,
        },
    )?;
    let mut res = (status, html).into_response();
    res.headers_mut()
        .append(header::SET_COOKIE, set_cookie(&state.web, FORM_COOKIE, &token, 3600));
    Ok(res)
}

pub async fn form(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, UiError> {
    if session::current(&state, &headers).await?.is_some() {
        return Ok(Redirect::to("/").into_response());
    }
    form_page(&state, StatusCode::OK, "", None)
}

/// Forms shown before sign-in carry the token of the form cookie.
pub fn check_form_token(headers: &HeaderMap, given: &str) -> Result<(), UiError> {
    match cookie(headers, FORM_COOKIE) {
        Some(expected) if !given.is_empty() && same_secret(expected, given) => Ok(()),
        _ => Err(UiError::new(
            StatusCode::FORBIDDEN,
            "Form expired",
            "This form is out of date. Reload the page and try again.",
        )),
    }
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
    check_form_token(&headers, &f.csrf)?;
    let email = f.email.trim().to_lowercase();
    let now = OffsetDateTime::now_utc();
    let subjects = [format!("account:{email}"), format!("address:{addr}")];
    let since = now - state.web.throttle.window;
    for s in &subjects {
        if state.store.sign_in_failures_since(s, since).await? >= state.web.throttle.max_failures {
            let wait = state.web.throttle.window.whole_minutes();
            let msg = format!("Too many failed sign-ins. Wait {wait} minutes and try again.");
            return form_page(&state, StatusCode::TOO_MANY_REQUESTS, &email, Some(&msg));
        }
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
        for s in &subjects {
            state.store.record_sign_in_failure(s, now).await?;
        }
        return form_page(
            &state,
            StatusCode::UNAUTHORIZED,
            &email,
            Some("The e-mail or the password is wrong."),
        );
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
        .append(header::SET_COOKIE, set_cookie(&state.web, FORM_COOKIE, "", 0));
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
