//! Invoices and credit notes: what a draft bills (a time-and-materials project's approved,
//! billable, un-invoiced time, each entry a line at the bill rate of its day; a fixed-fee
//! project's accepted milestones or the parts of its fee its SOW's billing terms make
//! due), how a credit note reverses an issued invoice, how issued documents are numbered
//! and how they leave for an accounting system. An issued invoice never changes: it is
//! corrected by a credit note, which releases what it billed so it can be billed again.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;

use super::pricing::{Books, Terms, Work};
use crate::accounts::AccountId;
use crate::auth::UserId;
use crate::code::Code;
use crate::dates::format_date;
use crate::page::{Page, PageRequest};
use crate::people::{Function, PersonId};
use crate::plan::MilestoneId;
use crate::projects::ProjectId;
use crate::rule::Rule;
use crate::scoping::sows::BillingTerms;
use crate::sort::{Numbered, Sorted};
use crate::store::{IfVersion, WriteCtx};
use crate::time_entries::TimeEntryId;
use crate::validate::Checks;
use crate::{Currency, Error, Id, Minutes, Money, Result};

pub type InvoiceId = Id<Invoice>;

macro_rules! codes {
    ($(#[$doc:meta])* $name:ident ($field:literal) { $($v:ident),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        #[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
        #[strum(serialize_all = "snake_case")]
        pub enum $name { $($v),+ }
        impl Code for $name {
            const FIELD: &'static str = $field;
        }
    };
}

codes!(
    /// An invoice bills; a credit note reverses (part of) an issued invoice.
    InvoiceKind("kind") { Invoice, CreditNote }
);
codes!(
    /// A draft is reviewed and edited; an issued document is numbered and never changes.
    InvoiceStatus("status") { Draft, Issued }
);
codes!(
    /// What a line bills: an entry's time, an accepted milestone, a part of a fixed fee,
    /// or (on a credit note) the reversal of a line of the credited invoice.
    LineKind("kind") { Time, Milestone, Fee, Credit }
);
codes!(
    /// Which part of a fixed fee a fee line bills, as the SOW's billing terms set it:
    /// the whole fee on execution, half at signature, the rest (or all) at completion.
    FeePart("fee_part") { Execution, Upfront, Completion }
);

/// One line of an invoice or credit note. Each line is rounded once; the total is the sum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct InvoiceLine {
    /// 1, 2, … in the order the document lists them.
    pub position: i64,
    pub kind: LineKind,
    pub description: String,
    #[schema(value_type = Option<i64>)]
    pub time_entry_id: Option<TimeEntryId>,
    #[schema(value_type = Option<i64>)]
    pub milestone_id: Option<MilestoneId>,
    pub fee_part: Option<FeePart>,
    /// The time billed (time lines and their credits).
    pub minutes: Option<i64>,
    /// The unit price in minor units: the hourly bill rate of a time line, the amount of
    /// a milestone or fee line.
    pub rate_minor: Option<i64>,
    /// How many units, in hundredths: hours for time (7.5 h is 750), 1 (100) otherwise.
    pub quantity_hundredths: i64,
    /// The line's amount, rounded once; negative on a credit note.
    pub amount: Money,
}

/// What an invoice line locks once issued: a time entry, a milestone or a fee part of
/// a project. Its code and id are the key of `invoice_locks`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Billed {
    TimeEntry(TimeEntryId),
    Milestone(MilestoneId),
    Fee(ProjectId, FeePart),
}

impl Billed {
    /// The `(source, source_id)` of its lock.
    pub fn key(self) -> (&'static str, i64) {
        match self {
            Billed::TimeEntry(id) => ("time_entry", id.get()),
            Billed::Milestone(id) => ("milestone", id.get()),
            Billed::Fee(p, FeePart::Execution) => ("fee_execution", p.get()),
            Billed::Fee(p, FeePart::Upfront) => ("fee_upfront", p.get()),
            Billed::Fee(p, FeePart::Completion) => ("fee_completion", p.get()),
        }
    }

    pub fn from_key(source: &str, id: i64) -> Option<Billed> {
        let p = ProjectId::new(id);
        Some(match source {
            "time_entry" => Billed::TimeEntry(Id::new(id)),
            "milestone" => Billed::Milestone(Id::new(id)),
            "fee_execution" => Billed::Fee(p, FeePart::Execution),
            "fee_upfront" => Billed::Fee(p, FeePart::Upfront),
            "fee_completion" => Billed::Fee(p, FeePart::Completion),
            _ => return None,
        })
    }

    /// How a refusal names it.
    pub fn describe(self) -> String {
        match self {
            Billed::TimeEntry(id) => format!("time entry {id}"),
            Billed::Milestone(id) => format!("milestone {id}"),
            Billed::Fee(_, part) => format!("the {} part of the fee", part.code()),
        }
    }
}

impl InvoiceLine {
    /// What this line bills (none for a credit line: it releases, not locks).
    pub fn billed(&self, project: ProjectId) -> Option<Billed> {
        match self.kind {
            LineKind::Time => self.time_entry_id.map(Billed::TimeEntry),
            LineKind::Milestone => self.milestone_id.map(Billed::Milestone),
            LineKind::Fee => self.fee_part.map(|p| Billed::Fee(project, p)),
            LineKind::Credit => None,
        }
    }
}

/// An invoice or credit note with its lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Invoice {
    #[schema(value_type = i64)]
    pub id: InvoiceId,
    /// `INV-000042` once issued; none while a draft.
    pub number: Option<String>,
    pub kind: InvoiceKind,
    pub status: InvoiceStatus,
    #[schema(value_type = i64)]
    pub project_id: ProjectId,
    pub project_name: String,
    #[schema(value_type = Option<i64>)]
    pub account_id: Option<AccountId>,
    pub account_name: Option<String>,
    #[schema(value_type = String)]
    pub currency: Currency,
    pub invoice_date: Date,
    pub due_date: Date,
    /// The first and last day of the work it bills (the first is none for fees only).
    pub period_from: Option<Date>,
    pub period_to: Date,
    /// The SOW's billing terms the fee lines follow (none for time, or without a SOW).
    pub billing_terms: Option<BillingTerms>,
    /// The invoice a credit note reverses.
    #[schema(value_type = Option<i64>)]
    pub credits_invoice_id: Option<InvoiceId>,
    /// The credit note that reversed this invoice, if one did.
    #[schema(value_type = Option<i64>)]
    pub credited_by_id: Option<InvoiceId>,
    pub total: Money,
    pub note: Option<String>,
    /// Why a credit note was raised.
    pub reason: Option<String>,
    #[schema(value_type = Option<i64>)]
    pub issued_by: Option<UserId>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub issued_at: Option<OffsetDateTime>,
    pub version: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    /// The lines (empty in lists).
    pub lines: Vec<InvoiceLine>,
}

impl Invoice {
    /// The number, or `draft N` before it has one.
    pub fn label(&self) -> String {
        self.number.clone().unwrap_or_else(|| format!("draft {}", self.id))
    }

    pub fn is_draft(&self) -> bool {
        self.status == InvoiceStatus::Draft
    }

    /// Refuses any change to an issued document.
    pub fn ensure_draft(&self) -> Result<()> {
        if self.is_draft() {
            return Ok(());
        }
        Err(Error::conflict(
            "status",
            Rule::InvalidTransition,
            format!(
                "{} is issued: an issued invoice never changes — correct it with a credit note",
                self.label()
            ),
        ))
    }
}

/// An approved, billable, un-invoiced entry as a draft needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillableEntry {
    pub id: TimeEntryId,
    pub person_id: PersonId,
    pub person_name: String,
    pub function: Function,
    pub date: Date,
    pub minutes: Minutes,
}

/// A line before it has a position.
pub type DraftLine = InvoiceLine;

fn words(code: &str) -> String {
    let s = code.replace('_', " ");
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// Each entry a line at the bill rate of its role on its day × its minutes, rounded once.
/// An entry with no bill rate in force refuses the whole draft, naming the entry and role.
pub fn time_lines(books: &Books, terms: &Terms, entries: &[BillableEntry]) -> Result<Vec<DraftLine>> {
    let mut lines = Vec::with_capacity(entries.len());
    let mut missing = Checks::new();
    for e in entries {
        let priced = books.price(
            terms,
            &Work {
                person: e.person_id,
                function: e.function,
                date: e.date,
                minutes: e.minutes,
            },
        )?;
        let (Some(rate), Some(amount)) = (priced.bill_rate, priced.bill) else {
            missing.check(
                false,
                "time_entries",
                Rule::NoRate,
                format!(
                    "time entry {} ({}, {}) has no bill rate: no rate for the role {} in {} is in force on that day \
                     — add one to the rate card or the project's rates",
                    e.id,
                    e.person_name,
                    format_date(e.date),
                    priced.role.code(),
                    terms.currency
                ),
            );
            continue;
        };
        lines.push(InvoiceLine {
            position: 0,
            kind: LineKind::Time,
            description: format!(
                "{} · {} · {} · {}",
                format_date(e.date),
                e.person_name,
                words(priced.role.code()),
                e.minutes
            ),
            time_entry_id: Some(e.id),
            milestone_id: None,
            fee_part: None,
            minutes: Some(e.minutes.get()),
            rate_minor: Some(rate.amount_minor),
            quantity_hundredths: hundredths_of_hours(e.minutes.get()),
            amount,
        });
    }
    missing.into_result()?;
    Ok(lines)
}

/// Hours in hundredths, half away from zero (only a display figure: the amount is priced
/// from the minutes).
fn hundredths_of_hours(minutes: i64) -> i64 {
    let n = minutes * 100;
    (n + n.signum() * 30) / 60
}

/// A milestone accepted by the customer, as billing sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcceptedMilestone {
    pub id: MilestoneId,
    pub name: String,
    pub amount: Option<Money>,
    pub accepted_on: Date,
}

/// What a fixed-fee project's draft needs to know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeeFacts {
    pub project_id: ProjectId,
    pub currency: Currency,
    /// The signed SOW's billing terms (none without a signed SOW: per milestone).
    pub terms: Option<BillingTerms>,
    /// The fixed fee (the project's budget).
    pub fee: Option<Money>,
    /// The day the SOW was signed.
    pub signed_on: Option<Date>,
    /// The day the project counts as complete: completed, or its last milestone accepted.
    pub completed_on: Option<Date>,
    pub milestones: Vec<AcceptedMilestone>,
    /// What issued, uncredited invoices already bill.
    pub billed: BTreeSet<Billed>,
}

/// The lines a fixed fee's terms make due by `through` and nothing already billed.
pub fn fee_lines(f: &FeeFacts, through: Date) -> Result<Vec<DraftLine>> {
    let due = |d: Option<Date>| d.is_some_and(|d| d <= through);
    let mut lines = Vec::new();
    match f.terms {
        None | Some(BillingTerms::PerMilestone) => {
            for m in &f.milestones {
                let Some(amount) = m.amount.filter(|a| a.amount_minor > 0) else {
                    continue;
                };
                if m.accepted_on > through || f.billed.contains(&Billed::Milestone(m.id)) {
                    continue;
                }
                same_currency(amount, f.currency, &format!("milestone {} ({})", m.id, m.name))?;
                lines.push(fee_line(
                    LineKind::Milestone,
                    format!("Milestone: {} (accepted {})", m.name, format_date(m.accepted_on)),
                    Some(m.id),
                    None,
                    amount,
                ));
            }
        }
        Some(BillingTerms::TmMonthly) => {}
        Some(terms) => {
            let Some(fee) = f.fee.filter(|a| a.amount_minor > 0) else {
                return Err(Error::invalid(
                    "project_id",
                    Rule::Required,
                    "the project has no fixed fee to bill: set its budget amount first",
                ));
            };
            same_currency(fee, f.currency, "the project's fee")?;
            let half = Money::new(half_away(fee.amount_minor), fee.currency);
            let rest = Money::new(fee.amount_minor - half.amount_minor, fee.currency);
            let parts: Vec<(FeePart, Money, bool, &str)> = match terms {
                BillingTerms::OnSowExecution | BillingTerms::OnOrderFormExecution => {
                    vec![(FeePart::Execution, fee, due(f.signed_on), "Fixed fee, due on execution")]
                }
                BillingTerms::HalfUpFrontHalfAtCompletion => vec![
                    (FeePart::Upfront, half, due(f.signed_on), "Fixed fee: 50 % up front"),
                    (
                        FeePart::Completion,
                        rest,
                        due(f.completed_on),
                        "Fixed fee: 50 % at completion",
                    ),
                ],
                _ => vec![(
                    FeePart::Completion,
                    fee,
                    due(f.completed_on),
                    "Fixed fee, due at completion",
                )],
            };
            for (part, amount, is_due, text) in parts {
                if is_due && !f.billed.contains(&Billed::Fee(f.project_id, part)) {
                    lines.push(fee_line(LineKind::Fee, text.to_string(), None, Some(part), amount));
                }
            }
        }
    }
    Ok(lines)
}

fn half_away(minor: i64) -> i64 {
    (minor + minor.signum()) / 2
}

fn same_currency(amount: Money, want: Currency, what: &str) -> Result<()> {
    if amount.currency == want {
        return Ok(());
    }
    Err(Error::invalid(
        "currency",
        Rule::Currency,
        format!(
            "{what} is in {} but the project bills in {want}: an invoice has one currency",
            amount.currency
        ),
    ))
}

fn fee_line(
    kind: LineKind,
    description: String,
    milestone: Option<MilestoneId>,
    part: Option<FeePart>,
    amount: Money,
) -> DraftLine {
    InvoiceLine {
        position: 0,
        kind,
        description,
        time_entry_id: None,
        milestone_id: milestone,
        fee_part: part,
        minutes: None,
        rate_minor: Some(amount.amount_minor),
        quantity_hundredths: 100,
        amount,
    }
}

/// Numbers the lines 1, 2, … in order.
pub fn numbered(mut lines: Vec<DraftLine>) -> Vec<InvoiceLine> {
    for (i, l) in lines.iter_mut().enumerate() {
        l.position = i as i64 + 1;
    }
    lines
}

/// The sum of the lines, in the document's currency.
pub fn total(currency: Currency, lines: &[InvoiceLine]) -> Result<Money> {
    lines.iter().try_fold(Money::new(0, currency), |sum, l| {
        if l.amount.currency != currency {
            return Err(Error::invalid(
                "currency",
                Rule::Currency,
                format!(
                    "line {} is in {}, the invoice in {currency}",
                    l.position, l.amount.currency
                ),
            ));
        }
        sum.checked_add(l.amount)
            .ok_or_else(|| Error::invalid("total", Rule::Range, "the invoice's total is too large"))
    })
}

/// A credit note's lines: every line of the credited invoice reversed, naming what it
/// reversed.
pub fn credit_lines(credited: &Invoice) -> Vec<InvoiceLine> {
    let number = credited.label();
    credited
        .lines
        .iter()
        .map(|l| InvoiceLine {
            kind: LineKind::Credit,
            description: format!("Credit of {number} line {}: {}", l.position, l.description),
            amount: Money::new(-l.amount.amount_minor, l.amount.currency),
            ..l.clone()
        })
        .collect()
}

/// Checks a credit's reason: required, at most 2,000 characters.
pub fn check_reason(reason: &str) -> Result<String> {
    let reason = reason.trim();
    let mut c = Checks::new();
    c.text(reason, "reason", 2000);
    c.into_result()?;
    Ok(reason.to_string())
}

/// An issued document's number: the prefix, then the counter zero-padded to six digits.
pub fn number(prefix: &str, n: i64) -> String {
    format!("{prefix}{n:06}")
}

/// Asks a draft for the project's billable work through a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewInvoice {
    #[schema(value_type = i64)]
    pub project_id: ProjectId,
    /// The last day of work it bills (time through this day; milestones accepted and fee
    /// parts due by it).
    pub through: Date,
}

/// A change to a draft: its dates, its note, lines to drop (by position).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvoicePatch {
    #[serde(default)]
    pub invoice_date: Option<Date>,
    #[serde(default)]
    pub due_date: Option<Date>,
    /// A new note; an empty one clears it.
    #[serde(default)]
    pub note: Option<String>,
    /// Positions of lines to take off the draft.
    #[serde(default)]
    pub drop_lines: Vec<i64>,
}

impl InvoicePatch {
    /// The draft as changed, or every broken rule.
    pub fn apply(&self, mut inv: Invoice) -> Result<Invoice> {
        let mut c = Checks::new();
        if let Some(d) = self.invoice_date {
            inv.invoice_date = d;
        }
        if let Some(d) = self.due_date {
            inv.due_date = d;
        }
        if let Some(n) = &self.note {
            c.optional_text(Some(n.trim()), "note", 2000);
            inv.note = Some(n.trim().to_string()).filter(|n| !n.is_empty());
        }
        for p in &self.drop_lines {
            c.check(
                inv.lines.iter().any(|l| l.position == *p),
                "drop_lines",
                Rule::Exists,
                format!("drop_lines: the draft has no line {p}"),
            );
        }
        inv.lines.retain(|l| !self.drop_lines.contains(&l.position));
        c.check(
            !inv.lines.is_empty(),
            "drop_lines",
            Rule::Required,
            "a draft keeps at least one line: discard the draft instead",
        )
        .check(
            inv.due_date >= inv.invoice_date,
            "due_date",
            Rule::AfterStart,
            "due_date must be on or after invoice_date",
        );
        c.into_result()?;
        inv.total = total(inv.currency, &inv.lines)?;
        Ok(inv)
    }
}

impl InvoiceScope {
    /// What a subject may list, matching what the policy lets them read of
    /// `Resource::Invoice`: everything for those who see bill rates, the projects they
    /// manage for other staff, nothing for partners.
    pub fn of(s: &crate::policy::Subject) -> Self {
        if s.sees_bill_rates() {
            return InvoiceScope::All;
        }
        match s.person_id {
            Some(me) if !s.is_partner() => InvoiceScope::Managed(me),
            _ => InvoiceScope::Nothing,
        }
    }
}

/// Whose invoices a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InvoiceScope {
    #[default]
    All,
    /// Those of the projects this person manages.
    Managed(PersonId),
    Nothing,
}

#[derive(Debug, Clone, Default)]
pub struct InvoiceFilter {
    pub status: Option<InvoiceStatus>,
    pub kind: Option<InvoiceKind>,
    pub project_id: Option<ProjectId>,
    pub account_id: Option<AccountId>,
    /// Invoice dates from and to (inclusive).
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub scope: InvoiceScope,
}

crate::sort_columns!(
    /// The columns a list of invoices sorts by.
    InvoiceSort { Date, Number, Project, Account, Total, Status }
);

/// One row of the accounting export: a line of an issued invoice or credit note, in the
/// columns accounting systems import (Xero's sales-invoice import names them so).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportRow {
    pub contact_name: String,
    pub invoice_number: String,
    pub reference: String,
    pub invoice_date: Date,
    pub due_date: Date,
    pub description: String,
    pub quantity: String,
    pub unit_amount: String,
    pub line_amount: String,
    pub account_code: String,
    pub currency: Currency,
}

/// The header of the export, in its column order.
pub const EXPORT_HEADER: [&str; 11] = [
    "ContactName",
    "InvoiceNumber",
    "Reference",
    "InvoiceDate",
    "DueDate",
    "Description",
    "Quantity",
    "UnitAmount",
    "LineAmount",
    "AccountCode",
    "Currency",
];

/// The revenue account lines post to: services.
pub const ACCOUNT_CODE: &str = "200";

fn decimal(minor: i64, exp: u32) -> String {
    if exp == 0 {
        return minor.to_string();
    }
    let p = 10i64.pow(exp);
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    format!("{sign}{}.{:0w$}", abs / p as u64, abs % p as u64, w = exp as usize)
}

/// The export rows of an issued document: one per line. A credit note's quantities are
/// negative so unit × quantity keeps the sign of the amount.
pub fn export_rows(inv: &Invoice) -> Vec<ExportRow> {
    let exp = inv.currency.exponent();
    let reference = match inv.kind {
        InvoiceKind::Invoice => inv.project_name.clone(),
        InvoiceKind::CreditNote => format!("{} — {}", inv.project_name, inv.reason.as_deref().unwrap_or("credit")),
    };
    inv.lines
        .iter()
        .map(|l| {
            let sign = if l.amount.amount_minor < 0 { -1 } else { 1 };
            ExportRow {
                contact_name: inv.account_name.clone().unwrap_or_else(|| inv.project_name.clone()),
                invoice_number: inv.label(),
                reference: reference.clone(),
                invoice_date: inv.invoice_date,
                due_date: inv.due_date,
                description: l.description.clone(),
                quantity: decimal(sign * l.quantity_hundredths, 2),
                unit_amount: decimal(l.rate_minor.unwrap_or(l.amount.amount_minor).abs(), exp),
                line_amount: decimal(l.amount.amount_minor, exp),
                account_code: ACCOUNT_CODE.to_string(),
                currency: inv.currency,
            }
        })
        .collect()
}

impl ExportRow {
    pub fn cells(&self) -> [String; 11] {
        [
            self.contact_name.clone(),
            self.invoice_number.clone(),
            self.reference.clone(),
            self.invoice_date.to_string(),
            self.due_date.to_string(),
            self.description.clone(),
            self.quantity.clone(),
            self.unit_amount.clone(),
            self.line_amount.clone(),
            self.account_code.clone(),
            self.currency.to_string(),
        ]
    }
}

/// The export of these documents: a header, then a row per line.
pub fn export_csv(invoices: &[Invoice]) -> Result<String> {
    let rows = invoices.iter().flat_map(export_rows).map(|r| r.cells());
    crate::csv_writer::document(crate::csv_writer::LineEnd::CrLf, &EXPORT_HEADER, rows)
        .map_err(|e| Error::internal(format!("writing the invoice export: {e}")))
}

/// Invoices in storage.
#[async_trait::async_trait]
pub trait InvoiceStore: Send + Sync {
    /// A draft of the project's billable work through a day (nothing to bill: an error).
    async fn draft_invoice(&self, ctx: &WriteCtx, new: NewInvoice, today: Date) -> Result<Invoice>;
    async fn invoice(&self, id: InvoiceId) -> Result<Invoice>;
    /// A page in id order, without lines.
    async fn list_invoices(&self, filter: &InvoiceFilter, page: PageRequest) -> Result<Page<Invoice>>;
    /// A numbered page sorted by a column, without lines.
    async fn invoices_sorted(&self, filter: &InvoiceFilter, at: Sorted<InvoiceSort>) -> Result<Numbered<Invoice>>;
    async fn change_invoice(&self, ctx: &WriteCtx, id: InvoiceId, v: IfVersion, patch: InvoicePatch)
    -> Result<Invoice>;
    /// Deletes a draft (only a draft).
    async fn discard_invoice(&self, ctx: &WriteCtx, id: InvoiceId, v: IfVersion) -> Result<()>;
    /// Numbers it and locks everything it bills, or refuses and writes nothing.
    async fn issue_invoice(&self, ctx: &WriteCtx, id: InvoiceId, v: IfVersion, today: Date) -> Result<Invoice>;
    /// Issues a credit note reversing an issued invoice and releases what it billed.
    async fn credit_invoice(&self, ctx: &WriteCtx, id: InvoiceId, reason: &str, today: Date) -> Result<Invoice>;
    /// Issued invoices and credit notes dated `from` to `to`, with their lines, by number.
    async fn invoices_for_export(&self, from: Date, to: Date) -> Result<Vec<Invoice>>;
}

#[cfg(test)]
#[path = "invoices_tests.rs"]
mod tests;
