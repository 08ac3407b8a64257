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
use psops_core::reporting::{ComplianceRow, ComplianceSort};
use psops_core::sort::Numbered;
use psops_core::timesheet::{Compliance, IsoWeek};
use serde::Serialize;
use time::{Duration, OffsetDateTime};

use super::filters::{Pairs, day, is_htmx, label, subject};
use super::layout::{Frame, frame};
use super::render::{UiError, render};
use super::session::SignedIn;
use super::table::{self, Column, Pager, col};
use crate::AppState;
use crate::authorize::{Fixed, allow};
use crate::params::Params;

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
    counts: Vec<Count>,
    rows: Vec<Row>,
    columns: Vec<Column>,
    pager: Pager,
    /// The status the list is cut to, or "" for everyone.
    status: &'static str,
}

/// How many people are in one status; a link cuts the list to them.
#[derive(Serialize)]
struct Count {
    label: String,
    n: usize,
    href: String,
    current: bool,
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
    let mut e = Params::new();
    let only = e.code::<Compliance>("status", p.get("status"));
    let at = table::read::<ComplianceSort>(&mut e, &p);
    errors.extend(e.into_errors());
    let report = st.store.compliance(week, today).await?;
    let mut counts: BTreeMap<u8, (Compliance, usize)> = BTreeMap::new();
    for r in &report.rows {
        counts.entry(r.status.urgency()).or_insert((r.status, 0)).1 += 1;
    }
    let kept: Vec<&ComplianceRow> = report
        .rows
        .iter()
        .filter(|r| only.is_none_or(|o| r.status == o))
        .collect();
    let sorted = table::order(kept, at.direction, |r| (r.figure(at.key), r.name.clone()));
    let total = sorted.len() as u64;
    let rows = Numbered::cut(sorted, &at)
        .map(|r| Row {
            person_id: r.person_id.get(),
            name: r.name.clone(),
            submitted: day(r.submitted_on),
            approved: day(r.approved_on),
            status: r.status.code(),
            status_label: label(r.status.code()),
        })
        .items;
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
                label: label(c.code()),
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
    };
    let template = if is_htmx(&headers) {
        "compliance_results.html"
    } else {
        "compliance.html"
    };
    Ok(render(template, ctx)?.into_response())
}
