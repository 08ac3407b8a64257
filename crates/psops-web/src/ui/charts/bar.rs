//! Vertical bars along a few positions — the weeks of a quarter — with an optional second
//! series beside each bar and horizontal target lines. Positions from `reached` on are
//! still to come: their labels stay on the axis, but nothing is drawn as reached there.

use std::fmt::Write as _;

use super::{
    Caption, DataTable, FONT, INK, MUTED, PALETTE, TARGET_COLOUR, WIDTH, clean, close, empty, escape, label_step,
    number, open, slug, text, text_width, ticks, truncate, with_unit, y_grid,
};

/// A chart: bars along the x axis, values up the y axis.
#[derive(Debug, Clone, Default)]
pub struct BarChart {
    /// What the chart shows; its `<title>`.
    pub title: String,
    /// The unit after each value, e.g. `"h"`.
    pub unit: String,
    /// The name of the first series, e.g. "Worked".
    pub series: String,
    /// The name of the second series, e.g. "Billable"; bars without a second value draw one bar.
    pub second_series: Option<String>,
    pub bars: Vec<Bar>,
    pub targets: Vec<Target>,
    /// How many bars, from the first, are reached (e.g. weeks up to this one); the rest
    /// are future. `None`: all are reached.
    pub reached: Option<usize>,
    /// What to say instead of drawing when no reached bar has a value.
    pub empty: String,
    /// The sentence under the chart; empty for one made from the bars.
    pub summary: String,
}

/// One position on the x axis.
#[derive(Debug, Clone, Default)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub second: Option<f64>,
}

/// A horizontal line across the chart, e.g. the quarter's billable target.
#[derive(Debug, Clone, Default)]
pub struct Target {
    pub label: String,
    pub value: f64,
}

const HEIGHT: f64 = 300.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 34.0;
const BOTTOM: f64 = 36.0;
const SECOND_COLOUR: &str = "#1f7a4d";
/// The widest an x label may be before it is cut.
const MAX_LABEL: f64 = 110.0;

fn reached(chart: &BarChart) -> usize {
    chart.reached.unwrap_or(chart.bars.len()).min(chart.bars.len())
}

/// The highest value drawn: reached bars, their second values and the targets.
fn highest(chart: &BarChart) -> f64 {
    chart.bars[..reached(chart)]
        .iter()
        .flat_map(|b| [Some(b.value), b.second])
        .flatten()
        .chain(chart.targets.iter().map(|t| t.value))
        .map(clean)
        .fold(0.0, f64::max)
}

fn has_data(chart: &BarChart) -> bool {
    chart.bars[..reached(chart)]
        .iter()
        .flat_map(|b| [Some(b.value), b.second])
        .flatten()
        .any(|v| clean(v) > 0.0)
}

/// The chart block: the `<svg>`, its summary and its data, or the empty state.
pub fn bar_chart(chart: &BarChart) -> String {
    let id = slug(&chart.title);
    let summary = if chart.summary.is_empty() {
        summary(chart)
    } else {
        chart.summary.clone()
    };
    let caption = Caption {
        id: &id,
        title: &chart.title,
        summary: &summary,
    };
    if !has_data(chart) {
        let message = if chart.empty.is_empty() {
            "Nothing recorded in this period yet."
        } else {
            &chart.empty
        };
        return empty(&caption, message);
    }
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let base = TOP + plot_h;
    let t = ticks(highest(chart), 5, false);
    let y = |v: f64| base - clean(v) / t.top * plot_h;
    let mut svg = String::with_capacity(4096 + chart.bars.len() * 400);
    open(&mut svg, &caption, HEIGHT);
    y_grid(&mut svg, &t, &chart.unit, LEFT, WIDTH - RIGHT, TOP, base);
    legend(&mut svg, chart);

    let n = chart.bars.len().max(1);
    let slot = plot_w / n as f64;
    let done = reached(chart);
    if done < chart.bars.len() {
        let x0 = LEFT + slot * done as f64;
        let w = WIDTH - RIGHT - x0;
        let _ = write!(
            svg,
            r##"<rect class="future" x="{x0:.1}" y="{TOP:.1}" width="{w:.1}" height="{plot_h:.1}" fill="#f5f7fa"><title>Still to come</title></rect>"##
        );
        if text_width("ahead", FONT) + 8.0 <= w {
            text(&mut svg, x0 + w / 2.0, TOP + 14.0, "middle", MUTED, "ahead");
        }
    }
    let two = chart.second_series.is_some();
    let bar_w = if two { slot * 0.38 } else { slot * 0.7 };
    let labels: Vec<String> = chart.bars.iter().map(|b| truncate(&b.label, MAX_LABEL, FONT)).collect();
    let widest = labels.iter().map(|l| text_width(l, FONT)).fold(0.0, f64::max);
    let every = label_step(labels.len(), slot, widest);
    let unit = &chart.unit;
    for (i, bar) in chart.bars.iter().enumerate() {
        let x0 = LEFT + slot * i as f64;
        if i < done {
            let first_x = if two { x0 + slot * 0.1 } else { x0 + slot * 0.15 };
            rect(
                &mut svg,
                first_x,
                bar_w,
                y(bar.value),
                base,
                bar,
                bar.value,
                &chart.series,
                PALETTE[0],
                unit,
            );
            if let (true, Some(second)) = (two, bar.second) {
                let name = chart.second_series.as_deref().unwrap_or_default();
                rect(
                    &mut svg,
                    first_x + bar_w,
                    bar_w,
                    y(second),
                    base,
                    bar,
                    second,
                    name,
                    SECOND_COLOUR,
                    unit,
                );
            }
        }
        if i % every == 0 {
            let colour = if i < done { INK } else { MUTED };
            text(&mut svg, x0 + slot / 2.0, base + 18.0, "middle", colour, &labels[i]);
        }
    }
    targets(&mut svg, chart, &y);
    close(&mut svg, &caption, &table(chart));
    svg
}

#[allow(clippy::too_many_arguments)]
fn rect(
    svg: &mut String,
    x: f64,
    w: f64,
    top_y: f64,
    base: f64,
    bar: &Bar,
    v: f64,
    series: &str,
    colour: &str,
    unit: &str,
) {
    let what = escape(&format!("{} {series}: {}", bar.label, with_unit(v, unit)));
    let _ = write!(
        svg,
        r#"<rect x="{x:.1}" y="{top_y:.1}" width="{w:.1}" height="{:.1}" fill="{colour}" data-value="{}"><title>{what}</title></rect>"#,
        base - top_y,
        number(v),
    );
}

/// The legend across the top: a swatch and the name of each series and of the targets.
fn legend(svg: &mut String, chart: &BarChart) {
    let mut x = LEFT;
    let mut item = |svg: &mut String, colour: &str, name: &str, dashed: bool| {
        let mark = if dashed {
            format!(
                r#"<line x1="{x:.1}" y1="14" x2="{:.1}" y2="14" stroke="{colour}" stroke-width="2" stroke-dasharray="4 3"/>"#,
                x + 14.0
            )
        } else {
            format!(r#"<rect x="{x:.1}" y="8" width="12" height="12" fill="{colour}"/>"#)
        };
        svg.push_str(&mark);
        text(svg, x + 18.0, 18.0, "start", INK, name);
        x += 18.0 + text_width(name, FONT) + 16.0;
    };
    if !chart.series.is_empty() {
        item(svg, PALETTE[0], &chart.series, false);
    }
    if let Some(second) = &chart.second_series {
        item(svg, SECOND_COLOUR, second, false);
    }
}

/// Target lines, each labelled at its right end; labels that would touch move apart.
fn targets(svg: &mut String, chart: &BarChart, y: &dyn Fn(f64) -> f64) {
    let mut lines: Vec<(f64, &Target)> = chart.targets.iter().map(|t| (y(t.value), t)).collect();
    lines.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut last_label = f64::MIN;
    for (ty, target) in lines {
        let label = format!("{} {}", target.label, with_unit(target.value, &chart.unit));
        let _ = write!(
            svg,
            r#"<line class="target" x1="{LEFT}" y1="{ty:.1}" x2="{:.1}" y2="{ty:.1}" stroke="{TARGET_COLOUR}" stroke-width="2" stroke-dasharray="6 4" data-value="{}"><title>{}</title></line>"#,
            WIDTH - RIGHT,
            number(target.value),
            escape(&label),
        );
        let ly = (ty - 5.0).max(TOP + FONT).max(last_label + FONT + 2.0);
        last_label = ly;
        let _ = write!(
            svg,
            r##"<text x="{:.1}" y="{ly:.1}" text-anchor="end" fill="{TARGET_COLOUR}" stroke="#ffffff" stroke-width="3" paint-order="stroke">{}</text>"##,
            WIDTH - RIGHT - 2.0,
            escape(&label),
        );
    }
}

/// The sentence under the chart when the caller gives none: the lowest and highest
/// reached bars, the targets, and how many positions are still to come.
fn summary(chart: &BarChart) -> String {
    let done = &chart.bars[..reached(chart)];
    let (Some(low), Some(high)) = (
        done.iter().min_by(|a, b| a.value.total_cmp(&b.value)),
        done.iter().max_by(|a, b| a.value.total_cmp(&b.value)),
    ) else {
        return format!("{}: nothing to show yet.", chart.title);
    };
    let u = &chart.unit;
    let mut text = format!(
        "{}: lowest {} ({}), highest {} ({})",
        chart.series,
        with_unit(low.value, u),
        low.label,
        with_unit(high.value, u),
        high.label,
    );
    for t in &chart.targets {
        let _ = write!(text, "; {} {}", t.label.to_lowercase(), with_unit(t.value, u));
    }
    let ahead = chart.bars.len() - done.len();
    if ahead > 0 {
        let _ = write!(text, "; {ahead} still to come");
    }
    text.push('.');
    text
}

fn table(chart: &BarChart) -> DataTable {
    let mut head = vec![String::new(), chart.series.clone()];
    head.extend(chart.second_series.clone());
    let done = reached(chart);
    let rows = chart
        .bars
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let cell = |v: f64| {
                if i < done {
                    with_unit(v, &chart.unit)
                } else {
                    "—".into()
                }
            };
            let mut row = vec![b.label.clone(), cell(b.value)];
            if chart.second_series.is_some() {
                row.push(b.second.map(cell).unwrap_or_default());
            }
            row
        })
        .collect();
    DataTable { head, rows }
}

#[cfg(test)]
mod tests {
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
        assert!(html.contains(
            "aria-labelledby=\"chart-hours-by-week-title\" aria-describedby=\"chart-hours-by-week-summary\""
        ));
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
}
