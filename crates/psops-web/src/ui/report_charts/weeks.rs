//! The chart of a report by function or region: billable utilization week by week, a
//! line per group against the targets.

use std::collections::BTreeMap;

use psops_core::utilization::GroupBy;
use psops_core::utilization_weeks::{WeekFigures, WeekGroup, weeks_in};

use super::super::charts::{LineChart, MAX_SERIES, Series, Target, line_chart, number};
use super::super::filters::label;
use super::{ChartRow, Weekly, group_noun, percent, progress};

fn group_name(group: GroupBy, key: &str) -> String {
    match (group, key.trim()) {
        (_, "") => "(none)".into(),
        (GroupBy::Function, k) => label(k),
        (_, k) => k.to_string(),
    }
}

/// The groups drawn, and the names of those left out for having no billable time (a
/// flat line at zero says less than their names do). The largest by available hours keep
/// their line; past [`MAX_SERIES`] the rest are added up as "Other", so there are never
/// more lines than colours.
pub(super) fn fold_groups(groups: &[WeekGroup], group: GroupBy) -> (Vec<(String, Vec<WeekFigures>)>, Vec<String>) {
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
/// blended target of those who have one instead — the table's total, the same figure.
pub(super) fn week_targets(group: GroupBy, rows: &[ChartRow<'_>]) -> Vec<Target> {
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
    psops_core::utilization::total(rows.iter().map(|r| r.row))
        .target_bp
        .filter(|t| *t > 0)
        .map(|t| Target {
            label: "Target (blended)".into(),
            value: percent(t),
        })
        .into_iter()
        .collect()
}

/// Billable utilization week by week, one line per group.
pub(super) fn weeks(group: GroupBy, rows: &[ChartRow<'_>], w: &Weekly) -> String {
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
    let targets = if w.so_far.is_some() {
        week_targets(group, rows)
    } else {
        Vec::new()
    };
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
