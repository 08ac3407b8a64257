//! FX rates: how many units of the reporting currency one unit of another currency was
//! worth from a date on. Entered or imported; psops never fetches them.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::Date;
use utoipa::ToSchema;

use crate::id::Id;
use crate::meta::Meta;
use crate::patch::set;
use crate::rule::Rule;
use crate::validate::Checks;
use crate::{Currency, Error, Money, Result};

pub type FxRateId = Id<FxRate>;

/// Decimal places an FX rate keeps.
pub const RATE_DECIMALS: u32 = 9;
const SCALE: i128 = 1_000_000_000;

/// A positive decimal rate kept exactly, to nine decimal places; written as text
/// (`"1.085"`) so no client reads it through a float.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Rate(i64);

impl Rate {
    /// The rate in billionths.
    pub fn from_nanos(n: i64) -> Rate {
        Rate(n)
    }

    pub fn nanos(self) -> i64 {
        self.0
    }

    pub fn parse(text: &str, field: &str) -> Result<Rate> {
        let bad = || {
            Error::invalid(
                field,
                Rule::Decimal,
                format!("{field} must be a positive decimal number with at most {RATE_DECIMALS} decimals, e.g. 1.085"),
            )
        };
        let t = text.trim();
        let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
        if whole.is_empty() && frac.is_empty()
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
            || frac.len() > RATE_DECIMALS as usize
            || whole.len() > 9
        {
            return Err(bad());
        }
        let whole: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| bad())?
        };
        let frac_n: i64 = if frac.is_empty() {
            0
        } else {
            frac.parse().map_err(|_| bad())?
        };
        let nanos = whole * SCALE as i64 + frac_n * 10i64.pow(RATE_DECIMALS - frac.len() as u32);
        if nanos <= 0 {
            return Err(bad());
        }
        Ok(Rate(nanos))
    }
}

impl std::fmt::Display for Rate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let whole = self.0 / SCALE as i64;
        let frac = format!("{:09}", self.0 % SCALE as i64);
        let frac = frac.trim_end_matches('0');
        if frac.is_empty() {
            write!(f, "{whole}")
        } else {
            write!(f, "{whole}.{frac}")
        }
    }
}

impl Serialize for Rate {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Rate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Rate::parse(&text, "rate").map_err(serde::de::Error::custom)
    }
}

/// Exactly what [`Rate::parse`] takes: blanks around; up to 9 digits, a point and up to
/// 9 decimals (one side may be empty, not both); more than zero. Written out by where the
/// first digit other than 0 is, since a pattern cannot count the digits of two parts.
fn rate_pattern() -> String {
    let blanks = crate::validate::BLANKS;
    let d = RATE_DECIMALS as usize;
    let first_nonzero = |most: usize| -> String {
        (0..most)
            .map(|k| format!("0{{{k}}}[1-9][0-9]{{0,{}}}", most - 1 - k))
            .collect::<Vec<_>>()
            .join("|")
    };
    let in_whole = format!("({})(\\.[0-9]{{0,{d}}})?", first_nonzero(9));
    let in_fraction = format!("0{{0,9}}\\.({})", first_nonzero(d));
    format!("^[{blanks}]*({in_whole}|{in_fraction})[{blanks}]*$")
}

impl utoipa::PartialSchema for Rate {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some(rate_pattern()))
            .description(Some(
                "A positive decimal with at most 9 decimals, as text so that it stays exact, e.g. \"1.085\"",
            ))
            .examples(["1.085"])
            .into()
    }
}
impl ToSchema for Rate {}

/// Converts an amount with a rate into `to`: exact in 128 bits, rounded once to `to`'s
/// minor unit, half away from zero.
pub fn convert(amount: Money, rate: Rate, to: Currency) -> Result<Money> {
    let from_exp = amount.currency.exponent();
    let to_exp = to.exponent();
    let n = i128::from(amount.amount_minor) * i128::from(rate.0) * 10i128.pow(to_exp);
    let d = SCALE * 10i128.pow(from_exp);
    let minor = super::div_round(n, d);
    i64::try_from(minor)
        .map(|m| Money::new(m, to))
        .map_err(|_| Error::invalid("amount", Rule::Range, "amount is too large to convert"))
}

/// One FX rate: one unit of `currency` in `quote` (the reporting currency) from `date` on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FxRateFields {
    pub currency: Currency,
    /// The currency the rate converts into: the organisation's reporting currency.
    pub quote: Currency,
    pub date: Date,
    pub rate: Rate,
}

impl FxRateFields {
    pub fn validate(&self) -> Result<()> {
        let mut c = Checks::new();
        c.check(
            self.currency != self.quote,
            "currency",
            Rule::DependsOn,
            "currency must differ from quote: a currency's rate to itself is 1",
        );
        c.into_result()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FxRate {
    pub id: FxRateId,
    #[serde(flatten)]
    pub fields: FxRateFields,
    #[serde(flatten)]
    pub meta: Meta,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FxRatePatch {
    pub date: Option<Date>,
    pub rate: Option<Rate>,
}

impl FxRatePatch {
    pub fn apply(self, mut f: FxRateFields) -> FxRateFields {
        set(&mut f.date, self.date);
        set(&mut f.rate, self.rate);
        f
    }
}

#[derive(Debug, Clone, Default)]
pub struct FxRateFilter {
    pub currency: Option<Currency>,
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub archived: Option<bool>,
}

crate::plain_record!(FxRate, FxRate, FxRateFields, FxRatePatch, FxRateFilter, FxSort);

crate::sort_columns!(
    /// The columns a list of FX rates sorts by.
    FxSort { Date, Currency }
);

/// The rate of `currency` into `quote` on `date`: the latest dated on or before it.
pub fn rate_on(rates: &[FxRate], currency: Currency, quote: Currency, date: Date) -> Option<Rate> {
    if currency == quote {
        return Some(Rate(SCALE as i64));
    }
    rates
        .iter()
        .filter(|r| {
            r.fields.currency == currency && r.fields.quote == quote && r.fields.date <= date && !r.meta.is_archived()
        })
        .max_by_key(|r| r.fields.date)
        .map(|r| r.fields.rate)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cur(c: &str) -> Currency {
        c.parse().unwrap()
    }

    #[test]
    fn rates_parse_exactly_and_print_back() {
        assert_eq!(Rate::parse("1.085", "rate").unwrap().nanos(), 1_085_000_000);
        assert_eq!(Rate::parse("0.000000001", "rate").unwrap().nanos(), 1);
        assert_eq!(Rate::parse("150", "rate").unwrap().to_string(), "150");
        assert_eq!(Rate::parse(".5", "rate").unwrap().to_string(), "0.5");
        for bad in ["", "0", "-1.2", "1.0000000001", "1e3", "1,2", "abc", "1234567890"] {
            assert!(Rate::parse(bad, "rate").is_err(), "{bad}");
        }
        let r: Rate = serde_json::from_str("\"1.1\"").unwrap();
        assert_eq!(serde_json::to_string(&r).unwrap(), "\"1.1\"");
    }

    #[test]
    fn conversion_rounds_once_at_the_target_minor_unit() {
        let eur = cur("EUR");
        let usd = Currency::USD;
        let r = Rate::parse("1.085", "rate").unwrap();
        // 100.00 EUR × 1.085 = 108.50 USD exactly.
        assert_eq!(
            convert(Money::new(10_000, eur), r, usd).unwrap(),
            Money::new(10_850, usd)
        );
        // 0.01 EUR × 1.085 = 0.01085 → 0.01; 0.05 × 1.1 = 0.055 → 0.06 (half away from zero).
        assert_eq!(convert(Money::new(1, eur), r, usd).unwrap(), Money::new(1, usd));
        let r11 = Rate::parse("1.1", "rate").unwrap();
        assert_eq!(convert(Money::new(5, eur), r11, usd).unwrap(), Money::new(6, usd));
        assert_eq!(convert(Money::new(-5, eur), r11, usd).unwrap(), Money::new(-6, usd));
        // Into and out of a currency without minor units.
        let jpy = cur("JPY");
        let r150 = Rate::parse("0.0066667", "rate").unwrap();
        assert_eq!(
            convert(Money::new(15_000, jpy), r150, usd).unwrap(),
            Money::new(10_000, usd)
        );
        let usd_jpy = Rate::parse("149.5", "rate").unwrap();
        assert_eq!(convert(Money::new(1, usd), usd_jpy, jpy).unwrap(), Money::new(1, jpy));
        assert_eq!(
            convert(Money::new(100, usd), usd_jpy, jpy).unwrap(),
            Money::new(150, jpy)
        );
        assert!(convert(Money::new(i64::MAX, usd), usd_jpy, jpy).is_err());
    }

    #[test]
    fn the_rate_on_a_day_is_the_latest_dated_before_it() {
        use time::macros::date;
        let mk = |d: Date, r: &str| FxRate {
            id: Id::new(1),
            fields: FxRateFields {
                currency: cur("EUR"),
                quote: Currency::USD,
                date: d,
                rate: Rate::parse(r, "rate").unwrap(),
            },
            meta: Meta::fresh(time::OffsetDateTime::UNIX_EPOCH),
        };
        let rates = [mk(date!(2026 - 01 - 01), "1.08"), mk(date!(2026 - 02 - 01), "1.09")];
        assert_eq!(rate_on(&rates, cur("EUR"), Currency::USD, date!(2025 - 12 - 31)), None);
        assert_eq!(
            rate_on(&rates, cur("EUR"), Currency::USD, date!(2026 - 01 - 31)).map(|r| r.to_string()),
            Some("1.08".into())
        );
        assert_eq!(
            rate_on(&rates, Currency::USD, Currency::USD, date!(2020 - 01 - 01)).map(|r| r.nanos()),
            Some(1_000_000_000)
        );
    }
}
