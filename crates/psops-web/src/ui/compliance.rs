//! `/reports/compliance`: for one ISO week, who has not submitted their timesheet, or not
//! had it approved, by the due day — the people behind first, with counts per status.

use std::collections::BTreeMap;

use axum::Extension;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use psops_core::FieldError;
use psops_core::code::Code;
use psops_core::error::Thing;
use psops_core::people::PersonId;
use psops_core::policy::{Action, Resource, list_scope};
use psops_core::reporting::Reminder;
use psops_core::reporting::{ComplianceRow, ComplianceSort};
use psops_core::scope::ListKind;
use psops_core::sort::Numbered;
use psops_core::timesheet::{Compliance, IsoWeek, standing};
use serde::Serialize;
use time::{Duration, OffsetDateTime};

use super::admin::{Fields, fields, write_ctx};
use super::filters::{Pairs, day, is_htmx, subject};
use super::layout::{Frame, frame};
use super::render::{UiError, render};
use super::session::SignedIn;
use super::table::{self, Column, Pager, col};
use crate::AppState;
use crate::authorize::{Fixed, allow};
use crate::params::Params;
use crate::request_id::RequestId;

#[derive(Serialize)]
struct Row {
    person_id: i64,
    name: String,
    submitted: String,
    approved: String,
    status: &'static str,
    /// How late, or what is missing, in words.
    standing: String,
    /// Not submitted at all: a reminder can go to them.
    remind: bool,
}

#[derive(Serialize)]
struct CompliancePage {
    #[serde(flatten)]
    frame: Frame,
    errors: Vec<FieldError>,
    week: String,
    previous: String,
    next: String,
    due: String,
    as_of: String,
    counts: Vec<Count>,
    rows: Vec<Row>,
    columns: Vec<Column>,
    pager: Pager,
    /// The status the list is cut to, or "" for everyone.
    status: &'static str,
    /// People of the week with nothing submitted, on every page.
    missing: usize,
    notice: Option<String>,
    /// Whether the reader may open the outbox (administrators, ops, project managers).
    outbox: bool,
}

/// How many people are in one status; a link cuts the list to them.
#[derive(Serialize)]
struct Count {
    label: String,
    n: usize,
    href: String,
    current: bool,
}

/// Whoever reads compliance may remind people.
async fn reader(st: &AppState, s: &psops_core::policy::Subject) -> Result<psops_core::policy::Grant, UiError> {
    Ok(allow(
        st,
        s,
        Action::Read,
        &Fixed(Resource::Compliance, Thing::ComplianceReportPage),
    )
    .await?)
}

/// `POST /reports/compliance/remind` with `week` and a `person`, or `all=1` for everyone
/// of the week with nothing submitted: each gets a reminder in the outbox.
pub async fn remind(
    State(st): State<AppState>,
    Extension(request): Extension<RequestId>,
    me: SignedIn,
    form: Fields,
) -> Result<Response, UiError> {
    let p = fields(&me, form)?;
    let s = subject(&st, &me).await?;
    let grant = reader(&st, &s).await?;
    let week: IsoWeek = p.text("week").parse()?;
    let today = OffsetDateTime::now_utc().date();
    let report = st
        .store
        .compliance(week, today)
        .await?
        .within(&list_scope(&s, ListKind::Figures));
    let person: Vec<PersonId> = p
        .get("person")
        .and_then(|v| v.parse::<i64>().ok())
        .map(PersonId::new)
        .into_iter()
        .collect();
    let only = if p.get("all").is_some() {
        None
    } else {
        Some(&person[..])
    };
    let chosen = report.to_remind(only);
    if chosen.is_empty() {
        return Err(UiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Nobody to remind",
            format!("Nobody chosen is missing a timesheet for {week}; reminders go to people with nothing submitted."),
        ));
    }
    let message = Reminder::message_for(week, report.due);
    let ctx = write_ctx(&me, &request, grant);
    st.store.remind(&ctx, &chosen, week, &message).await?;
    // Back to the list as it was cut: a status the form carried, if it is one.
    let status = p
        .get("status")
        .and_then(|c| Compliance::ALL.iter().find(|s| s.code() == c))
        .map_or(String::new(), |s| format!("&status={}", s.code()));
    let back = format!("/reports/compliance?week={week}{status}&reminded={}", chosen.len());
    Ok(Redirect::to(&back).into_response())
}

pub async fn show(State(st): State<AppState>, me: SignedIn, headers: HeaderMap, p: Pairs) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    reader(&st, &s).await?;
    let today = OffsetDateTime::now_utc().date();
    let last_week = IsoWeek::of(today.checked_sub(Duration::days(7)).unwrap_or(today));
    let mut errors = Vec::new();
    let week = match p.get("week") {
        None => last_week,
        Some(text) => text.parse::<IsoWeek>().unwrap_or_else(|e| {
            if let psops_core::Error::Invalid(f) = e {
                errors.extend(f);
            }
            last_week
        }),
    };
    let mut e = Params::new();
    let only = e.code::<Compliance>("status", p.get("status"));
    let at = table::read::<ComplianceSort>(&mut e, &p);
    errors.extend(e.into_errors());
    let report = st
        .store
        .compliance(week, today)
        .await?
        .within(&list_scope(&s, ListKind::Figures));
    let mut counts: BTreeMap<u8, (Compliance, usize)> = BTreeMap::new();
    for r in &report.rows {
        counts.entry(r.status.urgency()).or_insert((r.status, 0)).1 += 1;
    }
    let kept: Vec<&ComplianceRow> = report
        .rows
        .iter()
        .filter(|r| only.is_none_or(|o| r.status == o))
        .collect();
    let missing = report.rows.iter().filter(|r| r.needs_reminder()).count();
    let sorted = table::order(kept, at.direction, |r| (r.figure(at.key), r.name.as_str()));
    let total = sorted.len() as u64;
    let shown = Numbered::cut(sorted, &at).items;
    // The report's own names do not tell two people of one name apart; the store's do.
    let names = super::filters::person_names(&st, shown.iter().map(|r| r.person_id).collect()).await?;
    let rows = shown
        .into_iter()
        .map(|r| Row {
            person_id: r.person_id.get(),
            name: names.get(&r.person_id.get()).cloned().unwrap_or_else(|| r.name.clone()),
            submitted: day(r.submitted_on),
            approved: day(r.approved_on),
            status: r.status.code(),
            standing: standing(
                r.status,
                report.due,
                r.submitted_on,
                r.approved_on,
                r.rejected,
                report.as_of,
            ),
            remind: r.needs_reminder(),
        })
        .collect();
    let path = "/reports/compliance";
    let monday = week.monday();
    let previous = IsoWeek::of(monday.checked_sub(Duration::days(7)).unwrap_or(monday));
    let ctx = CompliancePage {
        frame: frame(&me, &s),
        errors,
        week: week.to_string(),
        previous: previous.to_string(),
        next: week.next().unwrap_or(week).to_string(),
        due: day(Some(report.due)),
        as_of: day(Some(report.as_of)),
        counts: counts
            .into_values()
            .map(|(c, n)| Count {
                label: c.label().to_string(),
                n,
                href: format!("{path}?week={week}&status={}", c.code()),
                current: only == Some(c),
            })
            .collect(),
        rows,
        columns: table::head(
            path,
            &p,
            &at,
            vec![
                col("Person", ComplianceSort::Person),
                col("Status", ComplianceSort::Status),
                col("Submitted", ComplianceSort::Submitted),
                col("Approved", ComplianceSort::Approved),
            ],
        ),
        pager: table::pager(path, &p, &at, total),
        status: only.map(|c| c.code()).unwrap_or_default(),
        missing,
        notice: p
            .get("reminded")
            .and_then(|n| n.parse::<usize>().ok())
            .map(|n| format!("{n} reminder{} put in the outbox.", if n == 1 { "" } else { "s" })),
        outbox: psops_core::policy::notification_scope(&s) != psops_core::notify::NotificationScope::Nothing,
    };
    let template = if is_htmx(&headers) {
        "compliance_results.html"
    } else {
        "compliance.html"
    };
    Ok(render(template, ctx)?.into_response())
}
