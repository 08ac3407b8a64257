//! What the tests read back from a drawn chart: every `<text>` with its position and
//! anchor, measured with the same width estimate the charts lay out with, to prove that
//! no two labels overlap and none leaves the `viewBox`.

use super::{FONT, text_width};

#[derive(Debug, Clone)]
pub struct Label {
    pub x: f64,
    pub y: f64,
    pub anchor: String,
    pub text: String,
}

impl Label {
    /// Left, top, right and bottom of the text's box (baseline at `y`).
    pub fn bounds(&self) -> (f64, f64, f64, f64) {
        let w = text_width(&self.text, FONT);
        let left = match self.anchor.as_str() {
            "middle" => self.x - w / 2.0,
            "end" => self.x - w,
            _ => self.x,
        };
        (left, self.y - FONT * 0.8, left + w, self.y + FONT * 0.25)
    }
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    Some(tag.split(&key).nth(1)?.split('"').next()?.to_string())
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Every `<text>` of the chart's `<svg>`, in order.
pub fn texts(html: &str) -> Vec<Label> {
    let svg = html.split("</svg>").next().unwrap_or_default();
    svg.split("<text ")
        .skip(1)
        .filter_map(|t| {
            let (tag, rest) = t.split_once('>')?;
            let content = rest.split("</text>").next()?;
            Some(Label {
                x: attr(&format!(" {tag}"), "x")?.parse().ok()?,
                y: attr(&format!(" {tag}"), "y")?.parse().ok()?,
                anchor: attr(&format!(" {tag}"), "text-anchor").unwrap_or_else(|| "start".into()),
                text: unescape(content),
            })
        })
        .collect()
}

/// Fails naming the two labels whose boxes overlap.
pub fn assert_apart(labels: &[Label], what: &str) {
    for (i, a) in labels.iter().enumerate() {
        let (al, at, ar, ab) = a.bounds();
        for b in &labels[i + 1..] {
            let (bl, bt, br, bb) = b.bounds();
            let apart = ar <= bl || br <= al || ab <= bt || bb <= at;
            assert!(apart, "{what}: {a:?} overlaps {b:?}");
        }
    }
}

/// Fails naming the label that leaves the `viewBox`.
pub fn assert_inside(labels: &[Label], width: f64, height: f64, what: &str) {
    for l in labels {
        let (left, top, right, bottom) = l.bounds();
        assert!(
            left >= 0.0 && top >= 0.0 && right <= width && bottom <= height,
            "{what}: {l:?} leaves the {width}×{height} box"
        );
    }
}
