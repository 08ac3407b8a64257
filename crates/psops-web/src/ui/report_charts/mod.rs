//! The utilization report's charts, chosen by what they must show at the report's size:
//!
//! - by person, up to [`FEW`] people: one horizontal bar each (names stay readable) with
//!   the person's own target marked;
//! - by person, more: a histogram of billable utilization with the target bands shaded,
//!   and the top and bottom [`RANKED`] by attainment — the same three charts at 21 people
//!   as at 5,000;
//! - by function or region: billable utilization week by week over the period, one line
//!   per group, with the targets; the line stops at this week.

use psops_core::dates::DateRange;
use psops_core::reporting::UtilizationFilter;
use psops_core::utilization::{GroupBy, UtilizationRow};
use psops_core::utilization_weeks::{MAX_WEEKS, WeeklyUtilization, weeks_in};
use time::Date;

use super::charts::{HBarChart, hbar_chart};
use super::render::UiError;
use crate::AppState;

mod people;
#[cfg(test)]
mod tests;
mod weeks;

use people::{few, many};
use weeks::weeks;

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

/// How many of the period's weeks are reached, and which reached one is still under way:
/// while the period lasts, the week whose Sunday has not passed — also when the period
/// ends today, in the middle of it.
pub fn progress(range: DateRange, today: Date) -> (usize, Option<usize>) {
    let weeks = weeks_in(range);
    let reached = weeks.iter().take_while(|(_, r)| r.start <= today).count();
    let partial = reached
        .checked_sub(1)
        .filter(|i| today <= range.end && today < weeks[*i].0.range().end);
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
