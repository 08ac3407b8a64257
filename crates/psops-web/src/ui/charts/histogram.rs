//! How many items fall in each bin of a percentage — people by billable utilization, in
//! 10-point bins up to a last bin of "120 % or more" — with the target bands shaded and
//! the targets marked. Counts go up the y axis in whole steps; the chart looks the same
//! for 6 people as for 5,000.

use std::fmt::Write as _;

use super::{
    BAND_COLOUR, Caption, DataTable, FONT, INK, MUTED, PALETTE, Swatch, TARGET_COLOUR, Target, WIDTH, capitalised,
    close, count, empty, escape, halo_text, label_step, legend, number, open, slug, text, text_width, ticks, y_grid,
};

#[derive(Debug, Clone, Default)]
pub struct Histogram {
    /// Unique on the page; empty for one made from the title.
    pub id: String,
    pub title: String,
    /// What the x axis measures, in percent, e.g. "Billable utilization".
    pub measure: String,
    /// One value per item, in percent.
    pub values: Vec<f64>,
    /// The item in the singular and the plural: ("person", "people").
    pub noun: (String, String),
    /// Ranges shaded behind the bars, e.g. each target's band.
    pub bands: Vec<Band>,
    /// Dashed lines down the chart.
    pub targets: Vec<Target>,
    pub empty: String,
    /// The sentence under the chart; empty for one made from the bins.
    pub summary: String,
}

/// A shaded range of the x axis.
#[derive(Debug, Clone, Default)]
pub struct Band {
    pub label: String,
    pub from: f64,
    pub to: f64,
}

/// The width of a bin in percentage points, and where the last, open bin starts.
pub const BIN: f64 = 10.0;
pub const CAP: f64 = 120.0;
const BINS: usize = (CAP / BIN) as usize + 1;
const HEIGHT: f64 = 300.0;
/// The band's strip along the axis: darker than its shading, to be seen under the bars.
const BAND_STRIP: &str = "#3f9b6b";
const LEFT: f64 = 48.0;
const RIGHT: f64 = 12.0;
const BOTTOM: f64 = 40.0;

/// The bin a value falls in: `[0, 10)` is 0, …, `[110, 120)` is 11, 120 and above 12.
/// Negative and broken values count in the first.
pub fn bin_of(v: f64) -> usize {
    if !v.is_finite() || v <= 0.0 {
        return 0;
    }
    ((v / BIN).floor() as usize).min(BINS - 1)
}

fn bin_name(i: usize) -> String {
    if i == BINS - 1 {
        format!("{} % or more", number(CAP))
    } else {
        format!("{}–{} %", number(i as f64 * BIN), number((i + 1) as f64 * BIN))
    }
}

/// The chart block: the `<svg>`, its summary and its data, or the empty state.
pub fn histogram(h: &Histogram) -> String {
    let id = if h.id.is_empty() { slug(&h.title) } else { h.id.clone() };
    let mut bins = [0usize; BINS];
    for v in &h.values {
        bins[bin_of(*v)] += 1;
    }
    let summary = if h.summary.is_empty() {
        summary(h, &bins)
    } else {
        h.summary.clone()
    };
    let caption = Caption {
        id: &id,
        title: &h.title,
        summary: &summary,
    };
    if h.values.is_empty() {
        let message = if h.empty.is_empty() {
            "Nothing to count in this period yet."
        } else {
            &h.empty
        };
        return empty(&caption, message);
    }
    let mut svg = String::with_capacity(8192);
    open(&mut svg, &caption, HEIGHT);
    let mut items = vec![(Swatch::Fill(PALETTE[0]), capitalised(&h.noun.1))];
    if let Some(b) = h.bands.first() {
        items.push((Swatch::Fill(BAND_COLOUR), b.label.clone()));
    }
    if !h.targets.is_empty() {
        let values: Vec<String> = h.targets.iter().map(|t| format!("{} %", number(t.value))).collect();
        let name = if values.len() == 1 { "Target" } else { "Targets" };
        items.push((Swatch::Dashed(TARGET_COLOUR), format!("{name} {}", values.join(", "))));
    }
    let top = legend(&mut svg, LEFT, &items) + 16.0;
    let base = HEIGHT - BOTTOM;
    let plot_w = WIDTH - LEFT - RIGHT;
    let slot = plot_w / BINS as f64;
    // The open bin sits right of CAP; every other value maps linearly.
    let x = |v: f64| LEFT + v.clamp(0.0, CAP + BIN) / BIN * slot;
    let t = ticks(bins.iter().copied().max().unwrap_or(0) as f64, 5, true);
    let y = |c: f64| base - c / t.top * (base - top);

    for b in &h.bands {
        let (x0, x1) = (x(b.from), x(b.to));
        let _ = write!(
            svg,
            r#"<rect class="band" x="{x0:.1}" y="{top:.1}" width="{:.1}" height="{:.1}" fill="{BAND_COLOUR}"><title>{}</title></rect>"#,
            (x1 - x0).max(1.0),
            base - top,
            escape(&format!("{}: {}–{} %", b.label, number(b.from), number(b.to))),
        );
    }
    // The bands again as a strip along the axis, visible where the bars cover them.
    for b in &h.bands {
        let (x0, x1) = (x(b.from), x(b.to));
        let _ = write!(
            svg,
            r#"<rect class="band-strip" x="{x0:.1}" y="{base:.1}" width="{:.1}" height="4" fill="{BAND_STRIP}"/>"#,
            (x1 - x0).max(1.0),
        );
    }
    y_grid(&mut svg, &t, "", LEFT, WIDTH - RIGHT, top, base);
    let (one, many) = (&h.noun.0, &h.noun.1);
    // The counts over the bars are written last, with a halo: a target line crossing a
    // bar's top passes under its number.
    let mut labels = Vec::new();
    for (i, c) in bins.iter().enumerate() {
        let x0 = LEFT + slot * i as f64;
        let by = y(*c as f64);
        let noun = if *c == 1 { one } else { many };
        let what = escape(&format!("{}: {} {noun}", bin_name(i), count(*c)));
        let _ = write!(
            svg,
            r#"<rect x="{:.1}" y="{by:.1}" width="{:.1}" height="{:.1}" fill="{}" data-count="{c}"><title>{what}</title></rect>"#,
            x0 + 2.0,
            slot - 4.0,
            base - by,
            PALETTE[0],
        );
        let label = count(*c);
        if *c > 0 && text_width(&label, FONT) + 4.0 <= slot {
            labels.push((x0 + slot / 2.0, by - 4.0, label));
        }
    }
    for target in &h.targets {
        let tx = x(target.value);
        let _ = write!(
            svg,
            r#"<line class="target" x1="{tx:.1}" y1="{top:.1}" x2="{tx:.1}" y2="{base:.1}" stroke="{TARGET_COLOUR}" stroke-width="2" stroke-dasharray="6 4" data-value="{}"><title>{}</title></line>"#,
            number(target.value),
            escape(&format!("{} {} %", target.label, number(target.value))),
        );
    }
    for (lx, ly, label) in &labels {
        halo_text(&mut svg, *lx, *ly, "middle", INK, label);
    }
    // Bin edges along the x axis, thinned to every other one when they would touch.
    let edges: Vec<String> = (0..BINS).map(|i| format!("{} %", number(i as f64 * BIN))).collect();
    let widest = edges.iter().map(|l| text_width(l, FONT)).fold(0.0, f64::max);
    let every = label_step(edges.len(), slot, widest);
    for (i, edge) in edges.iter().enumerate().filter(|(i, _)| i % every == 0) {
        text(&mut svg, LEFT + slot * i as f64, base + 18.0, "middle", MUTED, edge);
    }
    let axis = format!(
        "{} (% of available hours); the last bar is {}",
        h.measure,
        bin_name(BINS - 1)
    );
    text(&mut svg, LEFT, base + 35.0, "start", MUTED, &axis);
    close(&mut svg, &caption, &table(h, &bins));
    svg
}

/// The sentence under the chart when the caller gives none: how many, and the fullest bin.
fn summary(h: &Histogram, bins: &[usize; BINS]) -> String {
    let Some((i, c)) = bins
        .iter()
        .enumerate()
        .max_by_key(|(i, c)| (**c, std::cmp::Reverse(*i)))
    else {
        return String::new();
    };
    if h.values.is_empty() {
        return format!("{}: nothing to count yet.", h.title);
    }
    format!(
        "{} {}; the most, {}, at {}.",
        count(h.values.len()),
        if h.values.len() == 1 { &h.noun.0 } else { &h.noun.1 },
        count(*c),
        bin_name(i)
    )
}

fn table(h: &Histogram, bins: &[usize; BINS]) -> DataTable {
    DataTable {
        head: vec![h.measure.clone(), capitalised(&h.noun.1)],
        rows: bins
            .iter()
            .enumerate()
            .map(|(i, c)| vec![bin_name(i), count(*c)])
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::probe::{assert_apart, assert_inside, texts};
    use super::*;

    fn spread(n: usize) -> Histogram {
        Histogram {
            title: "People by billable utilization".into(),
            measure: "Billable utilization".into(),
            values: (0..n).map(|i| (i * 37 % 150) as f64).collect(),
            noun: ("person".into(), "people".into()),
            bands: vec![Band {
                label: "Within 90–110 % of target".into(),
                from: 63.0,
                to: 77.0,
            }],
            targets: vec![
                Target {
                    label: "Target".into(),
                    value: 70.0,
                },
                Target {
                    label: "Target".into(),
                    value: 55.0,
                },
            ],
            ..Default::default()
        }
    }

    fn counts(html: &str) -> Vec<usize> {
        html.split("data-count=\"")
            .skip(1)
            .filter_map(|s| s.split('"').next()?.parse().ok())
            .collect()
    }

    #[test]
    fn values_land_in_ten_point_bins_with_an_open_last_one() {
        assert_eq!(
            [0.0, 9.99, 10.0, 69.9, 70.0, 119.9, 120.0, 480.0].map(bin_of),
            [0, 0, 1, 6, 7, 11, 12, 12]
        );
        assert_eq!([-5.0, f64::NAN].map(bin_of), [0, 0]);
        let h = Histogram {
            values: vec![5.0, 65.0, 66.0, 130.0],
            ..spread(0)
        };
        assert_eq!(counts(&histogram(&h)), [1, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 1]);
    }

    #[test]
    fn counts_go_up_in_whole_steps() {
        let html = histogram(&Histogram {
            values: vec![65.0],
            ..spread(0)
        });
        let y_axis: Vec<String> = texts(&html)
            .into_iter()
            .filter(|t| t.anchor == "end")
            .map(|t| t.text)
            .collect();
        assert_eq!(y_axis, ["0", "1"]);
        let big = histogram(&spread(5000));
        let y_axis: Vec<String> = texts(&big)
            .into_iter()
            .filter(|t| t.anchor == "end")
            .map(|t| t.text)
            .collect();
        assert!(y_axis.iter().all(|l| l.parse::<u32>().is_ok()), "{y_axis:?}");
        assert_eq!(counts(&big).iter().sum::<usize>(), 5000);
    }

    #[test]
    fn bands_and_targets_are_marked_and_named() {
        let html = histogram(&spread(60));
        assert!(html.contains("class=\"band\"") && html.contains("Within 90–110 % of target: 63–77 %"));
        assert_eq!(html.matches("class=\"target\"").count(), 2);
        assert!(html.contains(">Targets 70 %, 55 %</text>"));
        assert!(html.contains("<th scope=\"row\">120 % or more</th>"));
        // The bars' counts come after the target lines, so no line is drawn over them.
        let last_line = html.rfind("class=\"target\"").expect("a target line");
        let first_count = html.find("paint-order").expect("a count with a halo");
        assert!(first_count > last_line, "a count under a target line");
    }

    #[test]
    fn labels_never_overlap_at_any_size() {
        for n in [1, 10, 60, 5000] {
            let html = histogram(&spread(n));
            let all = texts(&html);
            assert_apart(&all, &format!("{n} people"));
            assert_inside(&all, WIDTH, HEIGHT, &format!("{n} people"));
            assert!(all.iter().any(|t| t.text == "0 %") && all.iter().any(|t| t.text == "120 %"));
        }
    }

    #[test]
    fn nobody_says_so_and_text_is_escaped() {
        let html = histogram(&Histogram {
            title: "A <b>bold</b> title".into(),
            empty: "No time recorded in this period yet — nothing to count.".into(),
            ..Default::default()
        });
        assert!(!html.contains("<svg") && html.contains("No time recorded in this period yet"));
        assert!(html.contains("A &lt;b&gt;bold&lt;/b&gt; title"));
    }
}
