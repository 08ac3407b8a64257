//! Horizontal bars, one row each: the name on the left (cut with an ellipsis when long,
//! in full in the bar's `<title>`), the value at the bar's end, an optional marker per row
//! (a person's own target) and one reference line (100 % of target). Used for rankings —
//! the top and bottom of a long list — and for short lists, where names under vertical
//! bars would not fit. Past [`MAX_ROWS`] rows the chart draws the first ones and says so.

use std::fmt::Write as _;

use super::{
    Caption, DataTable, FONT, GRID, INK, MUTED, PALETTE, TARGET_COLOUR, Target, WIDTH, clean, close, count, empty,
    escape, halo_text, label_step, number, open, slug, text, text_width, ticks, truncate, with_unit,
};

/// A chart of one row per item.
#[derive(Debug, Clone, Default)]
pub struct HBarChart {
    /// Unique on the page; empty for one made from the title.
    pub id: String,
    pub title: String,
    pub unit: String,
    /// What the bars measure, e.g. "Attainment"; the legend and the table say it.
    pub value_name: String,
    /// What each row's marker is, e.g. "Target"; rows without a marker draw none.
    pub marker_name: String,
    pub bars: Vec<HBar>,
    /// A line down the chart, e.g. 100 % of target.
    pub reference: Option<Target>,
    pub empty: String,
    /// The sentence under the chart; empty for one made from the bars.
    pub summary: String,
}

#[derive(Debug, Clone, Default)]
pub struct HBar {
    pub label: String,
    pub value: f64,
    pub marker: Option<f64>,
    /// Where the name links to, e.g. the person's page.
    pub href: Option<String>,
}

/// The most rows drawn; a ranking is the caller's cut of a longer list.
pub const MAX_ROWS: usize = 40;
const ROW: f64 = 22.0;
const TOP: f64 = 32.0;
const BOTTOM: f64 = 28.0;
/// The name column: names are cut to fit it.
const NAMES: f64 = 168.0;
const MARKER_COLOUR: &str = "#111111";

/// The chart block: the `<svg>`, its summary and its data, or the empty state.
pub fn hbar_chart(chart: &HBarChart) -> String {
    let id = if chart.id.is_empty() {
        slug(&chart.title)
    } else {
        chart.id.clone()
    };
    let shown = &chart.bars[..chart.bars.len().min(MAX_ROWS)];
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
    if shown.is_empty() {
        let message = if chart.empty.is_empty() {
            "Nothing to show for this period yet."
        } else {
            &chart.empty
        };
        return empty(&caption, message);
    }
    let highest = shown
        .iter()
        .flat_map(|b| [Some(b.value), b.marker])
        .flatten()
        .chain(chart.reference.as_ref().map(|r| r.value))
        .map(clean)
        .fold(0.0, f64::max);
    let t = ticks(highest, 5, false);
    // Room on the right for the widest value written at a bar's end.
    let right = shown
        .iter()
        .map(|b| text_width(&with_unit(b.value, &chart.unit), FONT))
        .fold(0.0, f64::max)
        + 12.0;
    let (left, plot_w) = (NAMES + 8.0, WIDTH - NAMES - 8.0 - right);
    let x = |v: f64| left + clean(v) / t.top * plot_w;
    let height = TOP + ROW * shown.len() as f64 + BOTTOM;
    let base = TOP + ROW * shown.len() as f64;
    let mut svg = String::with_capacity(2048 + shown.len() * 600);
    open(&mut svg, &caption, height);
    legend(&mut svg, chart, shown);

    // Vertical grid lines and their labels under the rows.
    let tick_labels: Vec<String> = t.values.iter().map(|v| t.label(*v, &chart.unit)).collect();
    let widest = tick_labels.iter().map(|l| text_width(l, FONT)).fold(0.0, f64::max);
    let every = label_step(t.values.len(), plot_w / (t.values.len().max(2) - 1) as f64, widest);
    for (i, v) in t.values.iter().enumerate() {
        let gx = x(*v);
        let _ = write!(
            svg,
            r#"<line x1="{gx:.1}" y1="{TOP:.1}" x2="{gx:.1}" y2="{base:.1}" stroke="{GRID}" stroke-width="1"/>"#
        );
        if i % every == 0 {
            text(&mut svg, gx, base + 18.0, "middle", MUTED, &tick_labels[i]);
        }
    }
    // The reference line goes under the bars and their values, which keep a halo.
    if let Some(r) = &chart.reference {
        let rx = x(r.value);
        let _ = write!(
            svg,
            r#"<line class="target" x1="{rx:.1}" y1="{TOP:.1}" x2="{rx:.1}" y2="{base:.1}" stroke="{TARGET_COLOUR}" stroke-width="2" stroke-dasharray="6 4" data-value="{}"><title>{}</title></line>"#,
            number(r.value),
            escape(&format!("{} {}", r.label, with_unit(r.value, &chart.unit))),
        );
    }
    // A name two people share carries their e-mail, which leaves little of the name in
    // the column: the e-mail is drawn only when both namesakes are on the chart (it
    // stays in each bar's title and in the data table).
    let short = |label: &str| super::super::render::twin(label).map(|(name, _)| name.to_string());
    let names: Vec<String> = shown
        .iter()
        .map(|b| match short(&b.label) {
            Some(name) if shown.iter().filter(|o| short(&o.label).as_ref() == Some(&name)).count() == 1 => name,
            _ => b.label.clone(),
        })
        .collect();
    for (i, bar) in shown.iter().enumerate() {
        let top = TOP + ROW * i as f64;
        let end = x(bar.value);
        let name = truncate(&names[i], NAMES - 4.0, FONT);
        let full = escape(&describe(chart, bar));
        match &bar.href {
            Some(href) => {
                let _ = write!(svg, r#"<a href="{}">"#, escape(href));
                text(&mut svg, NAMES, top + ROW / 2.0 + 4.0, "end", INK, &name);
                let _ = write!(svg, "<title>{full}</title></a>");
            }
            None => text(&mut svg, NAMES, top + ROW / 2.0 + 4.0, "end", INK, &name),
        }
        let _ = write!(
            svg,
            r#"<rect x="{left:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{}" data-value="{}"><title>{full}</title></rect>"#,
            top + 4.0,
            end - left,
            ROW - 8.0,
            PALETTE[0],
            number(bar.value),
        );
        if let Some(m) = bar.marker {
            let mx = x(m);
            let _ = write!(
                svg,
                r#"<line class="target" x1="{mx:.1}" y1="{:.1}" x2="{mx:.1}" y2="{:.1}" stroke="{MARKER_COLOUR}" stroke-width="2" data-value="{}"><title>{}</title></line>"#,
                top + 1.0,
                top + ROW - 1.0,
                number(m),
                escape(&format!("{} {}", chart.marker_name, with_unit(m, &chart.unit))),
            );
        }
        halo_text(
            &mut svg,
            end + 4.0,
            top + ROW / 2.0 + 4.0,
            "start",
            INK,
            &with_unit(bar.value, &chart.unit),
        );
    }
    close(&mut svg, &caption, &table(chart, shown));
    svg
}

/// The bar's full text: its name, value and marker.
fn describe(chart: &HBarChart, bar: &HBar) -> String {
    let mut text = format!(
        "{}: {} {}",
        bar.label,
        chart.value_name.to_lowercase(),
        with_unit(bar.value, &chart.unit)
    );
    if let Some(m) = bar.marker {
        let _ = write!(
            text,
            ", {} {}",
            chart.marker_name.to_lowercase(),
            with_unit(m, &chart.unit)
        );
    }
    text
}

/// The legend over the rows: the bars' measure, the marker and the reference line.
fn legend(svg: &mut String, chart: &HBarChart, shown: &[HBar]) {
    let mut lx = NAMES + 8.0;
    let _ = write!(
        svg,
        r#"<rect x="{lx:.1}" y="8" width="12" height="12" fill="{}"/>"#,
        PALETTE[0]
    );
    text(svg, lx + 18.0, 18.0, "start", INK, &chart.value_name);
    lx += 18.0 + text_width(&chart.value_name, FONT) + 16.0;
    if shown.iter().any(|b| b.marker.is_some()) {
        let _ = write!(
            svg,
            r#"<line x1="{:.1}" y1="7" x2="{:.1}" y2="21" stroke="{MARKER_COLOUR}" stroke-width="2"/>"#,
            lx + 5.0,
            lx + 5.0
        );
        text(svg, lx + 14.0, 18.0, "start", INK, &chart.marker_name);
        lx += 14.0 + text_width(&chart.marker_name, FONT) + 16.0;
    }
    if let Some(r) = &chart.reference {
        let _ = write!(
            svg,
            r#"<line x1="{lx:.1}" y1="14" x2="{:.1}" y2="14" stroke="{TARGET_COLOUR}" stroke-width="2" stroke-dasharray="4 3"/>"#,
            lx + 14.0
        );
        let label = truncate(
            &format!("{} {}", r.label, with_unit(r.value, &chart.unit)),
            WIDTH - lx - 22.0,
            FONT,
        );
        text(svg, lx + 18.0, 18.0, "start", INK, &label);
    }
}

/// The sentence under the chart when the caller gives none.
fn summary(chart: &HBarChart) -> String {
    let (Some(first), Some(last)) = (chart.bars.first(), chart.bars.last()) else {
        return format!("{}: nothing to show yet.", chart.title);
    };
    let u = &chart.unit;
    let mut text = format!(
        "{} {}: from {} ({}) to {} ({})",
        count(chart.bars.len()),
        if chart.bars.len() == 1 { "row" } else { "rows" },
        with_unit(first.value, u),
        first.label,
        with_unit(last.value, u),
        last.label
    );
    if chart.bars.len() > MAX_ROWS {
        let _ = write!(text, "; the first {MAX_ROWS} are drawn");
    }
    text.push('.');
    text
}

fn table(chart: &HBarChart, shown: &[HBar]) -> DataTable {
    let mut head = vec![String::new(), chart.value_name.clone()];
    let markers = shown.iter().any(|b| b.marker.is_some());
    if markers {
        head.push(chart.marker_name.clone());
    }
    let rows = shown
        .iter()
        .map(|b| {
            let mut row = vec![b.label.clone(), with_unit(b.value, &chart.unit)];
            if markers {
                row.push(
                    b.marker
                        .map(|m| with_unit(m, &chart.unit))
                        .unwrap_or_else(|| "—".into()),
                );
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

    fn people(n: usize) -> HBarChart {
        HBarChart {
            title: "Top 10 by attainment".into(),
            unit: "%".into(),
            value_name: "Attainment".into(),
            marker_name: "Target".into(),
            bars: (0..n)
                .map(|i| HBar {
                    label: format!("Person number {i} with a rather long double-barrelled name"),
                    value: 140.0 - (i % 140) as f64,
                    marker: None,
                    href: Some(format!("/people/{i}")),
                })
                .collect(),
            reference: Some(Target {
                label: "On target".into(),
                value: 100.0,
            }),
            ..Default::default()
        }
    }

    fn height(html: &str) -> f64 {
        html.split("viewBox=\"0 0 640 ")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .and_then(|s| s.parse().ok())
            .unwrap_or(0.0)
    }

    #[test]
    fn names_are_cut_with_an_ellipsis_and_whole_in_the_title() {
        let html = hbar_chart(&people(3));
        let names: Vec<String> = texts(&html)
            .into_iter()
            .filter(|t| t.anchor == "end")
            .map(|t| t.text)
            .collect();
        assert_eq!(names.len(), 3);
        assert!(
            names.iter().all(|n| n.ends_with('…') && text_width(n, FONT) <= NAMES),
            "{names:?}"
        );
        assert!(
            html.contains("<title>Person number 0 with a rather long double-barrelled name: attainment 140 %</title>")
        );
        assert!(html.contains("<a href=\"/people/0\">"));
    }

    #[test]
    fn a_shared_name_shows_its_email_only_beside_its_namesake() {
        let mut chart = people(3);
        chart.bars[0].label = "Ann Lee (ann.lee@x.example)".into();
        chart.bars[1].label = "Bo Chan (bo.chan2@x.example)".into();
        chart.bars[2].label = "Ann Lee (ann.lee2@x.example)".into();
        let html = hbar_chart(&chart);
        let names: Vec<String> = texts(&html)
            .into_iter()
            .filter(|t| t.anchor == "end")
            .map(|t| t.text)
            .collect();
        assert_eq!(names[1], "Bo Chan", "{names:?}");
        assert!(names[0].starts_with("Ann Lee (ann") && names[2].starts_with("Ann Lee (ann"));
        assert!(html.contains("<title>Bo Chan (bo.chan2@x.example): attainment"));
    }

    #[test]
    fn values_sit_at_the_bar_end_on_a_nice_axis() {
        let html = hbar_chart(&people(2));
        let all = texts(&html);
        let value = all.iter().find(|t| t.text == "140 %").expect("the value is written");
        let bar_end: f64 = html
            .split("<rect x=\"")
            .nth(2)
            .and_then(|r| {
                let x: f64 = r.split('"').next()?.parse().ok()?;
                let w: f64 = r.split("width=\"").nth(1)?.split('"').next()?.parse().ok()?;
                Some(x + w)
            })
            .expect("a bar");
        assert!((value.x - bar_end - 4.0).abs() < 0.2, "{} vs {bar_end}", value.x);
        let axis: Vec<&str> = all
            .iter()
            .filter(|t| t.anchor == "middle")
            .map(|t| t.text.as_str())
            .collect();
        assert_eq!(axis, ["0 %", "50 %", "100 %", "150 %"]);
        assert!(html.contains("class=\"target\"") && html.contains("On target 100 %"));
    }

    #[test]
    fn labels_never_overlap_at_any_size() {
        for n in [1, 10, 60, 5000] {
            let html = hbar_chart(&people(n));
            let all = texts(&html);
            assert_apart(&all, &format!("{n} rows"));
            assert_inside(&all, WIDTH, height(&html), &format!("{n} rows"));
            let rows = n.min(MAX_ROWS);
            assert_eq!(
                html.matches("data-value").count() - 1,
                rows,
                "{n}: one bar per row drawn, and the reference"
            );
            assert!(height(&html) <= TOP + ROW * MAX_ROWS as f64 + BOTTOM);
        }
        assert!(
            hbar_chart(&people(5000)).contains("5,000 rows")
                && hbar_chart(&people(5000)).contains("the first 40 are drawn")
        );
    }

    #[test]
    fn markers_show_each_rows_own_target() {
        let mut chart = people(2);
        chart.bars[0].marker = Some(70.0);
        let html = hbar_chart(&chart);
        assert!(html.contains("<title>Target 70 %</title>"));
        assert!(html.contains("<th scope=\"col\" class=\"num\">Target</th>"));
        assert_apart(&texts(&html), "legend with a marker");
    }

    #[test]
    fn an_empty_list_says_so() {
        let chart = HBarChart {
            title: "Bottom 10".into(),
            empty: "Nobody has a billable target in this period.".into(),
            ..Default::default()
        };
        let html = hbar_chart(&chart);
        assert!(!html.contains("<svg") && html.contains("Nobody has a billable target in this period."));
    }

    #[test]
    fn text_is_escaped() {
        let mut chart = people(1);
        chart.bars[0].label = "<img src=x onerror=alert(1)>".into();
        chart.bars[0].href = Some("/people/1\"><script>".into());
        let html = hbar_chart(&chart);
        assert!(!html.contains("<img") && !html.contains("<script>"));
    }
}
