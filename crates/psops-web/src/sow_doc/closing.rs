//! The end of the document (signature blocks and the internal approval trail) and what
//! every page carries: the running header from page 2 on, and the footer.

use super::compose::{BODY, heading};
use super::layout::{Align, Column, INK, LEFT, Layout, MUTED, Op, RIGHT, RULE, Style};
use super::metrics::{Face, encode, fit, width, wrap};
use super::{SowDocument, reference};

const GUTTER: f32 = 28.0;
/// Space above each signature line, where the signature or name is written.
const WRITE_SPACE: f32 = 26.0;
const LINE_LABEL: f32 = 12.0;
const SIGN_LINES: [&str; 4] = ["Signature", "Name", "Title", "Date"];

/// Signature blocks two to a row, each with signature, name, title and date lines; a row is
/// never split across pages.
pub(super) fn signatures(l: &mut Layout, doc: &SowDocument) {
    let parties: Vec<&String> = doc.signatures.iter().filter(|s| !s.trim().is_empty()).collect();
    if parties.is_empty() {
        return;
    }
    let block_w = (RIGHT - LEFT - GUTTER) / 2.0;
    let bold = Style::new(Face::Bold, 10.0, INK);
    // Each row: the wrapped party names of its (one or two) blocks.
    let rows: Vec<Vec<Vec<Vec<u8>>>> = parties
        .chunks(2)
        .map(|pair| pair.iter().map(|p| wrap(p, bold.face, bold.size, block_w)).collect())
        .collect();
    let name_lines = |row: &Vec<Vec<Vec<u8>>>| row.iter().map(Vec::len).max().unwrap_or(1) as f32;
    let row_height = |row: &Vec<Vec<Vec<u8>>>| {
        name_lines(row) * bold.leading() + SIGN_LINES.len() as f32 * (WRITE_SPACE + LINE_LABEL) + 6.0
    };
    let intro = format!(
        "By signing below, the parties agree to Statement of Work {} and the terms it sets out.",
        reference_sentence(doc)
    );
    let first = rows.first().map_or(0.0, &row_height);
    heading(
        l,
        None,
        "Signatures",
        Layout::paragraph_height(RIGHT - LEFT, BODY, &intro, 3) + 10.0 + first,
    );
    l.paragraph(LEFT, RIGHT - LEFT, BODY, &intro);
    l.gap(10.0);
    for (r, row) in rows.iter().enumerate() {
        if r > 0 {
            l.gap(18.0);
        }
        let height = row_height(row);
        l.keep(height);
        let top = l.y;
        for (i, name) in row.iter().enumerate() {
            let x = LEFT + i as f32 * (block_w + GUTTER);
            for (k, line) in name.iter().enumerate() {
                l.text_at(x, top - k as f32 * bold.leading(), bold.leading(), bold, line.clone());
            }
            let mut y = top - name_lines(row) * bold.leading();
            for label in SIGN_LINES {
                y -= WRITE_SPACE;
                l.rule(x, x + block_w, y, 0.6, MUTED);
                l.text_at(x, y - 1.0, LINE_LABEL, LABEL_SMALL, encode(label));
                y -= LINE_LABEL;
            }
        }
        l.y = top - height;
    }
}

const LABEL_SMALL: Style = Style::new(Face::Regular, 7.5, MUTED);

/// "SOW-0042 version 3", or whatever part of it is known.
fn reference_sentence(doc: &SowDocument) -> String {
    match (doc.number.trim(), doc.version) {
        ("", 0) => String::new(),
        ("", v) => format!("version {v}"),
        (n, v) => format!("{n} version {v}"),
    }
}

/// The internal approval trail in small type, marked as not part of the agreement.
pub(super) fn approvals(l: &mut Layout, doc: &SowDocument) {
    if doc.approvals.is_empty() {
        return;
    }
    let small = Style::new(Face::Regular, 8.0, INK);
    let columns = [
        Column {
            title: "Step",
            share: 2.4,
            align: Align::Left,
        },
        Column {
            title: "By",
            share: 2.0,
            align: Align::Left,
        },
        Column {
            title: "At",
            share: 1.8,
            align: Align::Left,
        },
        Column {
            title: "Decision",
            share: 1.4,
            align: Align::Left,
        },
    ];
    let rows: Vec<Vec<String>> = doc
        .approvals
        .iter()
        .map(|a| vec![a.step.clone(), a.by.clone(), a.at.clone(), a.decision.clone()])
        .collect();
    let title = Style::new(Face::Bold, 8.5, MUTED);
    l.gap(28.0);
    l.keep(title.leading() + 4.0 + Layout::table_start_height(&columns, &rows, small));
    l.paragraph(
        LEFT,
        RIGHT - LEFT,
        title,
        "Internal approval record (for the provider's files; not part of the agreement)",
    );
    l.gap(4.0);
    l.table(&columns, &rows, small);
}

/// Adds the footer (provider left; "SOW-0042 v3 — page X of Y" right) to every page, and
/// from page 2 on a running header naming the document, so a loose page can be placed.
pub(super) fn decorate(mut pages: Vec<Vec<Op>>, doc: &SowDocument) -> Vec<Vec<Op>> {
    let total = pages.len();
    let small = Style::new(Face::Regular, 8.0, MUTED);
    let reference = reference(doc);
    let mut header = String::from("Statement of Work");
    for part in [doc.title.trim(), doc.customer.trim()] {
        if !part.is_empty() {
            header.push_str(" \u{b7} ");
            header.push_str(part);
        }
    }
    for (i, page) in pages.iter_mut().enumerate() {
        let mut l = Layout {
            pages: vec![std::mem::take(page)],
            y: 0.0,
        };
        let right = if reference.is_empty() {
            format!("page {} of {total}", i + 1)
        } else {
            format!("{reference} \u{2014} page {} of {total}", i + 1)
        };
        let right = fit(&right, small.face, small.size, (RIGHT - LEFT) * 0.6);
        let right_w = width(&right, small.face, small.size);
        l.rule(LEFT, RIGHT, 56.0, 0.5, RULE);
        l.text_right(RIGHT, 52.0, 12.0, small, right);
        let left = fit(&doc.provider, small.face, small.size, RIGHT - LEFT - right_w - 20.0);
        l.text_at(LEFT, 52.0, 12.0, small, left);
        if i > 0 {
            let text = fit(&header, small.face, small.size, RIGHT - LEFT);
            l.text_at(LEFT, super::layout::PAGE_HEIGHT - 36.0, 12.0, small, text);
            l.rule(LEFT, RIGHT, super::layout::PAGE_HEIGHT - 50.0, 0.5, RULE);
        }
        *page = l.pages.pop().unwrap_or_default();
    }
    pages
}
