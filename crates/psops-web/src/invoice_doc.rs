//! An invoice or credit note as a PDF, laid out with the page kit the SOW document uses
//! (US Letter, built-in Helvetica, tables that break between rows), so no external
//! program or font is needed.

use psops_core::dates::format_date;
use psops_core::finance::invoices::{Invoice, InvoiceKind, InvoiceStatus};
use psops_core::{Minutes, Money};

use crate::sow_doc::layout::{ACCENT, Align, Column, INK, LEFT, Layout, MUTED, Op, RIGHT, RULE, Style};
use crate::sow_doc::metrics::{Face, encode, fit};

const BODY: Style = Style::new(Face::Regular, 10.0, INK);
const CELL: Style = Style::new(Face::Regular, 9.5, INK);

const COLUMNS: [Column; 4] = [
    Column {
        title: "Description",
        share: 6.0,
        align: Align::Left,
    },
    Column {
        title: "Quantity",
        share: 1.3,
        align: Align::Right,
    },
    Column {
        title: "Unit price",
        share: 1.6,
        align: Align::Right,
    },
    Column {
        title: "Amount",
        share: 1.7,
        align: Align::Right,
    },
];

/// What the document is called on its face.
pub fn title(inv: &Invoice) -> &'static str {
    match (inv.kind, inv.status) {
        (InvoiceKind::Invoice, InvoiceStatus::Issued) => "Invoice",
        (InvoiceKind::CreditNote, _) => "Credit note",
        (InvoiceKind::Invoice, InvoiceStatus::Draft) => "Draft invoice",
    }
}

/// An amount without its currency code (the document states the currency once).
pub fn amount(m: Money) -> String {
    let written = m.to_string();
    written
        .strip_suffix(m.currency.as_str())
        .map(str::trim_end)
        .unwrap_or(&written)
        .to_string()
}

/// The quantity column: hours for time, otherwise a count.
pub fn quantity(minutes: Option<i64>, hundredths: i64) -> String {
    match minutes {
        Some(m) => format!("{} h", Minutes(m)),
        None => format!("{}", hundredths / 100),
    }
}

/// The label/value rows of the header, shared with the printable page.
pub fn facts(inv: &Invoice) -> Vec<(&'static str, String)> {
    let mut out = vec![
        ("Number", inv.label()),
        ("Bill to", inv.account_name.clone().unwrap_or_else(|| "—".into())),
        ("Project", inv.project_name.clone()),
        ("Date", format_date(inv.invoice_date)),
        ("Due", format_date(inv.due_date)),
        (
            "Period",
            match inv.period_from {
                Some(from) => format!("{} to {}", format_date(from), format_date(inv.period_to)),
                None => format!("through {}", format_date(inv.period_to)),
            },
        ),
        ("Currency", inv.currency.to_string()),
    ];
    if let Some(t) = inv.billing_terms {
        out.push(("Billing terms", t.label().to_string()));
    }
    if let Some(r) = &inv.reason {
        out.push(("Reason", r.clone()));
    }
    out
}

/// The document as PDF bytes.
pub fn pdf(inv: &Invoice, provider: &str) -> Vec<u8> {
    let mut l = Layout::new();
    let top = l.y;
    l.text_at(
        LEFT,
        top,
        16.0,
        Style::new(Face::Bold, 10.0, ACCENT),
        fit(provider, Face::Bold, 10.0, RIGHT - LEFT),
    );
    l.y = top - 26.0;
    l.text_at(LEFT, l.y, 30.0, Style::new(Face::Bold, 24.0, INK), encode(title(inv)));
    l.y -= 40.0;
    for (label, value) in facts(inv) {
        l.field(LEFT, 110.0, RIGHT, label, &value, 3);
    }
    l.y -= 14.0;
    let rows: Vec<Vec<String>> = inv
        .lines
        .iter()
        .map(|line| {
            vec![
                line.description.clone(),
                quantity(line.minutes, line.quantity_hundredths),
                line.rate_minor
                    .map(|r| amount(Money::new(r, inv.currency)))
                    .unwrap_or_default(),
                amount(line.amount),
            ]
        })
        .collect();
    l.table(&COLUMNS, &rows, CELL);
    l.y -= 8.0;
    l.keep(24.0);
    l.rule(LEFT + (RIGHT - LEFT) * 0.55, RIGHT, l.y, 0.8, RULE);
    l.y -= 4.0;
    let bold = Style::new(Face::Bold, 11.0, INK);
    l.text_at(LEFT + (RIGHT - LEFT) * 0.55, l.y, 18.0, bold, encode("Total"));
    l.text_right(RIGHT - 6.0, l.y, 18.0, bold, encode(&inv.total.to_string()));
    l.y -= 30.0;
    if let Some(note) = &inv.note {
        l.paragraph(LEFT, RIGHT - LEFT, BODY, note);
    }
    let pages = footer(l.pages, inv, provider);
    crate::sow_doc::write::document(&inv.label(), provider, title(inv), pages)
}

fn footer(mut pages: Vec<Vec<Op>>, inv: &Invoice, provider: &str) -> Vec<Vec<Op>> {
    let total = pages.len();
    let small = Style::new(Face::Regular, 8.0, MUTED);
    for (i, page) in pages.iter_mut().enumerate() {
        let mut l = Layout {
            pages: vec![std::mem::take(page)],
            y: 0.0,
        };
        l.rule(LEFT, RIGHT, 56.0, 0.5, RULE);
        let right = format!("{} \u{2014} page {} of {total}", inv.label(), i + 1);
        l.text_right(RIGHT, 52.0, 12.0, small, encode(&right));
        l.text_at(
            LEFT,
            52.0,
            12.0,
            small,
            fit(provider, small.face, small.size, (RIGHT - LEFT) * 0.5),
        );
        *page = l.pages.pop().unwrap_or_default();
    }
    pages
}

#[cfg(test)]
mod tests {
    use psops_core::finance::invoices::{InvoiceLine, LineKind};
    use psops_core::{Currency, Id};
    use time::OffsetDateTime;
    use time::macros::date;

    use super::*;

    #[test]
    fn the_pdf_carries_the_number_lines_and_total() {
        let usd = |m| Money::new(m, Currency::USD);
        let inv = Invoice {
            id: Id::new(1),
            number: Some("INV-000042".into()),
            kind: InvoiceKind::Invoice,
            status: InvoiceStatus::Issued,
            project_id: Id::new(7),
            project_name: "Cloud migration".into(),
            account_id: None,
            account_name: Some("Acme Corp".into()),
            currency: Currency::USD,
            invoice_date: date!(2026 - 03 - 31),
            due_date: date!(2026 - 04 - 30),
            period_from: Some(date!(2026 - 03 - 12)),
            period_to: date!(2026 - 03 - 31),
            billing_terms: None,
            credits_invoice_id: None,
            credited_by_id: None,
            total: usd(112_500),
            note: Some("Thank you.".into()),
            reason: None,
            issued_by: None,
            issued_at: None,
            version: 2,
            created_at: OffsetDateTime::UNIX_EPOCH,
            updated_at: OffsetDateTime::UNIX_EPOCH,
            lines: vec![InvoiceLine {
                position: 1,
                kind: LineKind::Time,
                description: "12 Mar 2026 · Ada Lovelace · Engineer · 7:30".into(),
                time_entry_id: Some(Id::new(3)),
                milestone_id: None,
                fee_part: None,
                minutes: Some(450),
                rate_minor: Some(15_000),
                quantity_hundredths: 750,
                amount: usd(112_500),
            }],
        };
        let bytes = pdf(&inv, "Example PS");
        let text = String::from_utf8_lossy(&bytes);
        assert!(bytes.starts_with(b"%PDF-"));
        for want in ["INV-000042", "Acme Corp", "7:30 h", "150.00", "1125.00 USD", "/Count 1"] {
            assert!(text.contains(want), "missing {want}");
        }
        assert_eq!(quantity(None, 100), "1");
        assert_eq!(amount(usd(-5)), "-0.05");
    }
}
