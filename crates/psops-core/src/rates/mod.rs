//! Rates: what an hour of a role is billed (rate cards, project overrides) and costs
//! (people's cost rates, standard costs per role and region), and FX rates into the
//! reporting currency. Rates are effective-dated: a period runs from its first day to its
//! last (inclusive, open when unset), and periods of one rate never overlap.
//!
//! Rounding (see `docs/money.md`): every product is computed exactly in 128-bit integers
//! and rounded once, half away from zero, to the currency's minor unit — an hourly rate
//! times a duration per line, an amount times an FX rate per conversion.

pub mod cards;
pub mod fx;

pub use cards::{CostRate, ProjectRate, RateKind, RoleRate};
pub use fx::{FxRate, Rate};

use time::Date;

use crate::rule::Rule;
use crate::validate::Checks;
use crate::{Error, Minutes, Money, Result};

/// Divides exactly, rounding half away from zero.
pub fn div_round(n: i128, d: i128) -> i128 {
    debug_assert!(d > 0);
    let q = n / d;
    let r = n % d;
    if 2 * r.abs() >= d { q + n.signum() } else { q }
}

fn to_money(minor: i128, currency: crate::Currency, field: &str) -> Result<Money> {
    i64::try_from(minor)
        .map(|m| Money::new(m, currency))
        .map_err(|_| Error::invalid(field, Rule::Range, format!("{field} is too large to compute")))
}

/// An hourly rate times a duration: `rate × minutes ÷ 60`, rounded once to the minor
/// unit, half away from zero.
pub fn cost_of(hourly: Money, minutes: Minutes) -> Result<Money> {
    let minor = div_round(i128::from(hourly.amount_minor) * i128::from(minutes.get()), 60);
    to_money(minor, hourly.currency, "amount")
}

/// Whether two inclusive date periods share a day; an unset end runs on for ever.
pub fn overlaps(a: (Date, Option<Date>), b: (Date, Option<Date>)) -> bool {
    a.1.is_none_or(|end| end >= b.0) && b.1.is_none_or(|end| end >= a.0)
}

/// Checks an effective period and a rate as every rate record has them.
pub(crate) fn check_period(c: &mut Checks, rate: Money, from: Date, to: Option<Date>) {
    c.check(
        rate.amount_minor >= 0,
        "rate",
        Rule::NotNegative,
        "rate must not be negative",
    );
    if let Some(to) = to {
        c.check(
            to >= from,
            "effective_to",
            Rule::AfterStart,
            "effective_to must be on or after effective_from",
        );
    }
}

/// The message of two rate periods that overlap.
pub fn overlap_error(what: &str, other_from: Date, other_to: Option<Date>) -> Error {
    Error::invalid(
        "effective_from",
        Rule::Overlap,
        format!(
            "{what} already has a rate from {} {}: periods of one rate must not overlap",
            crate::dates::format_date(other_from),
            other_to
                .map(|d| format!("to {}", crate::dates::format_date(d)))
                .unwrap_or_else(|| "with no end".into())
        ),
    )
}

/// The rate in force on `date` among periods `(from, to, rate)`.
pub fn in_force<T: Copy>(periods: impl IntoIterator<Item = (Date, Option<Date>, T)>, date: Date) -> Option<T> {
    periods
        .into_iter()
        .filter(|(from, to, _)| *from <= date && to.is_none_or(|t| t >= date))
        .max_by_key(|(from, ..)| *from)
        .map(|(.., r)| r)
}

/// The bill rate of a role on a project on a date: the project's override when one is in
/// force, else the rate card of the project's region and currency.
pub fn bill_rate(
    overrides: &[ProjectRate],
    card: &[RoleRate],
    role: crate::people::Function,
    date: Date,
) -> Option<Money> {
    in_force(
        overrides
            .iter()
            .filter(|o| o.fields.role == role && !o.meta.is_archived())
            .map(|o| (o.fields.effective_from, o.fields.effective_to, o.fields.rate)),
        date,
    )
    .or_else(|| {
        in_force(
            card.iter()
                .filter(|r| r.fields.kind == RateKind::Bill && r.fields.role == role && !r.meta.is_archived())
                .map(|r| (r.fields.effective_from, r.fields.effective_to, r.fields.rate)),
            date,
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Currency;
    use time::macros::date;

    fn usd(minor: i64) -> Money {
        Money::new(minor, Currency::USD)
    }

    #[test]
    fn rate_times_hours_rounds_once_half_away_from_zero() {
        // 95.50/h for 40 h is exact.
        assert_eq!(cost_of(usd(9_550), Minutes(2_400)).unwrap(), usd(382_000));
        // 100.01/h for 1 minute = 1.66833…: 1.67.
        assert_eq!(cost_of(usd(10_001), Minutes(1)).unwrap(), usd(167));
        // 0.30/h for 1 minute = 0.005: half rounds away from zero, 0.01.
        assert_eq!(cost_of(usd(30), Minutes(1)).unwrap(), usd(1));
        // just under half (0.29/h for 1 minute = 0.00483…) rounds down.
        assert_eq!(cost_of(usd(29), Minutes(1)).unwrap(), usd(0));
        // a negative correction rounds away from zero too.
        assert_eq!(cost_of(usd(30), Minutes(-1)).unwrap(), usd(-1));
        // JPY has no minor unit: 1,000/h for 15 minutes is 250, 1,001 is 250.25 → 250.
        let jpy: Currency = "JPY".parse().unwrap();
        assert_eq!(
            cost_of(Money::new(1_001, jpy), Minutes(15)).unwrap(),
            Money::new(250, jpy)
        );
        assert_eq!(
            cost_of(Money::new(1_002, jpy), Minutes(15)).unwrap(),
            Money::new(251, jpy)
        );
        // Too large for 64 bits is an error, not a wrap.
        assert!(cost_of(usd(i64::MAX), Minutes(600)).is_err());
    }

    #[test]
    fn periods_overlap_when_they_share_a_day() {
        let jan = (date!(2026 - 01 - 01), Some(date!(2026 - 01 - 31)));
        assert!(overlaps(jan, (date!(2026 - 01 - 31), None)));
        assert!(!overlaps(jan, (date!(2026 - 02 - 01), None)));
        assert!(overlaps((date!(2026 - 03 - 01), None), (date!(2025 - 01 - 01), None)));
        assert!(!overlaps(
            (date!(2026 - 03 - 01), None),
            (date!(2025 - 01 - 01), Some(date!(2026 - 02 - 28)))
        ));
    }

    #[test]
    fn the_rate_in_force_is_the_one_whose_period_holds_the_day() {
        let periods = [
            (date!(2026 - 01 - 01), Some(date!(2026 - 06 - 30)), 1),
            (date!(2026 - 07 - 01), None, 2),
        ];
        assert_eq!(in_force(periods, date!(2025 - 12 - 31)), None);
        assert_eq!(in_force(periods, date!(2026 - 06 - 30)), Some(1));
        assert_eq!(in_force(periods, date!(2030 - 01 - 01)), Some(2));
        let gap = [(date!(2026 - 01 - 01), Some(date!(2026 - 01 - 31)), 1)];
        assert_eq!(in_force(gap, date!(2026 - 02 - 01)), None);
    }
}
