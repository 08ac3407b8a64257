//! `/finance`: the finance dashboard — revenue and cost by month, margin by quarter
//! against the target, revenue by category and offering type, the loss-making projects
//! and which months are closed — and `/finance/margin`, the margin report behind it by
//! any grouping, a page of rows at a time. Both read the ledger once per span and keep
//! the result until the database changes.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use psops_core::Money;
use psops_core::code::Code;
use psops_core::error::Thing;
use psops_core::finance::Month;
use psops_core::finance::margin::{Figures, MarginBy, MarginRow};
use psops_core::policy::{Action, Decision, Resource, Subject, decide};
use serde::Serialize;

use super::charts::{Bar, BarChart, HBar, HBarChart, Target, bar_chart, hbar_chart};
use super::filters::{Pairs, label, pct, subject};
use super::layout::{Frame, frame};
use super::listing::Tab;
use super::render::{UiError, render};
use super::session::SignedIn;
use crate::AppState;
use crate::authorize::{Fixed, allow};
use crate::params::Params;

/// Rows of the margin report on one page.
const PAGE_ROWS: usize = 50;

/// Whether the subject reads the organisation's money (and gets Finance in the navigation).
pub fn sees_finance(s: &Subject) -> bool {
    decide(s, Action::Read, &Resource::Finance) == Decision::Allow
}

/// The finance pages as tabs.
pub fn finance_tabs(here: &str) -> Vec<Tab> {
    const ALL: [(&str, &str); 4] = [
        ("/finance", "Dashboard"),
        ("/finance/margin", "Margin"),
        ("/finance/forecast", "Forecast"),
        ("/finance/periods", "Periods"),
    ];
    ALL.into_iter()
        .map(|(href, label)| Tab {
            href: href.into(),
            label,
            current: href == here,
        })
        .collect()
}

#[derive(Serialize)]
struct Line {
    href: Option<String>,
    cells: Vec<String>,
    /// `loss` for a row losing money, `below` for one under the target.
    mark: &'static str,
}

fn money(minor: i64, c: psops_core::Currency) -> String {
    Money::new(minor, c).written()
}

fn major(minor: i64, c: psops_core::Currency) -> f64 {
    minor as f64 / 10f64.powi(c.exponent() as i32)
}

fn mark(f: &Figures, target_bp: i64) -> &'static str {
    match f.margin_bp {
        _ if f.margin_minor < 0 => "loss",
        Some(bp) if bp < target_bp => "below",
        _ => "",
    }
}

fn figure_cells(f: &Figures, c: psops_core::Currency) -> [String; 4] {
    [
        money(f.revenue_minor, c),
        money(f.cost_minor, c),
        money(f.margin_minor, c),
        pct(f.margin_bp),
    ]
}

/// The span a page shows: `from`/`to` as asked, else this fiscal year to date; a span
/// that does not parse is named in the page's problems.
async fn span(st: &AppState, p: &Pairs) -> Result<(Month, Month, Vec<psops_core::FieldError>), UiError> {
    let mut params = Params::new();
    let (from, to) = crate::api::finance::span(
        st,
        &mut params,
        p.get("from").map(str::to_string),
        p.get("to").map(str::to_string),
    )
    .await?;
    let mut problems = params.into_errors();
    if let Err(psops_core::Error::Invalid(e)) = psops_core::finance::margin::check_span(from, to) {
        problems.extend(e);
    }
    let (from, to) = if problems.is_empty() {
        (from, to)
    } else {
        let today = Month::of(time::OffsetDateTime::now_utc().date());
        (today, today)
    };
    Ok((from, to, problems))
}

#[derive(Serialize)]
struct DashboardView {
    #[serde(flatten)]
    frame: Frame,
    tabs: Vec<Tab>,
    from: String,
    to: String,
    errors: Vec<psops_core::FieldError>,
    currency: String,
    target: String,
    total: [String; 4],
    revenue_chart: String,
    margin_chart: String,
    type_chart: String,
    forecast_chart: String,
    months: Vec<Line>,
    categories: Vec<Line>,
    losses: Vec<Line>,
    loss_count: i64,
    closed: String,
}

fn row_line(r: &MarginRow, c: psops_core::Currency, target_bp: i64, href: Option<String>) -> Line {
    let mut cells = vec![r.label.clone()];
    cells.extend(figure_cells(&r.figures, c));
    Line {
        href,
        cells,
        mark: mark(&r.figures, target_bp),
    }
}

/// `GET /finance?from=YYYY-MM&to=YYYY-MM`.
pub async fn dashboard(State(st): State<AppState>, me: SignedIn, p: Pairs) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    allow(&st, &s, Action::Read, &Fixed(Resource::Finance, Thing::Finance)).await?;
    let (from, to, problems) = span(&st, &p).await?;
    let d = st.store.dashboard(from, to).await?;
    let c = d.currency;
    let today = time::OffsetDateTime::now_utc().date();
    let fiscal = st.store.settings().await?.fiscal_calendar();
    let accuracy = st.store.forecast_accuracy(fiscal.year_of(to.first()), today).await?;
    // Each month's forecast (the snapshot kept before it began) and its actual, both
    // classes of work together.
    let mut by_month: std::collections::BTreeMap<String, (f64, f64)> = std::collections::BTreeMap::new();
    for r in &accuracy.months {
        if let (Some(f), Some(a)) = (r.forecast_minor, r.actual_minor) {
            let e = by_month.entry(r.period.clone()).or_default();
            e.0 += major(a, c);
            e.1 += major(f, c);
        }
    }
    let forecast_chart = bar_chart(&BarChart {
        title: format!("Revenue: actual against the forecast kept before each month ({c})"),
        series: "Actual".into(),
        second_series: Some("Forecast".into()),
        bars: by_month
            .into_iter()
            .map(|(label, (actual, forecast))| Bar {
                label,
                value: actual,
                second: Some(forecast),
            })
            .collect(),
        empty: "No month of this fiscal year has both a forecast kept before it and revenue yet.".into(),
        ..Default::default()
    });
    let target = d.target_bp as f64 / 100.0;
    let revenue_chart = bar_chart(&BarChart {
        title: format!("Revenue and cost by month ({c})"),
        unit: String::new(),
        series: "Revenue".into(),
        second_series: Some("Cost".into()),
        bars: d
            .months
            .iter()
            .map(|m| Bar {
                label: m.month.to_string(),
                value: major(m.figures.revenue_minor, c),
                second: Some(major(m.figures.cost_minor, c)),
            })
            .collect(),
        empty: "Nothing recognised in these months yet.".into(),
        ..Default::default()
    });
    let margin_chart = bar_chart(&BarChart {
        title: "Gross margin by quarter against the target".into(),
        unit: "%".into(),
        series: "Margin".into(),
        bars: d
            .quarters
            .iter()
            .map(|q| Bar {
                label: q.label.clone(),
                value: q.figures.margin_bp.map_or(0.0, |bp| bp as f64 / 100.0),
                second: None,
            })
            .collect(),
        targets: vec![Target {
            label: format!("Target {target} %"),
            value: target,
        }],
        empty: "No revenue in these quarters yet.".into(),
        ..Default::default()
    });
    let type_chart = hbar_chart(&HBarChart {
        id: "chart-types".into(),
        title: format!("Revenue by offering type ({c})"),
        value_name: "Revenue".into(),
        bars: d
            .by_type
            .iter()
            .map(|r| HBar {
                label: r.label.clone(),
                value: major(r.figures.revenue_minor, c),
                marker: None,
                href: Some(format!("/finance/margin?by=offering_type&from={}&to={}", d.from, d.to)),
            })
            .collect(),
        empty: "No revenue in these months yet.".into(),
        ..Default::default()
    });
    let months = d
        .months
        .iter()
        .map(|m| {
            let mut cells = vec![m.month.to_string()];
            cells.extend(figure_cells(&m.figures, c));
            cells.push(if m.closed { "Closed".into() } else { "Open".into() });
            Line {
                href: Some(format!("/finance/margin?by=project&from={0}&to={0}", m.month)),
                cells,
                mark: mark(&m.figures, d.target_bp),
            }
        })
        .collect();
    let categories = d
        .by_category
        .iter()
        .map(|r| row_line(r, c, d.target_bp, None))
        .collect();
    let losses = d
        .losses
        .iter()
        .map(|r| row_line(r, c, d.target_bp, Some(format!("/projects/{}/money", r.key))))
        .collect();
    let closed: Vec<String> = d
        .months
        .iter()
        .filter(|m| m.closed)
        .map(|m| m.month.to_string())
        .collect();
    let view = DashboardView {
        frame: frame(&me, &s),
        tabs: finance_tabs("/finance"),
        from: d.from.to_string(),
        to: d.to.to_string(),
        errors: problems,
        currency: c.to_string(),
        target: pct(Some(d.target_bp)),
        total: figure_cells(&d.total, c),
        revenue_chart,
        margin_chart,
        type_chart,
        forecast_chart,
        months,
        categories,
        losses,
        loss_count: d.loss_count,
        closed: if closed.is_empty() {
            "none".into()
        } else {
            closed.join(", ")
        },
    };
    Ok(render("finance.html", &view)?.into_response())
}

#[derive(Serialize)]
struct MarginView {
    #[serde(flatten)]
    frame: Frame,
    tabs: Vec<Tab>,
    from: String,
    to: String,
    errors: Vec<psops_core::FieldError>,
    by: &'static str,
    bys: Vec<(&'static str, String)>,
    by_label: String,
    sort: &'static str,
    target: String,
    total: [String; 4],
    rows: Vec<Line>,
    page: usize,
    pages: usize,
    prev: Option<String>,
    next: Option<String>,
    csv: String,
    closed: String,
    losses: i64,
    count: usize,
}

/// `GET /finance/margin?by=…&from=…&to=…&sort=revenue|margin|margin_pct|name&page=N`.
pub async fn margin(State(st): State<AppState>, me: SignedIn, p: Pairs) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    allow(&st, &s, Action::Read, &Fixed(Resource::Finance, Thing::Finance)).await?;
    let (from, to, mut problems) = span(&st, &p).await?;
    let by = match p.get("by").map(str::parse::<MarginBy>) {
        None => MarginBy::Project,
        Some(Ok(by)) => by,
        Some(Err(_)) => {
            problems.push(psops_core::FieldError::new(
                "by",
                psops_core::rule::Rule::OneOf,
                "by must be one of the groupings offered",
            ));
            MarginBy::Project
        }
    };
    let sort = match p.get("sort") {
        Some("margin") => "margin",
        Some("margin_pct") => "margin_pct",
        Some("name") => "name",
        _ => "revenue",
    };
    let r = st.store.margin_report(from, to, by).await?;
    let c = r.currency;
    let mut rows = r.rows.clone();
    match sort {
        "margin" => rows.sort_by_key(|r| (r.figures.margin_minor, r.key.clone())),
        "margin_pct" => rows.sort_by_key(|r| (r.figures.margin_bp.unwrap_or(i64::MAX), r.key.clone())),
        "name" => rows.sort_by_key(|r| r.label.to_lowercase()),
        _ => {}
    }
    let count = rows.len();
    let pages = count.div_ceil(PAGE_ROWS).max(1);
    let page = p
        .get("page")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(1)
        .clamp(1, pages);
    let link = |page: usize| {
        format!(
            "/finance/margin?by={}&from={from}&to={to}&sort={sort}&page={page}",
            by.code()
        )
    };
    let href = |row: &MarginRow| match by {
        MarginBy::Project => Some(format!("/projects/{}/money", row.key)),
        MarginBy::Month => Some(format!("/finance/margin?by=project&from={0}&to={0}", row.key)),
        _ => None,
    };
    let lines = rows
        .iter()
        .skip((page - 1) * PAGE_ROWS)
        .take(PAGE_ROWS)
        .map(|row| row_line(row, c, r.target_bp, href(row)))
        .collect();
    let view = MarginView {
        frame: frame(&me, &s),
        tabs: finance_tabs("/finance/margin"),
        from: from.to_string(),
        to: to.to_string(),
        errors: problems,
        by: by.code(),
        bys: super::filters::options::<MarginBy>(),
        by_label: label(by.code()),
        sort,
        target: pct(Some(r.target_bp)),
        total: figure_cells(&r.total, c),
        rows: lines,
        page,
        pages,
        prev: (page > 1).then(|| link(page - 1)),
        next: (page < pages).then(|| link(page + 1)),
        csv: format!("/api/v1/finance/margin?by={}&from={from}&to={to}&format=csv", by.code()),
        closed: if r.closed.is_empty() {
            "none".into()
        } else {
            r.closed.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
        },
        losses: r.losses,
        count,
    };
    Ok(render("finance_margin.html", &view)?.into_response())
}
