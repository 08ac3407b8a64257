//! Charts drawn on the server as inline SVG, no script: vertical bars by week
//! ([`bar_chart`]), horizontal bars with names that stay readable ([`hbar_chart`], the
//! ranking), a histogram ([`histogram`]) and lines over weeks ([`line_chart`]).
//!
//! Every chart comes out as one HTML block: the `<svg>` (fixed `viewBox`, no width, so it
//! scales to its container on a phone) labelled by its `<title>` and a one-sentence
//! summary shown under it, then a `<details>` with the data as a small table — the text
//! alternative. A chart with nothing to show says so in words instead of drawing empty
//! axes. Axis steps are 1, 2 or 5 × 10ⁿ ([`ticks`]); labels are measured with a
//! conservative width estimate ([`text_width`]) and truncated, thinned out or moved to a
//! legend so they never overlap; every text is escaped.

use std::fmt::Write as _;

mod bar;
mod hbar;
mod histogram;
mod line;
#[cfg(test)]
mod probe;
mod ticks;

pub use bar::{Bar, BarChart, Target, bar_chart};
pub use hbar::{HBar, HBarChart, hbar_chart};
pub use histogram::{Band, Histogram, histogram};
pub use line::{LineChart, MAX_SERIES, Series, line_chart};
pub use ticks::{Ticks, ticks};

/// Every chart's `viewBox` width; heights vary with the content.
pub(crate) const WIDTH: f64 = 640.0;
/// The font size of every label, in `viewBox` units.
pub(crate) const FONT: f64 = 12.0;
pub(crate) const INK: &str = "#1d2330";
pub(crate) const MUTED: &str = "#5b6475";
pub(crate) const GRID: &str = "#d9dee7";
pub(crate) const TARGET_COLOUR: &str = "#b42318";
pub(crate) const BAND_COLOUR: &str = "#e7f4ec";
/// Series colours, distinguishable with the common colour-vision deficiencies (Okabe–Ito,
/// darkened where a thin line on white needed more contrast).
pub(crate) const PALETTE: [&str; 8] = [
    "#2f5bd3", "#c45f00", "#1f7a4d", "#a2367d", "#0b7fa8", "#8a6d00", "#5b6475", "#111111",
];

/// Escapes text for HTML and SVG (XML) content and attribute values.
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

/// A value with its unit: `70 %`, `12.5 h`, or the bare number without one.
pub fn with_unit(value: f64, unit: &str) -> String {
    if unit.is_empty() {
        number(value)
    } else {
        format!("{} {unit}", number(value))
    }
}

/// Negative, infinite and NaN values draw as zero rather than breaking the drawing.
pub(crate) fn clean(value: f64) -> f64 {
    if value.is_finite() && value > 0.0 { value } else { 0.0 }
}

/// How wide `text` is at `size`, in `viewBox` units: an estimate per character class
/// that errs wide (DejaVu Sans, the widest common fallback, was the yardstick), so text
/// kept apart by it is apart on screen.
pub fn text_width(text: &str, size: f64) -> f64 {
    let em: f64 = text
        .chars()
        .map(|c| match c {
            'i' | 'j' | 'l' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' | ' ' | 'I' => 0.34,
            'f' | 't' | 'r' | '(' | ')' | '[' | ']' | '-' => 0.45,
            'm' | 'w' | '%' | '@' | 'M' | 'W' | '—' | '…' => 1.0,
            '0'..='9' => 0.64,
            c if c.is_uppercase() => 0.78,
            c if c.is_ascii() => 0.62,
            // Letters with marks and other scripts: as wide as a capital, to be safe.
            _ => 0.8,
        })
        .sum();
    em * size
}

/// `text` cut to fit `width` at `size`, ending in an ellipsis when cut.
pub fn truncate(text: &str, width: f64, size: f64) -> String {
    if text_width(text, size) <= width {
        return text.to_string();
    }
    let room = width - text_width("…", size);
    let mut out = String::new();
    let mut used = 0.0;
    for c in text.chars() {
        let w = text_width(c.encode_utf8(&mut [0; 4]), size);
        if used + w > room {
            break;
        }
        used += w;
        out.push(c);
    }
    format!("{}…", out.trim_end())
}

/// What every chart says about itself: an id unique on its page (for `aria-labelledby`),
/// its title, and the sentence a reader takes away.
pub(crate) struct Caption<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub summary: &'a str,
}

/// An id usable in HTML from any text: letters and digits kept, the rest dashes.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_matches('-');
    if out.is_empty() {
        "chart".into()
    } else {
        format!("chart-{out}")
    }
}

/// The opening of a chart block and its `<svg>`, up to and including the `<title>`. The
/// title shows above the chart too; screen readers get it once, as the chart's name, and
/// the summary under it as its description.
pub(crate) fn open(out: &mut String, c: &Caption<'_>, height: f64) {
    let id = escape(c.id);
    let _ = write!(
        out,
        r#"<div class="chart-block" id="{id}"><p class="chart-title" aria-hidden="true">{title}</p><svg class="chart" viewBox="0 0 {WIDTH} {height:.0}" role="img" aria-labelledby="{id}-title" aria-describedby="{id}-summary" xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif" font-size="{FONT}"><title id="{id}-title">{title}</title>"#,
        title = escape(c.title),
    );
}

/// Closes the `<svg>`, then writes the summary and the data table under it.
pub(crate) fn close(out: &mut String, c: &Caption<'_>, table: &DataTable) {
    let id = escape(c.id);
    let _ = write!(
        out,
        r#"</svg><p class="chart-summary" id="{id}-summary">{}</p>"#,
        escape(c.summary)
    );
    table.write(out, c.title);
    out.push_str("</div>");
}

/// The block drawn instead of a chart when there is nothing to show: the title, and in
/// words why the chart is empty and what would fill it.
pub(crate) fn empty(c: &Caption<'_>, message: &str) -> String {
    let id = escape(c.id);
    format!(
        r#"<div class="chart-block chart-empty" id="{id}" role="group" aria-labelledby="{id}-title"><p class="chart-title" id="{id}-title">{}</p><p class="chart-summary">{}</p></div>"#,
        escape(c.title),
        escape(message)
    )
}

/// The data behind a chart, as rows of text cells under a header.
#[derive(Debug, Default)]
pub(crate) struct DataTable {
    pub head: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl DataTable {
    fn write(&self, out: &mut String, title: &str) {
        if self.rows.is_empty() {
            return;
        }
        let _ = write!(
            out,
            r#"<details class="chart-data"><summary>The data behind “{}”</summary><table><thead><tr>"#,
            escape(title)
        );
        for (i, h) in self.head.iter().enumerate() {
            let class = if i == 0 { "" } else { r#" class="num""# };
            let _ = write!(out, r#"<th scope="col"{class}>{}</th>"#, escape(h));
        }
        out.push_str("</tr></thead><tbody>");
        for row in &self.rows {
            out.push_str("<tr>");
            for (i, cell) in row.iter().enumerate() {
                if i == 0 {
                    let _ = write!(out, r#"<th scope="row">{}</th>"#, escape(cell));
                } else {
                    let _ = write!(out, r#"<td class="num">{}</td>"#, escape(cell));
                }
            }
            out.push_str("</tr>");
        }
        out.push_str("</tbody></table></details>");
    }
}

/// A text element; `anchor` is `start`, `middle` or `end`.
pub(crate) fn text(out: &mut String, x: f64, y: f64, anchor: &str, fill: &str, content: &str) {
    let _ = write!(
        out,
        r#"<text x="{x:.1}" y="{y:.1}" text-anchor="{anchor}" fill="{fill}">{}</text>"#,
        escape(content)
    );
}

/// A text element with a white halo, readable where it crosses a line.
pub(crate) fn halo_text(out: &mut String, x: f64, y: f64, anchor: &str, fill: &str, content: &str) {
    let _ = write!(
        out,
        r##"<text x="{x:.1}" y="{y:.1}" text-anchor="{anchor}" fill="{fill}" stroke="#ffffff" stroke-width="3" paint-order="stroke">{}</text>"##,
        escape(content)
    );
}

/// Horizontal grid lines and their labels for a y axis running from `top_y` (the ticks'
/// top) down to `base_y` (zero), labels right-aligned at `x - 6`.
pub(crate) fn y_grid(out: &mut String, t: &Ticks, unit: &str, x: f64, x_end: f64, top_y: f64, base_y: f64) {
    for v in &t.values {
        let gy = base_y - v / t.top * (base_y - top_y);
        let _ = write!(
            out,
            r#"<line x1="{x:.1}" y1="{gy:.1}" x2="{x_end:.1}" y2="{gy:.1}" stroke="{GRID}" stroke-width="1"/>"#
        );
        text(out, x - 6.0, gy + 4.0, "end", MUTED, &t.label(*v, unit));
    }
}

/// Which of `n` evenly spaced labels, `slot` apart and at most `widest` wide, to write so
/// that neighbours keep a gap: every `step`-th, starting with the first.
pub(crate) fn label_step(n: usize, slot: f64, widest: f64) -> usize {
    if n == 0 || slot <= 0.0 {
        return 1;
    }
    let needed = widest + 6.0;
    ((needed / slot).ceil() as usize).clamp(1, n.max(1))
}

/// How a legend entry is drawn.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Swatch<'a> {
    /// A filled square: bars, shaded bands.
    Fill(&'a str),
    /// A short line with a dot: a series of a line chart.
    Line(&'a str),
    /// A dashed line: a target.
    Dashed(&'a str),
}

/// Writes legend entries left to right from `x`, wrapping to a new row before `WIDTH`;
/// returns the y just under the last row.
pub(crate) fn legend(out: &mut String, x: f64, items: &[(Swatch<'_>, String)]) -> f64 {
    const ROW: f64 = 18.0;
    let (mut lx, mut row) = (x, 0.0);
    for (swatch, name) in items {
        let name = truncate(name, WIDTH - x - 40.0, FONT);
        let w = 18.0 + text_width(&name, FONT);
        if lx > x && lx + w > WIDTH - 8.0 {
            lx = x;
            row += 1.0;
        }
        let y = 14.0 + row * ROW;
        let _ = match swatch {
            Swatch::Fill(c) => write!(
                out,
                r#"<rect x="{lx:.1}" y="{:.1}" width="12" height="12" fill="{c}" stroke="{GRID}"/>"#,
                y - 6.0
            ),
            Swatch::Line(c) => write!(
                out,
                r#"<line x1="{lx:.1}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="{c}" stroke-width="2.5"/><circle r="3" cx="{:.1}" cy="{y:.1}" fill="{c}"/>"#,
                lx + 14.0,
                lx + 7.0
            ),
            Swatch::Dashed(c) => write!(
                out,
                r#"<line x1="{lx:.1}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="{c}" stroke-width="2" stroke-dasharray="4 3"/>"#,
                lx + 14.0
            ),
        };
        text(out, lx + 18.0, y + 4.0, "start", INK, &name);
        lx += w + 16.0;
    }
    14.0 + row * ROW + 8.0
}

/// A count with its thousands separated by commas, as the UI's English reads it.
pub fn count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_cut_with_an_ellipsis_and_fits() {
        let name = "Maximilian Alexander von Hohenzollern-Sigmaringen";
        let cut = truncate(name, 120.0, FONT);
        assert!(cut.ends_with('…') && cut.len() < name.len(), "{cut}");
        assert!(text_width(&cut, FONT) <= 120.0, "{cut}");
        assert_eq!(truncate("Ada", 120.0, FONT), "Ada");
        assert_eq!(truncate("Zoë Ørsted-Ångström", 0.0, FONT), "…");
    }

    #[test]
    fn text_is_escaped_everywhere() {
        assert_eq!(escape("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
        let c = Caption {
            id: "x\"y",
            title: "<b>",
            summary: "&",
        };
        let e = empty(&c, "<none>");
        assert!(!e.contains("<b>") && !e.contains("<none>") && e.contains("x&quot;y"));
    }

    #[test]
    fn slugs_and_counts_read_well() {
        assert_eq!(
            slug("Billable utilization, by week!"),
            "chart-billable-utilization-by-week"
        );
        assert_eq!(slug("—"), "chart");
        assert_eq!(count(5000), "5,000");
        assert_eq!(count(60), "60");
        assert_eq!(count(1_234_567), "1,234,567");
    }

    #[test]
    fn labels_thin_out_only_when_they_would_touch() {
        assert_eq!(label_step(14, 40.0, 24.0), 1);
        assert_eq!(label_step(90, 6.0, 24.0), 5);
        assert_eq!(label_step(0, 0.0, 24.0), 1);
    }
}
