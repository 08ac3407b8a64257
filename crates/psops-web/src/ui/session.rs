//! Browser sessions: an `HttpOnly`, `SameSite=Lax` cookie holding a random secret whose
//! hash names a session row, so every `psops serve` node shares it. Every state-changing
//! form carries a CSRF token: the session's own once signed in, a double-submit cookie
//! before (the sign-in and setup forms).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use psops_core::auth::User;
use psops_core::sessions::{Session, SessionLimits, Throttle};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use super::render::UiError;
use crate::AppState;

pub const SESSION_COOKIE: &str = "psops_session";
pub const FORM_COOKIE: &str = "psops_form";

/// How the web app runs: cookie security, session lifetimes, sign-in throttling and
/// the time limits of requests.
#[derive(Debug, Clone, Copy, Default)]
pub struct WebConfig {
    /// Mark cookies `Secure`; set when psops is served over TLS.
    pub secure_cookies: bool,
    pub sessions: SessionLimits,
    pub throttle: Throttle,
    pub limits: crate::limits::Limits,
}

pub fn random_secret() -> Result<String, UiError> {
    let mut buf = [0u8; 32];
    getrandom::fill(&mut buf).map_err(UiError::internal)?;
    Ok(hex::encode(buf))
}

pub fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// The value of one cookie from the request.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value; `max_age` 0 deletes the cookie.
pub fn set_cookie(config: &WebConfig, name: &str, value: &str, max_age: i64) -> HeaderValue {
    let secure = if config.secure_cookies { "; Secure" } else { "" };
    let text = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}");
    HeaderValue::from_str(&text).unwrap_or(HeaderValue::from_static("psops_invalid=1; Max-Age=0"))
}

/// Compares secrets in time independent of where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Starts a fresh session for a user: a new secret every time, so an id planted before
/// sign-in is never the one used after it.
pub async fn start(state: &AppState, user: &User) -> Result<(Session, HeaderValue), UiError> {
    let secret = random_secret()?;
    let now = OffsetDateTime::now_utc();
    let session = Session {
        id_hash: hash(&secret),
        user_id: user.id,
        csrf_token: random_secret()?,
        created_at: now,
        last_seen_at: now,
        expires_at: now + state.web.sessions.absolute,
        ended_at: None,
    };
    state.store.create_session(&session).await?;
    let cookie = set_cookie(
        &state.web,
        SESSION_COOKIE,
        &secret,
        state.web.sessions.absolute.whole_seconds(),
    );
    Ok((session, cookie))
}

/// A signed-in person on a page. Pages that need one redirect to the sign-in form.
pub struct SignedIn {
    pub user: User,
    pub session: Session,
    /// The page asked for, so the navigation can mark where the user is.
    pub path: String,
}

impl SignedIn {
    /// Refuses a form whose CSRF token is not this session's.
    pub fn check_csrf(&self, given: &str) -> Result<(), UiError> {
        if same_secret(&self.session.csrf_token, given) {
            Ok(())
        } else {
            Err(UiError::new(
                StatusCode::FORBIDDEN,
                "Form expired",
                "This form is out of date. Reload the page and try again.",
            ))
        }
    }
}

pub struct SignInFirst;

impl IntoResponse for SignInFirst {
    fn into_response(self) -> Response {
        Redirect::to("/sign-in").into_response()
    }
}

/// The live session behind the request's cookie, if any.
pub async fn current(state: &AppState, headers: &HeaderMap) -> Result<Option<SignedIn>, UiError> {
    let Some(secret) = cookie(headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    let now = OffsetDateTime::now_utc();
    let found = state.store.live_session(&hash(secret), now, state.web.sessions).await?;
    Ok(found.map(|(session, user)| SignedIn {
        user,
        session,
        path: String::new(),
    }))
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        match current(state, &parts.headers).await {
            Ok(Some(s)) => Ok(SignedIn {
                path: parts.uri.path().to_string(),
                ..s
            }),
            Ok(None) => Err(SignInFirst.into_response()),
            Err(e) => Err(e.into_response()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_one_cookie_among_many() {
        let mut h = HeaderMap::new();
        h.append(header::COOKIE, HeaderValue::from_static("a=1; psops_session=abc"));
        h.append(header::COOKIE, HeaderValue::from_static("b=2"));
        assert_eq!(cookie(&h, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie(&h, "b"), Some("2"));
        assert_eq!(cookie(&h, "c"), None);
    }

    #[test]
    fn cookies_are_http_only_lax_and_secure_when_asked() {
        let plain = set_cookie(&WebConfig::default(), "x", "v", 60);
        assert_eq!(plain, "x=v; Path=/; HttpOnly; SameSite=Lax; Max-Age=60");
        let tls = WebConfig {
            secure_cookies: true,
            ..Default::default()
        };
        assert!(set_cookie(&tls, "x", "v", 60).to_str().unwrap().ends_with("; Secure"));
    }

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "ab"));
    }
}
