//! `/verify`: the public check of a certificate by its number, without a sign-in. It
//! shows the holder's name, the certification, its status and expiry — nothing else. A
//! number no certificate has, or text that cannot be one, gets the same plain answer, so
//! the page tells nothing about which numbers exist; numbers are random (see
//! `psops_core::certifications::certificates`), so they cannot be walked through.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use psops_core::certifications::PublicCertificate;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::render::{UiError, render};
use crate::AppState;

#[derive(Serialize)]
struct VerifyPage {
    user: Option<()>,
    typed: String,
    asked: bool,
    found: Option<PublicCertificate>,
    status: &'static str,
}

#[derive(Deserialize)]
pub struct Asked {
    number: Option<String>,
}

async fn answer(st: &AppState, typed: Option<String>) -> Result<Response, UiError> {
    // Long input is cut before it is looked at; a number is 18 characters.
    let typed: String = typed.unwrap_or_default().chars().take(40).collect();
    let asked = !typed.trim().is_empty();
    let found = if asked {
        let today = OffsetDateTime::now_utc().date();
        st.store.verify_certificate(&typed, today).await?
    } else {
        None
    };
    let status = match found.as_ref().map(|f| f.status) {
        Some(psops_core::certifications::CertificateStatus::Active) => "Valid",
        Some(psops_core::certifications::CertificateStatus::Expired) => "Expired",
        Some(psops_core::certifications::CertificateStatus::Revoked) => "Revoked",
        None => "",
    };
    let code = if asked && found.is_none() {
        StatusCode::NOT_FOUND
    } else {
        StatusCode::OK
    };
    let page = VerifyPage {
        user: None,
        typed,
        asked,
        found,
        status,
    };
    let mut res = (code, render("verify.html", page)?).into_response();
    // A certificate's standing changes (it expires, it is revoked): nothing keeps an old answer.
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res.headers_mut()
        .insert("x-robots-tag", HeaderValue::from_static("noindex"));
    Ok(res)
}

/// `GET /verify[?number=…]`: the form, and the answer for a number typed into it.
pub async fn form(State(st): State<AppState>, Query(q): Query<Asked>) -> Result<Response, UiError> {
    answer(&st, q.number).await
}

/// `GET /verify/{number}`: the answer for a number in a link (as printed on a certificate).
pub async fn show(State(st): State<AppState>, Path(number): Path<String>) -> Result<Response, UiError> {
    answer(&st, Some(number)).await
}
