//! Sections 3 to 6, what the customer buys and on what terms: resources and duration,
//! pricing with its totals, milestones, billing and acceptance.

use super::compose::{BODY, CELL, LABEL, WIDTH, none, section};
use super::layout::{Align, Column, INK, LEFT, Layout, RIGHT, Style};
use super::metrics::{Face, encode, fit};
use super::{SowDocument, acceptance, acceptance_days, paragraphs};

/// A section holding a table, or "None stated." when it has no rows.
fn table_section(l: &mut Layout, number: usize, columns: &[Column], rows: &[Vec<String>]) {
    section(l, number, Layout::table_start_height(columns, rows, CELL));
    if rows.is_empty() {
        none(l);
    } else {
        l.table(columns, rows, CELL);
    }
}

pub(super) fn resources(l: &mut Layout, doc: &SowDocument) {
    let columns = [
        Column {
            title: "Role",
            share: 4.0,
            align: Align::Left,
        },
        Column {
            title: "Hours",
            share: 1.2,
            align: Align::Right,
        },
    ];
    let rows: Vec<Vec<String>> = doc
        .resources
        .iter()
        .map(|r| vec![r.role.clone(), r.hours.clone()])
        .collect();
    section(
        l,
        3,
        2.0 * BODY.leading() + Layout::table_start_height(&columns, &rows, CELL),
    );
    l.field(LEFT, 110.0, RIGHT, "Planned start", &doc.start, usize::MAX);
    l.field(LEFT, 110.0, RIGHT, "Planned end", &doc.end, usize::MAX);
    l.gap(8.0);
    if rows.is_empty() {
        none(l);
    } else {
        l.table(&columns, &rows, CELL);
    }
}

pub(super) fn pricing(l: &mut Layout, doc: &SowDocument) {
    let columns = [
        Column {
            title: "Description",
            share: 5.0,
            align: Align::Left,
        },
        Column {
            title: "Quantity",
            share: 1.1,
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
    let rows: Vec<Vec<String>> = doc
        .lines
        .iter()
        .map(|d| {
            vec![
                d.description.clone(),
                d.quantity.clone(),
                d.unit_price.clone(),
                d.amount.clone(),
            ]
        })
        .collect();
    let currency = doc.currency.trim();
    let note = if currency.is_empty() {
        String::new()
    } else {
        format!("All amounts are in {currency}.")
    };
    section(
        l,
        4,
        LABEL.leading() + Layout::table_start_height(&columns, &rows, CELL),
    );
    if !note.is_empty() {
        l.paragraph(LEFT, WIDTH, LABEL, &note);
        l.gap(4.0);
    }
    if rows.is_empty() {
        none(l);
    } else {
        l.table(&columns, &rows, CELL);
    }
    let t = &doc.totals;
    let mut totals = vec![("Subtotal", t.subtotal.as_str())];
    if let Some(d) = &t.discount {
        totals.push(("Discount", d));
    }
    if let Some(te) = &t.travel_and_expenses {
        totals.push(("Travel and expenses", te));
    }
    let row = 16.0;
    // The totals stay together, under the amount column.
    l.keep(6.0 + totals.len() as f32 * row + 26.0);
    l.y -= 6.0;
    let label_x = RIGHT - 230.0;
    for (label, value) in totals {
        l.text_at(label_x, l.y, row, CELL, encode(label));
        l.text_right(RIGHT - 6.0, l.y, row, CELL, fit(value, CELL.face, CELL.size, 130.0));
        l.y -= row;
    }
    l.y -= 3.0;
    l.rule(label_x, RIGHT, l.y, 1.0, INK);
    let bold = Style::new(Face::Bold, 11.0, INK);
    let label = if currency.is_empty() {
        "Total".to_string()
    } else {
        format!("Total ({currency})")
    };
    l.text_at(label_x, l.y - 3.0, 20.0, bold, fit(&label, bold.face, bold.size, 90.0));
    l.text_right(
        RIGHT - 6.0,
        l.y - 3.0,
        20.0,
        bold,
        fit(&t.total, bold.face, bold.size, 130.0),
    );
    l.y -= 23.0;
}

pub(super) fn milestones(l: &mut Layout, doc: &SowDocument) {
    let columns = [
        Column {
            title: "#",
            share: 0.45,
            align: Align::Left,
        },
        Column {
            title: "Milestone",
            share: 5.0,
            align: Align::Left,
        },
        Column {
            title: "Due",
            share: 2.0,
            align: Align::Left,
        },
        Column {
            title: "Amount",
            share: 1.7,
            align: Align::Right,
        },
    ];
    let rows: Vec<Vec<String>> = doc
        .milestones
        .iter()
        .enumerate()
        .map(|(i, m)| vec![(i + 1).to_string(), m.name.clone(), m.due.clone(), m.amount.clone()])
        .collect();
    table_section(l, 5, &columns, &rows);
}

pub(super) fn billing(l: &mut Layout, doc: &SowDocument) {
    section(l, 6, 3.0 * BODY.leading());
    let label = 160.0;
    l.field(LEFT, label, RIGHT, "Billing type", &doc.billing_type, usize::MAX);
    l.field(LEFT, label, RIGHT, "Billing terms", &doc.billing_terms, usize::MAX);
    let days = acceptance_days(doc.passive_acceptance_days);
    l.field(LEFT, label, RIGHT, "Passive acceptance", &days, usize::MAX);
    if let Some(hours) = &doc.minimum_hours_per_week {
        l.field(LEFT, label, RIGHT, "Minimum hours per week", hours, usize::MAX);
    }
    l.gap(8.0);
    l.paragraph(LEFT, WIDTH, BODY, &acceptance(doc.passive_acceptance_days));
    if let Some(delay) = doc.delay_language.as_deref().filter(|d| !d.trim().is_empty()) {
        l.gap(8.0);
        let bold = Style::new(Face::Bold, 10.0, INK);
        l.keep(bold.leading() + 2.0 * BODY.leading());
        l.paragraph(LEFT, WIDTH, bold, "Customer delays");
        for (i, p) in paragraphs(delay).iter().enumerate() {
            if i > 0 {
                l.gap(6.0);
            }
            l.paragraph(LEFT, WIDTH, BODY, p);
        }
    }
}
