//! The vertical bar chart's tests: proportions, axes, targets, future weeks, the empty
//! state, escaping and labels that never overlap.

use super::super::probe::{assert_apart, assert_inside, texts};
use super::*;

fn week_chart() -> BarChart {
    BarChart {
        title: "Hours by week".into(),
        unit: "h".into(),
        series: "Worked".into(),
        second_series: Some("Billable".into()),
        bars: vec![
            Bar {
                label: "W1".into(),
                value: 40.0,
                second: Some(30.0),
            },
            Bar {
                label: "W2".into(),
                value: 20.0,
                second: Some(20.0),
            },
        ],
        targets: vec![Target {
            label: "Target".into(),
            value: 28.0,
        }],
        ..Default::default()
    }
}

fn heights(svg: &str) -> Vec<f64> {
    svg.split("<rect ")
        .skip(1)
        .filter(|r| r.contains("data-value"))
        .filter_map(|r| r.split("height=\"").nth(1)?.split('"').next()?.parse().ok())
        .collect()
}

fn weeks(n: usize, value: f64) -> BarChart {
    BarChart {
        title: "Billable utilization by week".into(),
        unit: "%".into(),
        series: "Billable utilization".into(),
        bars: (0..n)
            .map(|i| Bar {
                label: format!("W{:02}", i % 53 + 1),
                value,
                second: None,
            })
            .collect(),
        targets: vec![Target {
            label: "Target".into(),
            value: 70.0,
        }],
        ..Default::default()
    }
}

#[test]
fn bars_are_proportional_to_their_values() {
    let svg = bar_chart(&week_chart());
    let h = heights(&svg);
    assert_eq!(h.len(), 4, "two bars of two series: {svg}");
    assert!((h[0] - 2.0 * h[2]).abs() < 0.2, "40 h is twice 20 h: {h:?}");
    assert!((h[1] - h[3] * 1.5).abs() < 0.2, "30 h is 1.5 × 20 h: {h:?}");
}

#[test]
fn has_a_fixed_view_box_a_title_a_summary_and_its_data() {
    let html = bar_chart(&week_chart());
    assert!(html.starts_with(
        "<div class=\"chart-block\" id=\"chart-hours-by-week\"><p class=\"chart-title\" aria-hidden=\"true\">Hours by week</p><svg class=\"chart\" viewBox=\"0 0 640 300\""
    ));
    assert!(!html.contains("width=\"640\""), "no fixed width, so it scales");
    assert!(
        html.contains("aria-labelledby=\"chart-hours-by-week-title\" aria-describedby=\"chart-hours-by-week-summary\"")
    );
    assert!(html.contains("<title id=\"chart-hours-by-week-title\">Hours by week</title>"));
    assert!(html.contains("Worked: lowest 20 h (W2), highest 40 h (W1); target 28 h."));
    assert!(html.contains("<title>W1 Billable: 30 h</title>"));
    assert!(
        html.contains("<details class=\"chart-data\">")
            && html.contains("<th scope=\"row\">W2</th><td class=\"num\">20 h</td>")
    );
    assert!(html.ends_with("</div>"));
}

#[test]
fn the_axis_counts_in_nice_steps_with_the_unit() {
    let html = bar_chart(&week_chart());
    let labels: Vec<String> = texts(&html)
        .into_iter()
        .filter(|t| t.anchor == "end" && t.x < LEFT)
        .map(|t| t.text)
        .collect();
    assert_eq!(labels, ["0 h", "10 h", "20 h", "30 h", "40 h"]);
    let pct = bar_chart(&weeks(13, 64.0));
    let labels: Vec<String> = texts(&pct)
        .into_iter()
        .filter(|t| t.anchor == "end" && t.x < LEFT)
        .map(|t| t.text)
        .collect();
    assert_eq!(labels, ["0 %", "20 %", "40 %", "60 %", "80 %"]);
}

#[test]
fn target_lines_sit_at_their_value_with_a_label() {
    let html = bar_chart(&week_chart());
    // Axis top is 40; the plot runs from y=34 to y=264, so 28 h sits at 264 − 28/40 × 230.
    let expected = 264.0 - 28.0 / 40.0 * 230.0;
    assert!(html.contains(&format!("y1=\"{expected:.1}\"")), "{html}");
    assert!(html.contains(">Target 28 h</text>"));
    assert!(html.contains("stroke-dasharray=\"6 4\""));
}

#[test]
fn future_weeks_keep_their_label_but_draw_nothing() {
    let mut chart = weeks(14, 50.0);
    chart.reached = Some(10);
    let html = bar_chart(&chart);
    assert_eq!(heights(&html).len(), 10, "only reached weeks draw a bar");
    assert!(html.contains("class=\"future\""));
    assert!(
        html.contains(">W14</text>"),
        "the quarter's last week stays on the axis"
    );
    assert!(html.contains("; 4 still to come."));
    assert!(html.contains("<th scope=\"row\">W14</th><td class=\"num\">—</td>"));
    // A future week's value never raises the axis.
    chart.bars[12].value = 500.0;
    assert!(!bar_chart(&chart).contains(">500 %<"));
}

#[test]
fn nothing_reached_or_all_zero_says_so_in_words() {
    let mut chart = weeks(14, 0.0);
    chart.empty = "No time recorded in this quarter yet — it shows here once logged.".into();
    let html = bar_chart(&chart);
    assert!(!html.contains("<svg"), "no empty axes: {html}");
    assert!(html.contains("chart-empty") && html.contains("No time recorded in this quarter yet"));
    assert!(html.contains("Billable utilization by week"), "the title stays");
    let mut ahead = weeks(14, 50.0);
    ahead.reached = Some(0);
    assert!(bar_chart(&ahead).contains("chart-empty"));
    assert!(bar_chart(&BarChart::default()).contains("Nothing recorded in this period yet."));
}

#[test]
fn text_is_escaped() {
    let chart = BarChart {
        title: "<script>alert(1)</script>".into(),
        series: "A & B".into(),
        bars: vec![Bar {
            label: "\"quoted\"".into(),
            value: 1.0,
            second: None,
        }],
        ..Default::default()
    };
    let html = bar_chart(&chart);
    assert!(!html.contains("<script>"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("A &amp; B"));
    assert!(html.contains("&quot;quoted&quot;"));
}

#[test]
fn broken_values_draw_as_zero() {
    let odd = bar_chart(&BarChart {
        title: "Odd".into(),
        series: "S".into(),
        bars: ["nan", "neg", "one"]
            .iter()
            .zip([f64::NAN, -3.0, 1.0])
            .map(|(l, v)| Bar {
                label: l.to_string(),
                value: v,
                second: None,
            })
            .collect(),
        ..Default::default()
    });
    assert!(!odd.contains("NaN") && !odd.contains("inf"));
    assert_eq!(&heights(&odd)[..2], [0.0, 0.0]);
}

#[test]
fn labels_never_overlap_at_any_size() {
    for n in [1, 10, 60, 5000] {
        let html = bar_chart(&weeks(n, 55.0));
        let all = texts(&html);
        assert_apart(&all, &format!("{n} bars"));
        assert_inside(&all, WIDTH, HEIGHT, &format!("{n} bars"));
        let x_labels = all.iter().filter(|t| t.anchor == "middle" && t.y > 270.0).count();
        assert!(x_labels >= 1 && x_labels <= n.min(60), "{n} bars: {x_labels} labels");
        assert_eq!(heights(&html).len(), n);
    }
    // Long labels are cut rather than run into each other.
    let mut long = weeks(10, 10.0);
    for b in &mut long.bars {
        b.label = "An extraordinarily long category name".into();
    }
    let all = texts(&bar_chart(&long));
    assert_apart(&all, "long labels");
    assert!(all.iter().any(|t| t.text.ends_with('…')));
}

#[test]
fn close_targets_keep_their_labels_apart() {
    let mut chart = weeks(5, 60.0);
    chart.targets = vec![
        Target {
            label: "Engineer target".into(),
            value: 70.0,
        },
        Target {
            label: "Architect target".into(),
            value: 71.0,
        },
    ];
    assert_apart(&texts(&bar_chart(&chart)), "two targets");
}
