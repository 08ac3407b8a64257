//! `/partners/report`: the partner report over a span of months — the API's
//! `/api/v1/reports/partners` as a table with its totals line. A partner's manager sees
//! their own line without the company's revenue and margin; others it is not for get a
//! page that does not exist.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use psops_core::finance::Month;
use psops_core::partnering::report::PartnerReportRow;
use psops_core::{Currency, Minutes, Money};
use serde::Serialize;

use super::filters::{Pairs, hours, pct, subject};
use super::layout::{Frame, frame};
use super::render::{UiError, render};
use super::session::SignedIn;
use crate::AppState;
use crate::params::Params;

#[derive(Serialize)]
struct Line {
    name: String,
    link: Option<String>,
    funds_link: Option<String>,
    hours: String,
    hours_share: String,
    revenue: String,
    revenue_share: String,
    cost: String,
    margin: String,
    margin_pct: String,
    loss: bool,
    csat: String,
    funds: String,
    vetting: String,
}

#[derive(Serialize)]
struct View {
    #[serde(flatten)]
    frame: Frame,
    from: String,
    to: String,
    currency: String,
    /// The company's figures are shown (not to a partner's manager).
    company: bool,
    rows: Vec<Line>,
    total: Line,
    errors: Vec<psops_core::FieldError>,
}

fn money(minor: Option<i64>, c: Currency) -> String {
    minor.map_or("—".into(), |m| Money::new(m, c).written())
}

fn line(r: &PartnerReportRow, c: Currency) -> Line {
    let v = r.vetting;
    Line {
        name: r.name.clone(),
        link: r.partner_id.map(|p| format!("/partners/{p}")),
        funds_link: r.funds_link.clone(),
        hours: hours(Minutes(r.approved_minutes)),
        hours_share: pct(r.hours_share_bp),
        revenue: money(r.revenue_minor, c),
        revenue_share: pct(r.revenue_share_bp),
        cost: money(Some(r.cost_minor), c),
        margin: money(r.margin_minor, c),
        margin_pct: pct(r.margin_bp),
        loss: r.margin_minor.is_some_and(|m| m < 0),
        csat: match r.csat_average_x100 {
            Some(a) => format!("{}.{:02} ({} answered)", a / 100, a % 100, r.csat_answered),
            None => "—".into(),
        },
        funds: if r.funds_remaining.is_empty() {
            "—".into()
        } else {
            r.funds_remaining
                .iter()
                .map(Money::written)
                .collect::<Vec<_>>()
                .join(", ")
        },
        vetting: format!(
            "{} vetted, {} in vetting, {} not started, {} failed",
            v.vetted, v.in_vetting, v.not_started, v.failed
        ),
    }
}

/// `GET /partners/report?from=YYYY-MM&to=YYYY-MM` (this fiscal year to date by default).
pub async fn show(State(st): State<AppState>, me: SignedIn, p: Pairs) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    crate::api::partner_report::readable(&s)?;
    let mut e = Params::new();
    let (from, to) = crate::api::finance::span(
        &st,
        &mut e,
        p.get("from").map(str::to_string),
        p.get("to").map(str::to_string),
    )
    .await?;
    let errors = match e.finish() {
        Ok(()) => Vec::new(),
        Err(crate::problem::ApiError::Domain(psops_core::Error::Invalid(errs))) => errs,
        Err(_) => Vec::new(),
    };
    // A bad month is said beside the form; the report is this fiscal year's meanwhile.
    let (from, to) = if errors.is_empty() {
        (from, to)
    } else {
        let today = time::OffsetDateTime::now_utc().date();
        (Month::of(today), Month::of(today))
    };
    let r = crate::api::partner_report::read(&st, &s, from, to).await?;
    let v = View {
        frame: frame(&me, &s),
        from: from.to_string(),
        to: to.to_string(),
        currency: r.currency.to_string(),
        company: r.all_revenue_minor.is_some(),
        rows: r.rows.iter().map(|x| line(x, r.currency)).collect(),
        total: line(&r.total, r.currency),
        errors,
    };
    Ok(render("partner_report.html", v)?.into_response())
}
