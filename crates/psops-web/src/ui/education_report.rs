//! `/education/report`: the API's education report as a page — seats offered and filled
//! per quarter as a chart, the quarters with their total, and the trainers in a table
//! that sorts by any column. Who sees what follows the API: a partner's managers their
//! own trainers, those who do not read the report a refusal.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use psops_core::Money;
use psops_core::education::report::{QuarterFigures, TrainerFigures, TrainerSort};
use psops_core::policy::{Subject, education_report_scope};
use serde::Serialize;
use time::OffsetDateTime;

use super::charts::{Bar, BarChart, bar_chart};
use super::filters::{Pairs, subject};
use super::layout::{Frame, frame};
use super::listing::Tab;
use super::render::{UiError, render};
use super::session::SignedIn;
use super::table::{self, Column, num};
use crate::AppState;
use crate::api::education_report::{range_of, read, scope_of};
use crate::params::Params;

/// Whether the subject reads the report: the education tabs link to it then.
pub fn sees_education_report(s: &Subject) -> bool {
    education_report_scope(s).is_some()
}

fn rate(r: Option<i64>) -> String {
    r.map_or("—".to_string(), |r| format!("{r} %"))
}

#[derive(Serialize)]
struct QuarterRow {
    quarter: String,
    span: String,
    classes: i64,
    offered: i64,
    filled: i64,
    fill: String,
    attending: i64,
    revenue: String,
}

#[derive(Serialize)]
struct TrainerRow {
    id: i64,
    name: String,
    partner: String,
    partner_id: Option<i64>,
    classes: i64,
    days: i64,
    hours: String,
    utilization: String,
    csat: String,
    answered: i64,
    excluded: i64,
}

#[derive(Serialize)]
struct View {
    #[serde(flatten)]
    frame: Frame,
    tabs: Vec<Tab>,
    from: String,
    to: String,
    currency: String,
    chart: String,
    quarters: Vec<QuarterRow>,
    total: QuarterRow,
    columns: Vec<Column>,
    trainers: Vec<TrainerRow>,
    errors: Vec<psops_core::FieldError>,
}

fn quarter_row(q: &QuarterFigures, c: psops_core::Currency) -> QuarterRow {
    QuarterRow {
        quarter: q.quarter.clone(),
        span: format!("{} – {}", q.start, q.end),
        classes: q.classes,
        offered: q.seats_offered,
        filled: q.seats_filled,
        fill: rate(q.fill_rate),
        attending: q.learners_attending,
        revenue: Money::new(q.revenue_minor, c).written(),
    }
}

fn trainer_row(t: &TrainerFigures) -> TrainerRow {
    TrainerRow {
        id: t.trainer_id.get(),
        name: t.name.clone(),
        partner: t.partner.clone().unwrap_or_default(),
        partner_id: t.partner_id.map(|p| p.get()),
        classes: t.classes,
        days: t.class_days,
        hours: psops_core::Minutes(t.class_minutes).hours_text(),
        utilization: rate(t.utilization),
        csat: rate(t.csat),
        answered: t.surveys_answered,
        excluded: t.surveys_excluded,
    }
}

/// `GET /education/report?from=YYYY-MM-DD&to=YYYY-MM-DD&sort=…&dir=…`.
pub async fn show(State(st): State<AppState>, me: SignedIn, p: Pairs) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    scope_of(&s)?;
    let today = OffsetDateTime::now_utc().date();
    let mut e = Params::new();
    let asked = range_of(&mut e, p.get("from"), p.get("to"), today);
    let at = table::read::<TrainerSort>(&mut e, &p);
    let errors = e.into_errors();
    // A bad range is said beside the form; the default range is shown meanwhile.
    let (from, to) = asked.unwrap_or_else(|| (psops_core::education::report::default_from(today), today));
    let r = read(&st, &s, from, to).await?;
    let c = r.currency;
    let chart = BarChart {
        title: "Seats offered and filled by quarter".into(),
        unit: String::new(),
        series: "Offered".into(),
        second_series: Some("Filled".into()),
        bars: r
            .quarters
            .iter()
            .map(|q| Bar {
                label: q.quarter.clone(),
                value: q.seats_offered as f64,
                second: Some(q.seats_filled as f64),
            })
            .collect(),
        empty: "No class was delivered in these quarters.".into(),
        ..Default::default()
    };
    let sorted = table::order(r.trainers.iter().collect(), at.direction, |t| t.sort_key(at.key));
    let path = "/education/report";
    let v = View {
        frame: frame(&me, &s),
        tabs: super::education::education_tabs(path, &s),
        from: r.from.to_string(),
        to: r.to.to_string(),
        currency: c.to_string(),
        chart: bar_chart(&chart),
        quarters: r.quarters.iter().map(|q| quarter_row(q, c)).collect(),
        total: quarter_row(&r.total, c),
        columns: table::head(
            path,
            &p,
            &at,
            vec![
                table::col("Trainer", TrainerSort::Trainer),
                table::col("Partner", TrainerSort::Partner),
                num("Classes", TrainerSort::Classes),
                num("Class days", TrainerSort::Days),
                num("Utilization", TrainerSort::Utilization),
                num("Training CSAT", TrainerSort::Csat),
            ],
        ),
        trainers: sorted.into_iter().map(trainer_row).collect(),
        errors,
    };
    Ok(render("education_report.html", v)?.into_response())
}
