//! Utilization week by week: each group's worked and billable minutes and its available
//! and target minutes (policy view) in every ISO week of a range — what a report's line
//! chart draws. Only the policy view: it is what billable utilization and the targets are
//! measured against, and it needs no one's time off, so a week of 5,000 people costs a
//! few distinct capacity sums rather than 5,000.

use std::ops::Add;

use crate::Minutes;
use crate::dates::DateRange;
use crate::ratio::basis_points;
use crate::timesheet::IsoWeek;
use crate::utilization::GroupBy;

/// The longest range a weekly series covers: two years of weeks. Longer ranges are
/// refused rather than computed week by week for decades.
pub const MAX_WEEKS: usize = 106;

/// One group's figures in one week; ratios as in [`crate::utilization`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WeekFigures {
    /// Available minutes, policy view.
    pub available: Minutes,
    pub worked: Minutes,
    pub billable: Minutes,
    /// Available × each person's billable target.
    pub target: Minutes,
}

impl Add for WeekFigures {
    type Output = WeekFigures;
    fn add(self, o: Self) -> Self {
        let s = |a: Minutes, b: Minutes| Minutes(a.get().saturating_add(b.get()));
        Self {
            available: s(self.available, o.available),
            worked: s(self.worked, o.worked),
            billable: s(self.billable, o.billable),
            target: s(self.target, o.target),
        }
    }
}

impl std::iter::Sum for WeekFigures {
    fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(Self::default(), Add::add)
    }
}

impl WeekFigures {
    /// Billable ÷ available, in basis points; `None` when nobody was available.
    pub fn billable_utilization_bp(&self) -> Option<i64> {
        basis_points(self.billable.get(), self.available.get())
    }

    /// Worked ÷ available.
    pub fn utilization_bp(&self) -> Option<i64> {
        basis_points(self.worked.get(), self.available.get())
    }

    /// Target ÷ available: the group's blended target.
    pub fn target_bp(&self) -> Option<i64> {
        basis_points(self.target.get(), self.available.get())
    }
}

/// A group's key (as in a utilization report) and its figures, one per week.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeekGroup {
    pub key: String,
    pub weeks: Vec<WeekFigures>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeeklyUtilization {
    pub group_by: GroupBy,
    /// The weeks in order, each cut to the range asked about.
    pub weeks: Vec<(IsoWeek, DateRange)>,
    /// The groups in key order, each with one figure per week.
    pub groups: Vec<WeekGroup>,
    /// Every group added up, per week.
    pub total: Vec<WeekFigures>,
}

/// The ISO weeks touching a range, each cut to the range.
pub fn weeks_in(range: DateRange) -> Vec<(IsoWeek, DateRange)> {
    let mut out = Vec::new();
    let mut week = Some(IsoWeek::of(range.start));
    while let Some(w) = week {
        let Some(cut) = w.range().intersect(&range) else {
            break;
        };
        out.push((w, cut));
        week = w.next();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_quarter_has_its_weeks_cut_at_both_ends() {
        let q = DateRange::new(date!(2026 - 10 - 01), date!(2026 - 12 - 31)).unwrap();
        let weeks = weeks_in(q);
        assert_eq!(weeks.len(), 14);
        assert_eq!(weeks[0].0.to_string(), "2026-W40");
        assert_eq!(
            weeks[0].1,
            DateRange::new(date!(2026 - 10 - 01), date!(2026 - 10 - 04)).unwrap()
        );
        assert_eq!(
            weeks[13].1,
            DateRange::new(date!(2026 - 12 - 28), date!(2026 - 12 - 31)).unwrap()
        );
        let days: i64 = weeks.iter().map(|(_, r)| r.days()).sum();
        assert_eq!(days, q.days());
    }

    #[test]
    fn ratios_are_of_the_sums() {
        let a = WeekFigures {
            available: Minutes(2400),
            worked: Minutes(2400),
            billable: Minutes(1800),
            target: Minutes(1680),
        };
        let none = WeekFigures::default();
        let both: WeekFigures = [a, none, a].into_iter().sum();
        assert_eq!(both.billable_utilization_bp(), Some(7500));
        assert_eq!(both.target_bp(), Some(7000));
        assert_eq!(both.utilization_bp(), Some(10_000));
        assert_eq!(none.billable_utilization_bp(), None);
    }
}
