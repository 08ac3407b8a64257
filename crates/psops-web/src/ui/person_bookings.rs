//! `/people/{id}/bookings`: one person's coming weeks as staffing sees them — each week
//! coloured by how booked it is (the master planning map's bands and hours), and every
//! hard booking (assignment) and soft one (a request held for them) reaching into the
//! weeks, with its project, role, dates and weekly hours. For the person themself, their
//! manager and those who oversee; the figures are the API's
//! (`/api/v1/people/{id}/bookings`).

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use psops_core::FieldError;
use psops_core::code::Code;
use psops_core::people::PersonId;
use psops_core::plan::Booking;
use psops_core::staffing::store::BookingLine;
use serde::Serialize;
use time::OffsetDateTime;

use super::admin::status_of;
use super::filters::{Pairs, label, span, subject};
use super::layout::{Frame, frame};
use super::render::{UiError, render};
use super::session::SignedIn;
use super::staffing::{bad_params, sees_staffing};
use super::staffing_heatmap::{self as heat, hours};
use crate::AppState;
use crate::api::staffing::{BookingsParams, bookings_readable};

#[derive(Serialize)]
struct Line {
    hard: bool,
    booking: String,
    project_id: i64,
    project: String,
    role: String,
    dates: String,
    per_week: String,
    /// The request a soft booking holds (its page).
    request_id: Option<i64>,
}

fn line(b: &BookingLine) -> Line {
    Line {
        hard: b.booking == Booking::Hard,
        booking: label(b.booking.code()),
        project_id: b.project_id.get(),
        project: b.project_name.clone(),
        role: label(b.role.code()),
        dates: span(Some(b.start_date), b.end_date),
        per_week: hours(b.minutes_per_week),
        request_id: b.request_id.map(|r| r.get()),
    }
}

#[derive(Serialize)]
struct View {
    #[serde(flatten)]
    frame: Frame,
    person_id: i64,
    name: String,
    from: String,
    weeks_asked: String,
    weeks: Vec<heat::Week>,
    cells: Vec<heat::Cell>,
    legend: [(u8, &'static str); 6],
    /// Hours a week booked hard and soft over the weeks shown, and the weeks over-booked.
    hard: String,
    soft: String,
    over: usize,
    lines: Vec<Line>,
    /// Whether the reader sees staffing (the map and request pages are linked).
    staffing: bool,
    errors: Vec<FieldError>,
}

/// `GET /people/{id}/bookings?from=&weeks=`.
pub async fn show(
    State(st): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    p: Pairs,
) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    let person = PersonId::new(id);
    bookings_readable(&st, &s, person).await?;
    let params = BookingsParams {
        from: p.get("from").map(str::to_string),
        weeks: p.get("weeks").map(str::to_string),
    };
    let today = OffsetDateTime::now_utc().date();
    let ((from, count), errors) = match params.span() {
        Ok(span) => (span, Vec::new()),
        Err(e) => ((today, 13), bad_params(e)?),
    };
    let b = st.store.bookings_of(person, from, count).await?;
    let total = |f: fn(&psops_core::staffing::availability::WeekLoad) -> i64| {
        let n = b.loads.len().max(1) as i64;
        hours(b.loads.iter().map(f).sum::<i64>() / n)
    };
    let v = View {
        frame: frame(&me, &s),
        person_id: id,
        name: b.name.clone(),
        from: p.get("from").map_or_else(
            || b.weeks.first().map(|d| d.to_string()).unwrap_or_default(),
            str::to_string,
        ),
        weeks_asked: p.get("weeks").map_or_else(|| count.to_string(), str::to_string),
        weeks: heat::weeks(&b.weeks),
        cells: b.loads.iter().map(heat::cell).collect(),
        legend: heat::LEGEND,
        hard: total(|w| w.hard),
        soft: total(|w| w.soft),
        over: b.loads.iter().filter(|w| w.conflict()).count(),
        lines: b.bookings.iter().map(line).collect(),
        staffing: sees_staffing(&s),
        errors,
    };
    let status = status_of(&v.errors, false);
    Ok((status, render("person_bookings.html", v)?).into_response())
}
