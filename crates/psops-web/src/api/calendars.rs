//! `/api/v1/calendars`: regional holiday calendars and their holidays, which the calendar
//! view of capacity subtracts. Everyone reads them; ops and admin change them. Holidays
//! come one at a time or in bulk from an iCalendar (`.ics`) or CSV file, all or nothing.

use axum::Json as JsonOut;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use psops_core::calendars::{CalendarFields, HolidayCalendar, HolidayRecord};
use psops_core::capacity::Holiday;
use psops_core::dates::DateRange;
use psops_core::error::Thing;
use psops_core::interchange::holidays::{parse_csv, parse_ics};
use psops_core::policy::{Action, Resource};
use psops_core::rule::Rule;
use psops_core::store::Created;
use psops_core::{Error, Result};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::authorize::{Fixed, allow};
use crate::extract::{Caller, Change, IdPath, Json, Writer};
use crate::params::{Params, Query};
use crate::problem::{ApiError, ApiResult, ChangeProblems, CreateProblems, ListProblems, ReadProblems};
use crate::respond::{created, no_content, record};

const CALENDARS: Fixed = Fixed(Resource::Calendars, Thing::Calendar);
const COLLECTION: &str = "/api/v1/calendars";

/// Every holiday calendar.
#[utoipa::path(get, path = "/api/v1/calendars", tag = "calendars",
    responses((status = 200, body = Vec<HolidayCalendar>, description = "The calendars"), ListProblems))]
async fn list_calendars(State(st): State<AppState>, Caller(s): Caller) -> ApiResult<JsonOut<Vec<HolidayCalendar>>> {
    allow(&st, &s, Action::Read, &CALENDARS).await?;
    Ok(JsonOut(st.store.list_calendars().await?))
}

/// Create a region's calendar (one per region).
#[utoipa::path(post, path = "/api/v1/calendars", tag = "calendars",
    request_body = CalendarFields,
    responses(crate::respond::NewRecord<HolidayCalendar>, CreateProblems))]
async fn create_calendar(
    State(st): State<AppState>,
    writer: Writer,
    body: Json<CalendarFields>,
) -> ApiResult<Response> {
    let grant = allow(&st, &writer.subject, Action::Create, &CALENDARS).await?;
    created(
        COLLECTION,
        Created::New(st.store.create_calendar(&writer.ctx(grant), body.value).await?),
    )
}

/// Read one calendar.
#[utoipa::path(get, path = "/api/v1/calendars/{id}", tag = "calendars",
    params(IdPath<HolidayCalendar>),
    responses(crate::respond::Versioned<HolidayCalendar>, ReadProblems))]
async fn get_calendar(
    State(st): State<AppState>,
    Caller(s): Caller,
    IdPath(id): IdPath<HolidayCalendar>,
) -> ApiResult<Response> {
    allow(&st, &s, Action::Read, &CALENDARS).await?;
    record(&st.store.calendar(id).await?)
}

/// Rename a calendar or move it to another region.
#[utoipa::path(put, path = "/api/v1/calendars/{id}", tag = "calendars",
    request_body = CalendarFields,
    params(Change<HolidayCalendar>),
    responses(crate::respond::Versioned<HolidayCalendar>, ChangeProblems))]
async fn update_calendar(
    State(st): State<AppState>,
    c: Change<HolidayCalendar>,
    body: Json<CalendarFields>,
) -> ApiResult<Response> {
    let grant = allow(&st, &c.subject, Action::Update, &CALENDARS).await?;
    record(
        &st.store
            .update_calendar(&c.ctx(grant), c.id, c.if_version, body.value)
            .await?,
    )
}

/// Delete a calendar with its holidays.
#[utoipa::path(delete, path = "/api/v1/calendars/{id}", tag = "calendars",
    params(IdPath<HolidayCalendar>),
    responses((status = 204, description = "Deleted"), ChangeProblems))]
async fn delete_calendar(
    State(st): State<AppState>,
    writer: Writer,
    IdPath(id): IdPath<HolidayCalendar>,
) -> ApiResult<Response> {
    let grant = allow(&st, &writer.subject, Action::Delete, &CALENDARS).await?;
    st.store.delete_calendar(&writer.ctx(grant), id).await?;
    Ok(no_content())
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct HolidaysQuery {
    /// Holidays on or after this day (YYYY-MM-DD).
    #[param(value_type = Option<String>, format = Date)]
    from: Option<String>,
    /// Holidays on or before this day.
    #[param(value_type = Option<String>, format = Date)]
    to: Option<String>,
}

/// A calendar's holidays in date order.
#[utoipa::path(get, path = "/api/v1/calendars/{id}/holidays", tag = "calendars",
    params(IdPath<HolidayCalendar>, HolidaysQuery),
    responses((status = 200, body = Vec<HolidayRecord>, description = "The holidays"), ReadProblems, ListProblems))]
async fn list_holidays(
    State(st): State<AppState>,
    Caller(s): Caller,
    IdPath(id): IdPath<HolidayCalendar>,
    Query(q): Query<HolidaysQuery>,
) -> ApiResult<JsonOut<Vec<HolidayRecord>>> {
    allow(&st, &s, Action::Read, &CALENDARS).await?;
    let mut p = Params::new();
    let (from, to) = (p.date("from", q.from), p.date("to", q.to));
    p.finish()?;
    let range = match (from, to) {
        (None, None) => None,
        (from, to) => Some(
            DateRange::new(from.unwrap_or(time::Date::MIN), to.unwrap_or(time::Date::MAX))
                .map_err(|_| Error::invalid("to", Rule::AfterStart, "to must be on or after from"))?,
        ),
    };
    st.store.calendar(id).await?;
    Ok(JsonOut(st.store.list_holidays(id, range).await?))
}

async fn add(
    st: &AppState,
    writer: &Writer,
    id: psops_core::calendars::HolidayCalendarId,
    hs: Vec<Holiday>,
) -> Result<Vec<HolidayRecord>> {
    let grant = allow(st, &writer.subject, Action::Create, &CALENDARS).await?;
    st.store.calendar(id).await?;
    st.store.add_holidays(&writer.ctx(grant), id, hs).await
}

/// Add one holiday; a date already on the calendar is a conflict.
#[utoipa::path(post, path = "/api/v1/calendars/{id}/holidays", tag = "calendars",
    request_body = Holiday,
    params(IdPath<HolidayCalendar>),
    responses((status = 201, body = HolidayRecord, description = "The holiday"), CreateProblems))]
async fn add_holiday(
    State(st): State<AppState>,
    writer: Writer,
    IdPath(id): IdPath<HolidayCalendar>,
    body: Json<Holiday>,
) -> ApiResult<Response> {
    let added = add(&st, &writer, id, vec![body.value]).await?;
    let one = added
        .into_iter()
        .next()
        .ok_or_else(|| Error::internal("no holiday came back"))?;
    Ok((StatusCode::CREATED, JsonOut(one)).into_response())
}

/// Import holidays from an iCalendar file (`content-type: text/calendar`, all-day events)
/// or a CSV file (`text/csv`: `date,name[,hours]`). All are added or none; errors name the
/// line.
#[utoipa::path(post, path = "/api/v1/calendars/{id}/holidays/import", tag = "calendars",
    request_body(content((String = "text/calendar"), (String = "text/csv")),
        description = "The .ics or .csv file"),
    params(IdPath<HolidayCalendar>),
    responses((status = 201, body = Vec<HolidayRecord>, description = "The holidays added"), CreateProblems))]
async fn import_holidays(
    State(st): State<AppState>,
    writer: Writer,
    IdPath(id): IdPath<HolidayCalendar>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    let kind = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
        .unwrap_or_default();
    let text =
        std::str::from_utf8(&body).map_err(|_| Error::invalid("body", Rule::Utf8, "the file must be UTF-8 text"))?;
    let holidays = match kind.as_str() {
        "text/calendar" => parse_ics(text)?,
        "text/csv" => parse_csv(text)?,
        _ => {
            return Err(ApiError::UnsupportedMediaType(
                "send the file as text/calendar (.ics) or text/csv".into(),
            ));
        }
    };
    let added = add(&st, &writer, id, holidays).await?;
    Ok((StatusCode::CREATED, JsonOut(added)).into_response())
}

/// Change a holiday's date, name or part-day minutes.
#[utoipa::path(put, path = "/api/v1/holidays/{id}", tag = "calendars",
    request_body = Holiday,
    params(IdPath<HolidayRecord>),
    responses((status = 200, body = HolidayRecord, description = "The holiday"), ChangeProblems))]
async fn update_holiday(
    State(st): State<AppState>,
    writer: Writer,
    IdPath(id): IdPath<HolidayRecord>,
    body: Json<Holiday>,
) -> ApiResult<JsonOut<HolidayRecord>> {
    let grant = allow(&st, &writer.subject, Action::Update, &CALENDARS).await?;
    Ok(JsonOut(
        st.store.update_holiday(&writer.ctx(grant), id, body.value).await?,
    ))
}

/// Remove a holiday.
#[utoipa::path(delete, path = "/api/v1/holidays/{id}", tag = "calendars",
    params(IdPath<HolidayRecord>),
    responses((status = 204, description = "Deleted"), ChangeProblems))]
async fn delete_holiday(
    State(st): State<AppState>,
    writer: Writer,
    IdPath(id): IdPath<HolidayRecord>,
) -> ApiResult<Response> {
    let grant = allow(&st, &writer.subject, Action::Delete, &CALENDARS).await?;
    st.store.delete_holiday(&writer.ctx(grant), id).await?;
    Ok(no_content())
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_calendars, create_calendar))
        .routes(routes!(get_calendar, update_calendar, delete_calendar))
        .routes(routes!(list_holidays, add_holiday))
        .routes(routes!(import_holidays))
        .routes(routes!(update_holiday, delete_holiday))
}
