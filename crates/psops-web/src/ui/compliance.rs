//! `/reports/compliance`: for one ISO week, who has not submitted their timesheet, or not
//! had it approved, by the due day — the people behind first, with counts per status.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use psops_core::FieldError;
use psops_core::code::Code;
use psops_core::error::Thing;
use psops_core::policy::{Action, Resource};
use psops_core::timesheet::{Compliance, IsoWeek};
use serde::Serialize;
use time::{Duration, OffsetDateTime};

use super::filters::{Pairs, day, is_htmx, label, subject};
use super::layout::{Frame, frame};
use super::render::{UiError, render};
use super::session::SignedIn;
use crate::AppState;
use crate::authorize::{Fixed, allow};

#[derive(Serialize)]
struct Row {
    person_id: i64,
    name: String,
    submitted: String,
    approved: String,
    status: &'static str,
    status_label: String,
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
    counts: Vec<(String, usize)>,
    rows: Vec<Row>,
}

/// Late first: not submitted, then not approved, then not yet due, then on time.
fn rank(c: Compliance) -> u8 {
    match c {
        Compliance::NotSubmitted => 0,
        Compliance::NotApproved => 1,
        Compliance::NotDue => 2,
        Compliance::OnTime => 3,
    }
}

pub async fn show(State(st): State<AppState>, me: SignedIn, headers: HeaderMap, p: Pairs) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    allow(
        &st,
        &s,
        Action::Read,
        &Fixed(Resource::Compliance, Thing::ComplianceReportPage),
    )
    .await?;
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
    let report = st.store.compliance(week, today).await?;
    let mut counts: BTreeMap<u8, (String, usize)> = BTreeMap::new();
    let mut rows: Vec<Row> = report
        .rows
        .iter()
        .map(|r| {
            counts
                .entry(rank(r.status))
                .or_insert_with(|| (label(r.status.code()), 0))
                .1 += 1;
            Row {
                person_id: r.person_id.get(),
                name: r.name.clone(),
                submitted: day(r.submitted_on),
                approved: day(r.approved_on),
                status: r.status.code(),
                status_label: label(r.status.code()),
            }
        })
        .collect();
    rows.sort_by_key(|r| (Compliance::from_code(r.status).map(rank).unwrap_or(9), r.name.clone()));
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
        counts: counts.into_values().collect(),
        rows,
    };
    let template = if is_htmx(&headers) {
        "compliance_results.html"
    } else {
        "compliance.html"
    };
    Ok(render(template, ctx)?.into_response())
}
