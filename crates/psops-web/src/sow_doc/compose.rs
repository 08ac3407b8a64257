//! The SOW laid out section by section: the title block, the eight numbered sections, then
//! the closing (signatures, approval trail) and the running header and footer.

use super::layout::{ACCENT, INK, LEFT, Layout, MUTED, Op, RIGHT, RULE, SHADE, Style};
use super::metrics::{Face, encode, fit, width, wrap};
use super::{NONE, SECTIONS, SowDocument, commercial, paragraphs};

pub(super) const BODY: Style = Style::new(Face::Regular, 10.0, INK);
pub(super) const CELL: Style = Style::new(Face::Regular, 9.5, INK);
pub(super) const LABEL: Style = Style::new(Face::Regular, 9.0, MUTED);
const HEADING: Style = Style::new(Face::Bold, 12.5, ACCENT);
const HEADING_HEIGHT: f32 = 28.0;
pub(super) const WIDTH: f32 = RIGHT - LEFT;
/// The most lines a value in the title block takes, so the block fits on the first page.
const TITLE_LINES: usize = 3;

/// The pages of the document, each a list of things to draw.
pub(super) fn compose(doc: &SowDocument) -> Vec<Vec<Op>> {
    let mut l = Layout::new();
    title_block(&mut l, doc);
    scope(&mut l, doc);
    let activities: Vec<String> = doc.activities.iter().map(|a| a.trim().to_string()).collect();
    list(&mut l, 2, &activities, |_| "\u{2022}".to_string());
    commercial::resources(&mut l, doc);
    commercial::pricing(&mut l, doc);
    commercial::milestones(&mut l, doc);
    commercial::billing(&mut l, doc);
    list(&mut l, 7, &doc.assumptions, |i| format!("7.{i}"));
    list(&mut l, 8, &doc.out_of_scope, |i| format!("8.{i}"));
    super::closing::signatures(&mut l, doc);
    super::closing::approvals(&mut l, doc);
    super::closing::decorate(l.pages, doc)
}

fn title_block(l: &mut Layout, doc: &SowDocument) {
    let top = l.y;
    let status = doc.status.trim().to_uppercase();
    let badge = Style::new(Face::Bold, 8.0, ACCENT);
    let mut badge_w = 0.0;
    if !status.is_empty() {
        let text = fit(&status, badge.face, badge.size, 160.0);
        badge_w = width(&text, badge.face, badge.size) + 16.0;
        l.push(Op::Fill {
            x: RIGHT - badge_w,
            y: top - 16.0,
            w: badge_w,
            h: 16.0,
            color: SHADE,
        });
        l.text_right(RIGHT - 8.0, top, 16.0, badge, text);
    }
    let provider = Style::new(Face::Bold, 10.0, ACCENT);
    let name = fit(&doc.provider, provider.face, provider.size, WIDTH - badge_w - 12.0);
    l.text_at(LEFT, top, 16.0, provider, name);
    l.y = top - 26.0;
    let big = Style::new(Face::Bold, 24.0, INK);
    l.text_at(LEFT, l.y, 30.0, big, encode("Statement of Work"));
    l.y -= 32.0;
    l.paragraph(LEFT, WIDTH, Style::new(Face::Regular, 14.0, MUTED), &doc.title);
    l.y -= 10.0;
    l.rule(LEFT, RIGHT, l.y, 1.5, ACCENT);
    l.y -= 10.0;
    let sow = match (doc.number.trim(), doc.version) {
        ("", 0) => String::new(),
        (number, version) => format!("{number}, version {version}"),
    };
    let pairs = [
        [("Customer", doc.customer.as_str()), ("SOW number", sow.as_str())],
        [("Provider", doc.provider.as_str()), ("Issue date", doc.date.as_str())],
        [
            ("Prepared by", doc.prepared_by.as_str()),
            ("Valid until", doc.expires.as_str()),
        ],
    ];
    for row in pairs {
        let half = WIDTH / 2.0;
        let height = row
            .iter()
            .map(|(_, v)| wrap(v, BODY.face, BODY.size, half - 90.0).len().clamp(1, TITLE_LINES))
            .max()
            .unwrap_or(1) as f32
            * BODY.leading();
        l.keep(height);
        let top = l.y;
        for (i, (label, value)) in row.iter().enumerate() {
            l.y = top;
            let x = LEFT + i as f32 * half;
            l.field(x, 80.0, x + half - 10.0, label, value, TITLE_LINES);
        }
        l.y = top - height - 2.0;
    }
    l.y -= 6.0;
    l.rule(LEFT, RIGHT, l.y, 0.5, RULE);
    l.y -= 6.0;
}

/// A numbered section heading, kept on the same page as the first `keep` points of what
/// follows so a heading never ends a page on its own.
pub(super) fn heading(l: &mut Layout, number: Option<usize>, title: &str, keep: f32) {
    l.gap(18.0);
    l.keep(HEADING_HEIGHT + keep);
    let top = l.y;
    if let Some(n) = number {
        l.text_at(LEFT, top, 18.0, HEADING, encode(&n.to_string()));
    }
    let x = if number.is_some() { LEFT + 22.0 } else { LEFT };
    l.text_at(x, top, 18.0, HEADING, fit(title, HEADING.face, HEADING.size, RIGHT - x));
    l.rule(LEFT, RIGHT, top - 21.0, 0.75, RULE);
    l.y = top - HEADING_HEIGHT;
}

pub(super) fn section(l: &mut Layout, number: usize, keep: f32) {
    heading(l, Some(number), SECTIONS.get(number - 1).copied().unwrap_or(""), keep);
}

/// "None stated." in the muted style, for a section with nothing in it.
pub(super) fn none(l: &mut Layout) {
    l.paragraph(LEFT, WIDTH, LABEL, NONE);
}

fn scope(l: &mut Layout, doc: &SowDocument) {
    let paras = paragraphs(&doc.scope);
    let keep = paras
        .first()
        .map_or(BODY.leading(), |p| Layout::paragraph_height(WIDTH, BODY, p, 2));
    section(l, 1, keep);
    if paras.is_empty() {
        none(l);
    }
    for (i, p) in paras.iter().enumerate() {
        if i > 0 {
            l.gap(6.0);
        }
        l.paragraph(LEFT, WIDTH, BODY, p);
    }
}

/// A list with a marker ("•", "7.3") hanging left of each item's wrapped text.
fn list(l: &mut Layout, number: usize, items: &[String], marker: impl Fn(usize) -> String) {
    let items: Vec<&String> = items.iter().filter(|s| !s.trim().is_empty()).collect();
    let indent = 26.0;
    let wrapped: Vec<Vec<Vec<u8>>> = items
        .iter()
        .map(|s| wrap(s, BODY.face, BODY.size, WIDTH - indent))
        .collect();
    let leading = BODY.leading();
    let first = wrapped.first().map_or(1, |w| w.len().min(2)) as f32 * leading;
    section(l, number, first);
    if items.is_empty() {
        none(l);
    }
    for (i, lines) in wrapped.into_iter().enumerate() {
        if i > 0 {
            l.gap(3.0);
        }
        // The first two lines of an item stay together, with its marker.
        l.keep(lines.len().min(2) as f32 * leading);
        l.text_at(LEFT + 4.0, l.y, leading, BODY, encode(&marker(i + 1)));
        for line in lines {
            l.keep(leading);
            l.text_at(LEFT + indent, l.y, leading, BODY, line);
            l.y -= leading;
        }
    }
}
