//! Staffing: `/api/v1/resource-requests/{id}/suggestions` (who fits a request, ranked,
//! with reasons), `/book` and `/release` (soft or hard booking), and
//! `/api/v1/staffing/availability` (people × weeks: the master planning view).
//! Read by those who oversee delivery and project managers; booked by ops, practice
//! managers and administrators; the company's people's free hours are never shown to a
//! partner's people.

use axum::Json;
use axum::extract::State;
use psops_core::error::Thing;
use psops_core::people::{Function, PersonId};
use psops_core::plan::{ResourceRequest, ResourceRequestId};
use psops_core::policy::{Action, Grant, Resource, Subject};
use psops_core::rule::Rule;
use psops_core::staffing::availability::MAX_WEEKS;
use psops_core::staffing::forecast::{ForecastGroup, UtilizationForecast};
use psops_core::staffing::planner::{Proposal, Window};
use psops_core::staffing::store::{
    Accept, Availability, AvailabilityQuery, BookRequest, Booked, ForecastQuery, PersonBookings, RequestOrder,
    RequestView, Requests, RequestsQuery,
};
use psops_core::staffing::suggest::Suggestions;
use psops_core::store::RecordStore;
use serde::Deserialize;
use std::time::Duration;
use time::{Date, OffsetDateTime};
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::authorize::{Fixed, allow};
use crate::extract::{Caller, IdPath, Json as Body, Writer};
use crate::params::{Params, Query};
use crate::problem::{ApiResult, ChangeProblems, CreateProblems, ListProblems, ReadProblems};

fn today() -> Date {
    OffsetDateTime::now_utc().date()
}

fn staffing() -> Fixed {
    Fixed(Resource::Staffing, Thing::Staffing)
}

/// Refuses whoever may not see staffing across the organisation.
pub async fn readable(st: &AppState, s: &Subject) -> psops_core::Result<Grant> {
    allow(st, s, Action::Read, &staffing()).await
}

/// The suggestions for a request, for whoever may see staffing and read the request.
pub async fn suggestions(st: &AppState, s: &Subject, id: ResourceRequestId) -> psops_core::Result<Suggestions> {
    let request: ResourceRequest = RecordStore::<ResourceRequest>::get(&*st.store, id).await?;
    allow(st, s, Action::Read, &request).await?;
    readable(st, s).await?;
    st.store.suggestions(id, today()).await
}

/// Rank who could take a resource request over its dates (else its project's). Everyone
/// of its role is checked — role, required skills at their level, certifications valid
/// through the end, region, time zone, employment, and room beside their hard bookings
/// every week — and those who pass are ranked by a fit score in [0, 1] (in thousandths)
/// from weighted parts: skills, desired skills, time-zone overlap, continuity with the
/// account, availability once soft bookings count, the effect on billable utilization
/// against target, growth areas and tenure. Each comes with the checks, the parts, the
/// utilization effect and why it ranks below the one above. The company's own people
/// first (at most 50 listed); vetted partner consultants after, put forward only when no
/// one internal can take it
#[utoipa::path(get, path = "/api/v1/resource-requests/{id}/suggestions", tag = "staffing",
    params(IdPath<ResourceRequest>),
    responses((status = 200, body = Suggestions, description = "The request's suggestions"), ReadProblems))]
async fn get_suggestions(
    State(st): State<AppState>,
    Caller(s): Caller,
    IdPath(id): IdPath<ResourceRequest>,
) -> ApiResult<Json<Suggestions>> {
    Ok(Json(suggestions(&st, &s, id).await?))
}

/// Book an open request to someone. Soft (a soft booking): the request stays open, held
/// for them, and counts against their availability apart from hard bookings. Hard: their
/// assignment is made over the request's dates at its weekly load and the request is
/// filled, in one transaction. `booking` defaults to the request's own. Refused (409,
/// rule `invalid_transition`) for a filled or cancelled request; (422, rule
/// `employment`) for someone not employed over its dates
#[utoipa::path(post, path = "/api/v1/resource-requests/{id}/book", tag = "staffing",
    request_body = BookRequest, params(IdPath<ResourceRequest>),
    responses((status = 200, body = Booked, description = "Booked"), ChangeProblems))]
async fn book(
    State(st): State<AppState>,
    IdPath(id): IdPath<ResourceRequest>,
    w: Writer,
    body: Body<BookRequest>,
) -> ApiResult<Json<Booked>> {
    let _: ResourceRequest = RecordStore::<ResourceRequest>::get(&*st.store, id).await?;
    let ctx = w.ctx(allow(&st, &w.subject, Action::Update, &staffing()).await?);
    Ok(Json(st.store.book(&ctx, id, &body.value).await?))
}

/// Let go of a soft hold: the request is open for anyone again. Refused (409, rule
/// `invalid_transition`) when nobody holds it or it is no longer open
#[utoipa::path(post, path = "/api/v1/resource-requests/{id}/release", tag = "staffing",
    params(IdPath<ResourceRequest>),
    responses((status = 200, body = ResourceRequest, description = "Released"), ChangeProblems))]
async fn release(
    State(st): State<AppState>,
    IdPath(id): IdPath<ResourceRequest>,
    w: Writer,
) -> ApiResult<Json<ResourceRequest>> {
    let _: ResourceRequest = RecordStore::<ResourceRequest>::get(&*st.store, id).await?;
    let ctx = w.ctx(allow(&st, &w.subject, Action::Update, &staffing()).await?);
    Ok(Json(st.store.release(&ctx, id).await?))
}

/// At most this many people a page of the master planning view.
pub const MAX_PEOPLE: usize = 200;

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AvailabilityParams {
    /// A day of the first week shown (`YYYY-MM-DD`); this week when absent.
    #[param(value_type = Option<String>, format = Date)]
    pub from: Option<String>,
    /// How many weeks, 1 to 53; 26 when absent.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 53)]
    pub weeks: Option<String>,
    /// Only people of this function.
    #[param(value_type = Option<Function>)]
    pub function: Option<String>,
    pub region: Option<String>,
    /// Only people with this skill, at any level.
    pub skill: Option<String>,
    /// `true` for only people booked beyond capacity in some week.
    #[param(value_type = Option<bool>)]
    pub conflicts: Option<String>,
    /// People to skip, from 0; 0 when absent.
    #[param(value_type = Option<u32>, minimum = 0, maximum = 1000000)]
    pub offset: Option<String>,
    /// People a page, 1 to 200; 50 when absent.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    pub limit: Option<String>,
}

fn whole(p: &mut Params, name: &str, v: Option<String>, range: std::ops::RangeInclusive<usize>) -> Option<usize> {
    let v = v.filter(|v| !v.is_empty())?;
    match v.parse::<usize>().ok().filter(|n| range.contains(n)) {
        Some(n) => Some(n),
        None => {
            p.add(
                name,
                Rule::Range,
                format!(
                    "{name} must be a whole number from {} to {}",
                    range.start(),
                    range.end()
                ),
            );
            None
        }
    }
}

impl AvailabilityParams {
    /// The query asked for, or every problem with it.
    pub fn query(self) -> ApiResult<AvailabilityQuery> {
        let mut p = Params::new();
        let q = AvailabilityQuery {
            from: p.date("from", self.from.filter(|f| !f.is_empty())),
            weeks: whole(&mut p, "weeks", self.weeks, 1..=MAX_WEEKS),
            function: p.code("function", self.function.filter(|f| !f.is_empty())),
            region: p.text(self.region),
            skill: p.text(self.skill),
            conflicts_only: p.flag("conflicts", self.conflicts).unwrap_or(false),
            offset: whole(&mut p, "offset", self.offset, 0..=1_000_000).unwrap_or(0),
            limit: whole(&mut p, "limit", self.limit, 1..=MAX_PEOPLE).unwrap_or(50),
        };
        p.finish()?;
        Ok(q)
    }
}

/// People × weeks — the master planning view: each person's capacity (the contracted
/// week: FTE × weekdays while employed) and what the calendar leaves of it (holidays and
/// time off taken off), hard bookings (assignments) and soft bookings (soft
/// requests held by them) week by week, with the weeks booked beyond capacity counted as
/// conflicts; by name, a page at a time; and the open, unstaffed requests reaching into
/// the weeks (most urgent first, at most 50). Partners' consultants are not on it
#[utoipa::path(get, path = "/api/v1/staffing/availability", tag = "staffing",
    params(AvailabilityParams),
    responses((status = 200, body = Availability, description = "People × weeks"), ListProblems))]
async fn get_availability(
    State(st): State<AppState>,
    Caller(s): Caller,
    Query(q): Query<AvailabilityParams>,
) -> ApiResult<Json<Availability>> {
    readable(&st, &s).await?;
    let q = q.query()?;
    Ok(Json(st.store.availability(&q, today()).await?))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PlanParams {
    /// Plan the requests starting from this day (`YYYY-MM-DD`); today when absent.
    #[param(value_type = Option<String>, format = Date)]
    pub from: Option<String>,
    /// …to this day; 13 weeks after `from` when absent. At most a year after `from`.
    #[param(value_type = Option<String>, format = Date)]
    pub to: Option<String>,
    /// The optimizer's time budget in milliseconds, 100 to 10000; 1000 when absent.
    #[param(value_type = Option<u32>, minimum = 100, maximum = 10000)]
    pub millis: Option<String>,
}

impl PlanParams {
    /// The window and time budget asked for, or every problem with them.
    pub fn window(self) -> ApiResult<(Window, Duration)> {
        let mut p = Params::new();
        let from = p
            .date("from", self.from.filter(|f| !f.is_empty()))
            .unwrap_or_else(today);
        let to = p
            .date("to", self.to.filter(|t| !t.is_empty()))
            .unwrap_or(from + time::Duration::weeks(13));
        let millis = whole(&mut p, "millis", self.millis, 100..=10_000).unwrap_or(1_000);
        p.finish()?;
        Ok((Window { from, to }, Duration::from_millis(millis as u64)))
    }
}

/// The batch staffing plan: every open, unstaffed request starting in the window, filled
/// together from the people who pass its checks — hard requests first, then fit weighted
/// by priority and hours, less a charge for every hour that takes someone beyond their
/// billable target — without exceeding anyone's weekly capacity; existing bookings stay.
/// Nothing is written: accept the lines wanted. Each line says why its person; each
/// request left open says why; the figures give hard fill, hours filled, the mean
/// distance from target before and after, and the optimizer's proven bound
#[utoipa::path(get, path = "/api/v1/staffing/plan", tag = "staffing",
    params(PlanParams),
    responses((status = 200, body = Proposal, description = "The proposed plan"), ListProblems))]
async fn get_plan(
    State(st): State<AppState>,
    Caller(s): Caller,
    Query(q): Query<PlanParams>,
) -> ApiResult<Json<Proposal>> {
    readable(&st, &s).await?;
    let (window, time) = q.window()?;
    Ok(Json(st.store.plan(window, today(), time).await?))
}

/// Accept a plan's lines, whole or in part: each pick is booked at its request's
/// firmness (soft holds it; hard makes the assignment and fills the request), all in one
/// transaction or none. 1 to 2,000 picks; a refusal names the pick (`picks[3].status`)
#[utoipa::path(post, path = "/api/v1/staffing/plan/accept", tag = "staffing",
    request_body = Accept,
    responses((status = 200, body = Vec<Booked>, description = "Booked, in the picks' order"), CreateProblems))]
async fn accept_plan(State(st): State<AppState>, w: Writer, body: Body<Accept>) -> ApiResult<Json<Vec<Booked>>> {
    let ctx = w.ctx(allow(&st, &w.subject, Action::Update, &staffing()).await?);
    Ok(Json(st.store.accept(&ctx, &body.value).await?))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ForecastParams {
    /// A day of the first week (`YYYY-MM-DD`); this week when absent.
    #[param(value_type = Option<String>, format = Date)]
    pub from: Option<String>,
    /// How many weeks, 1 to 53; 13 when absent.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 53)]
    pub weeks: Option<String>,
    /// `person`, `function` (when absent) or `region`.
    #[param(value_type = Option<ForecastGroup>)]
    pub group: Option<String>,
    /// Only people of this function.
    #[param(value_type = Option<Function>)]
    pub function: Option<String>,
    pub region: Option<String>,
    /// Groups to skip, from 0.
    #[param(value_type = Option<u32>, minimum = 0, maximum = 1000000)]
    pub offset: Option<String>,
    /// Groups a page, 1 to 200; 50 when absent.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    pub limit: Option<String>,
}

impl ForecastParams {
    pub fn query(self) -> ApiResult<ForecastQuery> {
        let mut p = Params::new();
        let q = ForecastQuery {
            from: p.date("from", self.from.filter(|f| !f.is_empty())),
            weeks: whole(&mut p, "weeks", self.weeks, 1..=MAX_WEEKS),
            group: p
                .code("group", self.group.filter(|g| !g.is_empty()))
                .unwrap_or_default(),
            function: p.code("function", self.function.filter(|f| !f.is_empty())),
            region: p.text(self.region),
            offset: whole(&mut p, "offset", self.offset, 0..=1_000_000).unwrap_or(0),
            limit: whole(&mut p, "limit", self.limit, 1..=MAX_PEOPLE).unwrap_or(50),
        };
        p.finish()?;
        Ok(q)
    }
}

/// Forecast utilization: the coming weeks' billable utilization per person, function or
/// region from hard bookings (assignments) and soft ones (held soft requests), each
/// weighted as the revenue forecast weighs them (finance settings), with the upside if
/// every booking holds, against the group's billable target; the weeks below target
/// counted. A page of groups by name, and everyone together
#[utoipa::path(get, path = "/api/v1/staffing/forecast", tag = "staffing",
    params(ForecastParams),
    responses((status = 200, body = UtilizationForecast, description = "The forecast"), ListProblems))]
async fn get_forecast(
    State(st): State<AppState>,
    Caller(s): Caller,
    Query(q): Query<ForecastParams>,
) -> ApiResult<Json<UtilizationForecast>> {
    readable(&st, &s).await?;
    let q = q.query()?;
    Ok(Json(st.store.utilization_forecast(&q, today()).await?))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct BookingsParams {
    /// A day of the first week (`YYYY-MM-DD`); this week when absent.
    #[param(value_type = Option<String>, format = Date)]
    pub from: Option<String>,
    /// How many weeks, 1 to 53; 13 when absent.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 53)]
    pub weeks: Option<String>,
}

impl BookingsParams {
    pub fn span(self) -> ApiResult<(Date, usize)> {
        let mut p = Params::new();
        let from = p
            .date("from", self.from.filter(|f| !f.is_empty()))
            .unwrap_or_else(today);
        let weeks = whole(&mut p, "weeks", self.weeks, 1..=MAX_WEEKS).unwrap_or(13);
        p.finish()?;
        Ok((from, weeks))
    }
}

/// A person's bookings — hard (assignments) and soft (requests they hold) — reaching into
/// the weeks, and their load week by week (capacity, hard, soft). Read by whoever may see
/// the person's figures: themselves, their manager, and those who oversee
#[utoipa::path(get, path = "/api/v1/people/{id}/bookings", tag = "staffing",
    params(IdPath<psops_core::people::Person>, BookingsParams),
    responses((status = 200, body = PersonBookings, description = "Their bookings"), ReadProblems))]
async fn get_bookings(
    State(st): State<AppState>,
    Caller(s): Caller,
    IdPath(id): IdPath<psops_core::people::Person>,
    Query(q): Query<BookingsParams>,
) -> ApiResult<Json<PersonBookings>> {
    bookings_readable(&st, &s, id).await?;
    let (from, weeks) = q.span()?;
    Ok(Json(st.store.bookings_of(id, from, weeks).await?))
}

/// Refuses whoever may not see the person's figures (their bookings among them): anyone
/// but themselves, their manager and those who oversee.
pub async fn bookings_readable(st: &AppState, s: &Subject, id: PersonId) -> psops_core::Result<()> {
    super::capacity::figures_of(st, s, id).await.map(|_| ())
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RequestsParams {
    /// `open` (waiting, held by no one; when absent), `held` (soft-booked), `filled` or
    /// `cancelled`.
    #[param(value_type = Option<RequestView>)]
    pub view: Option<String>,
    /// Only this project's requests.
    #[param(value_type = Option<i64>, minimum = 1)]
    pub project_id: Option<String>,
    #[param(value_type = Option<Function>)]
    pub role: Option<String>,
    #[param(value_type = Option<psops_core::plan::Booking>)]
    pub booking: Option<String>,
    /// `priority` (most urgent first; when absent), `start` or `project`.
    #[param(value_type = Option<RequestOrder>)]
    pub sort: Option<String>,
    /// `asc` (when absent) or `desc`: which way the sort's first key runs.
    #[param(value_type = Option<psops_core::sort::Direction>)]
    pub dir: Option<String>,
    /// Requests to skip, from 0.
    #[param(value_type = Option<u32>, minimum = 0, maximum = 1000000)]
    pub offset: Option<String>,
    /// Requests a page, 1 to 200; 50 when absent.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    pub limit: Option<String>,
}

impl RequestsParams {
    pub fn query(self) -> ApiResult<RequestsQuery> {
        let mut p = Params::new();
        let q = RequestsQuery {
            view: p.code("view", self.view.filter(|v| !v.is_empty())).unwrap_or_default(),
            project: p.id("project_id", self.project_id.filter(|v| !v.is_empty())),
            role: p.code("role", self.role.filter(|v| !v.is_empty())),
            booking: p.code("booking", self.booking.filter(|v| !v.is_empty())),
            sort: p.code("sort", self.sort.filter(|v| !v.is_empty())).unwrap_or_default(),
            direction: p.code("dir", self.dir.filter(|v| !v.is_empty())).unwrap_or_default(),
            offset: whole(&mut p, "offset", self.offset, 0..=1_000_000).unwrap_or(0),
            limit: whole(&mut p, "limit", self.limit, 1..=MAX_PEOPLE).unwrap_or(50),
        };
        p.finish()?;
        Ok(q)
    }
}

/// Resource requests across every project — open (waiting), held (soft-booked), filled
/// or cancelled — with their project, effective dates and who holds or filled them; a
/// page at a time, most urgent first unless sorted otherwise
#[utoipa::path(get, path = "/api/v1/staffing/requests", tag = "staffing",
    params(RequestsParams),
    responses((status = 200, body = Requests, description = "A page of requests"), ListProblems))]
async fn list_requests(
    State(st): State<AppState>,
    Caller(s): Caller,
    Query(q): Query<RequestsParams>,
) -> ApiResult<Json<Requests>> {
    readable(&st, &s).await?;
    let q = q.query()?;
    Ok(Json(st.store.requests(&q).await?))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_suggestions))
        .routes(routes!(book))
        .routes(routes!(release))
        .routes(routes!(get_availability))
        .routes(routes!(get_plan))
        .routes(routes!(accept_plan))
        .routes(routes!(get_forecast))
        .routes(routes!(get_bookings))
        .routes(routes!(list_requests))
}
