//! `/partners/training`: each training service partner's compliance on a day — the API's
//! `/api/v1/training-partners` as a table, those short of a term first, each with what is
//! missing. A partner's manager sees their own organisation's line; others it is not for
//! get a page that does not exist.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use psops_core::education::tsp::{Compliance, TspStatus, TspTerm};
use serde::Serialize;

use super::filters::{Pairs, subject};
use super::layout::{Frame, frame};
use super::render::{UiError, render};
use super::session::SignedIn;
use crate::AppState;
use crate::api::training_partners::{AsOf, as_of, read};
use crate::params::Params;

#[derive(Serialize)]
struct Line {
    id: i64,
    name: String,
    enrolled_on: String,
    ramp_ends_on: String,
    status: &'static str,
    status_label: &'static str,
    trainers: String,
    courses: String,
    csat: String,
    delivered: i64,
    /// The late classes, each a link to its page.
    late: Vec<i64>,
    missing: Vec<String>,
}

#[derive(Serialize)]
struct View {
    #[serde(flatten)]
    frame: Frame,
    as_of: String,
    /// The day the figures are judged on (today when the asked day was refused).
    judged_on: String,
    terms: psops_core::education::tsp::TspSettings,
    rows: Vec<Line>,
    errors: Vec<psops_core::FieldError>,
}

fn day_of(d: time::Date) -> String {
    super::filters::day(Some(d))
}

fn figure(c: &Compliance, term: TspTerm) -> Option<&psops_core::education::tsp::TspCheck> {
    c.checks.iter().find(|k| k.term == term)
}

fn line(c: &Compliance) -> Line {
    let of =
        |term| figure(c, term).map_or_else(String::new, |k| format!("{} of {}", k.actual.unwrap_or(0), k.required));
    let (status, status_label) = match c.status {
        TspStatus::Compliant => ("compliant", "Compliant"),
        TspStatus::RampingUp => ("ramping_up", "Ramping up"),
        TspStatus::NotCompliant => ("not_compliant", "Not compliant"),
    };
    Line {
        id: c.partner_id.get(),
        name: c.partner.clone(),
        enrolled_on: day_of(c.enrolled_on),
        ramp_ends_on: day_of(c.ramp_ends_on),
        status,
        status_label,
        trainers: of(TspTerm::Trainers),
        courses: of(TspTerm::Courses),
        csat: match figure(c, TspTerm::Csat).and_then(|k| k.actual) {
            Some(p) => format!("{p} % ({} answered)", c.answers),
            None => "—".into(),
        },
        delivered: c.delivered,
        late: c.late_classes.iter().map(|id| id.get()).collect(),
        missing: c.missing().into_iter().map(str::to_string).collect(),
    }
}

/// `GET /partners/training?as_of=YYYY-MM-DD` (today by default).
pub async fn show(State(st): State<AppState>, me: SignedIn, p: Pairs) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    let mut e = Params::new();
    let day = as_of(
        &mut e,
        AsOf {
            as_of: p.get("as_of").map(str::to_string),
        },
    );
    let errors = e.into_errors();
    let report = read(&st, &s, day, None).await?;
    let mut rows: Vec<&Compliance> = report.partners.iter().collect();
    // Those that need attention first: not compliant, then ramping up, then compliant.
    rows.sort_by_key(|c| match c.status {
        TspStatus::NotCompliant => 0,
        TspStatus::RampingUp => 1,
        TspStatus::Compliant => 2,
    });
    let v = View {
        frame: frame(&me, &s),
        as_of: if errors.is_empty() {
            report.as_of.to_string()
        } else {
            p.text("as_of")
        },
        judged_on: day_of(report.as_of),
        terms: report.terms.clone(),
        rows: rows.into_iter().map(line).collect(),
        errors,
    };
    Ok(render("training_partners.html", v)?.into_response())
}
