//! Lines over a run of positions — a quarter's ISO weeks — one per series, named in a
//! legend rather than on the lines, with dashed target lines. Lines stop at the last
//! reached position: later weeks stay on the axis, shaded as still to come, and a week in
//! progress is drawn as a dashed last step to a hollow point, never as a finished week.

use std::fmt::Write as _;

use super::{
    Caption, DataTable, FONT, INK, MUTED, PALETTE, Swatch, TARGET_COLOUR, Target, WIDTH, clean, close, count, empty,
    escape, label_step, legend, number, open, slug, text, text_width, ticks, truncate, with_unit, y_grid,
};

#[derive(Debug, Clone, Default)]
pub struct LineChart {
    /// Unique on the page; empty for one made from the title.
    pub id: String,
    pub title: String,
    pub unit: String,
    /// The positions along the x axis, e.g. `W40` … `W53`.
    pub x_labels: Vec<String>,
    /// How many positions, from the first, are reached; lines stop there.
    pub reached: usize,
    /// A reached position still in progress (this week), drawn as not yet complete.
    pub partial: Option<usize>,
    pub series: Vec<Series>,
    pub targets: Vec<Target>,
    pub empty: String,
    /// The sentence under the chart; empty for one made from the last values.
    pub summary: String,
}

/// One line: a value per position, `None` where there is none (nobody available).
#[derive(Debug, Clone, Default)]
pub struct Series {
    pub name: String,
    pub values: Vec<Option<f64>>,
}

/// The most lines drawn: one colour each. Callers fold the rest into "Other".
pub const MAX_SERIES: usize = PALETTE.len();
/// The most rows in the data table under the chart.
const MAX_TABLE: usize = 60;
const HEIGHT: f64 = 320.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 16.0;
const BOTTOM: f64 = 30.0;
const MAX_LABEL: f64 = 90.0;

fn value(s: &Series, i: usize) -> Option<f64> {
    s.values.get(i).copied().flatten().filter(|v| v.is_finite())
}

/// The chart block: the `<svg>`, its summary and its data, or the empty state.
pub fn line_chart(chart: &LineChart) -> String {
    let id = if chart.id.is_empty() {
        slug(&chart.title)
    } else {
        chart.id.clone()
    };
    let n = chart.x_labels.len();
    let reached = chart.reached.min(n);
    let series = &chart.series[..chart.series.len().min(MAX_SERIES)];
    let summary = if chart.summary.is_empty() {
        summary(chart, reached)
    } else {
        chart.summary.clone()
    };
    let caption = Caption {
        id: &id,
        title: &chart.title,
        summary: &summary,
    };
    let drawn = |s: &Series| (0..reached).filter_map(|i| value(s, i)).collect::<Vec<_>>();
    if !series.iter().any(|s| drawn(s).iter().any(|v| clean(*v) > 0.0)) {
        let message = if chart.empty.is_empty() {
            "Nothing recorded in this period yet."
        } else {
            &chart.empty
        };
        return empty(&caption, message);
    }
    let mut svg = String::with_capacity(4096 + n * series.len() * 120);
    open(&mut svg, &caption, HEIGHT);
    let mut items: Vec<(Swatch<'_>, String)> = series
        .iter()
        .zip(PALETTE)
        .map(|(s, c)| (Swatch::Line(c), s.name.clone()))
        .collect();
    for t in &chart.targets {
        items.push((
            Swatch::Dashed(TARGET_COLOUR),
            format!("{} {}", t.label, with_unit(t.value, &chart.unit)),
        ));
    }
    let top = legend(&mut svg, LEFT, &items) + 10.0;
    let base = HEIGHT - BOTTOM;
    let highest = series
        .iter()
        .flat_map(drawn)
        .chain(chart.targets.iter().map(|t| t.value))
        .map(clean)
        .fold(0.0, f64::max);
    let t = ticks(highest, 5, false);
    let y = |v: f64| base - clean(v) / t.top * (base - top);
    let slot = (WIDTH - LEFT - RIGHT) / n.max(1) as f64;
    let x = |i: usize| LEFT + slot * (i as f64 + 0.5);
    y_grid(&mut svg, &t, &chart.unit, LEFT, WIDTH - RIGHT, top, base);
    if reached < n {
        let x0 = LEFT + slot * reached as f64;
        let w = WIDTH - RIGHT - x0;
        let _ = write!(
            svg,
            r##"<rect class="future" x="{x0:.1}" y="{top:.1}" width="{w:.1}" height="{:.1}" fill="#f5f7fa"><title>Still to come</title></rect>"##,
            base - top
        );
        if text_width("ahead", FONT) + 8.0 <= w {
            text(&mut svg, x0 + w / 2.0, top + 14.0, "middle", MUTED, "ahead");
        }
    }
    for target in &chart.targets {
        let ty = y(target.value);
        let _ = write!(
            svg,
            r#"<line class="target" x1="{LEFT}" y1="{ty:.1}" x2="{:.1}" y2="{ty:.1}" stroke="{TARGET_COLOUR}" stroke-width="2" stroke-dasharray="6 4" data-value="{}"><title>{}</title></line>"#,
            WIDTH - RIGHT,
            number(target.value),
            escape(&format!("{} {}", target.label, with_unit(target.value, &chart.unit))),
        );
    }
    let points = slot >= 6.0;
    for (s, colour) in series.iter().zip(PALETTE) {
        line(&mut svg, chart, s, colour, reached, &x, &y, points);
    }
    let labels: Vec<String> = chart.x_labels.iter().map(|l| truncate(l, MAX_LABEL, FONT)).collect();
    let widest = labels.iter().map(|l| text_width(l, FONT)).fold(0.0, f64::max);
    let every = label_step(n, slot, widest);
    for (i, label) in labels.iter().enumerate().filter(|(i, _)| i % every == 0) {
        let colour = if i < reached { INK } else { MUTED };
        text(&mut svg, x(i), base + 18.0, "middle", colour, label);
    }
    close(&mut svg, &caption, &table(chart, series));
    svg
}

/// One series: solid through complete positions, dashed into one in progress, broken
/// where a value is missing; a point with its `<title>` on each position when they fit.
#[allow(clippy::too_many_arguments)]
fn line(
    svg: &mut String,
    chart: &LineChart,
    s: &Series,
    colour: &str,
    reached: usize,
    x: &dyn Fn(usize) -> f64,
    y: &dyn Fn(f64) -> f64,
    points: bool,
) {
    let partial = chart.partial.filter(|p| *p < reached);
    let solid_end = partial.unwrap_or(reached);
    let mut runs: Vec<Vec<usize>> = vec![Vec::new()];
    for i in 0..solid_end {
        match (value(s, i), runs.last_mut()) {
            (Some(_), Some(run)) => run.push(i),
            _ => runs.push(Vec::new()),
        }
    }
    let name = escape(&s.name);
    for run in runs.iter().filter(|r| r.len() > 1) {
        let pts: Vec<String> = run
            .iter()
            .filter_map(|i| Some(format!("{:.1},{:.1}", x(*i), y(value(s, *i)?))))
            .collect();
        let _ = write!(
            svg,
            r#"<polyline points="{}" fill="none" stroke="{colour}" stroke-width="2.5" stroke-linejoin="round"><title>{name}</title></polyline>"#,
            pts.join(" ")
        );
    }
    if let Some(p) = partial
        && let (Some(a), Some(b)) = (p.checked_sub(1).and_then(|q| value(s, q)), value(s, p))
    {
        let _ = write!(
            svg,
            r#"<line class="in-progress" x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="{colour}" stroke-width="2" stroke-dasharray="3 3"/>"#,
            x(p - 1),
            y(a),
            x(p),
            y(b)
        );
    }
    for i in 0..reached {
        let Some(v) = value(s, i) else { continue };
        // A point alone between gaps has no line to show it: it gets a dot even when
        // dots are too crowded elsewhere.
        let alone = runs.iter().any(|r| r.len() == 1 && r[0] == i);
        if !points && !alone && Some(i) != partial {
            continue;
        }
        let so_far = if Some(i) == partial { " (so far)" } else { "" };
        let what = escape(&format!(
            "{}, {}{so_far}: {}",
            s.name,
            chart.x_labels.get(i).map_or("", String::as_str),
            with_unit(v, &chart.unit)
        ));
        let fill = if Some(i) == partial { "#ffffff" } else { colour };
        let _ = write!(
            svg,
            r#"<circle cx="{:.1}" cy="{:.1}" r="3.5" fill="{fill}" stroke="{colour}" stroke-width="2" data-value="{}"><title>{what}</title></circle>"#,
            x(i),
            y(v),
            number(v)
        );
    }
}

/// The sentence under the chart when the caller gives none: each line's latest value.
fn summary(chart: &LineChart, reached: usize) -> String {
    let Some(last) = reached.checked_sub(1) else {
        return format!("{}: nothing reached yet.", chart.title);
    };
    let latest: Vec<String> = chart
        .series
        .iter()
        .take(MAX_SERIES)
        .filter_map(|s| Some(format!("{} {}", s.name, with_unit(value(s, last)?, &chart.unit))))
        .collect();
    let mut text = format!(
        "Latest ({}{}): {}",
        chart.x_labels.get(last).map_or("", String::as_str),
        if chart.partial == Some(last) { ", so far" } else { "" },
        if latest.is_empty() {
            "no values".to_string()
        } else {
            latest.join(", ")
        }
    );
    for t in &chart.targets {
        let _ = write!(text, "; {} {}", t.label.to_lowercase(), with_unit(t.value, &chart.unit));
    }
    if chart.series.len() > MAX_SERIES {
        let _ = write!(
            text,
            "; {} more lines are not drawn",
            count(chart.series.len() - MAX_SERIES)
        );
    }
    text.push('.');
    text
}

fn table(chart: &LineChart, series: &[Series]) -> DataTable {
    let mut head = vec![String::new()];
    head.extend(series.iter().map(|s| s.name.clone()));
    let reached = chart.reached.min(chart.x_labels.len());
    let rows = (0..reached.min(MAX_TABLE))
        .map(|i| {
            let mut row = vec![chart.x_labels[i].clone()];
            if chart.partial == Some(i) {
                row[0].push_str(" (so far)");
            }
            row.extend(
                series
                    .iter()
                    .map(|s| value(s, i).map_or_else(|| "—".into(), |v| with_unit(v, &chart.unit))),
            );
            row
        })
        .collect();
    DataTable { head, rows }
}

#[cfg(test)]
mod tests {
    use super::super::probe::{assert_apart, assert_inside, texts};
    use super::*;

    fn weeks(n: usize, reached: usize, lines: usize) -> LineChart {
        LineChart {
            title: "Billable utilization by function, week by week".into(),
            unit: "%".into(),
            x_labels: (0..n).map(|i| format!("W{:02}", i % 53 + 1)).collect(),
            reached,
            series: (0..lines)
                .map(|s| Series {
                    name: format!("Function number {s}"),
                    values: (0..n).map(|i| Some(40.0 + ((i * 7 + s * 13) % 45) as f64)).collect(),
                })
                .collect(),
            targets: vec![Target {
                label: "Target".into(),
                value: 70.0,
            }],
            ..Default::default()
        }
    }

    fn polyline_points(html: &str) -> Vec<usize> {
        html.split("<polyline points=\"")
            .skip(1)
            .filter_map(|p| Some(p.split('"').next()?.split(' ').count()))
            .collect()
    }

    #[test]
    fn lines_stop_at_the_current_week() {
        let html = line_chart(&weeks(14, 10, 2));
        assert_eq!(
            polyline_points(&html),
            [10, 10],
            "no point drawn past the reached weeks"
        );
        assert_eq!(
            html.matches("<circle cx=").count(),
            20,
            "a dot per reached week and line"
        );
        assert!(html.contains("class=\"future\""));
        let labels: Vec<String> = texts(&html)
            .into_iter()
            .filter(|t| t.y > 300.0)
            .map(|t| t.text)
            .collect();
        assert_eq!(labels.len(), 14, "future weeks stay on the axis: {labels:?}");
        assert!(
            !html.contains("<th scope=\"row\">W11</th>"),
            "the table holds reached weeks only"
        );
    }

    #[test]
    fn a_week_in_progress_is_a_dashed_step_to_a_hollow_point() {
        let mut chart = weeks(14, 10, 1);
        chart.partial = Some(9);
        let html = line_chart(&chart);
        assert_eq!(polyline_points(&html), [9]);
        assert!(html.contains("class=\"in-progress\""));
        assert!(html.contains("fill=\"#ffffff\"") && html.contains("W10 (so far): "));
        assert!(html.contains("<th scope=\"row\">W10 (so far)</th>"));
    }

    #[test]
    fn a_legend_names_the_lines_and_the_target() {
        let html = line_chart(&weeks(14, 14, 3));
        let all = texts(&html);
        for name in ["Function number 0", "Function number 2", "Target 70 %"] {
            assert!(all.iter().any(|t| t.text == name), "{name} in the legend");
        }
        let y_axis: Vec<&str> = all
            .iter()
            .filter(|t| t.anchor == "end")
            .map(|t| t.text.as_str())
            .collect();
        assert_eq!(y_axis, ["0 %", "20 %", "40 %", "60 %", "80 %", "100 %"]);
    }

    #[test]
    fn labels_never_overlap_at_any_size() {
        for n in [1, 10, 60, 5000] {
            for lines in [1, 3, 8] {
                let html = line_chart(&weeks(n, n, lines));
                let all = texts(&html);
                let what = format!("{n} weeks, {lines} lines");
                assert_apart(&all, &what);
                assert_inside(&all, WIDTH, HEIGHT, &what);
            }
        }
        // More lines than colours: the first ones are drawn and the summary says so.
        let many = line_chart(&weeks(14, 14, 5000));
        assert_eq!(polyline_points(&many).len(), MAX_SERIES);
        assert!(many.contains("4,992 more lines are not drawn"));
        assert_apart(&texts(&many), "5000 lines");
    }

    #[test]
    fn gaps_break_the_line_and_nothing_says_so() {
        let mut chart = weeks(6, 6, 1);
        chart.series[0].values[2] = None;
        assert_eq!(polyline_points(&line_chart(&chart)), [2, 3]);
        let nothing = line_chart(&weeks(14, 0, 2));
        assert!(!nothing.contains("<svg") && nothing.contains("Nothing recorded in this period yet."));
        let mut zero = weeks(14, 5, 2);
        for s in &mut zero.series {
            s.values = vec![Some(0.0); 14];
        }
        zero.empty = "No time recorded in this quarter yet — come back after the first week.".into();
        assert!(line_chart(&zero).contains("chart-empty"));
    }

    #[test]
    fn text_is_escaped() {
        let mut chart = weeks(3, 3, 1);
        chart.series[0].name = "R&D <EMEA>".into();
        chart.x_labels[0] = "\"W1\"".into();
        let html = line_chart(&chart);
        assert!(html.contains("R&amp;D &lt;EMEA&gt;") && !html.contains("<EMEA>"));
        assert!(html.contains("&quot;W1&quot;"));
    }
}
