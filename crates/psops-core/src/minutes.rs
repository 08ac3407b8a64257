//! Durations in whole minutes, parsed from what people type: `1:30`, `1.5`, `90m`, `2h`.

use std::fmt;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{Error, Result};
use crate::rule::Rule;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize, ToSchema)]
#[serde(transparent)]
pub struct Minutes(pub i64);

impl Minutes {
    pub const DAY: Minutes = Minutes(24 * 60);

    pub fn get(self) -> i64 {
        self.0
    }

    /// Parses `h:mm`, `h:mm:ss` (seconds round half up to the minute, as stopwatch exports
    /// need), decimal hours `1.5` or `1,5`, `90m` and `2h`. Decimal hours must be whole
    /// minutes: what a person types (`1.3333`) is refused, not guessed.
    pub fn parse(input: &str) -> Result<Minutes> {
        parse_duration(input, Fraction::Exact)
    }

    /// Like [`Minutes::parse`], but decimal hours round half up to the nearest minute, as
    /// exports need: Harvest prints 20 minutes as `0.33`.
    pub fn parse_rounded(input: &str) -> Result<Minutes> {
        parse_duration(input, Fraction::Round)
    }

    /// Hours and minutes as a clock shows them, e.g. `7:30`, as people write time.
    pub fn clock_text(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let m = self.0.unsigned_abs();
        format!("{sign}{}:{:02}", m / 60, m % 60)
    }

    /// Hours with two decimals as text, e.g. `1.50`, exact for every multiple of 0.6 min.
    pub fn hours_text(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let m = u128::from(self.0.unsigned_abs());
        // hundredths of an hour, rounded half up (in u128: i64::MIN minutes fit)
        let hundredths = (m * 100 + 30) / 60;
        format!("{sign}{}.{:02}", hundredths / 100, hundredths % 100)
    }
}

/// What decimal hours that are not a whole number of minutes mean.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Fraction {
    Exact,
    Round,
}

/// The one duration parser; see [`Minutes::parse`].
fn parse_duration(input: &str, fraction: Fraction) -> Result<Minutes> {
    let bad = || {
        Error::invalid(
            "minutes",
            Rule::Duration,
            format!("'{input}' is not a duration: write 1:30, 1.5 (hours) or 90m"),
        )
    };
    let s = input.trim();
    let minutes = if let Some(m) = s.strip_suffix('m') {
        digits(m.trim())
    } else if s.contains(':') {
        clock(s)
    } else {
        decimal_hours(s.strip_suffix('h').map(str::trim).unwrap_or(s), fraction)
    };
    minutes.map(Minutes).ok_or_else(bad)
}

fn digits(s: &str) -> Option<i64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) || s.len() > 12 {
        return None;
    }
    s.parse().ok()
}

/// `h:mm` or `h:mm:ss`; seconds round half up to the minute.
fn clock(s: &str) -> Option<i64> {
    let parts: Vec<&str> = s.split(':').collect();
    let (h, m, sec) = match parts.as_slice() {
        [h, m] => (digits(h)?, digits(m)?, 0),
        [h, m, sec] => (digits(h)?, digits(m)?, digits(sec)?),
        _ => return None,
    };
    if m >= 60 || sec >= 60 || parts[1].len() != 2 {
        return None;
    }
    h.checked_mul(60)?.checked_add(m + i64::from(sec >= 30))
}

/// Decimal hours to whole minutes, exactly (no floating point): the fraction's minutes
/// are `frac × 60 / 10^len`, refused or rounded half up when not whole.
fn decimal_hours(s: &str, fraction: Fraction) -> Option<i64> {
    let s = s.replace(',', ".");
    let (whole, frac) = s.split_once('.').unwrap_or((&s, ""));
    if whole.is_empty() && frac.is_empty() || frac.len() > 9 {
        return None;
    }
    let whole = if whole.is_empty() { 0 } else { digits(whole)? };
    let frac_num = if frac.is_empty() { 0 } else { digits(frac)? };
    let denom = 10i64.pow(frac.len() as u32);
    let frac_minutes = frac_num * 60;
    let frac_minutes = match fraction {
        Fraction::Exact if frac_minutes % denom != 0 => return None,
        Fraction::Exact => frac_minutes / denom,
        Fraction::Round => (frac_minutes * 2 + denom) / (2 * denom),
    };
    whole.checked_mul(60)?.checked_add(frac_minutes)
}

impl fmt::Display for Minutes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let m = self.0.unsigned_abs();
        write!(f, "{sign}{}:{:02}", m / 60, m % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_what_people_type() {
        let cases = [
            ("1:30", 90),
            ("0:15", 15),
            ("1.5", 90),
            ("1,5", 90),
            (".25", 15),
            ("2", 120),
            ("2h", 120),
            ("90m", 90),
            ("01:00:00", 60),
            ("00:44:31", 45),
            ("10:05", 605),
        ];
        for (text, minutes) in cases {
            assert_eq!(Minutes::parse(text).unwrap(), Minutes(minutes), "{text}");
        }
    }

    #[test]
    fn refuses_what_is_not_a_duration() {
        for text in ["", "abc", "1:5", "1:60", "1.3333", "-1", "1:30:xx", "1::30", "1e2"] {
            assert!(Minutes::parse(text).is_err(), "{text}");
        }
    }

    #[test]
    fn exports_round_decimal_hours_people_may_not() {
        assert!(Minutes::parse("0.33").is_err());
        assert_eq!(Minutes::parse_rounded("0.33").unwrap(), Minutes(20));
        assert_eq!(Minutes::parse_rounded("0,083").unwrap(), Minutes(5));
        assert_eq!(Minutes::parse_rounded("1.3333h").unwrap(), Minutes(80));
        for text in ["", "abc", "1:5", "-1", "1e2", "1.2.3"] {
            assert!(Minutes::parse_rounded(text).is_err(), "{text}");
        }
    }

    #[test]
    fn formats_as_hours_and_minutes() {
        assert_eq!(Minutes(90).to_string(), "1:30");
        assert_eq!(Minutes(5).to_string(), "0:05");
        assert_eq!(Minutes(90).hours_text(), "1.50");
        assert_eq!(Minutes(20).hours_text(), "0.33");
    }

    proptest! {
        #[test]
        fn display_parse_round_trip(m in 0i64..10_000_000) {
            prop_assert_eq!(Minutes::parse(&Minutes(m).to_string()).unwrap(), Minutes(m));
        }

        /// Where the exact parser accepts, the rounding one reads the same.
        #[test]
        fn rounding_agrees_where_exact(text in "[0-9]{1,3}([.,:][0-9]{1,4})?[hm]?") {
            if let Ok(exact) = Minutes::parse(&text) {
                prop_assert_eq!(Minutes::parse_rounded(&text).unwrap(), exact);
            }
        }

        #[test]
        fn quarter_hours_parse_as_decimals(q in 0i64..100_000) {
            let text = format!("{}.{:02}", q / 4, (q % 4) * 25);
            prop_assert_eq!(Minutes::parse(&text).unwrap(), Minutes(q * 15));
        }
    }
}
