//! Page layout: a cursor that moves down US Letter pages and records what to draw on each,
//! so the page count is known before anything is written (the footer says "page X of Y").

use super::metrics::{Face, fit, fit_bytes, width, wrap};

pub(crate) const PAGE_WIDTH: f32 = 612.0;
pub(crate) const PAGE_HEIGHT: f32 = 792.0;
pub(crate) const LEFT: f32 = 64.0;
pub(crate) const RIGHT: f32 = PAGE_WIDTH - 64.0;
pub(crate) const TOP: f32 = PAGE_HEIGHT - 64.0;
/// Body text stops here; the footer sits below it.
pub(crate) const BOTTOM: f32 = 76.0;

pub(crate) type Color = [f32; 3];
pub(crate) const INK: Color = [0.11, 0.12, 0.14];
pub(crate) const MUTED: Color = [0.42, 0.45, 0.50];
pub(crate) const ACCENT: Color = [0.10, 0.23, 0.40];
pub(crate) const RULE: Color = [0.80, 0.82, 0.86];
pub(crate) const SHADE: Color = [0.93, 0.95, 0.97];

/// A font, size and colour for a run of text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Style {
    pub face: Face,
    pub size: f32,
    pub color: Color,
}

impl Style {
    pub const fn new(face: Face, size: f32, color: Color) -> Self {
        Self { face, size, color }
    }
    /// The distance between baselines of wrapped lines.
    pub fn leading(&self) -> f32 {
        self.size * 1.38
    }
}

/// One thing drawn on a page, in PDF coordinates (origin bottom left, points).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Op {
    /// WinAnsi bytes with their baseline starting at (x, y).
    Text {
        x: f32,
        y: f32,
        style: Style,
        bytes: Vec<u8>,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
        color: Color,
    },
    Fill {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        color: Color,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Right,
}

/// A table column: its heading, its share of the table's width, and how its cells align.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Column {
    pub title: &'static str,
    pub share: f32,
    pub align: Align,
}

/// The pages laid out so far, and where the next thing goes on the last one.
pub(crate) struct Layout {
    pub pages: Vec<Vec<Op>>,
    /// The top of the free space on the last page.
    pub y: f32,
}

impl Layout {
    pub fn new() -> Self {
        Self {
            pages: vec![Vec::new()],
            y: TOP,
        }
    }

    pub fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
    }

    fn at_top(&self) -> bool {
        self.y >= TOP
    }

    /// Starts a new page unless `height` points still fit on this one. A block taller than
    /// a whole page goes on the page it is on; the caller splits it.
    pub fn keep(&mut self, height: f32) {
        if self.y - height < BOTTOM && !self.at_top() {
            self.new_page();
        }
    }

    /// Moves down by `height`, never past the top of a fresh page (space before a block is
    /// pointless there).
    pub fn gap(&mut self, height: f32) {
        if !self.at_top() {
            self.y -= height;
        }
    }

    pub fn push(&mut self, op: Op) {
        if let Some(page) = self.pages.last_mut() {
            page.push(op);
        }
    }

    /// Draws text with its line box's top at `top`: the capitals sit centred in a box
    /// `leading` high, which also centres text in table rows.
    pub fn text_at(&mut self, x: f32, top: f32, leading: f32, style: Style, bytes: Vec<u8>) {
        if bytes.is_empty() {
            return;
        }
        let y = top - leading / 2.0 - style.size * 0.359;
        self.push(Op::Text { x, y, style, bytes });
    }

    /// Text right-aligned to `right`.
    pub fn text_right(&mut self, right: f32, top: f32, leading: f32, style: Style, bytes: Vec<u8>) {
        let x = right - width(&bytes, style.face, style.size);
        self.text_at(x, top, leading, style, bytes);
    }

    pub fn rule(&mut self, x1: f32, x2: f32, y: f32, width: f32, color: Color) {
        self.push(Op::Line {
            x1,
            y1: y,
            x2,
            y2: y,
            width,
            color,
        });
    }

    /// Wrapped text from `x` to `x + max`, flowing onto new pages line by line.
    pub fn paragraph(&mut self, x: f32, max: f32, style: Style, text: &str) {
        let leading = style.leading();
        for line in wrap(text, style.face, style.size, max) {
            self.keep(leading);
            self.text_at(x, self.y, leading, style, line);
            self.y -= leading;
        }
    }

    /// The height `paragraph` takes for its first `lines` lines (or all, if fewer).
    pub fn paragraph_height(max: f32, style: Style, text: &str, lines: usize) -> f32 {
        let n = wrap(text, style.face, style.size, max).len().min(lines);
        n as f32 * style.leading()
    }

    /// A label/value pair: `label` in the muted style at `x`, `value` wrapped from
    /// `x + label_width` to `right`, flowing onto a new page line by line. At most
    /// `max_lines` lines are shown, the last cut with an ellipsis, for the title block,
    /// which must stay on the first page.
    pub fn field(&mut self, x: f32, label_width: f32, right: f32, label: &str, value: &str, max_lines: usize) {
        let body = Style::new(Face::Regular, 10.0, INK);
        let muted = Style::new(Face::Regular, 9.0, MUTED);
        let leading = body.leading();
        let max = right - x - label_width;
        let mut lines = wrap(value, body.face, body.size, max);
        if lines.len() > max_lines {
            let rest = lines.split_off(max_lines.saturating_sub(1)).join(&b' ');
            lines.push(fit_bytes(rest, body.face, body.size, max));
        }
        self.keep(leading);
        let label = fit(label, muted.face, muted.size, label_width - 6.0);
        self.text_at(x, self.y, leading, muted, label);
        if lines.is_empty() {
            self.y -= leading;
        }
        for line in lines {
            self.keep(leading);
            self.text_at(x + label_width, self.y, leading, body, line);
            self.y -= leading;
        }
    }
}
