//! `/staffing`: master planning for those who see staffing across the organisation —
//! people × weeks coloured by how booked each week is (hard and soft bookings against
//! capacity, over-booking marked), 50 people a page, filtered by function, region, skill
//! or conflicts; and the open, unstaffed requests beside it, each leading to its page
//! with ranked suggestions. The figures are the API's (`/api/v1/staffing/availability`).

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use psops_core::FieldError;
use psops_core::people::Function;
use psops_core::policy::{Action, Decision, Resource, Subject, decide};
use psops_core::staffing::store::AvailabilityQuery;
use serde::Serialize;
use time::OffsetDateTime;

use super::admin::status_of;
use super::filters::{Pairs, options, subject};
use super::layout::{Frame, frame};
use super::render::{UiError, render};
use super::session::SignedIn;
use super::staffing_heatmap::{self as heat, PAGE};
use super::table::Pager;
use crate::AppState;
use crate::api::staffing::{AvailabilityParams, readable};
use crate::problem::ApiError;

/// Whether the subject sees staffing (and gets it in the navigation).
pub fn sees_staffing(s: &Subject) -> bool {
    decide(s, Action::Read, &Resource::Staffing) == Decision::Allow
}

/// Whether the subject books requests to people (and gets the buttons that do).
pub fn books_staffing(s: &Subject) -> bool {
    decide(s, Action::Update, &Resource::Staffing) == Decision::Allow
}

/// The bad parameters of a page's query, shown beside its form; anything else fails.
pub fn bad_params(e: ApiError) -> Result<Vec<FieldError>, UiError> {
    match e {
        ApiError::Domain(psops_core::Error::Invalid(errors)) => Ok(errors),
        ApiError::Domain(other) => Err(other.into()),
        other => Err(UiError::internal(format!("{other:?}"))),
    }
}

#[derive(Serialize)]
struct Filters {
    from: String,
    weeks: String,
    function: String,
    region: String,
    skill: String,
    conflicts: bool,
}

#[derive(Serialize)]
struct View {
    #[serde(flatten)]
    frame: Frame,
    f: Filters,
    functions: Vec<(&'static str, String)>,
    errors: Vec<FieldError>,
    /// "N bookings made" after accepting a plan.
    made: Option<usize>,
    weeks: Vec<heat::Week>,
    rows: Vec<heat::Row>,
    pager: Pager,
    legend: [(u8, &'static str); 6],
    open: Vec<heat::Open>,
    open_total: usize,
    may_book: bool,
}

/// The query the page asks for, or its problems (the page then shows this week on).
fn query(p: &Pairs) -> Result<AvailabilityQuery, ApiError> {
    let get = |k: &str| p.get(k).map(str::to_string);
    let params = AvailabilityParams {
        from: get("from"),
        weeks: get("weeks"),
        function: get("function"),
        region: get("region"),
        skill: get("skill"),
        conflicts: get("conflicts"),
        offset: get("offset"),
        limit: Some(PAGE.to_string()),
    };
    params.query()
}

/// `GET /staffing?from=&weeks=&function=&region=&skill=&conflicts=1&offset=`.
pub async fn show(State(st): State<AppState>, me: SignedIn, p: Pairs) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    readable(&st, &s).await?;
    let (q, errors) = match query(&p) {
        Ok(q) => (q, Vec::new()),
        Err(e) => (
            AvailabilityQuery {
                limit: PAGE,
                ..Default::default()
            },
            bad_params(e)?,
        ),
    };
    let today = OffsetDateTime::now_utc().date();
    let a = st.store.availability(&q, today).await?;
    let first = a.weeks.first().map(|d| d.to_string()).unwrap_or_default();
    let v = View {
        frame: frame(&me, &s),
        f: Filters {
            from: p.get("from").map_or(first, str::to_string),
            weeks: p.get("weeks").map_or_else(|| a.weeks.len().to_string(), str::to_string),
            function: p.text("function"),
            region: p.text("region"),
            skill: p.text("skill"),
            conflicts: q.conflicts_only,
        },
        functions: options::<Function>()
            .into_iter()
            .filter(|(code, _)| *code != "partner_consultant")
            .collect(),
        made: p.get("made").and_then(|m| m.parse().ok()),
        weeks: heat::weeks(&a.weeks),
        rows: a.people.iter().map(heat::row).collect(),
        pager: heat::pager("/staffing", &p, q.offset, a.total),
        legend: heat::LEGEND,
        open: a.open_requests.iter().map(heat::open).collect(),
        open_total: a.open_total,
        may_book: books_staffing(&s),
        errors,
    };
    let status = status_of(&v.errors, false);
    Ok((status, render("staffing.html", v)?).into_response())
}
