//! `/staffing/forecast`: the coming weeks' billable utilization from bookings, per
//! function, region or person, against target — hard bookings and soft ones weighted as
//! the revenue forecast weighs them, with the upside if every booking holds. Everyone
//! together as a chart (weighted and upside bars by week, the target as a line), then one
//! row a group, 50 a page, each week marked below or at target. The figures are the
//! API's (`/api/v1/staffing/forecast`).

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use psops_core::FieldError;
use psops_core::code::Code;
use psops_core::people::Function;
use psops_core::staffing::forecast::{ForecastGroup, ForecastRow, ForecastWeek};
use psops_core::staffing::store::ForecastQuery;
use serde::Serialize;
use time::OffsetDateTime;

use super::admin::status_of;
use super::charts::{Bar, BarChart, Target, bar_chart};
use super::filters::{Pairs, bp_percent, options, pct, subject};
use super::layout::{Frame, frame};
use super::listing::Tab;
use super::render::{UiError, render};
use super::session::SignedIn;
use super::staffing::bad_params;
use super::staffing_heatmap::{self as heat, Hours, PAGE};
use super::table::{self, Pager};
use crate::AppState;
use crate::api::staffing::{ForecastParams, readable};

const PATH: &str = "/staffing/forecast";

#[derive(Serialize)]
struct Cell {
    /// The weighted share, whole percent ("–" without capacity).
    text: String,
    /// `under` below target, `met` at or above it, empty without either figure.
    class: &'static str,
    title: String,
}

fn cell(w: &ForecastWeek, target: Option<i64>) -> Cell {
    // A group without a billable target (ops, finance: 0 %) is neither under nor at it.
    let class = match (w.weighted_bp, target.filter(|t| *t > 0)) {
        (Some(x), Some(t)) if x < t => "under",
        (Some(_), Some(_)) => "met",
        _ => "",
    };
    Cell {
        text: w
            .weighted_bp
            .map_or_else(|| "–".into(), |bp| ((bp + 50).div_euclid(100)).to_string()),
        class,
        title: format!(
            "Weighted {}, upside {}, target {}; billable hard {} h, soft {} h of {} h",
            pct(w.weighted_bp),
            pct(w.upside_bp),
            pct(target),
            Hours(w.hard),
            Hours(w.soft),
            Hours(w.capacity)
        ),
    }
}

#[derive(Serialize)]
struct Row {
    key: String,
    label: String,
    /// A person's page of bookings, when the group is a person.
    href: Option<String>,
    target: String,
    weeks_below: usize,
    cells: Vec<Cell>,
}

fn row(r: &ForecastRow, group: ForecastGroup) -> Row {
    Row {
        href: (group == ForecastGroup::Person).then(|| format!("/people/{}/bookings", r.key)),
        key: r.key.clone(),
        label: r.label.clone(),
        target: pct(r.target_bp),
        weeks_below: r.weeks_below,
        cells: r.weeks.iter().map(|w| cell(w, r.target_bp)).collect(),
    }
}

#[derive(Serialize)]
struct View {
    #[serde(flatten)]
    frame: Frame,
    tabs: Vec<Tab>,
    group: &'static str,
    from: String,
    weeks_asked: String,
    function: String,
    region: String,
    functions: Vec<(&'static str, String)>,
    soft_weight: String,
    hard_weight: String,
    chart: String,
    all: Row,
    weeks: Vec<heat::Week>,
    rows: Vec<Row>,
    pager: Pager,
    errors: Vec<FieldError>,
}

/// The groupings as tabs.
const GROUPS: [(ForecastGroup, &str); 3] = [
    (ForecastGroup::Function, "By function"),
    (ForecastGroup::Region, "By region"),
    (ForecastGroup::Person, "By person"),
];

fn chart(all: &ForecastRow, weeks: &[heat::Week]) -> String {
    bar_chart(&BarChart {
        title: "Everyone: billable utilization booked, week by week".into(),
        unit: "%".into(),
        series: "Weighted".into(),
        second_series: Some("If every booking holds".into()),
        bars: all
            .weeks
            .iter()
            .zip(weeks)
            .map(|(w, head)| Bar {
                label: head.label.clone(),
                value: bp_percent(w.weighted_bp),
                second: Some(bp_percent(w.upside_bp)),
            })
            .collect(),
        targets: all
            .target_bp
            .map(|t| Target {
                label: "Target".into(),
                value: bp_percent(Some(t)),
            })
            .into_iter()
            .collect(),
        empty: "Nothing billable is booked in these weeks yet.".into(),
        ..Default::default()
    })
}

/// `GET /staffing/forecast?group=&from=&weeks=&function=&region=&offset=`.
pub async fn show(State(st): State<AppState>, me: SignedIn, p: Pairs) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    readable(&st, &s).await?;
    let get = |k: &str| p.get(k).map(str::to_string);
    let params = ForecastParams {
        from: get("from"),
        weeks: get("weeks"),
        group: get("group"),
        function: get("function"),
        region: get("region"),
        offset: get("offset"),
        limit: Some(PAGE.to_string()),
    };
    let (q, errors) = match params.query() {
        Ok(q) => (q, Vec::new()),
        Err(e) => (
            ForecastQuery {
                limit: PAGE,
                ..Default::default()
            },
            bad_params(e)?,
        ),
    };
    let today = OffsetDateTime::now_utc().date();
    let f = st.store.utilization_forecast(&q, today).await?;
    let weeks = heat::weeks(&f.weeks);
    let v = View {
        frame: frame(&me, &s),
        tabs: table::choice_tabs(PATH, &p, &GROUPS, f.group),
        group: f.group.code(),
        from: p.get("from").map_or_else(
            || f.weeks.first().map(|d| d.to_string()).unwrap_or_default(),
            str::to_string,
        ),
        weeks_asked: p.get("weeks").map_or_else(|| f.weeks.len().to_string(), str::to_string),
        function: p.text("function"),
        region: p.text("region"),
        functions: options::<Function>()
            .into_iter()
            .filter(|(code, _)| *code != "partner_consultant")
            .collect(),
        soft_weight: pct(Some(f.soft_weight_bp)),
        hard_weight: pct(Some(f.hard_weight_bp)),
        chart: chart(&f.all, &weeks),
        all: row(&f.all, ForecastGroup::Function),
        rows: f.rows.iter().map(|r| row(r, f.group)).collect(),
        pager: heat::pager(PATH, &p, q.offset, f.total),
        weeks,
        errors,
    };
    let status = status_of(&v.errors, false);
    Ok((status, render("staffing_forecast.html", v)?).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_week_is_marked_against_the_target() {
        let w = ForecastWeek {
            capacity: 2_400,
            hard: 1_200,
            soft: 600,
            weighted_bp: Some(6_000),
            upside_bp: Some(7_500),
        };
        let under = cell(&w, Some(7_000));
        assert_eq!((under.text.as_str(), under.class), ("60", "under"));
        assert_eq!(
            under.title,
            "Weighted 60.0 %, upside 75.0 %, target 70.0 %; billable hard 20 h, soft 10 h of 40 h"
        );
        assert_eq!(cell(&w, Some(6_000)).class, "met");
        assert_eq!(cell(&w, Some(0)).class, "", "no billable target, nothing to meet");
        let empty = cell(&ForecastWeek::default(), Some(7_000));
        assert_eq!((empty.text.as_str(), empty.class), ("–", ""));
    }
}
