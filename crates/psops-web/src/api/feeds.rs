//! iCalendar feeds (RFC 5545) behind secret URLs: `/feeds/person/{secret}.ics` (the
//! person's assignments as all-day spans and their time off) and
//! `/feeds/region/{secret}.ics` (the holidays of the person's region). The secret is the
//! credential — calendar clients send no bearer token — and only its hash is stored;
//! `POST /api/v1/people/{id}/feed-token` makes a new one (the person themself, admin or
//! ops), which ends the old URLs at once. An unknown secret is 404.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use psops_core::calendars::{TimeOffFilter, TimeOffStatus};
use psops_core::code::Code;
use psops_core::ical::{Event, FeedWriter, day_spans, uid};
use psops_core::page::PageRequest;
use psops_core::people::Person;
use psops_core::policy::Action;
use psops_core::store::Records as _;
use psops_core::{Error, Result};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::extract::{IdPath, Writer};
use crate::problem::{ApiResult, ChangeProblems};

/// The new feed URLs, shown once.
#[derive(Serialize, ToSchema)]
struct FeedUrls {
    /// Assignments and time off.
    person_url: String,
    /// The holidays of the person's region.
    region_url: String,
}

/// `http(s)://host` as the client reached psops, when it said.
fn origin(headers: &HeaderMap) -> String {
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let proto = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .filter(|p| *p == "https")
        .unwrap_or("http");
    host.map(|h| format!("{proto}://{h}")).unwrap_or_default()
}

/// Reset a person's calendar-feed URLs.
#[utoipa::path(post, path = "/api/v1/people/{id}/feed-token", tag = "people",
    params(IdPath<Person>),
    responses((status = 200, body = FeedUrls, description = "The new URLs; the old ones stop working"),
        ChangeProblems))]
async fn reset_feed_token(
    State(st): State<AppState>,
    w: Writer,
    IdPath(id): IdPath<Person>,
    headers: HeaderMap,
) -> ApiResult<axum::Json<FeedUrls>> {
    let person = st.store.get(id).await?;
    let grant = crate::authorize::allow(&st, &w.subject, Action::Update, &crate::authorize::Feed(&person)).await?;
    let (secret, _) = psops_core::credentials::new_api_token()?;
    let secret = secret
        .trim_start_matches(psops_core::credentials::TOKEN_PREFIX)
        .to_string();
    st.store
        .set_feed_token(&w.ctx(grant), id, &psops_core::credentials::token_hash(&secret))
        .await?;
    let origin = origin(&headers);
    Ok(axum::Json(FeedUrls {
        person_url: format!("{origin}/feeds/person/{secret}.ics"),
        region_url: format!("{origin}/feeds/region/{secret}.ics"),
    }))
}

/// The documented route under `/api/v1`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(reset_feed_token))
}

/// The feeds themselves: outside the API, no bearer token, not in the OpenAPI document.
pub fn feeds() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/feeds/person/{file}", get(person_feed))
        .route("/feeds/region/{file}", get(region_feed))
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "no such calendar feed\n").into_response()
}

async fn owner(st: &AppState, file: &str) -> Result<Option<Person>> {
    let Some(secret) = file.strip_suffix(".ics").filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    st.store
        .person_by_feed_token(&psops_core::credentials::token_hash(secret))
        .await
}

fn calendar(body: Vec<u8>) -> Response {
    let mut res = body.into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/calendar; charset=utf-8"),
    );
    res
}

fn failed(e: Error) -> Response {
    tracing::error!(error = %e, "calendar feed failed");
    (StatusCode::INTERNAL_SERVER_ERROR, "the feed could not be built\n").into_response()
}

async fn person_feed(State(st): State<AppState>, Path(file): Path<String>) -> Response {
    match owner(&st, &file).await {
        Ok(Some(person)) => person_events(&st, &person).await.map_or_else(failed, calendar),
        Ok(None) => not_found(),
        Err(e) => failed(e),
    }
}

async fn region_feed(State(st): State<AppState>, Path(file): Path<String>) -> Response {
    match owner(&st, &file).await {
        Ok(Some(person)) => region_events(&st, &person).await.map_or_else(failed, calendar),
        Ok(None) => not_found(),
        Err(e) => failed(e),
    }
}

fn io(e: std::io::Error) -> Error {
    Error::internal(e)
}

const PAGE: u32 = 500;

async fn person_events(st: &AppState, person: &Person) -> Result<Vec<u8>> {
    let name = format!("{} — psops", person.fields.name);
    let mut w = FeedWriter::begin(Vec::new(), Some(&name), time::OffsetDateTime::now_utc()).map_err(io)?;
    let mut after = None;
    loop {
        let filter = psops_core::assignments::AssignmentFilter {
            person_id: Some(person.id),
            ..Default::default()
        };
        let page = st.store.list(&filter, PageRequest { after, limit: PAGE }).await?;
        for a in &page.items {
            let project = st.store.get(a.fields.project_id).await?;
            let last = a.fields.end_date.unwrap_or(a.fields.start_date);
            let hours = a.fields.minutes_per_week.get() as f64 / 60.0;
            let e = Event::all_day(
                uid("assignment", a.id.get()),
                a.fields.start_date,
                last,
                project.fields.name,
            )
            .with_description(format!("{} · {hours:.1} h a week", a.fields.role.code()));
            w.event(&e).map_err(io)?;
        }
        match page.items.last() {
            Some(a) if page.next_cursor.is_some() => after = Some(a.id.get()),
            _ => break,
        }
    }
    let mut days = Vec::new();
    let mut after = None;
    loop {
        let filter = TimeOffFilter {
            person_id: Some(person.id),
            ..Default::default()
        };
        let page = st
            .store
            .list_time_off(&filter, PageRequest { after, limit: PAGE })
            .await?;
        for t in page.items.iter().filter(|t| t.status != TimeOffStatus::Rejected) {
            days.push((t.date, (t.kind.code(), t.status.code(), t.id.get())));
        }
        match page.items.last() {
            Some(t) if page.next_cursor.is_some() => after = Some(t.id.get()),
            _ => break,
        }
    }
    days.sort_by_key(|d| d.0);
    // Spans join days of one kind and status; the UID is the first day's record.
    let labels: Vec<(time::Date, (&str, &str))> = days.iter().map(|(d, (k, s, _))| (*d, (*k, *s))).collect();
    for (first, last, (kind, status)) in day_spans(labels) {
        let id = days.iter().find(|d| d.0 == first).map_or(0, |d| d.1.2);
        let summary = if status == "approved" {
            format!("Time off: {kind}")
        } else {
            format!("Time off: {kind} ({status})")
        };
        w.event(&Event::all_day(uid("time-off", id), first, last, summary).busy())
            .map_err(io)?;
    }
    w.finish().map_err(io)
}

async fn region_events(st: &AppState, person: &Person) -> Result<Vec<u8>> {
    let region = person.fields.region.trim();
    let name = format!("Holidays {region} — psops");
    let mut w = FeedWriter::begin(Vec::new(), Some(&name), time::OffsetDateTime::now_utc()).map_err(io)?;
    let calendars = st.store.list_calendars().await?;
    if let Some(cal) = calendars.iter().find(|c| c.fields.region.eq_ignore_ascii_case(region)) {
        for h in st.store.list_holidays(cal.id, None).await? {
            let e = Event::all_day(
                uid("holiday", h.id.get()),
                h.holiday.date,
                h.holiday.date,
                &h.holiday.name,
            )
            .busy();
            w.event(&e).map_err(io)?;
        }
    }
    w.finish().map_err(io)
}
