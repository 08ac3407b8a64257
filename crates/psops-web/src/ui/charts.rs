//! Charts drawn on the server as inline SVG: a bar chart of hours (or any one unit) with an
//! optional second series beside each bar and horizontal target lines. The SVG has a fixed
//! `viewBox` and no width, so it scales to its container on a phone; every text is escaped;
//! the chart and each bar carry a `<title>` and the chart an `aria-label` for screen readers.

use std::fmt::Write as _;

/// A chart: bars along the x axis, values up the y axis.
#[derive(Debug, Clone, Default)]
pub struct BarChart {
    /// What the chart shows; its `<title>` and the start of its `aria-label`.
    pub title: String,
    /// The unit after each value, e.g. `"h"`.
    pub unit: String,
    /// The name of the first series, e.g. "Worked".
    pub series: String,
    /// The name of the second series, e.g. "Billable"; bars without a second value draw one bar.
    pub second_series: Option<String>,
    pub bars: Vec<Bar>,
    pub targets: Vec<Target>,
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

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 300.0;
const LEFT: f64 = 48.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 30.0;
const BOTTOM: f64 = 36.0;
const FIRST_COLOUR: &str = "#2f5bd3";
const SECOND_COLOUR: &str = "#1f7a4d";
const TARGET_COLOUR: &str = "#b42318";
/// Past this many bars, only every n-th x label is written so they do not overlap.
const MAX_LABELS: usize = 14;

/// Escapes text for SVG (XML) content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A value as people read it: at most one decimal, no trailing `.0`.
pub fn number(value: f64) -> String {
    let text = format!("{:.1}", clean(value));
    text.strip_suffix(".0").map(str::to_owned).unwrap_or(text)
}

/// Negative, infinite and NaN values draw as zero rather than breaking the drawing.
fn clean(value: f64) -> f64 {
    if value.is_finite() && value > 0.0 { value } else { 0.0 }
}

/// The top of the y axis: a round number at or above every value and target.
fn axis_top(chart: &BarChart) -> f64 {
    let highest = chart
        .bars
        .iter()
        .flat_map(|b| [Some(b.value), b.second])
        .flatten()
        .chain(chart.targets.iter().map(|t| t.value))
        .map(clean)
        .fold(0.0, f64::max);
    if highest <= 0.0 {
        return 1.0;
    }
    let magnitude = 10f64.powf(highest.log10().floor());
    [1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0]
        .iter()
        .map(|step| step * magnitude)
        .find(|top| *top >= highest)
        .unwrap_or(10.0 * magnitude)
}

/// The chart as one `<svg>` element, ready to place in a page.
pub fn bar_chart(chart: &BarChart) -> String {
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let top = axis_top(chart);
    let y = |v: f64| TOP + plot_h - clean(v) / top * plot_h;
    let unit = escape(&chart.unit);
    let with_unit = |v: f64| {
        if unit.is_empty() {
            number(v)
        } else {
            format!("{} {unit}", number(v))
        }
    };

    let mut svg = String::with_capacity(2048 + chart.bars.len() * 400);
    let _ = write!(
        svg,
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif" font-size="12">"#,
        escape(&summary(chart)),
    );
    let _ = write!(svg, "<title>{}</title>", escape(&chart.title));

    // Grid lines and y-axis labels at quarters of the axis.
    for i in 0..=4 {
        let v = top * f64::from(i) / 4.0;
        let gy = y(v);
        let _ = write!(
            svg,
            r##"<line x1="{LEFT}" y1="{gy:.1}" x2="{:.1}" y2="{gy:.1}" stroke="#d9dee7" stroke-width="1"/><text x="{:.1}" y="{:.1}" text-anchor="end" fill="#5b6475">{}</text>"##,
            WIDTH - RIGHT,
            LEFT - 6.0,
            gy + 4.0,
            number(v),
        );
    }

    // The legend across the top.
    let mut lx = LEFT;
    let mut legend = |svg: &mut String, colour: &str, name: &str, dashed: bool| {
        let mark = if dashed {
            format!(
                r#"<line x1="{lx:.1}" y1="12" x2="{:.1}" y2="12" stroke="{colour}" stroke-width="2" stroke-dasharray="4 3"/>"#,
                lx + 14.0
            )
        } else {
            format!(r#"<rect x="{lx:.1}" y="6" width="12" height="12" fill="{colour}"/>"#)
        };
        let _ = write!(
            svg,
            r##"{mark}<text x="{:.1}" y="16" fill="#1d2330">{}</text>"##,
            lx + 18.0,
            escape(name)
        );
        lx += 30.0 + 7.0 * name.chars().count() as f64;
    };
    if !chart.series.is_empty() {
        legend(&mut svg, FIRST_COLOUR, &chart.series, false);
    }
    if let Some(second) = &chart.second_series {
        legend(&mut svg, SECOND_COLOUR, second, false);
    }

    if chart.bars.is_empty() {
        let _ = write!(
            svg,
            r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" fill="#5b6475">No hours yet</text>"##,
            LEFT + plot_w / 2.0,
            TOP + plot_h / 2.0
        );
    }

    let n = chart.bars.len().max(1) as f64;
    let slot = plot_w / n;
    let two = chart.second_series.is_some();
    let bar_w = if two { slot * 0.38 } else { slot * 0.7 };
    let label_every = chart.bars.len().div_ceil(MAX_LABELS).max(1);
    for (i, bar) in chart.bars.iter().enumerate() {
        let x0 = LEFT + slot * i as f64;
        let label = escape(&bar.label);
        let first_x = if two { x0 + slot * 0.1 } else { x0 + slot * 0.15 };
        let rect = |svg: &mut String, x: f64, value: f64, colour: &str, series: &str| {
            let top_y = y(value);
            let _ = write!(
                svg,
                r#"<rect x="{x:.1}" y="{top_y:.1}" width="{bar_w:.1}" height="{:.1}" fill="{colour}" data-value="{}" aria-label="{label} {}: {}"><title>{label} {}: {}</title></rect>"#,
                TOP + plot_h - top_y,
                number(value),
                escape(series),
                with_unit(value),
                escape(series),
                with_unit(value),
            );
        };
        rect(&mut svg, first_x, bar.value, FIRST_COLOUR, &chart.series);
        if let (true, Some(second)) = (two, bar.second) {
            let name = chart.second_series.as_deref().unwrap_or_default();
            rect(&mut svg, first_x + bar_w, second, SECOND_COLOUR, name);
        }
        if i % label_every == 0 {
            let _ = write!(
                svg,
                r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" fill="#1d2330">{label}</text>"##,
                x0 + slot / 2.0,
                TOP + plot_h + 18.0
            );
        }
    }

    for target in &chart.targets {
        let ty = y(target.value);
        let text = format!("{} {}", target.label, with_unit(target.value));
        let _ = write!(
            svg,
            r#"<line class="target" x1="{LEFT}" y1="{ty:.1}" x2="{:.1}" y2="{ty:.1}" stroke="{TARGET_COLOUR}" stroke-width="2" stroke-dasharray="6 4" data-value="{}"><title>{}</title></line><text x="{:.1}" y="{:.1}" text-anchor="end" fill="{TARGET_COLOUR}">{}</text>"#,
            WIDTH - RIGHT,
            number(target.value),
            escape(&text),
            WIDTH - RIGHT - 2.0,
            (ty - 5.0).max(TOP - 2.0),
            escape(&text),
        );
    }
    svg.push_str("</svg>");
    svg
}

/// What a screen reader says for the whole chart: the title, then each bar's values.
fn summary(chart: &BarChart) -> String {
    let unit = if chart.unit.is_empty() {
        String::new()
    } else {
        format!(" {}", chart.unit)
    };
    let mut text = chart.title.clone();
    for bar in &chart.bars {
        let _ = write!(text, "; {}: {}{unit}", bar.label, number(bar.value));
        if let (Some(name), Some(second)) = (&chart.second_series, bar.second) {
            let _ = write!(text, " ({} {}{unit})", name.to_lowercase(), number(second));
        }
    }
    for target in &chart.targets {
        let _ = write!(text, "; {}: {}{unit}", target.label, number(target.value));
    }
    text
}

#[cfg(test)]
mod tests {
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
        }
    }

    fn heights(svg: &str) -> Vec<f64> {
        svg.split("<rect ")
            .skip(1)
            .filter(|r| r.contains("data-value"))
            .filter_map(|r| r.split("height=\"").nth(1)?.split('"').next()?.parse().ok())
            .collect()
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
    fn has_a_fixed_view_box_title_and_aria_label() {
        let svg = bar_chart(&week_chart());
        assert!(svg.starts_with("<svg class=\"chart\" viewBox=\"0 0 640 300\""));
        assert!(!svg.contains("width=\"640\""), "no fixed width, so it scales");
        assert!(svg.contains("<title>Hours by week</title>"));
        assert!(svg.contains(
            "aria-label=\"Hours by week; W1: 40 h (billable 30 h); W2: 20 h (billable 20 h); Target: 28 h\""
        ));
        assert!(svg.contains("<title>W1 Billable: 30 h</title>"));
        assert!(svg.ends_with("</svg>"));
    }

    #[test]
    fn target_lines_sit_at_their_value_with_a_label() {
        let svg = bar_chart(&week_chart());
        // Axis top is 40; the plot runs from y=30 to y=264, so 28 h sits at 264 − 28/40 × 234.
        let expected = 264.0 - 28.0 / 40.0 * 234.0;
        assert!(svg.contains(&format!("y1=\"{expected:.1}\"")), "{svg}");
        assert!(svg.contains(">Target 28 h</text>"));
        assert!(svg.contains("stroke-dasharray=\"6 4\""));
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
        let svg = bar_chart(&chart);
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(svg.contains("A &amp; B"));
        assert!(svg.contains("&quot;quoted&quot;"));
    }

    #[test]
    fn empty_and_broken_values_still_draw() {
        let empty = bar_chart(&BarChart {
            title: "Nothing".into(),
            ..Default::default()
        });
        assert!(empty.contains("No hours yet"));
        let odd = bar_chart(&BarChart {
            title: "Odd".into(),
            series: "S".into(),
            bars: vec![
                Bar {
                    label: "nan".into(),
                    value: f64::NAN,
                    second: None,
                },
                Bar {
                    label: "neg".into(),
                    value: -3.0,
                    second: None,
                },
            ],
            ..Default::default()
        });
        assert!(!odd.contains("NaN") && !odd.contains("inf"));
        assert_eq!(heights(&odd), vec![0.0, 0.0]);
    }

    #[test]
    fn many_bars_thin_out_their_labels() {
        let chart = BarChart {
            title: "Days".into(),
            series: "Worked".into(),
            bars: (0..90)
                .map(|i| Bar {
                    label: format!("d{i}"),
                    value: 8.0,
                    second: None,
                })
                .collect(),
            ..Default::default()
        };
        let svg = bar_chart(&chart);
        let labels = svg.matches("text-anchor=\"middle\" fill=\"#1d2330\">d").count();
        assert!(labels <= MAX_LABELS && labels > 0, "{labels} labels");
        assert_eq!(heights(&svg).len(), 90);
    }

    #[test]
    fn numbers_read_naturally_and_axis_tops_are_round() {
        assert_eq!(number(8.0), "8");
        assert_eq!(number(7.5), "7.5");
        assert_eq!(number(296.8), "296.8");
        assert_eq!(number(-1.0), "0");
        assert_eq!(axis_top(&week_chart()), 40.0);
        let big = BarChart {
            targets: vec![Target {
                label: "t".into(),
                value: 296.8,
            }],
            ..Default::default()
        };
        assert_eq!(axis_top(&big), 300.0);
    }
}
