//! What staffing asks of the store, and the shapes it answers in.

use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;

use super::availability::WeekLoad;
use super::suggest::Suggestions;
use crate::Result;
use crate::assignments::AssignmentId;
use crate::people::{Function, PersonId};
use crate::plan::{Booking, ResourceRequest, ResourceRequestId};
use crate::projects::ProjectId;
use crate::store::WriteCtx;

/// Book a request to someone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BookRequest {
    #[schema(value_type = i64)]
    pub person_id: PersonId,
    /// Soft holds the request for them (a soft booking); hard makes their assignment and
    /// fills the request. The request's own firmness when absent.
    #[serde(default)]
    pub booking: Option<Booking>,
}

/// A request booked: the request as it now stands and, for a hard booking, the
/// assignment made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Booked {
    pub request: ResourceRequest,
    #[schema(value_type = Option<i64>)]
    pub assignment_id: Option<AssignmentId>,
}

/// The master planning view asked for: people × weeks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AvailabilityQuery {
    /// The first week (the week holding this day).
    pub from: Option<Date>,
    /// How many weeks, 1 to [`super::availability::MAX_WEEKS`]; 26 when absent.
    pub weeks: Option<usize>,
    pub function: Option<Function>,
    pub region: Option<String>,
    /// Only people with this skill (any level).
    pub skill: Option<String>,
    /// Only people booked beyond capacity in some week.
    pub conflicts_only: bool,
    pub offset: usize,
    pub limit: usize,
}

/// One person's row of the heatmap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PersonWeeks {
    #[schema(value_type = i64)]
    pub person_id: PersonId,
    pub name: String,
    pub function: Function,
    pub region: String,
    /// Their weeks, in the order of [`Availability::weeks`].
    pub weeks: Vec<WeekLoad>,
    /// Weeks booked beyond capacity.
    pub conflicts: usize,
}

/// An open request beside the heatmap: unstaffed work in its weeks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct OpenRequest {
    #[schema(value_type = i64)]
    pub request_id: ResourceRequestId,
    #[schema(value_type = i64)]
    pub project_id: ProjectId,
    pub project_name: String,
    pub role: Function,
    pub booking: Booking,
    pub priority: i64,
    pub start_date: Date,
    pub end_date: Date,
    pub minutes_per_week: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Availability {
    /// The Mondays of the weeks shown.
    pub weeks: Vec<Date>,
    /// Everyone the filters keep; `people` is one page of them, by name.
    pub total: usize,
    pub people: Vec<PersonWeeks>,
    /// Open, unstaffed requests reaching into the weeks (most urgent, then earliest,
    /// first; at most 50), and how many there are.
    pub open_requests: Vec<OpenRequest>,
    pub open_total: usize,
}

/// One proposed booking to make: a request and the person for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Pick {
    #[schema(value_type = i64)]
    pub request_id: ResourceRequestId,
    #[schema(value_type = i64)]
    pub person_id: PersonId,
}

/// At most this many bookings are accepted at once.
pub const MAX_PICKS: usize = 2_000;

/// The lines of a plan to accept: each booked at its request's firmness (soft holds,
/// hard makes the assignment), all or none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Accept {
    #[schema(min_items = 1, max_items = 2000)]
    pub picks: Vec<Pick>,
}

/// The utilization forecast asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ForecastQuery {
    pub from: Option<Date>,
    pub weeks: Option<usize>,
    pub group: super::forecast::ForecastGroup,
    pub function: Option<Function>,
    pub region: Option<String>,
    pub offset: usize,
    pub limit: usize,
}

/// One of a person's bookings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct BookingLine {
    pub booking: Booking,
    #[schema(value_type = i64)]
    pub project_id: ProjectId,
    pub project_name: String,
    pub role: Function,
    pub start_date: Date,
    pub end_date: Option<Date>,
    pub minutes_per_week: i64,
    /// The assignment of a hard booking.
    #[schema(value_type = Option<i64>)]
    pub assignment_id: Option<AssignmentId>,
    /// The request a soft booking holds.
    #[schema(value_type = Option<i64>)]
    pub request_id: Option<ResourceRequestId>,
}

/// A person's bookings from a week on, and their weeks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PersonBookings {
    #[schema(value_type = i64)]
    pub person_id: PersonId,
    pub name: String,
    /// The Mondays of the weeks, and the person's load in each.
    pub weeks: Vec<Date>,
    pub loads: Vec<WeekLoad>,
    /// Hard bookings (assignments) and soft ones (held requests) reaching into the weeks,
    /// by start.
    pub bookings: Vec<BookingLine>,
}

/// Which requests a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, Default)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum RequestView {
    /// Open and held by no one: waiting to be staffed.
    #[default]
    Open,
    /// Open and held by someone: a soft booking.
    Held,
    Filled,
    Cancelled,
}

impl crate::code::Code for RequestView {
    const FIELD: &'static str = "view";
}

/// The order of a list of requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, Default)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum RequestOrder {
    /// Most urgent first, then earliest.
    #[default]
    Priority,
    /// Earliest first.
    Start,
    /// By project name.
    Project,
}

impl crate::code::Code for RequestOrder {
    const FIELD: &'static str = "sort";
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestsQuery {
    pub view: RequestView,
    /// Only this project's requests.
    pub project: Option<ProjectId>,
    pub role: Option<Function>,
    pub booking: Option<Booking>,
    pub sort: RequestOrder,
    /// Which way `sort`'s first key runs (descending: least urgent, latest or Z first).
    pub direction: crate::sort::Direction,
    pub offset: usize,
    pub limit: usize,
}

/// A request as the staffing list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct RequestRow {
    pub request: ResourceRequest,
    pub project_name: String,
    /// The dates it covers: its own, else its project's.
    pub start_date: Option<Date>,
    pub end_date: Option<Date>,
    /// Who holds or filled it.
    pub person_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Requests {
    pub total: usize,
    pub rows: Vec<RequestRow>,
}

#[async_trait::async_trait]
pub trait StaffingStore: Send + Sync {
    /// Everyone of the request's role checked and the able ranked, over its dates (else
    /// its project's); partners' vetting judged on `today`.
    async fn suggestions(&self, request: ResourceRequestId, today: Date) -> Result<Suggestions>;
    /// Books the request to someone: soft holds it, hard makes their assignment. One
    /// transaction; refused when the request is filled or cancelled.
    async fn book(&self, ctx: &WriteCtx, request: ResourceRequestId, book: &BookRequest) -> Result<Booked>;
    /// Lets go of a soft hold: the request is open for anyone again.
    async fn release(&self, ctx: &WriteCtx, request: ResourceRequestId) -> Result<ResourceRequest>;
    /// People × weeks: capacity, hard and soft bookings, conflicts; and the open requests.
    async fn availability(&self, q: &AvailabilityQuery, today: Date) -> Result<Availability>;
    /// The batch plan for the open, unstaffed requests starting in the window; nothing is
    /// written. The optimizer runs for at most `time`.
    async fn plan(
        &self,
        window: super::planner::Window,
        today: Date,
        time: std::time::Duration,
    ) -> Result<super::planner::Proposal>;
    /// Books the picks, all in one transaction or none.
    async fn accept(&self, ctx: &WriteCtx, accept: &Accept) -> Result<Vec<Booked>>;
    /// The coming weeks' billable utilization from hard and soft bookings, weighted.
    async fn utilization_forecast(
        &self,
        q: &ForecastQuery,
        today: Date,
    ) -> Result<super::forecast::UtilizationForecast>;
    /// A person's bookings and weeks, `weeks` weeks from the week of `from`.
    async fn bookings_of(&self, person: PersonId, from: Date, weeks: usize) -> Result<PersonBookings>;
    /// Resource requests across projects, a page at a time.
    async fn requests(&self, q: &RequestsQuery) -> Result<Requests>;
}
