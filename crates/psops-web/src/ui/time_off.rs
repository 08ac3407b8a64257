//! `/me/time-off`: a person's own time off — request a day or a run of weekdays (all of
//! them or none), see each request's state and the reason of a rejection, withdraw one
//! nobody has decided yet. Their manager, ops or admin decide on `/admin/time-off`.

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use psops_core::calendars::{NewTimeOff, TimeOffFilter, TimeOffId, TimeOffRecord, TimeOffStatus, runs};
use psops_core::capacity::TimeOffKind;
use psops_core::code::Code;
use psops_core::page::PageRequest;
use psops_core::policy::{Action, list_scope};
use psops_core::rule::Rule;
use psops_core::scope::ListKind;
use psops_core::{Error, FieldError, Minutes};
use serde::Serialize;
use time::{Duration, OffsetDateTime, Weekday};

use super::admin::{Fields, fields, inline, write_ctx};
use super::filters::{Pairs, day, hours, label, options, path_id, subject};
use super::layout::{Frame, frame};
use super::render::{UiError, render};
use super::session::SignedIn;
use super::week_load::person;
use crate::AppState;
use crate::authorize::allow;
use crate::params::Params;
use crate::request_id::RequestId;

/// The longest run one request covers.
const MAX_DAYS: i64 = 31;

/// A run of days off (core `calendars::runs`) as the pages show it: one line, decided
/// or withdrawn as a whole.
#[derive(Serialize)]
pub(super) struct Run {
    /// The first day's id, the path of the run's forms.
    pub id: i64,
    /// Every day as `id:version`, posted back so the whole run moves or none of it.
    pub items: String,
    pub person_id: i64,
    /// `2026-12-07` or `2026-12-07 – 2026-12-11`.
    pub dates: String,
    pub days: usize,
    pub kind: String,
    /// Hours a day.
    pub hours: String,
    pub status: &'static str,
    pub note: String,
    pub reason: String,
    /// Its owner may withdraw it while nobody has decided.
    pub open: bool,
}

pub(super) fn run(days: &[&TimeOffRecord]) -> Option<Run> {
    let (first, last) = (days.first()?, days.last()?);
    Some(Run {
        id: first.id.get(),
        items: days
            .iter()
            .map(|t| format!("{}:{}", t.id, t.version))
            .collect::<Vec<_>>()
            .join(","),
        person_id: first.person_id.get(),
        dates: if days.len() == 1 {
            day(Some(first.date))
        } else {
            super::filters::span(Some(first.date), Some(last.date))
        },
        days: days.len(),
        kind: label(first.kind.code()),
        hours: hours(first.minutes),
        status: first.status.code(),
        note: first.note.clone().unwrap_or_default(),
        reason: first.reason.clone().unwrap_or_default(),
        open: first.status == TimeOffStatus::Requested,
    })
}

/// The days a run's form posted (`items`), each with the version it was shown at; a
/// form without them means the one day of its path.
pub(super) fn posted_days(path: i64, p: &Pairs) -> Result<Vec<(TimeOffId, Option<i64>)>, UiError> {
    let Some(items) = p.get("items").filter(|v| !v.is_empty()) else {
        return Ok(vec![(
            TimeOffId::new(path),
            p.get("version").and_then(|v| v.parse().ok()),
        )]);
    };
    items
        .split(',')
        .map(|item| {
            let (id, version) = item.split_once(':').unwrap_or((item, ""));
            match (id.trim().parse::<i64>(), version.trim().parse::<i64>()) {
                (Ok(id), Ok(v)) if id > 0 => Ok((TimeOffId::new(id), Some(v))),
                _ => Err(Error::invalid("items", Rule::Id, format!("'{item}' is not a day of this request")).into()),
            }
        })
        .collect()
}

#[derive(Serialize, Default)]
struct Draft {
    from: String,
    until: String,
    kind: String,
    hours: String,
    note: String,
}

#[derive(Serialize)]
struct MinePage {
    #[serde(flatten)]
    frame: Frame,
    lines: Vec<Run>,
    kinds: Vec<(&'static str, String)>,
    draft: Draft,
    errors: Vec<FieldError>,
    notice: Option<&'static str>,
    /// People whose requests this person decides have some waiting.
    decides: bool,
}

async fn page(
    st: &AppState,
    me: &SignedIn,
    p: &Pairs,
    draft: Draft,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> Result<Response, UiError> {
    let s = subject(st, me).await?;
    let mine = person(&s)?;
    let today = OffsetDateTime::now_utc().date();
    let filter = TimeOffFilter {
        person_id: Some(mine),
        from: today
            .replace_day(1)
            .ok()
            .and_then(|d| d.checked_sub(Duration::days(90))),
        scope: list_scope(&s, ListKind::TimeOff),
        ..Default::default()
    };
    let found = st
        .store
        .list_time_off(
            &filter,
            PageRequest {
                after: None,
                limit: 500,
            },
        )
        .await?;
    let mut lines: Vec<Run> = runs(&found.items).iter().filter_map(|r| run(r)).collect();
    // Latest first.
    lines.reverse();
    let waiting = TimeOffFilter {
        status: Some(TimeOffStatus::Requested),
        scope: list_scope(&s, ListKind::TimeOff),
        ..Default::default()
    };
    let others = st
        .store
        .list_time_off(&waiting, PageRequest { after: None, limit: 50 })
        .await?;
    let decides = others.items.iter().any(|t| t.person_id != mine);
    let ctx = MinePage {
        frame: frame(me, &s),
        lines,
        kinds: options::<TimeOffKind>(),
        draft,
        errors,
        notice: match p.get("done") {
            Some("requested") => Some("Requested. Your manager or ops decides; you can withdraw it until then."),
            Some("withdrawn") => Some("Withdrawn."),
            _ => None,
        },
        decides,
    };
    Ok((status, render("my_time_off.html", ctx)?).into_response())
}

pub async fn show(State(st): State<AppState>, me: SignedIn, p: Pairs) -> Result<Response, UiError> {
    let day_minutes = st.store.capacity_rules().await?.day_minutes;
    let draft = Draft {
        from: psops_core::dates::format_date(OffsetDateTime::now_utc().date()),
        kind: TimeOffKind::Pto.code().into(),
        hours: Minutes(day_minutes).hours_text(),
        ..Default::default()
    };
    page(&st, &me, &p, draft, Vec::new(), StatusCode::OK).await
}

/// The weekdays from `from` to `until` (or `from` alone).
fn weekdays(e: &mut Params, p: &Pairs) -> Vec<time::Date> {
    let Some(from) = e.date("from", p.get("from").filter(|v| !v.is_empty())) else {
        if p.get("from").is_none_or(str::is_empty) {
            e.add("from", Rule::Required, "From is required: the first day off");
        }
        return Vec::new();
    };
    let until = match p.get("until").filter(|v| !v.is_empty()) {
        None => from,
        Some(text) => match e.date("until", Some(text)) {
            Some(d) => d,
            None => return Vec::new(),
        },
    };
    if until < from {
        e.add("until", Rule::AfterStart, "Until must be on or after From");
        return Vec::new();
    }
    if (until - from).whole_days() >= MAX_DAYS {
        e.add(
            "until",
            Rule::Range,
            format!("One request covers at most {MAX_DAYS} days; split a longer absence"),
        );
        return Vec::new();
    }
    let mut days = Vec::new();
    let mut d = from;
    while d <= until {
        if from == until || !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday) {
            days.push(d);
        }
        d += Duration::days(1);
    }
    if days.is_empty() {
        e.add(
            "until",
            Rule::Empty,
            "Every day from From to Until is on a weekend; choose a weekday",
        );
    }
    days
}

/// `POST /me/time-off`: every weekday of the run requested, or none.
pub async fn request(
    State(st): State<AppState>,
    Extension(request): Extension<RequestId>,
    me: SignedIn,
    form: Fields,
) -> Result<Response, UiError> {
    let p = fields(&me, form)?;
    let s = subject(&st, &me).await?;
    let mine = person(&s)?;
    let mut e = Params::new();
    let days = weekdays(&mut e, &p);
    let kind = e.code::<TimeOffKind>("kind", p.get("kind"));
    let minutes = match Minutes::parse(&p.text("hours")) {
        Ok(m) => Some(m),
        Err(_) => {
            e.add(
                "hours",
                Rule::Duration,
                "Hours a day must be a duration such as 8, 7.5 or 4:00",
            );
            None
        }
    };
    let note = Some(p.text("note")).filter(|n| !n.trim().is_empty());
    let mut errors = e.into_errors();
    if errors.is_empty()
        && let (Some(kind), Some(minutes)) = (kind, minutes)
    {
        let new: Vec<NewTimeOff> = days
            .iter()
            .map(|date| NewTimeOff {
                person_id: mine,
                date: *date,
                minutes,
                kind,
                note: note.clone(),
            })
            .collect();
        let grant = allow(&st, &s, Action::Create, &new[0]).await?;
        match st.store.request_days(&write_ctx(&me, &request, grant), new).await {
            Ok(_) => return Ok(Redirect::to("/me/time-off?done=requested").into_response()),
            Err(err) => errors = inline(err)?,
        }
    }
    let draft = Draft {
        from: p.text("from"),
        until: p.text("until"),
        kind: p.text("kind"),
        hours: p.text("hours"),
        note: p.text("note"),
    };
    page(&st, &me, &p, draft, errors, StatusCode::UNPROCESSABLE_ENTITY).await
}

/// `POST /me/time-off/{id}/withdraw`: the owner takes back a request nobody decided.
pub async fn withdraw(
    State(st): State<AppState>,
    Extension(request): Extension<RequestId>,
    me: SignedIn,
    Path(id): Path<String>,
    form: Fields,
) -> Result<Response, UiError> {
    let p = fields(&me, form)?;
    let s = subject(&st, &me).await?;
    let days = posted_days(path_id(&id)?, &p)?;
    let mut grant = None;
    for &(day, _) in &days {
        let record = st.store.time_off(day).await?;
        grant = Some(allow(&st, &s, Action::Delete, &record).await?);
        if record.status != TimeOffStatus::Requested || Some(record.person_id) != s.person_id {
            return Err(Error::Forbidden(
                "only your own requests that nobody has decided yet can be withdrawn here".into(),
            )
            .into());
        }
    }
    if let Some(grant) = grant {
        st.store
            .delete_time_off_days(&write_ctx(&me, &request, grant), &days)
            .await?;
    }
    Ok(Redirect::to("/me/time-off?done=withdrawn").into_response())
}
