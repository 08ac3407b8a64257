//! Availability per person and week: capacity less hard bookings (assignments) less soft
//! bookings (soft requests held by the person), the two kinds kept apart. A week booked
//! beyond capacity is a conflict.
//!
//! A booking is a weekly load ("20 h a week") over a span, and a plan of 40 h a week means
//! the whole of a full-time person's working week, holiday or not. So loads are measured
//! against the person's contracted week (FTE × weekdays while employed) and are worked in
//! proportion to what the calendar leaves of it (holidays and time off): a full-time
//! booking across Christmas is not a conflict, and its hours in that week are the hours
//! the person works. Measuring against the calendar's hours instead would flag every
//! holiday week of every full-time person as over-booked.

use serde::Serialize;
use time::{Date, Duration};
use utoipa::ToSchema;

use crate::dates::DateRange;
use crate::finance::burn::planned_minutes;

/// The most weeks a plan or a heatmap covers: a year.
pub const MAX_WEEKS: usize = 53;

/// The weeks asked for (`default` when none are), refused unless from 1 to
/// [`MAX_WEEKS`]: the one check every staffing read of weeks makes.
pub fn week_count(weeks: Option<usize>, default: usize) -> crate::Result<usize> {
    let n = weeks.unwrap_or(default);
    if (1..=MAX_WEEKS).contains(&n) {
        Ok(n)
    } else {
        Err(crate::Error::invalid(
            "weeks",
            crate::rule::Rule::Range,
            format!("weeks must be from 1 to {MAX_WEEKS}"),
        ))
    }
}

/// One person's week.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct WeekLoad {
    /// Minutes of their contracted week (FTE × weekdays while employed): what bookings
    /// are measured against.
    pub capacity: i64,
    /// Minutes the calendar leaves them that week (holidays and time off taken off the
    /// contracted week): what they can actually work.
    pub available: i64,
    /// Minutes their assignments plan.
    pub hard: i64,
    /// Minutes the soft requests they hold plan.
    pub soft: i64,
}

impl WeekLoad {
    /// Capacity less every booking; negative when over-booked.
    pub fn free(&self) -> i64 {
        self.capacity - self.hard - self.soft
    }

    /// Capacity less hard bookings only: what a new hard booking may take, soft holds
    /// being tentative.
    pub fn free_of_hard(&self) -> i64 {
        self.capacity - self.hard
    }

    /// Booked beyond what they can work.
    pub fn conflict(&self) -> bool {
        self.hard + self.soft > self.capacity
    }

    /// Booked ÷ capacity in basis points; none in a week they cannot work.
    pub fn booked_bp(&self) -> Option<i64> {
        crate::ratio::basis_points(self.hard + self.soft, self.capacity)
    }

    /// What `minutes` of load come to in hours worked that week: loads are shares of the
    /// contracted week, worked in the part the calendar leaves.
    pub fn worked(&self, minutes: i64) -> i64 {
        if self.capacity <= 0 || self.available >= self.capacity {
            return minutes;
        }
        let scaled = i128::from(minutes) * i128::from(self.available.max(0));
        i64::try_from(crate::rates::div_round(scaled, i128::from(self.capacity))).unwrap_or(i64::MAX)
    }

    /// The heatmap's band: 0 under 25 % booked, 1 to 50 %, 2 to 75 %, 3 under 100 %,
    /// 4 fully booked, 5 over-booked (a conflict). A week without capacity is band 4
    /// unless something is booked in it (then 5).
    pub fn band(&self) -> u8 {
        if self.conflict() {
            return 5;
        }
        match self.booked_bp() {
            None => 4,
            Some(bp) if bp >= 10_000 => 4,
            Some(bp) => (bp / 2_500) as u8,
        }
    }
}

/// The Monday of `d`'s ISO week.
pub fn monday(d: Date) -> Date {
    d - Duration::days(i64::from(d.weekday().number_days_from_monday()))
}

/// `count` weeks, Monday to Sunday, from the week holding `from`.
pub fn weeks(from: Date, count: usize) -> Vec<DateRange> {
    let first = monday(from);
    (0..count.min(MAX_WEEKS))
        .filter_map(|i| {
            let start = first.checked_add(Duration::weeks(i as i64))?;
            let end = start.checked_add(Duration::days(6))?;
            Some(DateRange { start, end })
        })
        .collect()
}

/// The minutes a weekly allocation over `span` plans in `week`.
pub fn in_week(minutes_per_week: i64, span: DateRange, week: DateRange) -> i64 {
    span.intersect(&week)
        .map_or(0, |o| planned_minutes(minutes_per_week, o))
}

/// A request's weekly load: its own when it names one, else its minutes spread evenly
/// over the weekdays of its dates (rounded to the minute; a request over no weekday
/// loads the whole of its minutes on one week).
pub fn weekly_minutes(minutes: i64, minutes_per_week: Option<i64>, span: DateRange) -> i64 {
    match minutes_per_week {
        Some(m) => m,
        None => {
            let days = span.weekdays();
            if days == 0 {
                minutes
            } else {
                i64::try_from((i128::from(minutes) * 5 + i128::from(days) / 2) / i128::from(days)).unwrap_or(i64::MAX)
            }
        }
    }
}

/// The load of a weekly allocation over `span` in each of `weeks`.
pub fn loads(minutes_per_week: i64, span: DateRange, weeks: &[DateRange]) -> Vec<i64> {
    weeks.iter().map(|w| in_week(minutes_per_week, span, *w)).collect()
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn weeks_are_from_one_to_the_most() {
        assert_eq!(week_count(None, 26).ok(), Some(26));
        assert_eq!(week_count(Some(1), 26).ok(), Some(1));
        assert_eq!(week_count(Some(MAX_WEEKS), 13).ok(), Some(MAX_WEEKS));
        for bad in [0, MAX_WEEKS + 1] {
            let Err(crate::Error::Invalid(e)) = week_count(Some(bad), 13) else {
                panic!("{bad} weeks were let through");
            };
            assert_eq!((e[0].field.as_str(), e[0].rule), ("weeks", crate::rule::Rule::Range));
            assert_eq!(e[0].message, "weeks must be from 1 to 53");
        }
    }

    #[test]
    fn free_subtracts_hard_and_soft_apart() {
        let w = WeekLoad {
            capacity: 2_400,
            available: 2_400,
            hard: 1_200,
            soft: 600,
        };
        assert_eq!((w.free(), w.free_of_hard()), (600, 1_200));
        assert!(!w.conflict());
        assert_eq!(w.band(), 3, "75 % booked is the fourth band");
        let over = WeekLoad { soft: 1_500, ..w };
        assert!(over.conflict());
        assert_eq!((over.free(), over.band()), (-300, 5));
        let empty = WeekLoad::default();
        assert_eq!(
            (empty.band(), empty.booked_bp()),
            (4, None),
            "no capacity: nothing to book"
        );
        assert_eq!(
            WeekLoad {
                capacity: 2_400,
                available: 2_400,
                hard: 599,
                soft: 0
            }
            .band(),
            0
        );
        assert_eq!(
            WeekLoad {
                capacity: 2_400,
                available: 2_400,
                hard: 2_400,
                soft: 0
            }
            .band(),
            4
        );
    }

    #[test]
    fn a_holiday_week_is_worked_in_proportion_not_over_booked() {
        // Full time, two holidays: 24 h left of 40; a 40 h booking fills the week.
        let w = WeekLoad {
            capacity: 2_400,
            available: 1_440,
            hard: 2_400,
            soft: 0,
        };
        assert!(!w.conflict(), "a full-time booking across a holiday fits");
        assert_eq!(w.band(), 4);
        assert_eq!(w.worked(w.hard), 1_440, "the hours worked are the calendar's");
        assert_eq!(w.worked(1_200), 720);
        let over = WeekLoad { soft: 600, ..w };
        assert!(over.conflict(), "more than the whole week is still a conflict");
        let normal = WeekLoad { available: 2_400, ..w };
        assert_eq!(normal.worked(1_234), 1_234);
        let away = WeekLoad { available: 0, ..w };
        assert_eq!(away.worked(2_400), 0, "a week off works none of it");
    }

    #[test]
    fn weeks_start_on_monday_and_loads_prorate_by_weekday() {
        let w = weeks(date!(2026 - 03 - 04), 3);
        assert_eq!(w[0].start, date!(2026 - 03 - 02));
        assert_eq!(w[2].end, date!(2026 - 03 - 22));
        // Wednesday to the next Tuesday at 20 h a week: 3 days, then 2 days.
        let span = DateRange::new(date!(2026 - 03 - 04), date!(2026 - 03 - 10)).expect("range");
        assert_eq!(loads(1_200, span, &w), vec![720, 480, 0]);
        assert_eq!(weeks(date!(2026 - 01 - 01), 500).len(), MAX_WEEKS);
    }

    #[test]
    fn an_even_spread_divides_the_minutes_over_the_weekdays() {
        let span = DateRange::new(date!(2026 - 03 - 02), date!(2026 - 03 - 27)).expect("range");
        assert_eq!(
            weekly_minutes(4_800, None, span),
            1_200,
            "80 h over 4 weeks is 20 h a week"
        );
        assert_eq!(weekly_minutes(4_800, Some(600), span), 600);
        let weekend = DateRange::new(date!(2026 - 03 - 07), date!(2026 - 03 - 08)).expect("range");
        assert_eq!(weekly_minutes(300, None, weekend), 300);
    }
}
