//! `/survey/{token}`: the CSAT survey a customer contact answers without an account. The
//! token in the link is the only authority: whoever holds it may answer once, before it
//! expires. The form is bound to a pre-session like the sign-in form (a cookie, the
//! address it was shown to, signed; a post another site makes is refused), so a page
//! elsewhere cannot answer on a contact's behalf. A used, expired or unknown link gets a
//! page that says so plainly; the answer gets a thank-you page.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use psops_core::Error;
use psops_core::delivery::surveys::{Opened, SurveyAnswer, score_label};
use psops_core::rule::Rule;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::form::Form;
use super::pre_session;
use super::render::{UiError, render};
use super::sign_in::ClientAddr;
use crate::AppState;
use crate::request_id::RequestId;

#[derive(Serialize)]
struct Choice {
    value: i64,
    label: &'static str,
    checked: bool,
}

#[derive(Serialize)]
struct SurveyPage {
    user: Option<()>,
    /// `question`, `thanks`, `answered`, `expired` or `unknown`.
    shown: &'static str,
    project: String,
    name: String,
    token: String,
    csrf: String,
    choices: Vec<Choice>,
    comment: String,
    problem: Option<String>,
}

fn choices(selected: Option<i64>) -> Vec<Choice> {
    (1..=5)
        .map(|v| Choice {
            value: v,
            label: score_label(v),
            checked: selected == Some(v),
        })
        .collect()
}

fn page(status: StatusCode, p: SurveyPage) -> Result<Response, UiError> {
    let mut res = (status, render("survey.html", p)?).into_response();
    // The link is a secret: no cache keeps the page.
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

fn plain(status: StatusCode, shown: &'static str) -> Result<Response, UiError> {
    page(
        status,
        SurveyPage {
            user: None,
            shown,
            project: String::new(),
            name: String::new(),
            token: String::new(),
            csrf: String::new(),
            choices: Vec::new(),
            comment: String::new(),
            problem: None,
        },
    )
}

/// The question, with a fresh pre-session for the form.
async fn question(
    st: &AppState,
    addr: &str,
    token: &str,
    said: (StatusCode, Option<i64>, String, Option<String>),
) -> Result<Response, UiError> {
    let (status, score, comment, problem) = said;
    let opened = st.store.open_survey(token, OffsetDateTime::now_utc()).await?;
    let (survey, project) = match opened {
        Opened::Open { survey, project_name } => (survey, project_name),
        Opened::Answered => return plain(StatusCode::CONFLICT, "answered"),
        Opened::Expired => return plain(StatusCode::GONE, "expired"),
        Opened::Unknown => return plain(StatusCode::NOT_FOUND, "unknown"),
    };
    let issued = pre_session::issue(st, addr).await?;
    let mut res = page(
        status,
        SurveyPage {
            user: None,
            shown: "question",
            project,
            name: survey.to_name,
            token: token.to_string(),
            csrf: issued.token.clone(),
            choices: choices(score),
            comment,
            problem,
        },
    )?;
    pre_session::attach(&mut res, &issued);
    Ok(res)
}

/// `GET /survey/{token}`.
pub async fn show(
    State(st): State<AppState>,
    ClientAddr(addr): ClientAddr,
    Path(token): Path<String>,
) -> Result<Response, UiError> {
    question(&st, &addr, &token, (StatusCode::OK, None, String::new(), None)).await
}

#[derive(Deserialize)]
pub struct AnswerForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    score: String,
    #[serde(default)]
    comment: String,
}

/// `POST /survey/{token}`: `score` (1–5) and `comment`.
pub async fn answer(
    State(st): State<AppState>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    request: Option<axum::Extension<RequestId>>,
    Path(token): Path<String>,
    Form(f): Form<AnswerForm>,
) -> Result<Response, UiError> {
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    if matches!(fetch_site, Some("cross-site" | "same-site")) {
        return Err(UiError::new(
            StatusCode::FORBIDDEN,
            "Answer on the survey page itself",
            "This answer was sent from another site. Open the link from your e-mail and answer there.",
        ));
    }
    pre_session::check(&st, &headers, &addr, &f.csrf).await?;
    let score = f.score.trim().parse::<i64>().ok();
    let comment = f.comment.clone();
    let Some(value) = score else {
        let msg = "Choose how satisfied you are, from 1 (very dissatisfied) to 5 (very satisfied).";
        let said = (StatusCode::UNPROCESSABLE_ENTITY, None, comment, Some(msg.to_string()));
        return question(&st, &addr, &token, said).await;
    };
    let answer = SurveyAnswer {
        score: value,
        comment: Some(f.comment),
    };
    let request_id = request.map(|r| r.0.0.clone());
    match st
        .store
        .answer_survey(&token, answer, request_id, OffsetDateTime::now_utc())
        .await
    {
        Ok(_) => {
            let mut res = plain(StatusCode::OK, "thanks")?;
            res.headers_mut().append(header::SET_COOKIE, pre_session::end(&st.web));
            Ok(res)
        }
        Err(Error::Conflict(e)) if e.rule == Rule::SingleUse => plain(StatusCode::CONFLICT, "answered"),
        Err(Error::Conflict(e)) if e.rule == Rule::Expired => plain(StatusCode::GONE, "expired"),
        Err(Error::NotFound { .. }) => plain(StatusCode::NOT_FOUND, "unknown"),
        Err(Error::Invalid(errors)) => {
            let msg = errors.into_iter().map(|e| e.message).collect::<Vec<_>>().join(" ");
            let said = (StatusCode::UNPROCESSABLE_ENTITY, score, comment, Some(msg));
            question(&st, &addr, &token, said).await
        }
        Err(e) => Err(e.into()),
    }
}
