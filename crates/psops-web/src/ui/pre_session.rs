//! Pre-sessions: the forms shown before anyone is signed in — sign-in and first-run setup
//! — carry a token bound to a pre-session (a random secret in an `HttpOnly`,
//! `SameSite=Strict` cookie) and to the address the form was shown to, signed with a key
//! every node shares. Comparing a cookie with a form field is not enough: whoever can
//! plant a cookie (a sibling subdomain, a network on plain HTTP) could pick both and sign
//! a victim into the planter's own account. A planted pre-session is useless here — its
//! token names the planter's address, not the victim's — and a post that the browser
//! marks as coming from another site is refused before anything else.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use hmac::{KeyInit, Mac};
use sha2::Sha256;
use time::OffsetDateTime;

use super::render::UiError;
use super::session::{self, FORM_COOKIE, WebConfig, cookie, same_secret};
use crate::AppState;

/// How long a form shown before sign-in stays good.
const LIFETIME_SECONDS: i64 = 3600;

/// A form's token and the cookie that holds its pre-session.
pub struct Issued {
    pub token: String,
    pub cookie: HeaderValue,
}

async fn key(state: &AppState) -> Result<String, UiError> {
    let fresh = session::random_secret()?;
    Ok(state.store.form_key(&fresh).await?)
}

fn mac(key: &str, pre_session: &str, addr: &str, issued: i64) -> Result<String, UiError> {
    let mut m = <hmac::Hmac<Sha256> as KeyInit>::new_from_slice(key.as_bytes()).map_err(UiError::internal)?;
    for part in ["psops pre-session", pre_session, addr, &issued.to_string()] {
        m.update(part.as_bytes());
        m.update(&[0]);
    }
    Ok(hex::encode(m.finalize().into_bytes()))
}

fn pre_session_cookie(config: &WebConfig, value: &str, max_age: i64) -> HeaderValue {
    let secure = if config.secure_cookies { "; Secure" } else { "" };
    let text = format!("{FORM_COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}");
    HeaderValue::from_str(&text).unwrap_or(HeaderValue::from_static("psops_invalid=1; Max-Age=0"))
}

/// A new pre-session for a form shown to `addr`.
pub async fn issue(state: &AppState, addr: &str) -> Result<Issued, UiError> {
    let pre_session = session::random_secret()?;
    let issued = OffsetDateTime::now_utc().unix_timestamp();
    let token = format!("{issued}.{}", mac(&key(state).await?, &pre_session, addr, issued)?);
    Ok(Issued {
        token,
        cookie: pre_session_cookie(&state.web, &pre_session, LIFETIME_SECONDS),
    })
}

/// The cookie that ends a pre-session (after sign-in).
pub fn end(config: &WebConfig) -> HeaderValue {
    pre_session_cookie(config, "", 0)
}

fn expired() -> UiError {
    UiError::new(
        StatusCode::FORBIDDEN,
        "Form expired",
        "This form is out of date. Reload the page and try again.",
    )
}

/// Lets a form through when it came from this site, with the token of the pre-session in
/// its cookie, shown to this address within the hour.
pub async fn check(state: &AppState, headers: &HeaderMap, addr: &str, given: &str) -> Result<(), UiError> {
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    if matches!(fetch_site, Some("cross-site" | "same-site")) {
        return Err(UiError::new(
            StatusCode::FORBIDDEN,
            "Sign in on psops itself",
            "This form was sent from another site. Open psops and sign in there.",
        ));
    }
    let Some(pre_session) = cookie(headers, FORM_COOKIE).filter(|c| !c.is_empty()) else {
        return Err(expired());
    };
    let Some((issued, sent_mac)) = token_parts(given, OffsetDateTime::now_utc().unix_timestamp()) else {
        return Err(expired());
    };
    let expected = mac(&key(state).await?, pre_session, addr, issued)?;
    if same_secret(&expected, sent_mac) {
        Ok(())
    } else {
        Err(expired())
    }
}

/// A token's issue time and MAC, when it is `issued.mac` and was issued within the
/// lifetime before `now` (or a minute after it, for clocks a little apart). The age is
/// taken without overflow: a token claiming a time near `i64::MIN` is only expired.
pub(crate) fn token_parts(given: &str, now: i64) -> Option<(i64, &str)> {
    let (issued, sent_mac) = given.split_once('.')?;
    let issued = issued.parse::<i64>().ok()?;
    let age = now.checked_sub(issued)?;
    (-60..=LIFETIME_SECONDS).contains(&age).then_some((issued, sent_mac))
}

/// Adds the pre-session's cookie to a response.
pub fn attach(res: &mut axum::response::Response, issued: &Issued) {
    res.headers_mut().append(header::SET_COOKIE, issued.cookie.clone());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_names_the_pre_session_the_address_and_the_time() {
        let a = mac("key", "pre", "10.0.0.1", 100).unwrap();
        assert_eq!(a, mac("key", "pre", "10.0.0.1", 100).unwrap());
        for other in [
            mac("key", "other", "10.0.0.1", 100),
            mac("key", "pre", "10.0.0.2", 100),
            mac("key", "pre", "10.0.0.1", 101),
            mac("other key", "pre", "10.0.0.1", 100),
        ] {
            assert_ne!(a, other.unwrap());
        }
    }

    #[test]
    fn the_cookie_is_strict_and_http_only() {
        let c = pre_session_cookie(&WebConfig::default(), "abc", 60);
        assert_eq!(c, "psops_form=abc; Path=/; HttpOnly; SameSite=Strict; Max-Age=60");
    }
}
