//! `/survey/{token}` and `/training-survey/{token}`: the CSAT survey a customer contact
//! answers about a project, and the one a learner answers about a training class, both
//! without an account. The token in the link is the only authority: whoever holds it may
//! answer once, before it expires. The form is bound to a pre-session like the sign-in
//! form (a cookie, the address it was shown to, signed; a post another site makes is
//! refused), so a page elsewhere cannot answer on someone's behalf. A used, expired or
//! unknown link gets a page that says so plainly; the answer gets a thank-you page. The
//! two surveys differ only in their wording and their store calls (`Kind`).

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use psops_core::Error;
use psops_core::delivery::surveys::{Opened, SurveyAnswer, score_label};
use psops_core::education::class_surveys::OpenedClassSurvey;
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
    /// Where the form posts, before the token.
    path: &'static str,
    heading: String,
    intro: String,
    legend: &'static str,
    thanks: &'static str,
    token: String,
    csrf: String,
    choices: Vec<Choice>,
    comment: String,
    problem: Option<String>,
}

/// Which survey a link is of.
#[derive(Clone, Copy)]
enum Kind {
    /// A closing project's CSAT survey, answered by a customer contact.
    Project,
    /// A completed training class's survey, answered by an attending learner.
    Training,
}

/// What a link leads to, in the page's words.
enum Link {
    Open { heading: String, intro: String },
    Answered,
    Expired,
    Unknown,
}

impl Kind {
    fn path(self) -> &'static str {
        match self {
            Kind::Project => "/survey",
            Kind::Training => "/training-survey",
        }
    }

    fn legend(self) -> &'static str {
        match self {
            Kind::Project => "How satisfied are you with the engagement overall?",
            Kind::Training => "How satisfied are you with the class overall?",
        }
    }

    fn thanks(self) -> &'static str {
        match self {
            Kind::Project => "It helps us do better on the next engagement.",
            Kind::Training => "It helps us make the next class better.",
        }
    }

    async fn open(self, st: &AppState, token: &str) -> Result<Link, UiError> {
        let now = OffsetDateTime::now_utc();
        Ok(match self {
            Kind::Project => match st.store.open_survey(token, now).await? {
                Opened::Open { survey, project_name } => Link::Open {
                    heading: format!("How did we do on {project_name}?"),
                    intro: format!("Thank you, {}, for working with us.", survey.to_name),
                },
                Opened::Answered => Link::Answered,
                Opened::Expired => Link::Expired,
                Opened::Unknown => Link::Unknown,
            },
            Kind::Training => match st.store.open_class_survey(token, now).await? {
                OpenedClassSurvey::Open(v) => {
                    let when = if v.start_date == v.end_date {
                        format!("on {}", v.start_date)
                    } else {
                        format!("from {} to {}", v.start_date, v.end_date)
                    };
                    Link::Open {
                        heading: format!("How was your {} class?", v.course),
                        intro: format!("Thank you, {}, for attending {} {when}.", v.learner, v.course),
                    }
                }
                OpenedClassSurvey::Answered => Link::Answered,
                OpenedClassSurvey::Expired => Link::Expired,
                OpenedClassSurvey::Unknown => Link::Unknown,
            },
        })
    }

    async fn answer(
        self,
        st: &AppState,
        token: &str,
        answer: SurveyAnswer,
        request_id: Option<String>,
    ) -> Result<(), Error> {
        let now = OffsetDateTime::now_utc();
        match self {
            Kind::Project => st.store.answer_survey(token, answer, request_id, now).await.map(drop),
            Kind::Training => st
                .store
                .answer_class_survey(token, answer, request_id, now)
                .await
                .map(drop),
        }
    }
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
    // The link is a secret: no cache keeps the page, no search engine lists it.
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res.headers_mut()
        .insert("x-robots-tag", HeaderValue::from_static("noindex"));
    Ok(res)
}

fn plain(kind: Kind, status: StatusCode, shown: &'static str) -> Result<Response, UiError> {
    page(
        status,
        SurveyPage {
            user: None,
            shown,
            path: kind.path(),
            heading: String::new(),
            intro: String::new(),
            legend: kind.legend(),
            thanks: kind.thanks(),
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
    kind: Kind,
    st: &AppState,
    addr: &str,
    token: &str,
    said: (StatusCode, Option<i64>, String, Option<String>),
) -> Result<Response, UiError> {
    let (status, score, comment, problem) = said;
    let (heading, intro) = match kind.open(st, token).await? {
        Link::Open { heading, intro } => (heading, intro),
        Link::Answered => return plain(kind, StatusCode::CONFLICT, "answered"),
        Link::Expired => return plain(kind, StatusCode::GONE, "expired"),
        Link::Unknown => return plain(kind, StatusCode::NOT_FOUND, "unknown"),
    };
    let issued = pre_session::issue(st, addr).await?;
    let mut res = page(
        status,
        SurveyPage {
            user: None,
            shown: "question",
            path: kind.path(),
            heading,
            intro,
            legend: kind.legend(),
            thanks: kind.thanks(),
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
    question(
        Kind::Project,
        &st,
        &addr,
        &token,
        (StatusCode::OK, None, String::new(), None),
    )
    .await
}

/// `GET /training-survey/{token}`.
pub async fn show_training(
    State(st): State<AppState>,
    ClientAddr(addr): ClientAddr,
    Path(token): Path<String>,
) -> Result<Response, UiError> {
    question(
        Kind::Training,
        &st,
        &addr,
        &token,
        (StatusCode::OK, None, String::new(), None),
    )
    .await
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
    answer_as(Kind::Project, &st, &addr, &headers, request, &token, f).await
}

/// `POST /training-survey/{token}`: `score` (1–5) and `comment`.
pub async fn answer_training(
    State(st): State<AppState>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    request: Option<axum::Extension<RequestId>>,
    Path(token): Path<String>,
    Form(f): Form<AnswerForm>,
) -> Result<Response, UiError> {
    answer_as(Kind::Training, &st, &addr, &headers, request, &token, f).await
}

async fn answer_as(
    kind: Kind,
    st: &AppState,
    addr: &str,
    headers: &HeaderMap,
    request: Option<axum::Extension<RequestId>>,
    token: &str,
    f: AnswerForm,
) -> Result<Response, UiError> {
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    if matches!(fetch_site, Some("cross-site" | "same-site")) {
        return Err(UiError::new(
            StatusCode::FORBIDDEN,
            "Answer on the survey page itself",
            "This answer was sent from another site. Open the link from your e-mail and answer there.",
        ));
    }
    pre_session::check(st, headers, addr, &f.csrf).await?;
    let score = f.score.trim().parse::<i64>().ok();
    let comment = f.comment.clone();
    let Some(value) = score else {
        let msg = "Choose how satisfied you are, from 1 (very dissatisfied) to 5 (very satisfied).";
        let said = (StatusCode::UNPROCESSABLE_ENTITY, None, comment, Some(msg.to_string()));
        return question(kind, st, addr, token, said).await;
    };
    let answer = SurveyAnswer {
        score: value,
        comment: Some(f.comment),
    };
    let request_id = request.map(|r| r.0.0.clone());
    match kind.answer(st, token, answer, request_id).await {
        Ok(()) => {
            let mut res = plain(kind, StatusCode::OK, "thanks")?;
            res.headers_mut().append(header::SET_COOKIE, pre_session::end(&st.web));
            Ok(res)
        }
        Err(Error::Conflict(e)) if e.rule == Rule::SingleUse => plain(kind, StatusCode::CONFLICT, "answered"),
        Err(Error::Conflict(e)) if e.rule == Rule::Expired => plain(kind, StatusCode::GONE, "expired"),
        Err(Error::NotFound { .. }) => plain(kind, StatusCode::NOT_FOUND, "unknown"),
        Err(Error::Invalid(errors)) => {
            let msg = errors.into_iter().map(|e| e.message).collect::<Vec<_>>().join(" ");
            let said = (StatusCode::UNPROCESSABLE_ENTITY, score, comment, Some(msg));
            question(kind, st, addr, token, said).await
        }
        Err(e) => Err(e.into()),
    }
}
