//! Partner invoices: a partner's monthly invoice — one line per consultant and project
//! (the PO it quotes, dates, hours, rate, total) — reconciled line by line against the
//! approved hours at the authorised rate, approved by the partner-collaboration team
//! (with a recorded reason when it does not match), and the partners late with one.

pub mod csv;
pub mod reconcile;

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;

use crate::auth::UserId;
use crate::finance::month::Month;
use crate::id::Id;
use crate::meta::Meta;
use crate::partners::PartnerId;
use crate::patch::{double_option, set};
use crate::people::PersonId;
use crate::projects::ProjectId;
use crate::rule::Rule;
use crate::store::{IfVersion, WriteCtx};
use crate::validate::Checks;
use crate::{Currency, Minutes, Money, Result};

pub use reconcile::{LateInvoice, LineOutcome, Outcome, Reconciliation, Unbilled};

pub type PartnerInvoiceId = Id<PartnerInvoice>;

/// Lines one invoice may carry: a month of one partner's consultants and projects.
pub const MAX_LINES: usize = 500;

/// Where an invoice stands. `received` until the partner-collaboration team decides it;
/// an approved or rejected invoice no longer changes. A rejected (or archived, i.e.
/// withdrawn) invoice leaves its month free for a corrected one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum PartnerInvoiceStatus {
    Received,
    Approved,
    Rejected,
}

impl crate::code::Code for PartnerInvoiceStatus {
    const FIELD: &'static str = "status";
}

/// One line: what the partner bills for one consultant on one project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartnerInvoiceLine {
    /// The PO the partner quotes: the work authorization's (or prime SOW's) reference.
    pub po: String,
    /// First day billed, inside the invoice's month.
    pub from_date: Date,
    /// Last day billed, inclusive, inside the invoice's month.
    pub to_date: Date,
    /// The consultant, one of the partner's people.
    pub person_id: PersonId,
    pub project_id: ProjectId,
    /// Hours billed, in minutes.
    #[schema(value_type = i64, minimum = 1)]
    pub minutes: Minutes,
    /// The hourly rate billed, in the invoice's currency.
    #[schema(schema_with = crate::money::schema::positive)]
    pub rate: Money,
    /// The line's total: hours × rate rounded to the cent, in the invoice's currency.
    pub total: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartnerInvoiceFields {
    /// The partner that bills; set when it is made.
    pub partner_id: PartnerId,
    /// The partner's own invoice number; unique per partner, compared without case.
    pub number: String,
    /// The month billed; one live invoice per partner and month.
    pub month: Month,
    /// The day it reached the company.
    pub received_on: Date,
    pub currency: Currency,
    #[schema(min_items = 1)]
    pub lines: Vec<PartnerInvoiceLine>,
    #[serde(default)]
    pub notes: Option<String>,
}

impl PartnerInvoiceFields {
    /// The rules that need nothing stored. A line whose own arithmetic is wrong (total ≠
    /// hours × rate rounded to the cent) is refused, not flagged: reconciliation compares
    /// the partner's totals with the approved hours, and a total that its own line does
    /// not explain is a typing error to send back before anyone reconciles it.
    pub fn validate(&self) -> Result<()> {
        let mut c = Checks::new();
        c.text(&self.number, "number", 100)
            .optional_text(self.notes.as_deref(), "notes", 4000);
        c.check(
            !self.lines.is_empty(),
            "lines",
            Rule::Required,
            "lines needs at least one line",
        );
        c.check(
            self.lines.len() <= MAX_LINES,
            "lines",
            Rule::TooLong,
            format!("an invoice has at most {MAX_LINES} lines"),
        );
        for (i, l) in self.lines.iter().enumerate() {
            check_line(&mut c, i, l, self.month, self.currency);
        }
        c.into_result()
    }
}

fn check_line(c: &mut Checks, i: usize, l: &PartnerInvoiceLine, month: Month, currency: Currency) {
    let f = |name: &str| format!("lines[{i}].{name}");
    c.text(&l.po, &f("po"), 100);
    let inside = |d: Date| month.first() <= d && d <= month.last();
    c.check(
        inside(l.from_date),
        &f("from_date"),
        Rule::WithinMonth,
        format!("{} must lie inside the month billed, {month}", f("from_date")),
    );
    c.check(
        inside(l.to_date),
        &f("to_date"),
        Rule::WithinMonth,
        format!("{} must lie inside the month billed, {month}", f("to_date")),
    );
    c.check(
        l.to_date >= l.from_date,
        &f("to_date"),
        Rule::AfterStart,
        format!("{} must be on or after from_date", f("to_date")),
    );
    c.check(
        l.minutes.get() > 0,
        &f("minutes"),
        Rule::Positive,
        format!("{} must be more than 0", f("minutes")),
    );
    for (name, m) in [("rate", l.rate), ("total", l.total)] {
        c.check(
            m.currency == currency,
            &f(name),
            Rule::Currency,
            format!("{} must be in {currency}, the invoice's currency", f(name)),
        );
    }
    c.check(
        l.rate.amount_minor > 0,
        &f("rate"),
        Rule::Positive,
        format!("{} must be more than 0", f("rate")),
    );
    if let Ok(made) = crate::rates::cost_of(l.rate, l.minutes) {
        c.check(
            made.amount_minor == l.total.amount_minor || l.minutes.get() <= 0,
            &f("total"),
            Rule::LineTotal,
            format!(
                "{} is {} but {} h × {} is {}: correct the line",
                f("total"),
                l.total.written(),
                l.minutes.hours_text(),
                l.rate.written(),
                made.written()
            ),
        );
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PartnerInvoice {
    pub id: PartnerInvoiceId,
    #[serde(flatten)]
    pub fields: PartnerInvoiceFields,
    /// Moved only by `approve` and `reject`.
    pub status: PartnerInvoiceStatus,
    /// The difference (billed − expected, over every line that did not match) accepted
    /// when it was approved; none when it matched or is not approved.
    pub accepted_variance: Option<Money>,
    /// Why the variance was accepted, or why the invoice was rejected.
    pub reason: Option<String>,
    /// The user who approved or rejected it.
    #[schema(value_type = Option<i64>)]
    pub decided_by: Option<UserId>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub decided_at: Option<OffsetDateTime>,
    #[serde(flatten)]
    pub meta: Meta,
}

impl PartnerInvoice {
    /// Only a received invoice is withdrawn (archived): an approved one is owed or paid,
    /// and withdrawing it would free its month for a second invoice of the same work; a
    /// rejected one is kept as the record of why.
    pub fn withdrawable(&self) -> Result<()> {
        if self.status == PartnerInvoiceStatus::Received {
            return Ok(());
        }
        Err(crate::Error::conflict(
            "status",
            Rule::InvalidTransition,
            format!(
                "the invoice is {}: a decided invoice is not withdrawn (archived)",
                <&str>::from(self.status)
            ),
        ))
    }
}

/// A change to a received invoice; its partner stays.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartnerInvoicePatch {
    pub number: Option<String>,
    pub month: Option<Month>,
    pub received_on: Option<Date>,
    pub currency: Option<Currency>,
    #[schema(min_items = 1)]
    pub lines: Option<Vec<PartnerInvoiceLine>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub notes: Option<Option<String>>,
}

impl PartnerInvoicePatch {
    pub fn apply(self, mut f: PartnerInvoiceFields) -> PartnerInvoiceFields {
        set(&mut f.number, self.number);
        set(&mut f.month, self.month);
        set(&mut f.received_on, self.received_on);
        set(&mut f.currency, self.currency);
        set(&mut f.lines, self.lines);
        set(&mut f.notes, self.notes);
        f
    }
}

#[derive(Debug, Clone, Default)]
pub struct PartnerInvoiceFilter {
    /// Only this partner's; a partner's managers are always held to their own.
    pub partner_id: Option<PartnerId>,
    pub month: Option<Month>,
    pub status: Option<PartnerInvoiceStatus>,
    pub archived: Option<bool>,
}

crate::sort_columns!(
    /// The columns a list of partner invoices sorts by.
    PartnerInvoiceSort { Month, Partner, Number, ReceivedOn, Status }
);

crate::plain_record!(
    PartnerInvoice,
    PartnerInvoice,
    PartnerInvoiceFields,
    PartnerInvoicePatch,
    PartnerInvoiceFilter,
    PartnerInvoiceSort
);

/// What the partner-collaboration team decides about a received invoice.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvoiceDecision {
    /// Required to approve an invoice that does not match to the cent (the accepted
    /// variance's reason) and to reject one.
    #[serde(default)]
    pub reason: Option<String>,
}

/// Partner invoices beyond their plain record life.
#[async_trait::async_trait]
pub trait PartnerInvoiceStore: Send + Sync {
    /// The invoice reconciled line by line against the approved hours as they stand.
    async fn reconcile_partner_invoice(&self, id: PartnerInvoiceId) -> Result<Reconciliation>;
    /// Approves a received invoice: plainly when every line matches, else only with a
    /// reason, recording the accepted variance. Audited.
    async fn approve_partner_invoice(
        &self,
        ctx: &WriteCtx,
        id: PartnerInvoiceId,
        v: IfVersion,
        d: InvoiceDecision,
    ) -> Result<PartnerInvoice>;
    /// Rejects a received invoice with a reason, freeing its month for a corrected one.
    async fn reject_partner_invoice(
        &self,
        ctx: &WriteCtx,
        id: PartnerInvoiceId,
        v: IfVersion,
        d: InvoiceDecision,
    ) -> Result<PartnerInvoice>;
    /// The partners that owe an invoice for a month whose deadline (the 15th of the next
    /// month) passed by `on` and have none live; one partner's only when given.
    async fn late_partner_invoices(&self, on: Date, partner: Option<PartnerId>) -> Result<Vec<LateInvoice>>;
    /// The partner's approved time priced at the authorised rate in each month from
    /// `from` to `to`, by consultant and project: what a matching invoice bills.
    async fn approved_partner_time(
        &self,
        partner: PartnerId,
        from: Month,
        to: Month,
        currency: Currency,
    ) -> Result<Vec<(Month, Vec<Unbilled>)>>;
    /// The partner's people and the projects it holds a live work authorization on: the
    /// only ids its own managers' invoice lines may name.
    async fn partner_invoice_facts(&self, partner: PartnerId) -> Result<reconcile::PartnerFacts>;
    /// The lines of an uploaded CSV, its consultants and projects looked up for the
    /// partner (see `csv`).
    async fn partner_invoice_lines(
        &self,
        partner: PartnerId,
        rows: &[csv::CsvLine],
        currency: Currency,
    ) -> Result<Vec<PartnerInvoiceLine>>;
}
