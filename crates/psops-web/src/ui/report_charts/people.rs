//! The charts of a report by person: a bar each for a few people; for more, a histogram
//! of billable utilization and the top and bottom by attainment.

use super::super::charts::{Band, HBar, HBarChart, Histogram, Target, count, hbar_chart, histogram, number};
use super::{BAND, ChartRow, NO_TIME, RANKED, nothing_logged, percent};

/// People with a target, and how many are below, within and above their band.
pub(super) fn band_counts(rows: &[ChartRow<'_>]) -> (usize, usize, usize, usize) {
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

pub(super) fn band_sentence(rows: &[ChartRow<'_>]) -> String {
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
pub(super) fn few(rows: &[ChartRow<'_>]) -> String {
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
pub(super) fn distinct_targets(rows: &[ChartRow<'_>]) -> Vec<i64> {
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
pub(super) fn many(rows: &[ChartRow<'_>]) -> String {
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
        // Ten people at 0 % say nothing a reader can act on: the bottom ranks those who
        // logged some billable time, and the sentence counts those who logged none.
        let none = ranked.iter().filter(|r| r.row.attainment_bp == Some(0)).count();
        let some: Vec<HBar> = ranked
            .iter()
            .rev()
            .filter(|r| r.row.attainment_bp != Some(0))
            .take(RANKED)
            .map(bar)
            .collect();
        let (bottom, title) = if none > 0 && !some.is_empty() {
            (some, format!("Bottom {RANKED} with billable time, by attainment"))
        } else {
            (bottom, format!("Bottom {RANKED} by attainment"))
        };
        let mut summary = describe(&bottom, "lowest");
        if none > 0 {
            summary.push_str(&format!(
                " {} with a target logged no billable time in this period (attainment 0 %).",
                match none {
                    1 => "One person".to_string(),
                    n => format!("{} people", count(n)),
                }
            ));
        }
        out.push_str(&ranking("chart-bottom", title, bottom, summary));
    } else {
        let all: Vec<HBar> = ranked.iter().map(bar).collect();
        let summary = describe(&all, "");
        let title = format!("All {} people with a target, by attainment", count(all.len()));
        out.push_str(&ranking("chart-ranking", title, all, summary));
    }
    out
}
