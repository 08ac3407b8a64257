//! `/staffing/requests`: resource requests across every project as ops works them —
//! waiting (open, held by no one), held (soft-booked), filled or cancelled — 50 a page,
//! sorted by urgency, start or project either way, filtered by role, booking and project;
//! each leads to its page with ranked suggestions. The rows are the API's
//! (`/api/v1/staffing/requests`).

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use psops_core::FieldError;
use psops_core::code::Code;
use psops_core::dates::DateRange;
use psops_core::people::Function;
use psops_core::plan::Booking;
use psops_core::projects::Project;
use psops_core::sort::Sorted;
use psops_core::staffing::availability::weekly_minutes;
use psops_core::staffing::store::{RequestOrder, RequestRow, RequestView, RequestsQuery};
use psops_core::store::RecordStore;
use serde::Serialize;

use super::admin::status_of;
use super::filters::{Pairs, label, options, span, subject};
use super::layout::{Frame, frame};
use super::listing::Tab;
use super::render::{UiError, render};
use super::session::SignedIn;
use super::staffing::bad_params;
use super::staffing_heatmap::{self as heat, hours};
use super::table::{self, Col, Column, Pager, col, num};
use crate::AppState;
use crate::api::staffing::{RequestsParams, readable};
use crate::params::Params;

const PATH: &str = "/staffing/requests";

/// A request as the map lists its open ones, and who holds or filled it.
#[derive(Serialize)]
struct Row {
    #[serde(flatten)]
    request: heat::Open,
    person: Option<(i64, String)>,
}

fn row(r: &RequestRow) -> Row {
    let f = &r.request.fields;
    // The weekly load over the dates it covers (its own, else its project's), as the map
    // and the planner count it; a request with neither date shows its stated load only.
    let per_week = match (r.start_date, r.end_date) {
        (Some(start), Some(end)) => DateRange::new(start, end)
            .map(|span| weekly_minutes(f.minutes.0, f.minutes_per_week.map(|m| m.0), span))
            .ok(),
        _ => f.minutes_per_week.map(|m| m.0),
    };
    Row {
        request: heat::Open {
            request_id: r.request.id.get(),
            project_id: f.project_id.get(),
            project: r.project_name.clone(),
            role: label(f.role.code()),
            booking: label(f.booking.code()),
            hard: f.booking == Booking::Hard,
            priority: f.priority,
            dates: span(r.start_date, r.end_date),
            per_week: per_week.map_or_else(|| "—".into(), hours),
        },
        person: f
            .person_id
            .zip(r.person_name.clone())
            .map(|(id, name)| (id.get(), name)),
    }
}

#[derive(Serialize)]
struct View {
    #[serde(flatten)]
    frame: Frame,
    tabs: Vec<Tab>,
    view: &'static str,
    role: String,
    booking: String,
    sort: String,
    dir: String,
    /// The project the list is narrowed to: its id and name.
    project: Option<(i64, String)>,
    roles: Vec<(&'static str, String)>,
    bookings: Vec<(&'static str, String)>,
    columns: Vec<Column>,
    rows: Vec<Row>,
    pager: Pager,
    /// What the held / filled column is called in this view.
    who: &'static str,
    errors: Vec<FieldError>,
}

/// The views as tabs.
const VIEWS: [(RequestView, &str); 4] = [
    (RequestView::Open, "Waiting"),
    (RequestView::Held, "Held soft"),
    (RequestView::Filled, "Filled"),
    (RequestView::Cancelled, "Cancelled"),
];

/// The query the page asks for (the API's rules), with `sort`, `dir` and `page` read as
/// every sorted list reads them; the page's problems beside it.
fn query(p: &Pairs) -> (RequestsQuery, Sorted<RequestOrder>, Vec<FieldError>) {
    let mut e = Params::new();
    let at = table::read::<RequestOrder>(&mut e, p);
    let get = |k: &str| p.get(k).map(str::to_string);
    let params = RequestsParams {
        view: get("view"),
        project_id: get("project_id"),
        role: get("role"),
        booking: get("booking"),
        sort: None,
        dir: None,
        offset: None,
        limit: None,
    };
    let mut errors = e.into_errors();
    let mut q = match params.query() {
        Ok(q) => q,
        Err(err) => {
            errors.extend(bad_params(err).unwrap_or_default());
            RequestsQuery::default()
        }
    };
    q.sort = at.key;
    q.direction = at.direction;
    q.offset = usize::try_from(at.offset()).unwrap_or(usize::MAX);
    q.limit = at.size as usize;
    (q, at, errors)
}

/// `GET /staffing/requests?view=&role=&booking=&project_id=&sort=&dir=&page=`.
pub async fn list(State(st): State<AppState>, me: SignedIn, p: Pairs) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    readable(&st, &s).await?;
    let (q, at, errors) = query(&p);
    let list = st.store.requests(&q).await?;
    let project = match q.project {
        Some(id) => match RecordStore::<Project>::get(&*st.store, id).await {
            Ok(project) => Some((id.get(), project.fields.name)),
            Err(psops_core::Error::NotFound { .. }) => None,
            Err(other) => return Err(other.into()),
        },
        None => None,
    };
    let cols: Vec<Col<RequestOrder>> = vec![
        col("Project", RequestOrder::Project),
        Col {
            label: "Role",
            key: None,
            num: false,
            extra: false,
        },
        Col {
            label: "Booking",
            key: None,
            num: false,
            extra: false,
        },
        num("Priority", RequestOrder::Priority),
        col("Dates", RequestOrder::Start),
        Col {
            label: "h/week",
            key: None,
            num: true,
            extra: false,
        },
    ];
    let v = View {
        frame: frame(&me, &s),
        tabs: table::choice_tabs(PATH, &p, &VIEWS, q.view),
        view: q.view.code(),
        role: p.text("role"),
        booking: p.text("booking"),
        sort: p.text("sort"),
        dir: p.text("dir"),
        project,
        roles: options::<Function>(),
        bookings: options::<Booking>(),
        columns: table::head(PATH, &p, &at, cols),
        rows: list.rows.iter().map(row).collect(),
        pager: table::pager(PATH, &p, &at, list.total as u64),
        who: match q.view {
            RequestView::Held => "Held for",
            RequestView::Filled => "Filled by",
            RequestView::Open | RequestView::Cancelled => "",
        },
        errors,
    };
    let status = status_of(&v.errors, false);
    Ok((status, render("staffing_requests.html", v)?).into_response())
}
