//! Calendar dates and inclusive date ranges, the unit every plan and report is cut by.

use serde::{Deserialize, Serialize};
use time::{Date, Duration, Weekday};
use utoipa::ToSchema;

use crate::error::{Error, Result};

/// `YYYY-MM-DD`, the only date format psops reads or writes on its interfaces.
pub const ISO_DATE: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

pub fn parse_date(field: &str, s: &str) -> Result<Date> {
    Date::parse(s.trim(), ISO_DATE).map_err(|_| {
        Error::invalid(
            field,
            "date",
            format!("{field} must be a date written YYYY-MM-DD, got '{s}'"),
        )
    })
}

pub fn format_date(d: Date) -> String {
    d.format(ISO_DATE).unwrap_or_default()
}

/// Days since 1970-01-01: a compact integer key for dates in rollups and cursors.
pub fn day_number(d: Date) -> i64 {
    (d - time::macros::date!(1970 - 01 - 01)).whole_days()
}

/// An inclusive range of days, `start..=end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
pub struct DateRange {
    #[schema(value_type = String, format = Date)]
    pub start: Date,
    #[schema(value_type = String, format = Date)]
    pub end: Date,
}

impl DateRange {
    pub fn new(start: Date, end: Date) -> Result<Self> {
        if end < start {
            return Err(Error::invalid("end", "after_start", "end must be on or after start"));
        }
        Ok(Self { start, end })
    }

    pub fn contains(&self, d: Date) -> bool {
        self.start <= d && d <= self.end
    }

    pub fn days(&self) -> i64 {
        (self.end - self.start).whole_days() + 1
    }

    /// The days the two ranges share, if any.
    pub fn intersect(&self, other: &DateRange) -> Option<DateRange> {
        let start = self.start.max(other.start);
        let end = self.end.min(other.end);
        (start <= end).then_some(DateRange { start, end })
    }

    /// Monday-to-Friday days in the range, counted without walking it day by day.
    pub fn weekdays(&self) -> i64 {
        let total = self.days();
        let full_weeks = total / 7;
        let mut count = full_weeks * 5;
        let mut d = self.start + Duration::days(full_weeks * 7);
        while d <= self.end {
            if !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday) {
                count += 1;
            }
            d += Duration::days(1);
        }
        count
    }

    pub fn iter(&self) -> impl Iterator<Item = Date> + '_ {
        let mut next = Some(self.start);
        std::iter::from_fn(move || {
            let d = next?;
            next = if d < self.end { d.next_day() } else { None };
            Some(d)
        })
    }
}

/// Whether a date lies inside optional bounds (a missing bound is open).
pub fn within(d: Date, start: Option<Date>, end: Option<Date>) -> bool {
    start.is_none_or(|s| s <= d) && end.is_none_or(|e| d <= e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    #[test]
    fn counts_weekdays() {
        // 2026-11-23 is a Monday.
        let week = DateRange::new(date!(2026 - 11 - 23), date!(2026 - 11 - 29)).unwrap();
        assert_eq!(week.weekdays(), 5);
        assert_eq!(week.days(), 7);
        let sat_sun = DateRange::new(date!(2026 - 11 - 28), date!(2026 - 11 - 29)).unwrap();
        assert_eq!(sat_sun.weekdays(), 0);
    }

    #[test]
    fn refuses_backwards_ranges() {
        assert!(DateRange::new(date!(2026 - 01 - 02), date!(2026 - 01 - 01)).is_err());
    }

    #[test]
    fn parses_only_iso_dates() {
        assert_eq!(parse_date("date", "2026-02-28").unwrap(), date!(2026 - 02 - 28));
        let err = parse_date("date", "28/02/2026").unwrap_err();
        assert!(err.to_string().contains("YYYY-MM-DD"));
        assert!(parse_date("date", "2026-02-30").is_err());
    }

    #[test]
    fn open_bounds() {
        let d = date!(2026 - 05 - 05);
        assert!(within(d, None, None));
        assert!(within(d, Some(d), Some(d)));
        assert!(!within(d, Some(date!(2026 - 05 - 06)), None));
    }

    proptest! {
        #[test]
        fn weekdays_match_a_day_by_day_count(start in 0i64..20_000, len in 0i64..800) {
            let s = date!(1990 - 01 - 01) + Duration::days(start);
            let r = DateRange::new(s, s + Duration::days(len)).unwrap();
            let walked = r.iter().filter(|d| !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)).count() as i64;
            prop_assert_eq!(r.weekdays(), walked);
            prop_assert_eq!(r.iter().count() as i64, r.days());
        }
    }
}
