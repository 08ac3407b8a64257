//! `/staffing/plan`: the batch plan of the open, unstaffed requests starting in a window
//! (today and 13 weeks on by default) — the optimizer's figures, each proposed booking
//! with its reasons behind a ticked checkbox, and the requests it leaves open with why.
//! Those who book accept the ticked lines in one go (all or none), then land on the
//! master planning map with the count. Nothing is written until then.

use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use psops_core::error::Thing;
use psops_core::policy::{Action, Resource, Subject};
use psops_core::staffing::store::Accept;
use psops_core::{Error, FieldError};
use serde::Serialize;
use time::OffsetDateTime;

use super::admin::{Fields, fields, write_ctx};
use super::filters::{Pairs, subject};
use super::layout::{Frame, frame};
use super::render::{UiError, render};
use super::session::SignedIn;
use super::staffing::{bad_params, books_staffing};
use super::staffing_plan_view::{Left, PlanLine, Shown, figures, left, line, picks};
use crate::AppState;
use crate::api::staffing::{PlanParams, readable};
use crate::authorize::{Fixed, allow};
use crate::request_id::RequestId;

#[derive(Serialize)]
struct View {
    #[serde(flatten)]
    frame: Frame,
    from: String,
    to: String,
    errors: Vec<FieldError>,
    figures: Option<Shown>,
    lines: Vec<PlanLine>,
    left: Vec<Left>,
    may_book: bool,
}

/// Runs the plan for the window `p` asks and shows it, with `errors` of an accept that
/// was refused above it.
async fn page(
    st: &AppState,
    me: &SignedIn,
    s: &Subject,
    p: &Pairs,
    mut errors: Vec<FieldError>,
    status: StatusCode,
) -> Result<Response, UiError> {
    let params = PlanParams {
        from: p.get("from").map(str::to_string),
        to: p.get("to").map(str::to_string),
        millis: None,
    };
    let (mut from, mut to) = (p.text("from"), p.text("to"));
    let proposal = match params.window() {
        Ok((window, time)) => {
            (from, to) = (window.from.to_string(), window.to.to_string());
            match st.store.plan(window, OffsetDateTime::now_utc().date(), time).await {
                Ok(plan) => Some(plan),
                Err(Error::Invalid(e)) => {
                    errors.extend(e);
                    None
                }
                Err(e) => return Err(e.into()),
            }
        }
        Err(e) => {
            errors.extend(bad_params(e)?);
            None
        }
    };
    let status = if status == StatusCode::OK && !errors.is_empty() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        status
    };
    let v = View {
        frame: frame(me, s),
        from,
        to,
        errors,
        figures: proposal.as_ref().map(|p| figures(&p.figures)),
        lines: proposal.iter().flat_map(|p| p.lines.iter().map(line)).collect(),
        left: proposal.iter().flat_map(|p| p.unfilled.iter().map(left)).collect(),
        may_book: books_staffing(s),
    };
    Ok((status, render("staffing_plan.html", v)?).into_response())
}

/// `GET /staffing/plan?from=YYYY-MM-DD&to=YYYY-MM-DD`.
pub async fn show(State(st): State<AppState>, me: SignedIn, p: Pairs) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    readable(&st, &s).await?;
    page(&st, &me, &s, &p, Vec::new(), StatusCode::OK).await
}

/// `POST /staffing/plan/accept` with `pick=REQUEST_ID:PERSON_ID` for each ticked line
/// (and the window, to show the plan again when refused).
pub async fn accept(
    State(st): State<AppState>,
    Extension(request): Extension<RequestId>,
    me: SignedIn,
    form: Fields,
) -> Result<Response, UiError> {
    let p = fields(&me, form)?;
    let s = subject(&st, &me).await?;
    let grant = allow(&st, &s, Action::Update, &Fixed(Resource::Staffing, Thing::Staffing)).await?;
    let ctx = write_ctx(&me, &request, grant);
    let keys = p.0.iter().filter(|(k, _)| k == "pick").map(|(_, v)| v.as_str());
    let picks = match picks(keys) {
        Ok(picks) => picks,
        Err(e) => return page(&st, &me, &s, &p, vec![e], StatusCode::UNPROCESSABLE_ENTITY).await,
    };
    match st.store.accept(&ctx, &Accept { picks }).await {
        Ok(booked) => Ok(Redirect::to(&format!("/staffing?made={}", booked.len())).into_response()),
        Err(Error::Invalid(errors)) => page(&st, &me, &s, &p, errors, StatusCode::UNPROCESSABLE_ENTITY).await,
        Err(Error::Conflict(f)) => page(&st, &me, &s, &p, vec![f], StatusCode::CONFLICT).await,
        Err(e) => Err(e.into()),
    }
}
