//! `/me/utilization?quarter=FY2027-Q1`: the signed-in person's quarter — available hours
//! (policy view), worked and billable hours, the ratios, the target and the hours still
//! to reach it from `ReportStore::utilization` — and an SVG chart of cumulative worked and
//! billable hours by ISO week against the quarter's target line.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use psops_core::Minutes;
use psops_core::dates::DateRange;
use psops_core::error::Thing;
use psops_core::fiscal::FiscalQuarter;
use psops_core::policy::{Action, Resource};
use psops_core::reporting::UtilizationFilter;
use psops_core::timesheet::IsoWeek;
use psops_core::utilization::{GroupBy, UtilizationRow};
use serde::Serialize;
use time::{Duration, OffsetDateTime};

use super::charts::{Bar, BarChart, Target, bar_chart, number};
use super::filters::{Pairs, pct, subject};
use super::layout::{Frame, frame};
use super::render::{UiError, render};
use super::session::SignedIn;
use super::week_load::{own_entries, person};
use crate::AppState;
use crate::authorize::{Fixed, allow};

#[derive(Serialize)]
struct Figure {
    label: &'static str,
    value: String,
    id: &'static str,
}

#[derive(Serialize)]
struct UtilizationPage {
    #[serde(flatten)]
    frame: Frame,
    quarter: String,
    /// The neighbouring quarters: (link value, label).
    prev: (String, String),
    next: (String, String),
    from: String,
    to: String,
    figures: Vec<Figure>,
    chart: String,
    has_target: bool,
    /// The quarter is under way: its figures run to `today`.
    running: bool,
    today: String,
}

fn hours(m: Minutes) -> String {
    format!("{} h", m.hours_text())
}

fn as_hours(m: i64) -> f64 {
    m as f64 / 60.0
}

fn neighbour(q: FiscalQuarter, step: i32) -> FiscalQuarter {
    let index = q.year * 4 + i32::from(q.quarter) - 1 + step;
    FiscalQuarter {
        year: index.div_euclid(4),
        quarter: (index.rem_euclid(4) + 1) as u8,
    }
}

fn link(q: FiscalQuarter) -> (String, String) {
    (q.to_string(), q.label())
}

/// The figures shown as numbers, in reading order. `so_far` covers the quarter up to
/// today (the whole quarter once it is over), so that its ratios read as the home page's
/// "so far" does; the target and what is still to reach it are the whole quarter's.
fn figures(so_far: &UtilizationRow, whole: &UtilizationRow, running: bool) -> Vec<Figure> {
    let f = |label, id, value| Figure { label, value, id };
    let (available, attainment) = if running {
        ("Available hours so far (policy view)", "Attainment so far")
    } else {
        ("Available hours (policy view)", "Attainment")
    };
    vec![
        f(available, "available", hours(so_far.available_policy_minutes)),
        f("Worked", "worked", hours(so_far.worked_minutes)),
        f("Billable", "billable", hours(so_far.billable_minutes)),
        f("Utilization", "utilization", pct(so_far.utilization_bp)),
        f(
            "Billable utilization",
            "billable-utilization",
            pct(so_far.billable_utilization_bp),
        ),
        f("Billable mix", "billable-mix", pct(so_far.billable_mix_bp)),
        f("The quarter's billable target", "target", hours(whole.target_minutes)),
        f(attainment, "attainment", pct(so_far.attainment_bp)),
        f("Still to reach target", "to-target", hours(whole.to_target_minutes)),
    ]
}

/// Cumulative worked and billable hours at the end of each ISO week of the range.
fn weekly_bars(range: DateRange, entries: &[psops_core::time_entries::TimeEntry]) -> Vec<Bar> {
    let mut by_week: BTreeMap<IsoWeek, (i64, i64)> = BTreeMap::new();
    let mut day = range.start;
    while day <= range.end {
        by_week.entry(IsoWeek::of(day)).or_default();
        day += Duration::days(7);
    }
    by_week.entry(IsoWeek::of(range.end)).or_default();
    for e in entries.iter().filter(|e| range.contains(e.date)) {
        let w = by_week.entry(IsoWeek::of(e.date)).or_default();
        w.0 += e.minutes.get();
        if e.billable {
            w.1 += e.minutes.get();
        }
    }
    let (mut worked, mut billable) = (0, 0);
    by_week
        .into_iter()
        .map(|(week, (w, b))| {
            worked += w;
            billable += b;
            Bar {
                label: format!("W{:02}", week.week),
                value: as_hours(worked),
                second: Some(as_hours(billable)),
            }
        })
        .collect()
}

pub async fn show(State(state): State<AppState>, me: SignedIn, params: Pairs) -> Result<Response, UiError> {
    let subject = subject(&state, &me).await?;
    let person_id = person(&subject)?;
    let settings = state.store.settings().await?;
    let calendar = settings.fiscal_calendar();
    let quarter = match params.get("quarter").filter(|q| !q.trim().is_empty()) {
        Some(q) => q.parse::<FiscalQuarter>()?,
        None => calendar.quarter_of(OffsetDateTime::now_utc().date()),
    };
    let me_person = state.store.get(person_id).await?;
    let figures_of = Resource::Figures {
        person_id,
        partner_id: me_person.fields.partner_id,
        manager_id: me_person.fields.manager_id,
    };
    allow(&state, &subject, Action::Read, &Fixed(figures_of, Thing::Utilization)).await?;
    let range = calendar.quarter_range_checked(quarter, "quarter")?;
    let filter = UtilizationFilter {
        person_id: Some(person_id),
        ..Default::default()
    };
    let today = OffsetDateTime::now_utc().date();
    let report = state.store.utilization(range, GroupBy::Person, &filter).await?;
    let row = report.rows.first().map_or(report.total, |g| g.row);
    // A quarter under way is measured up to today, as the home page measures it: its
    // weeks still to come would count as available hours nobody could have worked yet.
    let running = range.contains(today) && today < range.end;
    let so_far = if running {
        let cut = DateRange {
            start: range.start,
            end: today,
        };
        let report = state.store.utilization(cut, GroupBy::Person, &filter).await?;
        report.rows.first().map_or(report.total, |g| g.row)
    } else {
        row
    };
    let entries = own_entries(&state, &subject, range).await?;
    let target = as_hours(row.target_minutes.get());
    let bars = weekly_bars(range, &entries);
    let (reached, _) = super::report_charts::progress(range, today);
    let summary = match bars[..reached.min(bars.len())].last() {
        Some(last) => {
            let mut text = format!(
                "Through {}: {} h worked, {} h of it billable",
                last.label,
                number(last.value),
                number(last.second.unwrap_or(0.0))
            );
            if row.target_minutes.get() > 0 {
                text.push_str(&format!("; the quarter's billable target is {} h", number(target)));
            }
            text.push('.');
            text
        }
        None => String::new(),
    };
    let chart = bar_chart(&BarChart {
        title: format!("Cumulative hours in {}, by week", quarter.label()),
        unit: "h".into(),
        series: "Worked".into(),
        second_series: Some("Billable".into()),
        bars,
        targets: if row.target_minutes.get() > 0 {
            vec![Target {
                label: "Billable target".into(),
                value: target,
            }]
        } else {
            Vec::new()
        },
        reached: Some(reached),
        empty: if reached == 0 {
            format!(
                "{} has not started yet — its weeks fill in as they pass.",
                quarter.label()
            )
        } else {
            format!(
                "No time recorded in {} yet — log time on My week and it adds up here.",
                quarter.label()
            )
        },
        summary,
    });
    let page = UtilizationPage {
        frame: frame(&me, &subject),
        quarter: quarter.label(),
        prev: link(neighbour(quarter, -1)),
        next: link(neighbour(quarter, 1)),
        from: super::locale::shown(range.start),
        to: super::locale::shown(range.end),
        figures: figures(&so_far, &row, running),
        running,
        today: super::locale::shown(today),
        chart,
        has_target: row.target_minutes.get() > 0,
    };
    Ok((StatusCode::OK, render("my_utilization.html", page)?).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn quarters_step_across_years() {
        let q = FiscalQuarter { year: 2027, quarter: 1 };
        assert_eq!(neighbour(q, -1).to_string(), "FY2026-Q4");
        assert_eq!(neighbour(q, 1).to_string(), "FY2027-Q2");
        assert_eq!(
            neighbour(FiscalQuarter { year: 2026, quarter: 4 }, 1).to_string(),
            "FY2027-Q1"
        );
    }

    #[test]
    fn weekly_bars_accumulate_and_cover_every_week() {
        let range = DateRange {
            start: date!(2026 - 10 - 01),
            end: date!(2026 - 12 - 31),
        };
        let bars = weekly_bars(range, &[]);
        // 2026-10-01 is in W40, 2026-12-31 in W53: 14 weeks.
        assert_eq!(bars.len(), 14);
        assert_eq!((bars[0].label.as_str(), bars[13].label.as_str()), ("W40", "W53"));
        assert!(bars.iter().all(|b| b.value == 0.0));
    }
}
