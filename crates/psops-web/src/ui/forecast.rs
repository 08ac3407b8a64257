//! `/finance/forecast`: the revenue and billable-hours forecast for finance and the
//! leaders who read the organisation's money — a bar per month (weighted revenue, with
//! the upside beside it), the months as a table, accuracy per fiscal quarter against the
//! target, the latest snapshots, and for administrators and finance a button that keeps
//! a snapshot now. Everything comes from the API's reads.

use axum::Extension;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use psops_core::finance::Month;
use psops_core::finance::forecast::Class;
use psops_core::finance::forecast_accuracy::AccuracyRow;
use psops_core::finance::forecast_store::SNAPSHOT_MONTHS;
use psops_core::page::PageRequest;
use psops_core::policy::{Action, Decision, Resource, decide};
use psops_core::{Currency, Minutes, Money};
use serde::Serialize;
use time::OffsetDateTime;

use super::admin::{Fields, fields, write_ctx};
use super::charts::{Bar, BarChart, bar_chart};
use super::filters::{Pairs, pct, subject};
use super::layout::{Frame, frame};
use super::render::{UiError, render};
use super::session::SignedIn;
use crate::AppState;
use crate::authorize::{Fixed, allow};
use crate::params::Params;
use crate::request_id::RequestId;

#[derive(Serialize)]
struct MonthRow {
    month: String,
    revenue: String,
    upside: String,
    billable: String,
    billable_upside: String,
}

#[derive(Serialize)]
struct QuarterRow {
    quarter: String,
    class: &'static str,
    forecast: String,
    actual: String,
    accuracy: String,
    target: String,
    /// `met`, `missed` or empty without a figure.
    verdict: &'static str,
}

#[derive(Serialize)]
struct SnapshotRow {
    id: i64,
    taken_at: String,
    span: String,
    revenue: String,
    upside: String,
}

#[derive(Serialize)]
struct View {
    #[serde(flatten)]
    frame: Frame,
    tabs: Vec<super::listing::Tab>,
    from: String,
    months: u32,
    year: i32,
    currency: String,
    chart: String,
    rows: Vec<MonthRow>,
    total: MonthRow,
    quarters: Vec<QuarterRow>,
    snapshots: Vec<SnapshotRow>,
    may_keep: bool,
    kept: Option<i64>,
}

fn money(minor: i64, c: Currency) -> String {
    Money::new(minor, c).written()
}

fn quarter(r: &AccuracyRow, c: Currency) -> QuarterRow {
    let opt = |v: Option<i64>| v.map(|m| money(m, c)).unwrap_or_else(|| "—".into());
    QuarterRow {
        quarter: r.period.replace('-', " "),
        class: match r.class {
            Class::Standard => "T&M and fixed fee",
            Class::Block => "Consulting blocks and dedicated engineers",
        },
        forecast: opt(r.forecast_minor),
        actual: opt(r.actual_minor),
        accuracy: pct(r.accuracy_bp),
        target: format!("± {}", pct(Some(r.target_bp))),
        verdict: match r.met {
            Some(true) => "met",
            Some(false) => "missed",
            None => "",
        },
    }
}

/// `GET /finance/forecast?from=YYYY-MM&months=N&year=FY`.
pub async fn show(State(st): State<AppState>, me: SignedIn, q: Pairs) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    crate::api::forecast::readable(&st, &s).await?;
    let mut p = Params::new();
    let (from, months) = crate::api::forecast::span(
        &mut p,
        q.get("from").map(str::to_string),
        q.get("months").map(str::to_string),
    );
    let today = OffsetDateTime::now_utc().date();
    let fiscal = st.store.settings().await?.fiscal_calendar();
    let year = match q.get("year").filter(|y| !y.is_empty()) {
        Some(y) => y.parse::<i32>().unwrap_or(0),
        None => fiscal.year_of(today),
    };
    let errors = p.into_errors();
    if !errors.is_empty() {
        return Err(psops_core::Error::Invalid(errors).into());
    }
    let (f, acc, snaps) = tokio::try_join!(
        st.store.forecast(from, months, false),
        st.store.forecast_accuracy(year, today),
        st.store.forecast_snapshots(PageRequest { after: None, limit: 5 }),
    )?;
    let c = f.reporting_currency;
    let major = 10f64.powi(c.exponent() as i32);
    let chart = BarChart {
        title: format!("Weighted revenue by month ({c})"),
        unit: String::new(),
        series: "Weighted revenue".into(),
        second_series: Some("Upside".into()),
        bars: f
            .by_month
            .iter()
            .map(|m| Bar {
                label: m.month.to_string(),
                value: m.totals.revenue_minor as f64 / major,
                second: Some(m.totals.upside_minor as f64 / major),
            })
            .collect(),
        empty: "Nothing is booked in these months yet.".into(),
        ..Default::default()
    };
    let row = |month: String, t: &psops_core::finance::forecast::ForecastTotals| MonthRow {
        month,
        revenue: money(t.revenue_minor, c),
        upside: money(t.upside_minor, c),
        billable: Minutes(t.billable_minutes).hours_text(),
        billable_upside: Minutes(t.billable_upside_minutes).hours_text(),
    };
    let v = View {
        frame: frame(&me, &s),
        tabs: super::finance::finance_tabs("/finance/forecast"),
        from: from.to_string(),
        months,
        year,
        currency: c.to_string(),
        chart: bar_chart(&chart),
        rows: f.by_month.iter().map(|m| row(m.month.to_string(), &m.totals)).collect(),
        total: row("Total".into(), &f.total),
        quarters: acc.quarters.iter().map(|r| quarter(r, c)).collect(),
        snapshots: snaps
            .items
            .iter()
            .map(|k| SnapshotRow {
                id: k.id,
                taken_at: super::locale::shown(k.taken_at.date()),
                span: format!("{} + {} months", k.from, k.months.saturating_sub(1)),
                revenue: money(k.revenue_minor, k.reporting_currency),
                upside: money(k.upside_minor, k.reporting_currency),
            })
            .collect(),
        may_keep: decide(&s, Action::Create, &Resource::Finance) == Decision::Allow,
        kept: q.get("kept").and_then(|k| k.parse().ok()),
    };
    Ok(render("forecast.html", v)?.into_response())
}

/// `POST /finance/forecast/snapshot`: keeps the forecast of the coming year as it stands
/// (administrators and finance), then back to the page.
pub async fn keep(
    State(st): State<AppState>,
    Extension(request): Extension<RequestId>,
    me: SignedIn,
    form: Fields,
) -> Result<Response, UiError> {
    fields(&me, form)?;
    let s = subject(&st, &me).await?;
    let grant = allow(
        &st,
        &s,
        Action::Create,
        &Fixed(Resource::Finance, psops_core::error::Thing::Finance),
    )
    .await?;
    let now = OffsetDateTime::now_utc();
    let kept = st
        .store
        .snapshot_forecast(
            &write_ctx(&me, &request, grant),
            Month::of(now.date()),
            SNAPSHOT_MONTHS,
            now,
        )
        .await?;
    Ok(Redirect::to(&format!("/finance/forecast?kept={}", kept.id)).into_response())
}
