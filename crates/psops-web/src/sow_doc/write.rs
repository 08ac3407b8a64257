//! Laid-out pages to PDF bytes with `pdf-writer`. Content streams are left uncompressed: a
//! SOW is a few pages of text (tens of kilobytes), and plain streams let the tests read the
//! text back without an inflate library.

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use super::layout::{Op, PAGE_HEIGHT, PAGE_WIDTH};
use super::metrics::Face;
use super::{SowDocument, reference};

const REGULAR: Name<'static> = Name(b"F1");
const BOLD: Name<'static> = Name(b"F2");

pub(crate) fn write(doc: &SowDocument, pages: Vec<Vec<Op>>) -> Vec<u8> {
    // "SOW-0042 v3 — Cloud migration, phase 1", leaving out whichever part is empty.
    let parts = [reference(doc), doc.title.trim().to_string()];
    let title = parts
        .iter()
        .filter(|p| !p.is_empty())
        .cloned()
        .collect::<Vec<_>>()
        .join(" \u{2014} ");
    document(&title, doc.provider.trim(), "Statement of Work", pages)
}

/// Laid-out pages as a PDF with its title, author and subject.
pub(crate) fn document(title: &str, author: &str, subject: &str, pages: Vec<Vec<Op>>) -> Vec<u8> {
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let regular = Ref::new(3);
    let bold = Ref::new(4);
    let info = Ref::new(5);
    // Each page takes two objects: the page and its content stream.
    let first = 6;
    let page_ref = |i: usize| Ref::new(first + 2 * i as i32);
    let content_ref = |i: usize| Ref::new(first + 2 * i as i32 + 1);

    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids((0..pages.len()).map(page_ref))
        .count(pages.len() as i32);
    for (id, name) in [(regular, &b"Helvetica"[..]), (bold, b"Helvetica-Bold")] {
        pdf.type1_font(id)
            .base_font(Name(name))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
    }
    let mut meta = pdf.document_info(info);
    meta.title(TextStr(title));
    meta.author(TextStr(author));
    meta.subject(TextStr(subject));
    meta.creator(TextStr("psops"));
    meta.finish();

    for (i, ops) in pages.iter().enumerate() {
        let mut page = pdf.page(page_ref(i));
        page.media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT));
        page.parent(tree);
        page.contents(content_ref(i));
        page.resources().fonts().pair(REGULAR, regular).pair(BOLD, bold);
        page.finish();
        let content = content(ops);
        pdf.stream(content_ref(i), &content);
    }
    pdf.finish()
}

fn content(ops: &[Op]) -> Vec<u8> {
    let mut c = Content::new();
    for op in ops {
        match op {
            Op::Text { x, y, style, bytes } => {
                let font = match style.face {
                    Face::Regular => REGULAR,
                    Face::Bold => BOLD,
                };
                let [r, g, b] = style.color;
                c.set_fill_rgb(r, g, b);
                c.begin_text();
                c.set_font(font, style.size);
                c.next_line(*x, *y);
                c.show(Str(bytes));
                c.end_text();
            }
            Op::Line {
                x1,
                y1,
                x2,
                y2,
                width,
                color,
            } => {
                let [r, g, b] = *color;
                c.set_stroke_rgb(r, g, b);
                c.set_line_width(*width);
                c.move_to(*x1, *y1);
                c.line_to(*x2, *y2);
                c.stroke();
            }
            Op::Fill { x, y, w, h, color } => {
                let [r, g, b] = *color;
                c.set_fill_rgb(r, g, b);
                c.rect(*x, *y, *w, *h);
                c.fill_nonzero();
            }
        }
    }
    c.finish().into_vec()
}
