//! The HTML preview: the same sections as the PDF, as an `<article class="sow">` whose
//! stylesheet only reaches inside the article, so it can sit in any page.

use std::fmt::Write;

use super::{NONE, SECTIONS, SowDocument, acceptance, acceptance_days, paragraphs};

pub(super) const STYLE: &str = "<style>
.sow{max-width:52rem;font:0.95rem/1.45 Helvetica,Arial,sans-serif;color:#1c1f24}
.sow header{border-bottom:2px solid #1a3a66;padding-bottom:.6rem;margin-bottom:.8rem}
.sow .sow-provider{color:#1a3a66;font-weight:bold}
.sow .sow-status{float:right;background:#edf2f7;color:#1a3a66;font-size:.75rem;font-weight:bold;padding:.15rem .5rem;text-transform:uppercase}
.sow h1{font-size:1.6rem;margin:.4rem 0 0}
.sow .sow-title{color:#6b7280;font-size:1.1rem;margin:.1rem 0 0}
.sow dl{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;margin:.4rem 0}
.sow dt{color:#6b7280}.sow dd{margin:0}
.sow h2{color:#1a3a66;font-size:1.05rem;border-bottom:1px solid #cdd1db;padding-bottom:.2rem;margin:1.4rem 0 .5rem}
.sow table{border-collapse:collapse;width:100%}
.sow th{background:#edf2f7;color:#1a3a66;font-size:.8rem;text-align:left;padding:.3rem .4rem}
.sow td{border-bottom:1px solid #cdd1db;padding:.3rem .4rem;vertical-align:top}
.sow .num{text-align:right;white-space:nowrap}
.sow tfoot td{border:0}.sow tfoot tr.sow-total td{font-weight:bold;border-top:1px solid #1c1f24}
.sow .sow-none,.sow .sow-trail{color:#6b7280}.sow .sow-trail{font-size:.8rem}
.sow .sow-signatures{display:grid;grid-template-columns:1fr 1fr;gap:1.5rem}
.sow .sow-signature p{border-bottom:1px solid #6b7280;padding-top:1.4rem;margin:0;font-size:.75rem;color:#6b7280}
</style>";

/// Text with the five characters that matter in HTML content and attributes escaped.
fn esc(text: &str) -> String {
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

pub(super) fn render(doc: &SowDocument) -> String {
    let mut h = String::with_capacity(8 * 1024);
    h.push_str("<article class=\"sow\">");
    h.push_str(STYLE);
    h.push_str("<header>");
    if !doc.status.trim().is_empty() {
        let _ = write!(h, "<span class=\"sow-status\">{}</span>", esc(doc.status.trim()));
    }
    let _ = write!(h, "<div class=\"sow-provider\">{}</div>", esc(&doc.provider));
    let _ = write!(
        h,
        "<h1>Statement of Work</h1><p class=\"sow-title\">{}</p>",
        esc(&doc.title)
    );
    let number = format!("{}, version {}", doc.number.trim(), doc.version);
    dl(
        &mut h,
        &[
            ("SOW number", &number),
            ("Customer", &doc.customer),
            ("Provider", &doc.provider),
            ("Prepared by", &doc.prepared_by),
            ("Issue date", &doc.date),
            ("Valid until", &doc.expires),
        ],
    );
    h.push_str("</header>");

    section(&mut h, 1);
    let paragraphs = paragraphs(&doc.scope);
    if paragraphs.is_empty() {
        h.push_str(&none());
    }
    for p in &paragraphs {
        let _ = write!(h, "<p>{}</p>", esc(p).replace('\n', "<br>"));
    }
    section(&mut h, 2);
    list(&mut h, "ul", &doc.activities);

    section(&mut h, 3);
    dl(&mut h, &[("Planned start", &doc.start), ("Planned end", &doc.end)]);
    let rows: Vec<Vec<&str>> = doc.resources.iter().map(|r| vec![r.role.as_str(), &r.hours]).collect();
    table(&mut h, &[("Role", false), ("Hours", true)], &rows, "");

    section(&mut h, 4);
    if !doc.currency.trim().is_empty() {
        let _ = write!(
            h,
            "<p class=\"sow-none\">All amounts are in {}.</p>",
            esc(doc.currency.trim())
        );
    }
    let rows: Vec<Vec<&str>> = doc
        .lines
        .iter()
        .map(|l| vec![l.description.as_str(), &l.quantity, &l.unit_price, &l.amount])
        .collect();
    let t = &doc.totals;
    let mut foot = String::from("<tfoot>");
    let mut total_row = |class: &str, label: &str, value: &str| {
        let _ = write!(
            foot,
            "<tr class=\"{class}\"><td colspan=\"2\"></td><td>{}</td><td class=\"num\">{}</td></tr>",
            esc(label),
            esc(value)
        );
    };
    total_row("", "Subtotal", &t.subtotal);
    if let Some(d) = &t.discount {
        total_row("", "Discount", d);
    }
    if let Some(te) = &t.travel_and_expenses {
        total_row("", "Travel and expenses", te);
    }
    total_row("sow-total", "Total", &t.total);
    foot.push_str("</tfoot>");
    let head = [
        ("Description", false),
        ("Quantity", true),
        ("Unit price", true),
        ("Amount", true),
    ];
    table(&mut h, &head, &rows, &foot);

    section(&mut h, 5);
    let numbers: Vec<String> = (1..=doc.milestones.len()).map(|i| i.to_string()).collect();
    let rows: Vec<Vec<&str>> = doc
        .milestones
        .iter()
        .zip(&numbers)
        .map(|(m, n)| vec![n.as_str(), &m.name, &m.due, &m.amount])
        .collect();
    table(
        &mut h,
        &[("#", false), ("Milestone", false), ("Due", false), ("Amount", true)],
        &rows,
        "",
    );

    section(&mut h, 6);
    let days = acceptance_days(doc.passive_acceptance_days);
    let mut fields = vec![
        ("Billing type", doc.billing_type.as_str()),
        ("Billing terms", &doc.billing_terms),
        ("Passive acceptance", &days),
    ];
    if let Some(m) = &doc.minimum_hours_per_week {
        fields.push(("Minimum hours per week", m));
    }
    dl(&mut h, &fields);
    let _ = write!(h, "<p>{}</p>", esc(&acceptance(doc.passive_acceptance_days)));
    if let Some(delay) = doc.delay_language.as_deref().filter(|d| !d.trim().is_empty()) {
        let _ = write!(
            h,
            "<h3>Customer delays</h3><p>{}</p>",
            esc(delay.trim()).replace('\n', "<br>")
        );
    }
    section(&mut h, 7);
    list(&mut h, "ol", &doc.assumptions);
    section(&mut h, 8);
    list(&mut h, "ol", &doc.out_of_scope);

    let parties: Vec<&String> = doc.signatures.iter().filter(|s| !s.trim().is_empty()).collect();
    if !parties.is_empty() {
        h.push_str("<h2>Signatures</h2><div class=\"sow-signatures\">");
        for p in parties {
            let _ = write!(h, "<div class=\"sow-signature\"><strong>{}</strong>", esc(p));
            h.push_str("<p>Signature</p><p>Name</p><p>Title</p><p>Date</p></div>");
        }
        h.push_str("</div>");
    }
    if !doc.approvals.is_empty() {
        h.push_str("<section class=\"sow-trail\"><h3>Internal approval record</h3>");
        let rows: Vec<Vec<&str>> = doc
            .approvals
            .iter()
            .map(|a| vec![a.step.as_str(), &a.by, &a.at, &a.decision])
            .collect();
        table(
            &mut h,
            &[("Step", false), ("By", false), ("At", false), ("Decision", false)],
            &rows,
            "",
        );
        h.push_str("</section>");
    }
    h.push_str("</article>");
    h
}

fn none() -> String {
    format!("<p class=\"sow-none\">{NONE}</p>")
}

fn section(h: &mut String, number: usize) {
    let title = SECTIONS.get(number - 1).copied().unwrap_or("");
    let _ = write!(h, "<h2>{number} {title}</h2>");
}

fn dl(h: &mut String, fields: &[(&str, &str)]) {
    h.push_str("<dl>");
    for (label, value) in fields {
        let _ = write!(h, "<dt>{}</dt><dd>{}</dd>", esc(label), esc(value));
    }
    h.push_str("</dl>");
}

fn list(h: &mut String, tag: &str, items: &[String]) {
    let items: Vec<&String> = items.iter().filter(|i| !i.trim().is_empty()).collect();
    if items.is_empty() {
        h.push_str(&none());
        return;
    }
    let _ = write!(h, "<{tag}>");
    for item in items {
        let _ = write!(h, "<li>{}</li>", esc(item.trim()));
    }
    let _ = write!(h, "</{tag}>");
}

/// A table; `columns` pairs each heading with whether the column holds numbers (right
/// aligned). `foot` is an already-escaped `<tfoot>`, or empty.
fn table(h: &mut String, columns: &[(&str, bool)], rows: &[Vec<&str>], foot: &str) {
    if rows.is_empty() && foot.is_empty() {
        h.push_str(&none());
        return;
    }
    h.push_str("<table><thead><tr>");
    for (title, num) in columns {
        let class = if *num { " class=\"num\"" } else { "" };
        let _ = write!(h, "<th{class}>{}</th>", esc(title));
    }
    h.push_str("</tr></thead><tbody>");
    for row in rows {
        h.push_str("<tr>");
        for ((_, num), cell) in columns.iter().zip(row) {
            let class = if *num { " class=\"num\"" } else { "" };
            let _ = write!(h, "<td{class}>{}</td>", esc(cell));
        }
        h.push_str("</tr>");
    }
    h.push_str("</tbody>");
    h.push_str(foot);
    h.push_str("</table>");
}
