//! The fiscal calendar. A fiscal year is named by the calendar year in which it ends
//! (with a February start, FY2027 runs 2026-02-01 to 2027-01-31); with a January start
//! it is the calendar year. Quarters are three months from the start month: `FY2027-Q1`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use time::{Date, Month};
use utoipa::ToSchema;

use crate::dates::{DateRange, EARLIEST, LATEST};
use crate::error::{Error, Result};
use crate::rule::Rule;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FiscalCalendar {
    /// Month (1–12) in which the fiscal year starts.
    pub start_month: u8,
}

impl Default for FiscalCalendar {
    fn default() -> Self {
        Self { start_month: 1 }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FiscalQuarter {
    pub year: i32,
    pub quarter: u8,
}

impl FiscalCalendar {
    pub fn new(start_month: u8) -> Result<Self> {
        if !(1..=12).contains(&start_month) {
            return Err(Error::invalid(
                "fiscal_year_start_month",
                Rule::Month,
                "fiscal_year_start_month must be a month number from 1 to 12",
            ));
        }
        Ok(Self { start_month })
    }

    /// Months into the fiscal year (0–11) and the fiscal year's name for a date.
    fn position(&self, d: Date) -> (i32, u8) {
        let m = d.month() as u8;
        let offset = (m + 12 - self.start_month) % 12;
        let year = if self.start_month == 1 || m < self.start_month {
            d.year()
        } else {
            d.year() + 1
        };
        (year, offset)
    }

    pub fn year_of(&self, d: Date) -> i32 {
        self.position(d).0
    }

    pub fn quarter_of(&self, d: Date) -> FiscalQuarter {
        let (year, offset) = self.position(d);
        FiscalQuarter {
            year,
            quarter: offset / 3 + 1,
        }
    }

    /// The first and last day of a fiscal quarter. At the very ends of the calendar type
    /// the range is cut at its first or last day rather than wrapping around.
    pub fn quarter_range(&self, q: FiscalQuarter) -> DateRange {
        let start_year = if self.start_month == 1 { q.year } else { q.year - 1 };
        let first = month_start(start_year, self.start_month as i32 - 1 + (q.quarter as i32 - 1) * 3);
        let next = month_start(start_year, self.start_month as i32 - 1 + q.quarter as i32 * 3);
        DateRange {
            start: first.unwrap_or(Date::MIN),
            end: next.and_then(Date::previous_day).unwrap_or(Date::MAX),
        }
    }

    /// The range of a quarter named on an interface: an error naming `field` when any of
    /// its days lies outside the dates psops works in.
    pub fn quarter_range_checked(&self, q: FiscalQuarter, field: &str) -> Result<DateRange> {
        self.quarter_range(q).check_bounds(field)
    }

    pub fn year_range(&self, year: i32) -> DateRange {
        let q1 = self.quarter_range(FiscalQuarter { year, quarter: 1 });
        let q4 = self.quarter_range(FiscalQuarter { year, quarter: 4 });
        DateRange {
            start: q1.start,
            end: q4.end,
        }
    }
}

/// The first day of the month `months` after January of `year` (months may exceed 11);
/// `None` past the ends of the calendar type.
fn month_start(year: i32, months: i32) -> Option<Date> {
    let y = year.checked_add(months.div_euclid(12))?;
    let m = Month::try_from((months.rem_euclid(12) + 1) as u8).ok()?;
    Date::from_calendar_date(y, m, 1).ok()
}

impl FiscalQuarter {
    /// The quarter as every page writes it: `FY2026 Q4` (the code form, `FY2026-Q4`, is
    /// for links and the API).
    pub fn label(&self) -> String {
        format!("FY{} Q{}", self.year, self.quarter)
    }
}

impl fmt::Display for FiscalQuarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FY{}-Q{}", self.year, self.quarter)
    }
}

impl FromStr for FiscalQuarter {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let bad = || {
            Error::invalid(
                "quarter",
                Rule::FiscalQuarter,
                format!("'{s}' is not a fiscal quarter like FY2027-Q1"),
            )
        };
        // `FY2027-Q1` as written on pages, or `2027-Q1` as report links have it.
        let rest = s.trim();
        let rest = rest.strip_prefix("FY").unwrap_or(rest);
        let (year_text, q) = rest.split_once("-Q").ok_or_else(bad)?;
        let year: i32 = year_text.parse().map_err(|_| bad())?;
        let quarter: u8 = q.parse().map_err(|_| bad())?;
        if !(1..=4).contains(&quarter) || year_text.len() != 4 {
            return Err(bad());
        }
        // The years whose quarters can touch the dates psops works in; a quarter that
        // still reaches outside them (FY1900 with a February start) is refused where it
        // becomes a range, by `quarter_range_checked`.
        if !(EARLIEST.year()..=LATEST.year() + 1).contains(&year) {
            return Err(Error::invalid(
                "quarter",
                Rule::DateBounds,
                format!("'{s}' lies outside the years psops works in (1900 to 2200)"),
            ));
        }
        Ok(FiscalQuarter { year, quarter })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    #[test]
    fn calendar_year_quarters() {
        let cal = FiscalCalendar::default();
        assert_eq!(cal.quarter_of(date!(2027 - 01 - 01)).to_string(), "FY2027-Q1");
        assert_eq!(cal.quarter_of(date!(2027 - 12 - 31)).to_string(), "FY2027-Q4");
        let q = cal.quarter_range("FY2027-Q2".parse().unwrap());
        assert_eq!((q.start, q.end), (date!(2027 - 04 - 01), date!(2027 - 06 - 30)));
    }

    #[test]
    fn february_start_names_the_year_it_ends_in() {
        let cal = FiscalCalendar::new(2).unwrap();
        assert_eq!(cal.quarter_of(date!(2026 - 02 - 01)).to_string(), "FY2027-Q1");
        assert_eq!(cal.quarter_of(date!(2027 - 01 - 31)).to_string(), "FY2027-Q4");
        assert_eq!(cal.quarter_of(date!(2026 - 01 - 31)).to_string(), "FY2026-Q4");
        let q4 = cal.quarter_range("FY2027-Q4".parse().unwrap());
        assert_eq!((q4.start, q4.end), (date!(2026 - 11 - 01), date!(2027 - 01 - 31)));
        let year = cal.year_range(2027);
        assert_eq!((year.start, year.end), (date!(2026 - 02 - 01), date!(2027 - 01 - 31)));
    }

    #[test]
    fn the_last_quarter_of_the_calendar_does_not_wrap_around() {
        let cal = FiscalCalendar::default();
        let q = cal.quarter_of(Date::MAX);
        assert_eq!(q.to_string(), "FY9999-Q4");
        let r = cal.quarter_range(q);
        assert_eq!((r.start, r.end), (date!(9999 - 10 - 01), Date::MAX));
        assert!(cal.quarter_range_checked(q, "quarter").is_err());
    }

    #[test]
    fn quarters_outside_the_bounds_are_refused() {
        assert!("FY9999-Q4".parse::<FiscalQuarter>().is_err());
        assert!("FY1899-Q4".parse::<FiscalQuarter>().is_err());
        let jan = FiscalCalendar::default();
        let feb = FiscalCalendar::new(2).unwrap();
        let first: FiscalQuarter = "FY1900-Q1".parse().unwrap();
        assert!(jan.quarter_range_checked(first, "quarter").is_ok());
        assert!(
            feb.quarter_range_checked(first, "quarter").is_err(),
            "starts 1899-02-01"
        );
        let last: FiscalQuarter = "FY2201-Q1".parse().unwrap();
        assert!(jan.quarter_range_checked(last, "quarter").is_err());
        assert!(
            feb.quarter_range_checked(last, "quarter").is_ok(),
            "2200-02-01..2200-04-30"
        );
    }

    #[test]
    fn refuses_bad_names_and_months() {
        assert!("FY2027-Q5".parse::<FiscalQuarter>().is_err());
        assert_eq!(
            "2027-Q1".parse::<FiscalQuarter>().unwrap(),
            "FY2027-Q1".parse().unwrap()
        );
        assert!("Q1".parse::<FiscalQuarter>().is_err());
        assert!(FiscalCalendar::new(13).is_err());
        assert!(FiscalCalendar::new(0).is_err());
    }

    proptest! {
        #[test]
        fn every_day_lies_in_the_quarter_it_is_named_for(start in 1u8..=12, day in 0i64..20_000) {
            let cal = FiscalCalendar::new(start).unwrap();
            let d = date!(2000 - 01 - 01) + time::Duration::days(day);
            let q = cal.quarter_of(d);
            prop_assert!(cal.quarter_range(q).contains(d));
            prop_assert_eq!(q.to_string().parse::<FiscalQuarter>().unwrap(), q);
            prop_assert!(cal.year_range(q.year).contains(d));
        }
    }
}
