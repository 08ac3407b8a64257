//! The rules between a prime SOW and its work authorizations, and the funds arithmetic:
//! what the authorizations commit, what approved partner hours consume, what is left,
//! and when that is low. Pure functions; the store loads what they need.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::authorizations::WorkAuthorizationFields;
use super::prime_sows::{PrimeSowFields, PrimeSowStatus};
use crate::people::Function;
use crate::rule::Rule;
use crate::validate::Checks;
use crate::{Currency, Error, Money, Result};

/// An hourly rate paid for one role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartnerRate {
    pub role: Function,
    /// Per hour.
    #[schema(schema_with = crate::money::schema::positive)]
    pub rate: Money,
}

/// The rate of a role in a list of rates, if it has one.
pub fn rate_for(rates: &[PartnerRate], role: Function) -> Option<Money> {
    rates.iter().find(|r| r.role == role).map(|r| r.rate)
}

fn role_name(role: Function) -> &'static str {
    role.into()
}

/// A list of rates: at least one, each more than 0 in `currency` (the currency of
/// `money_field`), no role twice.
pub(crate) fn check_rates(c: &mut Checks, rates: &[PartnerRate], currency: Currency, money_field: &str) {
    c.check(
        !rates.is_empty(),
        "rates",
        Rule::Required,
        "rates needs at least one role's hourly rate",
    );
    for (i, r) in rates.iter().enumerate() {
        let field = format!("rates[{i}].rate");
        c.check(
            r.rate.amount_minor > 0,
            &field,
            Rule::Positive,
            format!("{field} must be more than 0"),
        );
        c.check(
            r.rate.currency == currency,
            &field,
            Rule::Currency,
            format!("{field} must be in {currency}, the currency of {money_field}"),
        );
        c.check(
            !rates[..i].iter().any(|o| o.role == r.role),
            &format!("rates[{i}].role"),
            Rule::Duplicate,
            format!("the role {} has two rates; give each role once", role_name(r.role)),
        );
    }
}

/// Checks a work authorization against the prime SOW it draws on: an active SOW (for a
/// new one), inside its dates, in its currency, each rate at most the SOW's rate for the
/// role, and a commitment within the funds the SOW's other authorizations leave
/// (`committed_elsewhere`).
pub fn check_authorization(
    wa: &WorkAuthorizationFields,
    sow: &PrimeSowFields,
    committed_elsewhere: Money,
    is_new: bool,
) -> Result<()> {
    let mut c = Checks::new();
    c.check(
        !is_new || sow.status == PrimeSowStatus::Active,
        "prime_sow_id",
        Rule::Gate,
        format!(
            "the prime SOW {} is {}: work authorizations draw only on an active prime SOW",
            sow.name,
            <&str>::from(sow.status)
        ),
    );
    c.check(
        sow.covers(wa.start_date),
        "start_date",
        Rule::WithinPrimeSow,
        format!(
            "start_date must lie inside the prime SOW's dates, {} to {}",
            crate::dates::format_date(sow.start_date),
            crate::dates::format_date(sow.end_date)
        ),
    );
    c.check(
        sow.covers(wa.end_date),
        "end_date",
        Rule::WithinPrimeSow,
        format!(
            "end_date must lie inside the prime SOW's dates, {} to {}",
            crate::dates::format_date(sow.start_date),
            crate::dates::format_date(sow.end_date)
        ),
    );
    let currency = sow.funds.currency;
    c.check(
        wa.committed.currency == currency,
        "committed",
        Rule::Currency,
        format!("committed must be in {currency}, the currency of the prime SOW's funds"),
    );
    for (i, r) in wa.rates.iter().enumerate() {
        let role = role_name(r.role);
        match rate_for(&sow.rates, r.role) {
            None => {
                c.check(
                    false,
                    &format!("rates[{i}].role"),
                    Rule::RateCeiling,
                    format!("the prime SOW {} has no rate for the role {role}", sow.name),
                );
            }
            Some(ceiling) => {
                c.check(
                    r.rate.currency != ceiling.currency || r.rate.amount_minor <= ceiling.amount_minor,
                    &format!("rates[{i}].rate"),
                    Rule::RateCeiling,
                    format!(
                        "the rate for {role}, {}, is above the prime SOW's rate for that role, {}",
                        r.rate.written(),
                        ceiling.written()
                    ),
                );
            }
        }
    }
    if wa.committed.currency == currency {
        let uncommitted = sow.funds.amount_minor - committed_elsewhere.amount_minor;
        c.check(
            wa.committed.amount_minor <= uncommitted,
            "committed",
            Rule::PartnerFunds,
            format!(
                "committed, {}, is more than the prime SOW's uncommitted funds, {}",
                wa.committed.written(),
                Money::new(uncommitted.max(0), currency).written()
            ),
        );
    }
    c.into_result()
}

/// Checks a change to a prime SOW against the authorizations already drawn on it: the
/// funds still cover what they commit, its dates still hold theirs and no rate falls
/// below one they pay.
pub fn check_prime_sow(sow: &PrimeSowFields, was: &[WorkAuthorizationFields]) -> Result<()> {
    let mut c = Checks::new();
    let committed: i64 = was
        .iter()
        .filter(|w| w.committed.currency == sow.funds.currency)
        .map(|w| w.committed.amount_minor)
        .sum();
    c.check(
        sow.funds.amount_minor >= committed,
        "funds",
        Rule::PartnerFunds,
        format!(
            "funds must cover what its work authorizations commit, {}",
            Money::new(committed, sow.funds.currency).written()
        ),
    );
    c.check(
        !was.iter().any(|w| w.committed.currency != sow.funds.currency),
        "funds",
        Rule::Currency,
        "funds must stay in the currency of the work authorizations drawn on it",
    );
    for w in was {
        c.check(
            sow.covers(w.start_date) && sow.covers(w.end_date),
            "start_date",
            Rule::WithinPrimeSow,
            format!("the dates must still hold those of the work authorization {}", w.name),
        );
        for r in &w.rates {
            let ok = rate_for(&sow.rates, r.role).is_some_and(|ceiling| ceiling.amount_minor >= r.rate.amount_minor);
            c.check(
                ok,
                "rates",
                Rule::RateCeiling,
                format!(
                    "the work authorization {} pays {} for {}: the prime SOW's rate for that role must stay at least that",
                    w.name,
                    r.rate.written(),
                    role_name(r.role)
                ),
            );
        }
    }
    c.into_result()
}

/// Where a prime SOW's funds stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct FundPosition {
    pub funds: Money,
    /// The sum of its work authorizations' commitments.
    pub committed: Money,
    /// Approved partner hours × the authorizations' rates.
    pub consumed: Money,
    /// Funds less consumed (negative when over-consumed).
    pub remaining: Money,
    /// Funds less committed: what a new work authorization may still commit.
    pub uncommitted: Money,
    /// Remaining as basis points of the funds, rounded down.
    pub remaining_bp: i64,
    /// Whether remaining is at or below the low-funds threshold: time to issue the next
    /// prime SOW.
    pub low: bool,
}

/// What `entries` approved entries of `minutes` each consume under a work authorization
/// paying `rate` an hour: each entry priced and rounded once, as the ledger prices it,
/// so a store may count equal entries together. None when the rate is not in the
/// authorization's `currency` (such hours consume none of its funds).
pub fn consumed_by(rate: Money, minutes: crate::Minutes, entries: i64, currency: Currency) -> Result<Option<Money>> {
    if rate.currency != currency {
        return Ok(None);
    }
    let one = crate::rates::cost_of(rate, minutes)?;
    one.amount_minor
        .checked_mul(entries)
        .map(|m| Some(Money::new(m, currency)))
        .ok_or_else(|| Error::invalid("consumed", Rule::Range, "consumed funds are too large to add up"))
}

/// The funds arithmetic of one prime SOW: `commitments` are its work authorizations'
/// committed amounts, `consumption` what approved hours under each cost; all in the
/// funds' currency (anything else is an error naming it). Low when remaining is at or
/// below `low_bp` basis points of the funds.
pub fn fund_position(funds: Money, commitments: &[Money], consumption: &[Money], low_bp: i64) -> Result<FundPosition> {
    let currency = funds.currency;
    let sum = |xs: &[Money], field: &str| -> Result<i64> {
        xs.iter().try_fold(0i64, |acc, m| {
            if m.currency != currency {
                return Err(Error::invalid(
                    field,
                    Rule::Currency,
                    format!("{field} must be in {currency}, the currency of the funds"),
                ));
            }
            acc.checked_add(m.amount_minor)
                .ok_or_else(|| Error::invalid(field, Rule::Range, "amount is too large"))
        })
    };
    let committed = sum(commitments, "committed")?;
    let consumed = sum(consumption, "consumed")?;
    let remaining = funds.amount_minor - consumed;
    let remaining_bp = if funds.amount_minor > 0 {
        (i128::from(remaining) * 10_000).div_euclid(i128::from(funds.amount_minor)) as i64
    } else {
        0
    };
    Ok(FundPosition {
        funds,
        committed: Money::new(committed, currency),
        consumed: Money::new(consumed, currency),
        remaining: Money::new(remaining, currency),
        uncommitted: Money::new(funds.amount_minor - committed, currency),
        remaining_bp,
        low: remaining_bp <= low_bp,
    })
}

#[cfg(test)]
#[path = "funds_tests.rs"]
mod tests;
