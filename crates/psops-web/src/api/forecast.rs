//! `/api/v1/forecast`: the revenue and billable-hours forecast by month (weighted by
//! booking kind, the upside apart), the snapshots kept of it, and forecast accuracy per
//! month and quarter of a fiscal year against the target. Organisation money: read by
//! administrators, finance, practice managers and leadership; snapshots kept by
//! administrators and finance; partners see none of it.

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use psops_core::dates::LATEST;
use psops_core::error::Thing;
use psops_core::finance::Month;
use psops_core::finance::forecast::{Forecast, MAX_MONTHS, last_month};
use psops_core::finance::forecast_accuracy::Accuracy;
use psops_core::finance::forecast_store::{SNAPSHOT_MONTHS, Snapshot};
use psops_core::page::Page;
use psops_core::policy::{Action, Grant, Resource, Subject};
use psops_core::rule::Rule;
use psops_core::{Error, Result};
use serde::Deserialize;
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::authorize::{Fixed, allow};
use crate::extract::{Caller, Json as Body, Writer};
use crate::params::{ListQuery, PageParams, Params, Query};
use crate::problem::{ApiResult, CreateProblems, ListProblems};
use crate::respond;

fn finance() -> Fixed {
    Fixed(Resource::Finance, Thing::Finance)
}

/// Refuses whoever may not read the organisation's money.
pub async fn readable(st: &AppState, s: &Subject) -> Result<Grant> {
    allow(st, s, Action::Read, &finance()).await
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct ForecastQuery {
    /// The first month, `YYYY-MM`; the current month when absent.
    #[param(value_type = Option<String>, pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])$")]
    from: Option<String>,
    /// How many months, 1 to 24; 12 when absent.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 24)]
    months: Option<String>,
    /// `true` for the per-project lines as well (large for a whole organisation).
    #[param(value_type = Option<bool>)]
    lines: Option<String>,
}

/// The month and span asked for, with the defaults.
pub fn span(p: &mut Params, from: Option<String>, months: Option<String>) -> (Month, u32) {
    let from = match from.filter(|f| !f.is_empty()) {
        Some(f) => p.keep("from", Month::parse(&f, "from")),
        None => Some(Month::of(OffsetDateTime::now_utc().date())),
    };
    let months = match months.filter(|m| !m.is_empty()) {
        Some(m) => match m.parse::<u32>().ok().filter(|n| (1..=MAX_MONTHS).contains(n)) {
            Some(n) => Some(n),
            None => {
                p.add(
                    "months",
                    Rule::Range,
                    format!("months must be a whole number from 1 to {MAX_MONTHS}"),
                );
                None
            }
        },
        None => Some(SNAPSHOT_MONTHS),
    };
    let (from, months) = (
        from.unwrap_or(Month::of(OffsetDateTime::now_utc().date())),
        months.unwrap_or(SNAPSHOT_MONTHS),
    );
    if let Err(Error::Invalid(errors)) = ends_in_bounds(from, months) {
        errors.into_iter().for_each(|e| p.add(&e.field, e.rule, e.message));
    }
    (from, months)
}

/// A forecast's months end by 2200-12, the last month psops works in: every month it
/// answers with is one the document says a month can be.
fn ends_in_bounds(from: Month, months: u32) -> Result<()> {
    if last_month(from, months).last() <= LATEST {
        return Ok(());
    }
    Err(Error::invalid(
        "months",
        Rule::Span,
        format!("a forecast from {from} ends by 2200-12, the last month psops works in: ask for fewer months"),
    ))
}

/// The forecast by month, billing type and offering, in the reporting currency: revenue
/// and billable hours weighted by booking kind (soft and hard weights of the finance
/// settings), with the upside — what would come on top if every booking held — apart.
/// `from` defaults to the current month and `months` (1 to 24) to 12
#[utoipa::path(get, path = "/api/v1/forecast", tag = "finance",
    params(ForecastQuery),
    responses((status = 200, body = Forecast, description = "The forecast"), ListProblems))]
async fn get_forecast(
    State(st): State<AppState>,
    Caller(s): Caller,
    Query(q): Query<ForecastQuery>,
) -> ApiResult<Json<Forecast>> {
    readable(&st, &s).await?;
    let mut p = Params::new();
    let (from, months) = span(&mut p, q.from, q.months);
    let lines = p.flag("lines", q.lines).unwrap_or(false);
    p.finish()?;
    Ok(Json(st.store.forecast(from, months, lines).await?))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct NoFilter {}

/// The snapshots kept of the forecast, newest first
#[utoipa::path(get, path = "/api/v1/forecast/snapshots", tag = "finance",
    params(PageParams),
    responses((status = 200, body = Page<Snapshot>, description = "A page of snapshots"), ListProblems))]
async fn list_snapshots(
    State(st): State<AppState>,
    Caller(s): Caller,
    query: ListQuery<NoFilter>,
) -> ApiResult<Json<Page<Snapshot>>> {
    readable(&st, &s).await?;
    let (_, p, page) = query.split();
    p.finish()?;
    Ok(Json(st.store.forecast_snapshots(page).await?))
}

/// What to keep: the months from `from` (the current month when absent), `months` of
/// them (1 to 24; 12 when absent).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SnapshotRequest {
    #[serde(default)]
    pub from: Option<Month>,
    #[serde(default)]
    #[schema(minimum = 1, maximum = 24)]
    pub months: Option<u32>,
}

/// Keeps the forecast as it stands now; every snapshot is kept with its time, none
/// replaces another. Accuracy later compares each month with the latest snapshot kept
/// before it began
#[utoipa::path(post, path = "/api/v1/forecast/snapshots", tag = "finance",
    request_body = SnapshotRequest,
    responses((status = 201, body = Snapshot, description = "The snapshot kept"), CreateProblems))]
async fn keep_snapshot(State(st): State<AppState>, w: Writer, body: Body<SnapshotRequest>) -> ApiResult<Response> {
    let grant = allow(&st, &w.subject, Action::Create, &finance()).await?;
    let req = body.value.clone();
    let months = req.months.unwrap_or(SNAPSHOT_MONTHS);
    psops_core::finance::forecast::check_months(months)?;
    let now = OffsetDateTime::now_utc();
    let from = req.from.unwrap_or(Month::of(now.date()));
    ends_in_bounds(from, months)?;
    let kept = st.store.snapshot_forecast(&w.ctx(grant), from, months, now).await?;
    let mut res = respond::record(&kept)?;
    *res.status_mut() = axum::http::StatusCode::CREATED;
    Ok(res)
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct AccuracyQuery {
    /// A fiscal year such as 2027 (the year its last day falls in); the current one when absent.
    #[param(value_type = Option<i32>, minimum = 2000, maximum = 2100)]
    year: Option<String>,
}

/// Forecast accuracy of a fiscal year per month and quarter, for standard work (target
/// ±`accuracy_bp`) and for consulting blocks and dedicated engineers (±`block_accuracy_bp`):
/// (forecast − actual) ÷ actual in basis points, the forecast being the latest snapshot
/// kept before the month began; no figure without actual revenue or for a month not over
#[utoipa::path(get, path = "/api/v1/forecast/accuracy", tag = "finance",
    params(AccuracyQuery),
    responses((status = 200, body = Accuracy, description = "Accuracy by month and quarter"), ListProblems))]
async fn get_accuracy(
    State(st): State<AppState>,
    Caller(s): Caller,
    Query(q): Query<AccuracyQuery>,
) -> ApiResult<Json<Accuracy>> {
    readable(&st, &s).await?;
    let today = OffsetDateTime::now_utc().date();
    let year = match q.year.filter(|y| !y.is_empty()) {
        Some(y) => y.parse::<i32>().map_err(|_| {
            Error::invalid(
                "year",
                Rule::Range,
                "year must be a fiscal year from 2000 to 2100, like 2027",
            )
        })?,
        None => st.store.settings().await?.fiscal_calendar().year_of(today),
    };
    Ok(Json(st.store.forecast_accuracy(year, today).await?))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_forecast))
        .routes(routes!(list_snapshots, keep_snapshot))
        .routes(routes!(get_accuracy))
}
