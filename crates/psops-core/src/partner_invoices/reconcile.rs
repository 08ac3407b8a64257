//! Reconciling a partner's monthly invoice to the cent: each line against that
//! consultant's approved minutes on that project between the line's dates × the
//! authorised rate of each entry's day; the approval rule on the result; and which
//! partners are late with an invoice. Pure functions; the store loads what they read.
//!
//! The expected amount is the approved hours at each authorised rate, rounded to the
//! cent once per rate — the arithmetic of an invoice line (hours × rate), so an honest
//! invoice matches exactly. The funds arithmetic rounds once per time entry instead (as
//! the ledger prices each entry), so the two may differ by a cent per entry; the invoice
//! is judged by the hours, not by the ledger's rounding.

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;
use time::Date;
use utoipa::ToSchema;

use super::{PartnerInvoiceFields, PartnerInvoiceId};
use crate::finance::month::Month;
use crate::partners::PartnerId;
use crate::people::PersonId;
use crate::projects::ProjectId;
use crate::rates::cost_of;
use crate::rule::Rule;
use crate::{Error, Minutes, Money, Result};

/// One approved time entry of a partner consultant, priced at the authorised rate of
/// its day (the work authorization's rate for their role); none when no authorization
/// of the partner prices it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApprovedWork {
    pub person_id: PersonId,
    pub project_id: ProjectId,
    pub date: Date,
    pub minutes: Minutes,
    pub rate: Option<Money>,
}

/// What the reconciliation knows of the partner: its people and the projects it holds
/// a live work authorization on.
#[derive(Debug, Clone, Default)]
pub struct PartnerFacts {
    pub people: HashSet<PersonId>,
    pub projects: HashSet<ProjectId>,
}

/// How one line stands against the approved hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Billed exactly what the approved hours at the authorised rate come to.
    Matched,
    /// Billed more.
    Over,
    /// Billed less.
    Under,
    /// Nothing to match it with: the consultant is not the partner's, the project is
    /// under none of its work authorizations, or there is no approved, priced time.
    Unknown,
}

/// One line reconciled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct LineOutcome {
    /// The line's place on the invoice, from 0.
    pub index: usize,
    pub outcome: Outcome,
    /// Why an unknown line is unknown.
    pub why: Option<String>,
    pub billed_minutes: Minutes,
    pub billed_total: Money,
    /// Approved minutes of the consultant on the project between the line's dates.
    pub expected_minutes: Minutes,
    /// Those minutes at the authorised rate, rounded per entry.
    pub expected_total: Money,
    /// The authorised rate, when one rate priced every expected minute.
    pub authorised_rate: Option<Money>,
    /// Billed − expected, in minor units of the invoice's currency.
    pub difference: Money,
}

/// Approved, priced time of the partner in the month that no line bills.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Unbilled {
    pub person_id: PersonId,
    pub project_id: ProjectId,
    pub minutes: Minutes,
    pub amount: Money,
    /// The authorised rate, when one rate priced every minute.
    pub rate: Option<Money>,
}

/// An invoice reconciled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Reconciliation {
    pub invoice_id: PartnerInvoiceId,
    pub lines: Vec<LineOutcome>,
    pub billed: Money,
    pub expected: Money,
    /// Σ of the differences of the lines that do not match: what approving accepts.
    pub variance: Money,
    /// Every line matched: the invoice approves without a reason.
    pub matched: bool,
    pub unbilled: Vec<Unbilled>,
}

/// Reconciles an invoice. Each approved entry is claimed by the first line (in invoice
/// order) of its consultant and project whose dates hold it, so two lines never both
/// count the same hours. Entries in another currency than the invoice's are not expected
/// (the store refuses such an invoice for a project under a work authorization).
pub fn reconcile(
    id: PartnerInvoiceId,
    inv: &PartnerInvoiceFields,
    facts: &PartnerFacts,
    work: &[ApprovedWork],
) -> Result<Reconciliation> {
    let currency = inv.currency;
    let month = inv.month;
    let mut claimed = vec![false; work.len()];
    let mut lines = Vec::with_capacity(inv.lines.len());
    for (index, l) in inv.lines.iter().enumerate() {
        let why = if !facts.people.contains(&l.person_id) {
            Some("the consultant is not one of the partner's people")
        } else if !facts.projects.contains(&l.project_id) {
            Some("the project is under no work authorization of the partner")
        } else {
            None
        };
        let mut at_rate: BTreeMap<i64, i64> = BTreeMap::new();
        if why.is_none() {
            for (i, w) in work.iter().enumerate() {
                let Some(rate) = w.rate.filter(|r| r.currency == currency) else {
                    continue;
                };
                if claimed[i]
                    || w.person_id != l.person_id
                    || w.project_id != l.project_id
                    || w.date < l.from_date
                    || w.date > l.to_date
                {
                    continue;
                }
                claimed[i] = true;
                *at_rate.entry(rate.amount_minor).or_default() += w.minutes.get();
            }
        }
        let minutes: i64 = at_rate.values().sum();
        let amount = priced(&at_rate, currency)?;
        let why = why.or((minutes == 0).then_some("no approved time of the consultant on the project in these dates"));
        let difference = l.total.amount_minor - amount;
        let outcome = match (why, difference) {
            (Some(_), _) => Outcome::Unknown,
            (None, 0) => Outcome::Matched,
            (None, d) if d > 0 => Outcome::Over,
            _ => Outcome::Under,
        };
        lines.push(LineOutcome {
            index,
            outcome,
            why: why.map(str::to_string),
            billed_minutes: l.minutes,
            billed_total: l.total,
            expected_minutes: Minutes(minutes),
            expected_total: Money::new(amount, currency),
            authorised_rate: (at_rate.len() == 1)
                .then(|| at_rate.keys().next().map(|r| Money::new(*r, currency)))
                .flatten(),
            difference: Money::new(difference, currency),
        });
    }
    let mut unbilled: BTreeMap<(PersonId, ProjectId), BTreeMap<i64, i64>> = BTreeMap::new();
    for (i, w) in work.iter().enumerate() {
        let Some(rate) = w.rate.filter(|r| r.currency == currency) else {
            continue;
        };
        if claimed[i] || Month::of(w.date) != month || !facts.people.contains(&w.person_id) {
            continue;
        }
        *unbilled
            .entry((w.person_id, w.project_id))
            .or_default()
            .entry(rate.amount_minor)
            .or_default() += w.minutes.get();
    }
    let sum = |f: &dyn Fn(&LineOutcome) -> i64| lines.iter().try_fold(0i64, |acc, l| add(acc, f(l)));
    let billed = sum(&|l| l.billed_total.amount_minor)?;
    let expected = sum(&|l| l.expected_total.amount_minor)?;
    let variance = sum(&|l| {
        if l.outcome == Outcome::Matched {
            0
        } else {
            l.difference.amount_minor
        }
    })?;
    Ok(Reconciliation {
        invoice_id: id,
        matched: lines.iter().all(|l| l.outcome == Outcome::Matched),
        lines,
        billed: Money::new(billed, currency),
        expected: Money::new(expected, currency),
        variance: Money::new(variance, currency),
        unbilled: unbilled
            .into_iter()
            .map(|((person_id, project_id), at_rate)| {
                Ok(Unbilled {
                    person_id,
                    project_id,
                    minutes: Minutes(at_rate.values().sum()),
                    amount: Money::new(priced(&at_rate, currency)?, currency),
                    rate: (at_rate.len() == 1)
                        .then(|| at_rate.keys().next().map(|r| Money::new(*r, currency)))
                        .flatten(),
                })
            })
            .collect::<Result<_>>()?,
    })
}

/// Minutes at each hourly rate (minor units) priced: hours × rate, rounded to the cent
/// once per rate, as an invoice line is.
fn priced(at_rate: &BTreeMap<i64, i64>, currency: crate::Currency) -> Result<i64> {
    at_rate.iter().try_fold(0i64, |acc, (rate, minutes)| {
        add(
            acc,
            cost_of(Money::new(*rate, currency), Minutes(*minutes))?.amount_minor,
        )
    })
}

fn add(a: i64, b: i64) -> Result<i64> {
    a.checked_add(b)
        .ok_or_else(|| Error::invalid("lines", Rule::Range, "amount is too large"))
}

/// The approval rule: an invoice that matches to the cent approves plainly; any other
/// only with a non-empty reason for accepting its variance (409, rule `variance_reason`,
/// naming the lines that do not match and their total difference). Gives the variance
/// to record (none when it matched) and the trimmed reason.
pub fn check_approval(r: &Reconciliation, reason: Option<&str>) -> Result<(Option<Money>, Option<String>)> {
    let reason = reason.map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
    if r.matched {
        return Ok((None, reason));
    }
    if reason.is_none() {
        let unmatched: Vec<String> = r
            .lines
            .iter()
            .filter(|l| l.outcome != Outcome::Matched)
            .map(|l| format!("line {} ({})", l.index + 1, outcome_word(l.outcome)))
            .collect();
        return Err(Error::conflict(
            "reason",
            Rule::VarianceReason,
            format!(
                "{} {} not match the approved hours at the authorised rate (billed − expected: {}); \
                 approve only with a reason for accepting the variance",
                unmatched.join(", "),
                if unmatched.len() == 1 { "does" } else { "do" },
                signed(r.variance)
            ),
        ));
    }
    Ok((Some(r.variance), reason))
}

/// A difference with its sign, e.g. `+$120.00`.
pub fn signed(m: Money) -> String {
    if m.amount_minor > 0 {
        format!("+{}", m.written())
    } else {
        m.written()
    }
}

pub fn outcome_word(o: Outcome) -> &'static str {
    match o {
        Outcome::Matched => "matched",
        Outcome::Over => "over",
        Outcome::Under => "under",
        Outcome::Unknown => "unknown",
    }
}

/// A partner late with a month's invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct LateInvoice {
    pub partner_id: PartnerId,
    pub partner_name: String,
    pub month: Month,
    /// The last day it was due: the 15th of the next month.
    pub due_on: Date,
}

/// The day a month's invoice is due: the 15th of the following month (submitted in its
/// first week, chased after the 15th).
pub fn due_on(month: Month) -> Date {
    month.next().first().replace_day(15).expect("every month has a 15th")
}

/// The months a partner owes an invoice for: every month one of its live work
/// authorizations is in force (`windows`), from `since` on, whose due day is before
/// `on`, and for which no live invoice was received (`received`).
pub fn late_months(windows: &[(Date, Date)], received: &HashSet<Month>, since: Month, on: Date) -> Vec<Month> {
    let mut owed: Vec<Month> = Vec::new();
    for (start, end) in windows {
        let first = Month::of(*start).max(since);
        let last = Month::of(*end);
        if first > last {
            continue;
        }
        for m in first.through(last) {
            if due_on(m) < on && !received.contains(&m) && !owed.contains(&m) {
                owed.push(m);
            }
        }
    }
    owed.sort();
    owed
}

#[cfg(test)]
#[path = "reconcile_tests.rs"]
mod tests;
