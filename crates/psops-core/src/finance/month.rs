//! A calendar month, the unit revenue is recognised in and finance closes: written
//! `2026-07`, stored as its first day.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::Date;
use utoipa::ToSchema;

use crate::dates::DateRange;
use crate::rule::Rule;
use crate::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Month(Date);

impl Month {
    /// The month a day falls in.
    pub fn of(d: Date) -> Month {
        Month(d.replace_day(1).expect("every month has a first day"))
    }

    pub fn first(self) -> Date {
        self.0
    }

    pub fn last(self) -> Date {
        self.next().0.previous_day().expect("a month has days before the next")
    }

    pub fn range(self) -> DateRange {
        DateRange {
            start: self.first(),
            end: self.last(),
        }
    }

    pub fn next(self) -> Month {
        let (y, m) = (self.0.year(), self.0.month());
        let (y, m) = if m == time::Month::December {
            (y + 1, m.next())
        } else {
            (y, m.next())
        };
        Month(Date::from_calendar_date(y, m, 1).expect("the first of a month exists"))
    }

    pub fn previous(self) -> Month {
        Month::of(self.0.previous_day().expect("a month has a day before it"))
    }

    /// The months from `self` to `last`, both included.
    pub fn through(self, last: Month) -> impl Iterator<Item = Month> {
        std::iter::successors(Some(self), move |m| Some(m.next()).filter(|n| *n <= last))
            .take_while(move |m| *m <= last)
    }

    pub fn parse(text: &str, field: &str) -> Result<Month> {
        let bad = || {
            Error::invalid(
                field,
                Rule::Month,
                format!("{field} must be a month written YYYY-MM, like 2026-07"),
            )
        };
        let (y, m) = text.trim().split_once('-').ok_or_else(bad)?;
        let (y, m): (i32, u8) = (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
        if y.to_string().len() != 4 {
            return Err(bad());
        }
        let m = time::Month::try_from(m).map_err(|_| bad())?;
        let d = Date::from_calendar_date(y, m, 1).map_err(|_| bad())?;
        crate::dates::check_bounds(field, d)?;
        Ok(Month(d))
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.0.year(), self.0.month() as u8)
    }
}

impl FromStr for Month {
    type Err = Error;
    fn from_str(s: &str) -> Result<Month> {
        Month::parse(s, "month")
    }
}

impl Serialize for Month {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Month {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Month::parse(&text, "month").map_err(serde::de::Error::custom)
    }
}

impl utoipa::PartialSchema for Month {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some(r"^[0-9]{4}-(0[1-9]|1[0-2])$"))
            .description(Some("A calendar month, YYYY-MM"))
            .examples(["2026-07"])
            .into()
    }
}
impl ToSchema for Month {}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn months_parse_print_and_step() {
        let m = Month::parse("2026-12", "month").unwrap();
        assert_eq!(m.to_string(), "2026-12");
        assert_eq!(m.first(), date!(2026 - 12 - 01));
        assert_eq!(m.last(), date!(2026 - 12 - 31));
        assert_eq!(m.next().to_string(), "2027-01");
        assert_eq!(Month::of(date!(2028 - 02 - 29)).last(), date!(2028 - 02 - 29));
        assert_eq!(Month::of(date!(2027 - 01 - 15)).previous().to_string(), "2026-12");
        let months: Vec<_> = Month::of(date!(2026 - 11 - 03))
            .through(Month::of(date!(2027 - 02 - 01)))
            .collect();
        assert_eq!(months.len(), 4);
        for bad in ["2026-13", "2026-00", "26-01", "2026/01", "", "2026-1x"] {
            assert!(Month::parse(bad, "month").is_err(), "{bad}");
        }
    }
}
