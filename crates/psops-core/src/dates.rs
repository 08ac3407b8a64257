//! Calendar dates and inclusive date ranges, the unit every plan and report is cut by.

use serde::{Deserialize, Serialize};
use time::{Date, Duration, Weekday};
use utoipa::ToSchema;

use crate::error::{Error, Result};
use crate::rule::Rule;

/// `YYYY-MM-DD`, the only date format psops reads or writes on its interfaces.
pub const ISO_DATE: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

/// The first day psops accepts or computes with. Every date that comes in — query
/// parameters, JSON bodies, form fields, CSV and iCalendar imports, CLI arguments, ISO
/// weeks and fiscal quarters — must lie between [`EARLIEST`] and [`LATEST`], so no loop,
/// report or page can be asked about a range it cannot finish, and date arithmetic never
/// nears the ends of the calendar type.
pub const EARLIEST: Date = time::macros::date!(1900 - 01 - 01);
/// The last day psops accepts or computes with (see [`EARLIEST`]).
pub const LATEST: Date = time::macros::date!(2200 - 12 - 31);

/// Whether a day lies inside the bounds psops works in.
pub fn in_bounds(d: Date) -> bool {
    (EARLIEST..=LATEST).contains(&d)
}

/// The error for a date outside the bounds, naming the field.
pub fn out_of_bounds(field: &str) -> Error {
    Error::invalid(
        field,
        Rule::DateBounds,
        format!("{field} must lie between 1900-01-01 and 2200-12-31"),
    )
}

/// The day, when it lies inside the bounds; otherwise an error naming the field.
pub fn check_bounds(field: &str, d: Date) -> Result<Date> {
    if in_bounds(d) { Ok(d) } else { Err(out_of_bounds(field)) }
}

/// A date as an interface receives it: `YYYY-MM-DD`, inside the bounds.
pub fn parse_date(field: &str, s: &str) -> Result<Date> {
    check_bounds(field, read_date(field, s)?)
}

/// A `YYYY-MM-DD` date without the bounds check: only for values psops stored itself.
pub fn read_date(field: &str, s: &str) -> Result<Date> {
    let s = s.trim();
    // Digits in the usual places: read directly (reports read tens of thousands of
    // stored dates; the general parser costs several times as much). Anything else,
    // or a day that does not exist, goes the general way and its error.
    if let Some(d) = plain_iso(s) {
        return Ok(d);
    }
    Date::parse(s, ISO_DATE).map_err(|_| {
        Error::invalid(
            field,
            Rule::Date,
            format!("{field} must be a date written YYYY-MM-DD, got '{s}'"),
        )
    })
}

fn plain_iso(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let number = |from: usize, to: usize| -> Option<i32> {
        b[from..to]
            .iter()
            .try_fold(0i32, |n, c| c.is_ascii_digit().then(|| n * 10 + i32::from(c - b'0')))
    };
    let month = time::Month::try_from(u8::try_from(number(5, 7)?).ok()?).ok()?;
    let day = u8::try_from(number(8, 10)?).ok()?;
    Date::from_calendar_date(number(0, 4)?, month, day).ok()
}

pub fn format_date(d: Date) -> String {
    d.format(ISO_DATE).unwrap_or_default()
}

/// A date in words, for a sentence read anywhere (a reminder, a notice): `Friday 27
/// November 2026` — unambiguous whatever order the reader writes dates in.
pub fn spoken(d: Date) -> String {
    format!("{} {} {} {}", d.weekday(), d.day(), d.month(), d.year())
}

/// Days since 1970-01-01: a compact integer key for dates in rollups and cursors.
pub fn day_number(d: Date) -> i64 {
    (d - EPOCH).whole_days()
}

/// The date a [`day_number`] stands for.
pub fn from_day_number(n: i64) -> Date {
    EPOCH + time::Duration::days(n)
}

const EPOCH: Date = time::macros::date!(1970 - 01 - 01);

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
            return Err(Error::invalid("end", Rule::AfterStart, "end must be on or after start"));
        }
        Ok(Self { start, end })
    }

    /// The range, when both ends lie inside the bounds; otherwise an error naming `field`.
    pub fn check_bounds(self, field: &str) -> Result<Self> {
        if in_bounds(self.start) && in_bounds(self.end) {
            Ok(self)
        } else {
            Err(out_of_bounds(field))
        }
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
        let Some(mut d) = self.start.checked_add(Duration::days(full_weeks * 7)) else {
            return count;
        };
        while d <= self.end {
            if !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday) {
                count += 1;
            }
            match d.next_day() {
                Some(next) => d = next,
                None => break,
            }
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
    fn interfaces_read_only_dates_inside_the_bounds() {
        assert_eq!(parse_date("d", "1900-01-01").unwrap(), EARLIEST);
        assert_eq!(parse_date("d", "2200-12-31").unwrap(), LATEST);
        for outside in ["1899-12-31", "2201-01-01", "9999-12-31", "0001-01-01"] {
            let Err(Error::Invalid(e)) = parse_date("from", outside) else {
                panic!("{outside} was accepted")
            };
            assert_eq!((e[0].field.as_str(), e[0].rule), ("from", Rule::DateBounds));
        }
        assert_eq!(read_date("d", "9999-12-31").unwrap(), Date::MAX);
        let r = DateRange::new(EARLIEST, LATEST).unwrap();
        assert!(r.check_bounds("range").is_ok());
        assert!(DateRange::new(EARLIEST, Date::MAX).unwrap().check_bounds("to").is_err());
    }

    #[test]
    fn counting_to_the_last_day_of_the_calendar_ends() {
        let r = DateRange::new(Date::MAX, Date::MAX).unwrap();
        assert_eq!(r.weekdays(), 1, "9999-12-31 is a Friday");
        assert_eq!(r.iter().count(), 1);
    }

    #[test]
    fn open_bounds() {
        let d = date!(2026 - 05 - 05);
        assert!(within(d, None, None));
        assert!(within(d, Some(d), Some(d)));
        assert!(!within(d, Some(date!(2026 - 05 - 06)), None));
    }

    #[test]
    fn day_numbers_come_back_as_their_dates() {
        for d in [date!(1969 - 12 - 31), date!(1970 - 01 - 01), date!(2026 - 12 - 05)] {
            assert_eq!(from_day_number(day_number(d)), d);
        }
        assert_eq!(day_number(date!(1970 - 01 - 05)), 4);
    }

    #[test]
    fn reads_plain_dates_directly_and_refuses_the_rest_as_before() {
        assert_eq!(read_date("d", " 2026-02-28 ").unwrap(), date!(2026 - 02 - 28));
        for bad in [
            "2026-02-30",
            "2026-13-01",
            "2026-00-10",
            "2026-1-01",
            "2026-01-1x",
            "+026-01-01",
            "2026/01/01",
        ] {
            assert!(read_date("d", bad).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn the_direct_reading_is_the_general_one(day in 0i64..80_000, raw in "[0-9+-]{10}") {
            let d = date!(1900 - 01 - 01) + time::Duration::days(day);
            let text = format_date(d);
            prop_assert_eq!(plain_iso(&text), Some(d));
            prop_assert_eq!(plain_iso(&raw), Date::parse(&raw, ISO_DATE).ok());
        }

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
