//! A statement of work as a document: an HTML fragment to preview it in a page, and a PDF
//! to send and sign. Both are made in-process (the PDF with `pdf-writer` and the PDF
//! reader's built-in Helvetica), so no external program or font file is needed.
//!
//! The input is a plain view, [`SowDocument`], whose values the caller has already formatted
//! (dates, money, hours): this module only lays them out, so it does not depend on how
//! psops-core stores a SOW.

mod closing;
mod commercial;
mod compose;
mod html;
// The page kit (layout, font metrics, tables, PDF writing) is shared with the other
// documents psops prints, such as invoices.
pub(crate) mod layout;
pub(crate) mod metrics;
mod table;
pub(crate) mod write;

#[cfg(test)]
mod tests;

/// Everything a statement of work shows, formatted for reading.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SowDocument {
    /// "SOW-0042".
    pub number: String,
    pub version: u32,
    pub title: String,
    /// "Draft", "Approved", "Signed" …
    pub status: String,
    /// The customer account's name.
    pub customer: String,
    /// The organisation providing the services.
    pub provider: String,
    /// The engagement manager's name.
    pub prepared_by: String,
    /// Issue date, e.g. "4 December 2026".
    pub date: String,
    /// The last day the offer can be signed.
    pub expires: String,
    /// "USD": the currency every amount is in.
    pub currency: String,
    /// "Fixed fee" or "Time and materials".
    pub billing_type: String,
    /// "Per milestone".
    pub billing_terms: String,
    /// Business days after delivery after which a deliverable counts as accepted.
    pub passive_acceptance_days: u32,
    /// "20 h", where the customer commits to a weekly minimum.
    pub minimum_hours_per_week: Option<String>,
    /// Planned start date.
    pub start: String,
    /// Planned end date.
    pub end: String,
    /// Paragraphs separated by blank lines.
    pub scope: String,
    pub activities: Vec<String>,
    /// The priced lines.
    pub lines: Vec<DocLine>,
    pub milestones: Vec<DocMilestone>,
    /// Roles and their hours.
    pub resources: Vec<DocResource>,
    pub totals: DocTotals,
    pub assumptions: Vec<String>,
    pub out_of_scope: Vec<String>,
    /// What happens when the customer delays the work.
    pub delay_language: Option<String>,
    /// The internal approval trail.
    pub approvals: Vec<DocApproval>,
    /// Whom each signature block is for: "For Acme Corp".
    pub signatures: Vec<String>,
}

/// A priced line.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DocLine {
    pub description: String,
    pub quantity: String,
    pub unit_price: String,
    pub amount: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DocMilestone {
    pub name: String,
    pub due: String,
    pub amount: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DocResource {
    pub role: String,
    pub hours: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DocTotals {
    pub subtotal: String,
    /// Shown as given, e.g. "-$3,000.00 (5%)".
    pub discount: Option<String>,
    pub travel_and_expenses: Option<String>,
    pub total: String,
}

/// One step of the internal approval trail.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DocApproval {
    pub step: String,
    pub by: String,
    pub at: String,
    pub decision: String,
}

/// The SOW as an `<article class="sow">` fragment with its own small stylesheet, every
/// value HTML-escaped, for showing inside an existing page.
/// The preview's stylesheet alone, for pages whose Content-Security-Policy takes styles
/// from files only (`/assets/sow.css`).
pub fn stylesheet() -> &'static str {
    html::STYLE.trim_start_matches("<style>").trim_end_matches("</style>")
}

pub fn html(doc: &SowDocument) -> String {
    html::render(doc)
}

/// The SOW as a US Letter PDF.
pub fn pdf(doc: &SowDocument) -> Vec<u8> {
    let pages = compose::compose(doc);
    write::write(doc, pages)
}

/// "SOW-0042 v3", the reference the footer and the document title use; a document with
/// neither number nor version has none.
fn reference(doc: &SowDocument) -> String {
    match (doc.number.trim(), doc.version) {
        ("", 0) => String::new(),
        ("", version) => format!("v{version}"),
        (number, version) => format!("{number} v{version}"),
    }
}

/// The eight numbered sections, shared by the HTML and the PDF so they never disagree.
const SECTIONS: [&str; 8] = [
    "Scope",
    "Activities",
    "Resources and duration",
    "Pricing",
    "Milestones",
    "Billing and acceptance",
    "Assumptions",
    "Out of scope",
];

/// What an empty list or field reads as.
const NONE: &str = "None stated.";

/// The acceptance sentence both renderings print; no passive acceptance means the customer
/// must accept each deliverable in writing.
fn acceptance(days: u32) -> String {
    let after = match days {
        0 => return "Each deliverable is accepted when the customer accepts it in writing.".into(),
        1 => "1 business day".to_string(),
        n => format!("{n} business days"),
    };
    format!(
        "Each deliverable is deemed accepted {after} after delivery unless the customer \
         rejects it in writing before then, stating the reasons."
    )
}

/// "10 business days", or "None" when there is no passive acceptance.
fn acceptance_days(days: u32) -> String {
    match days {
        0 => "None".to_string(),
        1 => "1 business day".to_string(),
        n => format!("{n} business days"),
    }
}

/// Paragraphs are separated by blank lines (spaces alone count as blank); a single line
/// break inside a paragraph is kept.
fn paragraphs(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
        } else {
            if !current.is_empty() {
                current.push('\n');
            }
            current.push_str(line.trim_end());
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}
