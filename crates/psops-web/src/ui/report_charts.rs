//! The utilization report's charts, chosen by what they must show at the report's size:
//!
//! - by person, up to [`FEW`] people: one horizontal bar each (names stay readable) with
//!   the person's own target marked;
//! - by person, more: a histogram of billable utilization with the target bands shaded,
//!   and the top and bottom [`RANKED`] by attainment — the same three charts at 21 people
//!   as at 5,000;
//! - by function or region: billable utilization week by week over the period, one line
//!   per group, with the targets; the line stops at this week.

use std::collections::BTreeMap;

use psops_core::dates::DateRange;
use psops_core::reporting::UtilizationFilter;
use psops_core::utilization::{GroupBy, UtilizationRow};
use psops_core::utilization_weeks::{MAX_WEEKS, WeekFigures, WeekGroup, WeeklyUtilization, weeks_in};
use time::Date;

use super::charts::{
    Band, HBar, HBarChart, Histogram, LineChart, MAX_SERIES, Series, Target, count, hbar_chart, histogram, line_chart,
    number,
};
use super::filters::label;
use super::render::UiError;
use crate::AppState;

/// Up to this many people, each gets a bar of their own.
pub const FEW: usize = 20;
/// How many people the top and the bottom rankings hold.
pub const RANKED: usize = 10;
/// The target band: attainment from 90 % to 110 % of the person's target.
const BAND: (i64, i64) = (9_000, 11_000);

/// One row of the report as the charts read it.
pub struct ChartRow<'a> {
    /// A person's id when grouped by person; the function or region otherwise.
    pub key: &'a str,
    pub label: &'a str,
    pub row: &'a UtilizationRow,
}

/// What the line chart draws: the period's weeks, and the figures of those reached so
/// far — the range cut at today, so this week counts its days to date on both sides of
/// the ratio and weeks still to come have no figures at all.
pub struct Weekly {
    pub range: DateRange,
    pub today: Date,
    /// `None` when the period has not started.
    pub so_far: Option<WeeklyUtilization>,
}

/// The weekly series for function and region reports whose range is at most
/// [`MAX_WEEKS`] weeks: one store call, whatever the headcount.
pub async fn weekly(
    st: &AppState,
    group: GroupBy,
    range: DateRange,
    filter: &UtilizationFilter,
    today: Date,
) -> Result<Option<Weekly>, UiError> {
    if !matches!(group, GroupBy::Function | GroupBy::Region) || weeks_in(range).len() > MAX_WEEKS {
        return Ok(None);
    }
    let so_far = match DateRange::new(range.start, range.end.min(today)) {
        Ok(cut) => Some(st.store.utilization_weeks(cut, group, filter).await?),
        Err(_) => None,
    };
    Ok(Some(Weekly { range, today, so_far }))
}

/// How many of the period's weeks are reached, and which reached one is still under way.
pub fn progress(range: DateRange, today: Date) -> (usize, Option<usize>) {
    let weeks = weeks_in(range);
    let reached = weeks.iter().take_while(|(_, r)| r.start <= today).count();
    let partial = reached.checked_sub(1).filter(|i| today < weeks[*i].1.end);
    (reached, partial)
}

/// The charts for a report, as HTML blocks one after the other.
pub fn draw(group: GroupBy, rows: &[ChartRow<'_>], weekly: Option<&Weekly>) -> String {
    if rows.is_empty() {
        let chart = HBarChart {
            title: "Billable utilization".into(),
            empty: "Nobody in this report — widen the filters or pick another period.".into(),
            ..Default::default()
        };
        return hbar_chart(&chart);
    }
    match (group, weekly) {
        (GroupBy::Person, _) if rows.len() <= FEW => few(rows),
        (GroupBy::Person, _) => many(rows),
        (_, Some(w)) => weeks(group, rows, w),
        _ => {
            let chart = HBarChart {
                title: format!("Billable utilization by {}, week by week", group_noun(group)),
                empty: format!("The weekly chart covers up to {MAX_WEEKS} weeks — pick a quarter or a shorter range."),
                ..Default::default()
            };
            hbar_chart(&chart)
        }
    }
}

fn group_noun(group: GroupBy) -> &'static str {
    match group {
        GroupBy::Region => "region",
        GroupBy::Function => "function",
        _ => "person",
    }
}

fn percent(bp: i64) -> f64 {
    bp as f64 / 100.0
}

fn nothing_logged(rows: &[ChartRow<'_>]) -> bool {
    rows.iter().all(|r| r.row.worked_minutes.get() == 0)
}

const NO_TIME: &str = "No time recorded in this period yet — the chart fills in as people log time.";

/// People with a target, and how many are below, within and above their band.
fn band_counts(rows: &[ChartRow<'_>]) -> (usize, usize, usize, usize) {
    let mut out = (0, 0, 0, 0);
    for a in rows.iter().filter_map(|r| r.row.attainment_bp) {
        out.0 += 1;
        match a {
            a if a < BAND.0 => out.1 += 1,
            a if a > BAND.1 => out.3 += 1,
            _ => out.2 += 1,
        }
    }
    out
}

fn band_sentence(rows: &[ChartRow<'_>]) -> String {
    let (with, below, within, above) = band_counts(rows);
    let without = rows.len() - with;
    let mut text = format!(
        "{} of {} {} with a billable target {} within the target band (90–110 % of their target); {} below, {} above.",
        count(within),
        count(with),
        if with == 1 { "person" } else { "people" },
        if with == 1 { "is" } else { "are" },
        count(below),
        count(above)
    );
    if without > 0 {
        text.push_str(&format!(
            " {} without a target {} not counted.",
            count(without),
            if without == 1 { "is" } else { "are" }
        ));
    }
    text
}

/// A bar per person, the highest billable utilization first, each with their target.
fn few(rows: &[ChartRow<'_>]) -> String {
    let mut sorted: Vec<&ChartRow<'_>> = rows.iter().collect();
    sorted.sort_by_key(|r| (std::cmp::Reverse(r.row.billable_utilization_bp.unwrap_or(-1)), r.label));
    let chart = HBarChart {
        id: "chart-people".into(),
        title: "Billable utilization by person".into(),
        unit: "%".into(),
        value_name: "Billable utilization".into(),
        marker_name: "Target".into(),
        bars: if nothing_logged(rows) {
            Vec::new()
        } else {
            sorted
                .iter()
                .map(|r| HBar {
                    label: r.label.to_string(),
                    value: percent(r.row.billable_utilization_bp.unwrap_or(0)),
                    marker: r.row.target_bp.filter(|t| *t > 0).map(percent),
                    href: Some(format!("/people/{}", r.key)),
                })
                .collect()
        },
        empty: NO_TIME.into(),
        summary: band_sentence(rows),
        ..Default::default()
    };
    hbar_chart(&chart)
}

/// The distinct targets among the rows in whole percent (a part-time person's target
/// can round to 70.1 %), lowest first, at most four.
fn distinct_targets(rows: &[ChartRow<'_>]) -> Vec<i64> {
    let mut t: Vec<i64> = rows
        .iter()
        .filter_map(|r| r.row.target_bp)
        .filter(|t| *t > 0)
        .map(|t| (t + 50) / 100 * 100)
        .collect();
    t.sort_unstable();
    t.dedup();
    t.truncate(4);
    t
}

/// The histogram, then the top and bottom by attainment.
fn many(rows: &[ChartRow<'_>]) -> String {
    let targets = distinct_targets(rows);
    let logged = !nothing_logged(rows);
    let values = rows
        .iter()
        .filter(|r| r.row.target_bp.is_some_and(|t| t > 0))
        .filter_map(|r| r.row.billable_utilization_bp)
        .map(percent)
        .filter(|_| logged)
        .collect();
    let mut out = histogram(&Histogram {
        id: "chart-histogram".into(),
        title: "People by billable utilization".into(),
        measure: "Billable utilization".into(),
        values,
        noun: ("person".into(), "people".into()),
        bands: targets
            .iter()
            .map(|t| Band {
                label: "Target band (90–110 % of target)".into(),
                from: percent(t * BAND.0 / 10_000),
                to: percent(t * BAND.1 / 10_000),
            })
            .collect(),
        targets: targets
            .iter()
            .map(|t| Target {
                label: "Target".into(),
                value: percent(*t),
            })
            .collect(),
        empty: if logged {
            "Nobody in this report has a billable target.".into()
        } else {
            NO_TIME.into()
        },
        summary: band_sentence(rows),
    });
    let mut ranked: Vec<&ChartRow<'_>> = if logged {
        rows.iter().filter(|r| r.row.attainment_bp.is_some()).collect()
    } else {
        Vec::new()
    };
    ranked.sort_by_key(|r| (std::cmp::Reverse(r.row.attainment_bp), r.label));
    let bar = |r: &&ChartRow<'_>| HBar {
        label: r.label.to_string(),
        value: percent(r.row.attainment_bp.unwrap_or(0)),
        marker: None,
        href: Some(format!("/people/{}", r.key)),
    };
    let ranking = |id: &str, title: String, bars: Vec<HBar>, summary: String| {
        hbar_chart(&HBarChart {
            id: id.into(),
            title,
            unit: "%".into(),
            value_name: "Attainment".into(),
            marker_name: String::new(),
            bars,
            reference: Some(Target {
                label: "On target".into(),
                value: 100.0,
            }),
            empty: if logged {
                "Nobody in this report has a billable target.".into()
            } else {
                NO_TIME.into()
            },
            summary,
        })
    };
    let describe = |bars: &[HBar], which: &str| match (bars.first(), bars.last()) {
        (Some(a), Some(b)) => format!(
            "The {} {which} attainments run from {} % ({}) to {} % ({}); attainment is billable hours ÷ target hours.",
            bars.len(),
            number(a.value),
            a.label,
            number(b.value),
            b.label
        ),
        _ => String::new(),
    };
    if ranked.len() > 2 * RANKED {
        let top: Vec<HBar> = ranked.iter().take(RANKED).map(bar).collect();
        let bottom: Vec<HBar> = ranked.iter().rev().take(RANKED).map(bar).collect();
        let summary = describe(&top, "highest");
        out.push_str(&ranking(
            "chart-top",
            format!("Top {RANKED} by attainment"),
            top,
            summary,
        ));
        let summary = describe(&bottom, "lowest");
        out.push_str(&ranking(
            "chart-bottom",
            format!("Bottom {RANKED} by attainment"),
            bottom,
            summary,
        ));
    } else {
        let all: Vec<HBar> = ranked.iter().map(bar).collect();
        let summary = describe(&all, "");
        let title = format!("All {} people with a target, by attainment", count(all.len()));
        out.push_str(&ranking("chart-ranking", title, all, summary));
    }
    out
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn group_name(group: GroupBy, key: &str) -> String {
    match (group, key.trim()) {
        (_, "") => "(none)".into(),
        (GroupBy::Function, k) => capitalised(&label(k)),
        (_, k) => k.to_string(),
    }
}

/// The groups drawn, and the names of those left out for having no billable time (a
/// flat line at zero says less than their names do). The largest by available hours keep
/// their line; past [`MAX_SERIES`] the rest are added up as "Other", so there are never
/// more lines than colours.
fn fold_groups(groups: &[WeekGroup], group: GroupBy) -> (Vec<(String, Vec<WeekFigures>)>, Vec<String>) {
    let size = |g: &WeekGroup| g.weeks.iter().map(|w| w.available.get()).sum::<i64>();
    let (mut all, idle): (Vec<&WeekGroup>, Vec<&WeekGroup>) = groups
        .iter()
        .partition(|g| g.weeks.iter().any(|w| w.billable.get() > 0));
    let idle = idle.iter().map(|g| group_name(group, &g.key)).collect();
    if all.len() <= MAX_SERIES {
        let kept = all
            .iter()
            .map(|g| (group_name(group, &g.key), g.weeks.clone()))
            .collect();
        return (kept, idle);
    }
    all.sort_by_key(|g| std::cmp::Reverse(size(g)));
    let (kept, rest) = all.split_at(MAX_SERIES - 1);
    let mut out: Vec<(String, Vec<WeekFigures>)> = kept
        .iter()
        .map(|g| (group_name(group, &g.key), g.weeks.clone()))
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    let weeks = rest.first().map_or(0, |g| g.weeks.len());
    let other = (0..weeks).map(|i| rest.iter().map(|g| g.weeks[i]).sum()).collect();
    out.push((format!("Other ({} {}s)", rest.len(), group_noun(group)), other));
    (out, idle)
}

/// The targets drawn: one line per distinct target of a function report, named by the
/// functions that share it; a region report's groups mix functions, so it draws the
/// blended target of everyone instead.
fn week_targets(group: GroupBy, rows: &[ChartRow<'_>], w: &WeeklyUtilization) -> Vec<Target> {
    if group == GroupBy::Function {
        let mut by_target: BTreeMap<i64, Vec<String>> = BTreeMap::new();
        for r in rows {
            if let Some(t) = r.row.target_bp.filter(|t| *t > 0) {
                by_target.entry(t).or_default().push(group_name(group, r.key));
            }
        }
        if by_target.len() <= 3 {
            return by_target
                .into_iter()
                .rev()
                .map(|(t, names)| Target {
                    label: format!("Target ({})", names.join(", ")),
                    value: percent(t),
                })
                .collect();
        }
    }
    let all: WeekFigures = w.total.iter().copied().sum();
    all.target_bp()
        .filter(|t| *t > 0)
        .map(|t| Target {
            label: "Target (blended)".into(),
            value: percent(t),
        })
        .into_iter()
        .collect()
}

/// Billable utilization week by week, one line per group.
fn weeks(group: GroupBy, rows: &[ChartRow<'_>], w: &Weekly) -> String {
    let (reached, partial) = progress(w.range, w.today);
    let x_labels: Vec<String> = weeks_in(w.range)
        .iter()
        .map(|(wk, _)| format!("W{:02}", wk.week))
        .collect();
    let (drawn, idle) = match &w.so_far {
        Some(so_far) => fold_groups(&so_far.groups, group),
        None => (Vec::new(), Vec::new()),
    };
    let series: Vec<Series> = drawn
        .into_iter()
        .map(|(name, weeks)| Series {
            name,
            values: weeks.iter().map(|f| f.billable_utilization_bp().map(percent)).collect(),
        })
        .collect();
    let targets = w
        .so_far
        .as_ref()
        .map(|so_far| week_targets(group, rows, so_far))
        .unwrap_or_default();
    let last_full = if partial.is_some() {
        reached.checked_sub(2)
    } else {
        reached.checked_sub(1)
    };
    let summary = match last_full {
        Some(i) => {
            let values: Vec<String> = series
                .iter()
                .filter_map(|s| Some(format!("{} {} %", s.name, number(s.values.get(i).copied().flatten()?))))
                .collect();
            let aims: Vec<String> = targets
                .iter()
                .map(|t| format!("{} {} %", t.label.to_lowercase(), number(t.value)))
                .collect();
            format!(
                "Billable utilization in {}, the latest full week: {}{}{}.",
                x_labels[i],
                values.join(", "),
                if aims.is_empty() { "" } else { "; " },
                aims.join("; ")
            )
        }
        None => String::new(),
    };
    let summary = if idle.is_empty() || series.is_empty() {
        summary
    } else {
        format!("{summary} No billable time, so no line: {}.", idle.join(", "))
    };
    let empty = if reached == 0 {
        "This period has not started yet — its weeks fill in as they pass."
    } else {
        "No billable time recorded in this period yet — the lines start once it is logged."
    };
    line_chart(&LineChart {
        id: "chart-weeks".into(),
        title: format!("Billable utilization by {}, week by week", group_noun(group)),
        unit: "%".into(),
        x_labels,
        reached,
        partial,
        series,
        targets,
        empty: empty.into(),
        summary,
    })
}
