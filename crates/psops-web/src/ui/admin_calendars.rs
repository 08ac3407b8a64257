//! `/admin/calendars`: regional holiday calendars — the list, a new calendar, one
//! calendar's holidays, adding one by hand and importing a `.ics` or CSV file (the file's
//! text is posted; the page's file picker fills it in). Imports are all or nothing.

use std::collections::BTreeMap;

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use psops_core::calendars::{CalendarFields, HolidayCalendarId};
use psops_core::capacity::Holiday;
use psops_core::error::Thing;
use psops_core::interchange::holidays::{parse_csv, parse_ics};
use psops_core::policy::{Action, Decision, Resource, decide};
use psops_core::record::Entity;
use psops_core::rule::Rule;
use psops_core::{FieldError, Minutes};
use serde::Serialize;

use super::admin::{Fields, fields, inline, write_ctx};
use super::filters::{Pairs, day, hours, path_id, subject};
use super::layout::{Frame, frame};
use super::render::{UiError, render};
use super::session::SignedIn;
use crate::AppState;
use crate::authorize::{Fixed, allow};
use crate::params::Params;
use crate::request_id::RequestId;

const CALENDARS: Fixed = Fixed(Resource::Calendars, Thing::Entity(Entity::HolidayCalendar));

#[derive(Serialize)]
struct CalendarRow {
    id: i64,
    name: String,
    region: String,
}

#[derive(Serialize)]
struct ListPage {
    #[serde(flatten)]
    frame: Frame,
    can_edit: bool,
    rows: Vec<CalendarRow>,
    errors: Vec<FieldError>,
    name: String,
    region: String,
}

#[derive(Serialize)]
struct HolidayRow {
    date: String,
    name: String,
    hours: String,
}

#[derive(Serialize)]
struct CalendarPage {
    #[serde(flatten)]
    frame: Frame,
    can_edit: bool,
    calendar: CalendarRow,
    holidays: Vec<HolidayRow>,
    errors: Vec<FieldError>,
    typed: BTreeMap<String, String>,
    notice: Option<String>,
}

async fn list_page(
    st: &AppState,
    me: &SignedIn,
    status: StatusCode,
    errors: Vec<FieldError>,
    p: &Pairs,
) -> Result<Response, UiError> {
    let s = subject(st, me).await?;
    allow(st, &s, Action::Read, &CALENDARS).await?;
    let rows = st
        .store
        .list_calendars()
        .await?
        .into_iter()
        .map(|c| CalendarRow {
            id: c.id.get(),
            name: c.fields.name,
            region: c.fields.region,
        })
        .collect();
    let ctx = ListPage {
        frame: frame(me, &s),
        can_edit: decide(&s, Action::Update, &Resource::Calendars) == Decision::Allow,
        rows,
        errors,
        name: p.text("name"),
        region: p.text("region"),
    };
    Ok((status, render("admin_calendars.html", ctx)?).into_response())
}

pub async fn list(State(st): State<AppState>, me: SignedIn) -> Result<Response, UiError> {
    list_page(&st, &me, StatusCode::OK, Vec::new(), &Pairs::default()).await
}

pub async fn create(
    State(st): State<AppState>,
    Extension(request): Extension<RequestId>,
    me: SignedIn,
    form: Fields,
) -> Result<Response, UiError> {
    let p = fields(&me, form)?;
    let s = subject(&st, &me).await?;
    let grant = allow(&st, &s, Action::Create, &CALENDARS).await?;
    let new = CalendarFields {
        name: p.text("name"),
        region: p.text("region"),
    };
    match st.store.create_calendar(&write_ctx(&me, &request, grant), new).await {
        Ok(c) => Ok(Redirect::to(&format!("/admin/calendars/{}", c.id)).into_response()),
        Err(e) => {
            let errors = inline(e)?;
            list_page(&st, &me, StatusCode::UNPROCESSABLE_ENTITY, errors, &p).await
        }
    }
}

async fn calendar_page(
    st: &AppState,
    me: &SignedIn,
    id: HolidayCalendarId,
    status: StatusCode,
    errors: Vec<FieldError>,
    typed: BTreeMap<String, String>,
    notice: Option<String>,
) -> Result<Response, UiError> {
    let s = subject(st, me).await?;
    allow(st, &s, Action::Read, &CALENDARS).await?;
    let calendar = st.store.calendar(id).await?;
    let holidays = st
        .store
        .list_holidays(id, None)
        .await?
        .into_iter()
        .map(|h| HolidayRow {
            date: day(Some(h.holiday.date)),
            name: h.holiday.name,
            hours: h.holiday.minutes.map(hours).unwrap_or_else(|| "whole day".into()),
        })
        .collect();
    let ctx = CalendarPage {
        frame: frame(me, &s),
        can_edit: decide(&s, Action::Update, &Resource::Calendars) == Decision::Allow,
        calendar: CalendarRow {
            id: calendar.id.get(),
            name: calendar.fields.name,
            region: calendar.fields.region,
        },
        holidays,
        errors,
        typed,
        notice,
    };
    Ok((status, render("admin_calendar.html", ctx)?).into_response())
}

pub async fn show(
    State(st): State<AppState>,
    me: SignedIn,
    Path(id): Path<String>,
    p: Pairs,
) -> Result<Response, UiError> {
    let id = HolidayCalendarId::new(path_id(&id)?);
    let notice = p.get("added").map(|n| format!("{n} holidays added."));
    calendar_page(&st, &me, id, StatusCode::OK, Vec::new(), BTreeMap::new(), notice).await
}

/// The holidays a form adds: one typed by hand, or the parsed file of an import.
fn holidays_from(p: &Pairs) -> Result<Vec<Holiday>, Vec<FieldError>> {
    let invalid = |e: psops_core::Error, field: &str| match e {
        psops_core::Error::Invalid(errors) => errors,
        other => vec![FieldError::new(field, Rule::Invalid, other.to_string())],
    };
    match p.get("format") {
        Some(format) => {
            let content = p.text("content");
            if content.is_empty() {
                return Err(vec![FieldError::new(
                    "content",
                    Rule::Required,
                    "choose a file or paste its text",
                )]);
            }
            match format {
                "ics" => parse_ics(&content).map_err(|e| invalid(e, "content")),
                "csv" => parse_csv(&content).map_err(|e| invalid(e, "content")),
                _ => Err(vec![FieldError::new(
                    "format",
                    Rule::OneOf,
                    "format must be ics or csv",
                )]),
            }
        }
        None => {
            let mut e = Params::new();
            let date = e.date("date", p.get("date"));
            if p.get("date").is_none() {
                e.add("date", Rule::Required, "date is required");
            }
            let minutes = p.get("hours").and_then(|h| match Minutes::parse(h) {
                Ok(m) => Some(m),
                Err(_) => {
                    e.add(
                        "hours",
                        Rule::Duration,
                        "hours must be like 4 or 4:30, or empty for a whole day",
                    );
                    None
                }
            });
            match date {
                Some(date) if e.errors().is_empty() => Ok(vec![Holiday {
                    date,
                    minutes,
                    name: p.text("name"),
                }]),
                _ => Err(e.into_errors()),
            }
        }
    }
}

pub async fn add(
    State(st): State<AppState>,
    Extension(request): Extension<RequestId>,
    me: SignedIn,
    Path(id): Path<String>,
    form: Fields,
) -> Result<Response, UiError> {
    let p = fields(&me, form)?;
    let id = HolidayCalendarId::new(path_id(&id)?);
    let s = subject(&st, &me).await?;
    let grant = allow(&st, &s, Action::Update, &CALENDARS).await?;
    st.store.calendar(id).await?;
    let errors = match holidays_from(&p) {
        Ok(holidays) => match st
            .store
            .add_holidays(&write_ctx(&me, &request, grant), id, holidays)
            .await
        {
            Ok(added) => {
                let back = format!("/admin/calendars/{id}?added={}", added.len());
                return Ok(Redirect::to(&back).into_response());
            }
            Err(e) => inline(e)?,
        },
        Err(errors) => errors,
    };
    let typed = p.0.into_iter().filter(|(k, _)| k != "csrf").collect();
    calendar_page(&st, &me, id, StatusCode::UNPROCESSABLE_ENTITY, errors, typed, None).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(pairs: &[(&str, &str)]) -> Pairs {
        Pairs(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
    }

    #[test]
    fn a_holiday_by_hand_needs_a_date_and_a_sane_duration() {
        let errors = holidays_from(&p(&[("name", "x")])).err().unwrap_or_default();
        assert_eq!(errors[0].field, "date");
        let errors = holidays_from(&p(&[("date", "2026-12-24"), ("hours", "lots")]))
            .err()
            .unwrap_or_default();
        assert_eq!(errors[0].field, "hours");
        let ok = holidays_from(&p(&[("date", "2026-12-24"), ("name", "Eve"), ("hours", "4")])).unwrap_or_default();
        assert_eq!(ok[0].minutes, Some(Minutes(240)));
    }

    #[test]
    fn imports_parse_the_posted_file() {
        let ok = holidays_from(&p(&[("format", "csv"), ("content", "2026-12-25,Christmas Day\n")])).unwrap_or_default();
        assert_eq!(ok.len(), 1);
        let errors = holidays_from(&p(&[("format", "csv")])).err().unwrap_or_default();
        assert_eq!(errors[0].field, "content");
    }
}
