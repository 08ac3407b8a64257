//! Money: integer minor units with an ISO 4217 currency. No floating point comes near it.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use utoipa::ToSchema;

use crate::error::{Error, Result};
use crate::rule::Rule;

/// An ISO 4217 alphabetic code: three ASCII capital letters.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency([u8; 3]);

impl Currency {
    pub const USD: Currency = Currency(*b"USD");

    pub fn as_str(&self) -> &str {
        // Only ASCII capitals are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("XXX")
    }

    /// Digits after the decimal point in the currency's minor unit (ISO 4217).
    pub fn exponent(&self) -> u32 {
        match self.as_str() {
            "BIF" | "CLP" | "DJF" | "GNF" | "ISK" | "JPY" | "KMF" | "KRW" | "PYG" | "RWF" | "UGX" | "UYI" | "VND"
            | "VUV" | "XAF" | "XOF" | "XPF" => 0,
            "BHD" | "IQD" | "JOD" | "KWD" | "LYD" | "OMR" | "TND" => 3,
            _ => 2,
        }
    }
}

impl FromStr for Currency {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let b = s.as_bytes();
        if b.len() == 3 && b.iter().all(u8::is_ascii_uppercase) {
            Ok(Currency([b[0], b[1], b[2]]))
        } else {
            Err(Error::invalid(
                "currency",
                Rule::Iso4217,
                "currency must be an ISO 4217 code of three capital letters, like USD",
            ))
        }
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}
impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(|_| {
            serde::de::Error::custom("currency must be an ISO 4217 code of three capital letters, like USD")
        })
    }
}
impl utoipa::PartialSchema for Currency {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some("^[A-Z]{3}$"))
            .description(Some("ISO 4217 currency code"))
            .into()
    }
}
impl ToSchema for Currency {}

/// An amount of money in the currency's minor unit (cents for USD).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
pub struct Money {
    /// Integer amount in minor units, e.g. 123456 is 1,234.56 USD.
    pub amount_minor: i64,
    pub currency: Currency,
}

/// The schemas of amounts that the validators keep from being negative, or zero and
/// below, for `#[schema(schema_with = …)]` beside such a field: the document states the
/// rule as the least `amount_minor`, so a client knows it before the server says so.
/// The `_or_null` forms are for optional amounts and for patches, where null is absent.
pub mod schema {
    use serde_json::{Value, json};
    use utoipa::PartialSchema;
    use utoipa::openapi::{RefOr, schema::Schema};

    use super::Money;

    fn least(minimum: i64, nullable: bool) -> RefOr<Schema> {
        let mut money = serde_json::to_value(Money::schema()).unwrap_or(Value::Null);
        money["properties"]["amount_minor"]["minimum"] = json!(minimum);
        if nullable {
            money = json!({"oneOf": [money, {"type": "null"}]});
        }
        // The schema is utoipa's own, read back with one bound more: it always reads.
        serde_json::from_value(money).unwrap_or_else(|_| Money::schema())
    }

    /// An amount of 0 or more (a rate, a price, a value).
    pub fn not_negative() -> RefOr<Schema> {
        least(0, false)
    }

    pub fn not_negative_or_null() -> RefOr<Schema> {
        least(0, true)
    }

    /// An amount of more than 0 (funds, a committed sum, a partner's hourly rate).
    pub fn positive() -> RefOr<Schema> {
        least(1, false)
    }

    pub fn positive_or_null() -> RefOr<Schema> {
        least(1, true)
    }
}

impl Money {
    pub fn new(amount_minor: i64, currency: Currency) -> Self {
        Self { amount_minor, currency }
    }

    /// Parses a decimal amount like `1234.5` into minor units, refusing more digits than
    /// the currency has and anything that is not a plain decimal number.
    pub fn parse(amount: &str, currency: Currency) -> Result<Self> {
        let bad = || {
            Error::invalid(
                "amount",
                Rule::Decimal,
                format!(
                    "amount must be a decimal number with at most {} decimals",
                    currency.exponent()
                ),
            )
        };
        let s = amount.trim().replace(',', "");
        let (neg, s) = match s.strip_prefix('-') {
            Some(rest) => (true, rest.to_string()),
            None => (false, s),
        };
        let (whole, frac) = s.split_once('.').unwrap_or((&s, ""));
        let exp = currency.exponent() as usize;
        if whole.is_empty() && frac.is_empty()
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
            || frac.len() > exp
        {
            return Err(bad());
        }
        let whole: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| bad())?
        };
        let mut frac_units: i64 = if frac.is_empty() {
            0
        } else {
            frac.parse().map_err(|_| bad())?
        };
        frac_units *= 10i64.pow((exp - frac.len()) as u32);
        let minor = whole
            .checked_mul(10i64.pow(exp as u32))
            .and_then(|w| w.checked_add(frac_units))
            .ok_or_else(bad)?;
        Ok(Self::new(if neg { -minor } else { minor }, currency))
    }

    /// Adds two amounts of the same currency; different currencies never mix silently.
    pub fn checked_add(self, other: Money) -> Option<Money> {
        (self.currency == other.currency)
            .then(|| self.amount_minor.checked_add(other.amount_minor))
            .flatten()
            .map(|m| Money::new(m, self.currency))
    }

    /// The amount `n` times over (a price per seat × seats); none past what fits.
    pub fn checked_times(self, n: i64) -> Option<Money> {
        self.amount_minor.checked_mul(n).map(|m| Money::new(m, self.currency))
    }
}

impl Money {
    /// The amount as a document writes it: thousands grouped, the currency's symbol where
    /// it has a common one (`$60,000.00`, `€1,250.00`, `£80.00`), else its code first
    /// (`AUD 1,250.00`).
    pub fn written(&self) -> String {
        let exp = self.currency.exponent();
        let abs = self.amount_minor.unsigned_abs();
        let p = 10u64.pow(exp);
        let whole = (abs / p).to_string();
        let mut grouped = String::new();
        for (i, ch) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(ch);
        }
        let number = if exp == 0 {
            grouped
        } else {
            format!("{grouped}.{:0w$}", abs % p, w = exp as usize)
        };
        let sign = if self.amount_minor < 0 { "-" } else { "" };
        match self.currency.as_str() {
            "USD" => format!("{sign}${number}"),
            "EUR" => format!("{sign}€{number}"),
            "GBP" => format!("{sign}£{number}"),
            code => format!("{sign}{code} {number}"),
        }
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let exp = self.currency.exponent();
        let sign = if self.amount_minor < 0 { "-" } else { "" };
        let abs = self.amount_minor.unsigned_abs();
        if exp == 0 {
            write!(f, "{sign}{abs} {}", self.currency)
        } else {
            let p = 10u64.pow(exp);
            write!(
                f,
                "{sign}{}.{:0w$} {}",
                abs / p,
                abs % p,
                self.currency,
                w = exp as usize
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn usd() -> Currency {
        "USD".parse().unwrap()
    }

    #[test]
    fn parses_decimals_exactly() {
        assert_eq!(Money::parse("1234.5", usd()).unwrap().amount_minor, 123450);
        assert_eq!(Money::parse("0.07", usd()).unwrap().amount_minor, 7);
        assert_eq!(Money::parse("-3", usd()).unwrap().amount_minor, -300);
        assert_eq!(Money::parse("12", "JPY".parse().unwrap()).unwrap().amount_minor, 12);
        assert!(Money::parse("1.234", usd()).is_err());
        assert!(Money::parse("1e3", usd()).is_err());
        assert!(Money::parse("", usd()).is_err());
        assert!(Money::parse("1.5", "JPY".parse().unwrap()).is_err());
    }

    #[test]
    fn written_amounts_group_thousands() {
        assert_eq!(Money::new(6_000_000, usd()).written(), "$60,000.00");
        assert_eq!(Money::new(-99, usd()).written(), "-$0.99");
        assert_eq!(
            Money::new(123_456_789, "AUD".parse().unwrap()).written(),
            "AUD 1,234,567.89"
        );
        assert_eq!(Money::new(1_000, "JPY".parse().unwrap()).written(), "JPY 1,000");
    }

    #[test]
    fn currency_must_be_three_capitals() {
        assert!("usd".parse::<Currency>().is_err());
        assert!("US".parse::<Currency>().is_err());
        assert_eq!("EUR".parse::<Currency>().unwrap().to_string(), "EUR");
    }

    #[test]
    fn never_adds_across_currencies() {
        let a = Money::new(100, usd());
        let b = Money::new(100, "EUR".parse().unwrap());
        assert_eq!(a.checked_add(b), None);
        assert_eq!(a.checked_add(a).unwrap().amount_minor, 200);
    }

    #[test]
    fn displays_with_minor_digits() {
        assert_eq!(Money::new(123405, usd()).to_string(), "1234.05 USD");
        assert_eq!(Money::new(-5, usd()).to_string(), "-0.05 USD");
    }

    proptest! {
        #[test]
        fn display_parse_round_trip(minor in -1_000_000_000_000i64..1_000_000_000_000i64) {
            let m = Money::new(minor, usd());
            let text = m.to_string();
            let number = text.trim_end_matches(" USD");
            prop_assert_eq!(Money::parse(number, usd()).unwrap(), m);
        }
    }
}
