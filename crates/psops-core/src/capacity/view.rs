//! The policy view of capacity: the annual allowances pro-rated to any date range.
//!
//! Each fiscal quarter carries exactly a quarter of the annual figures; a part of a
//! quarter carries its share of the quarter's weekdays (weekdays in the part ÷ weekdays in
//! the quarter). Whole quarters and years therefore give the handbook's numbers exactly,
//! while a month or week gets capacity in proportion to the working days it really has
//! (a 23-weekday month is worth more than a 20-weekday one, as on the calendar view),
//! which a flat annual ÷ 12 per month would not. Only employed days count, scaled by FTE.
//! Everything stays an exact fraction and is rounded to whole minutes once, at the end.

use std::ops::Add;

use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;

use super::overrides::policy_segments;
use super::{CapacityRules, RulesOverride, resolve};
use crate::Minutes;
use crate::dates::DateRange;
use crate::error::Result;
use crate::people::{Fte, Function, Person, PersonId};
use crate::ratio::{Ratio, apply_bp};

/// The facts about a person that capacity and policy resolution need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonFacts {
    pub person_id: PersonId,
    pub function: Function,
    pub region: String,
    pub fte: Fte,
    pub employment_start: Date,
    pub employment_end: Option<Date>,
}

impl From<&Person> for PersonFacts {
    fn from(p: &Person) -> Self {
        Self {
            person_id: p.id,
            function: p.fields.function,
            region: p.fields.region.clone(),
            fte: p.fields.fte,
            employment_start: p.fields.employment_start,
            employment_end: p.fields.employment_end,
        }
    }
}

impl PersonFacts {
    /// The days of `range` on which the person is employed, if any.
    pub fn employed_part(&self, range: DateRange) -> Option<DateRange> {
        range.intersect(&DateRange {
            start: self.employment_start,
            end: self.employment_end.unwrap_or(Date::MAX),
        })
    }

    pub(super) fn fte_ratio(&self) -> Ratio {
        Ratio::new(i128::from(self.fte.basis_points()), 10_000).unwrap_or(Ratio::ZERO)
    }
}

/// What a person's capacity over a range is computed from, beside the rules everyone
/// shares and their own time off: people alike in it have the same policy view, and the
/// same calendar view when neither has time off in the range — so a report over
/// thousands of people computes each capacity once.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Alike {
    function: Function,
    region: String,
    fte: Fte,
    employed: Option<DateRange>,
}

impl Alike {
    /// `None` for someone with an override of their own, whose capacity is theirs alone.
    pub fn of(person: &PersonFacts, range: DateRange, overrides: &[RulesOverride]) -> Option<Alike> {
        let own = overrides
            .iter()
            .any(|o| matches!(o.scope, super::OverrideScope::Person(id) if id == person.person_id));
        (!own).then(|| Alike {
            function: person.function,
            region: person.region.clone(),
            fte: person.fte,
            employed: person.employed_part(range),
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CapacityView {
    /// The annual allowances pro-rated (gives the handbook table).
    Policy,
    /// The regional holiday calendar and the time off actually recorded.
    Calendar,
}

/// Capacity of one person over one range. Always
/// `weekday − holiday − time_off = available`, all whole minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Capacity {
    pub view: CapacityView,
    pub range: DateRange,
    /// Weekday minutes in the range while employed, times FTE.
    pub weekday_minutes: Minutes,
    pub holiday_minutes: Minutes,
    /// PTO, friends-and-family, summit / training and other time off.
    pub time_off_minutes: Minutes,
    pub available_minutes: Minutes,
    /// Available × the person's billable target.
    pub target_minutes: Minutes,
}

/// Capacity before rounding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Exact {
    pub weekday: Ratio,
    pub holiday: Ratio,
    pub time_off: Ratio,
    pub available: Ratio,
    pub target: Ratio,
}

impl Default for Exact {
    fn default() -> Self {
        Self {
            weekday: Ratio::ZERO,
            holiday: Ratio::ZERO,
            time_off: Ratio::ZERO,
            available: Ratio::ZERO,
            target: Ratio::ZERO,
        }
    }
}

impl Add for Exact {
    type Output = Exact;
    fn add(self, o: Exact) -> Exact {
        Exact {
            weekday: self.weekday + o.weekday,
            holiday: self.holiday + o.holiday,
            time_off: self.time_off + o.time_off,
            available: self.available + o.available,
            target: self.target + o.target,
        }
    }
}

impl Exact {
    /// Rounds once. Available and weekday are rounded directly (they are what reports sum
    /// and compare); holiday is rounded and time off takes the remainder, so the identity
    /// `weekday − holiday − time_off = available` holds in whole minutes.
    pub(super) fn finish(self, view: CapacityView, range: DateRange) -> Capacity {
        let weekday = self.weekday.round_half_up();
        let available = self.available.round_half_up().min(weekday);
        let holiday = self.holiday.round_half_up().clamp(0, (weekday - available).max(0));
        Capacity {
            view,
            range,
            weekday_minutes: Minutes(weekday),
            holiday_minutes: Minutes(holiday),
            time_off_minutes: Minutes(weekday - available - holiday),
            available_minutes: Minutes(available),
            target_minutes: Minutes(self.target.round_half_up()),
        }
    }
}

/// The policy view for one person over an inclusive range under one policy.
pub fn policy_view(policy: &CapacityRules, person: &PersonFacts, range: DateRange) -> Capacity {
    policy_exact(policy, person, range).finish(CapacityView::Policy, range)
}

/// The policy view when overrides may start or end inside the range: each piece of the
/// range is computed under the policy that holds there, and the exact sums rounded once.
pub fn policy_view_resolved(
    base: &CapacityRules,
    overrides: &[RulesOverride],
    person: &PersonFacts,
    range: DateRange,
) -> Result<Capacity> {
    let exact = over_segments(base, overrides, person, range, |p, r| policy_exact(p, person, r))?;
    Ok(exact.finish(CapacityView::Policy, range))
}

pub(super) fn over_segments(
    base: &CapacityRules,
    overrides: &[RulesOverride],
    person: &PersonFacts,
    range: DateRange,
    piece: impl Fn(&CapacityRules, DateRange) -> Exact,
) -> Result<Exact> {
    let mut total = Exact::default();
    for segment in policy_segments(overrides, person, range) {
        let policy = resolve(base, overrides, person, segment.start)?;
        total = total + piece(&policy, segment);
    }
    Ok(total)
}

/// Days in `range` that are among the first `week_days` days of the ISO week (Monday
/// on), counted without walking the range; with the handbook's 5 these are weekdays.
pub(super) fn working_days(range: DateRange, week_days: i64) -> i64 {
    let total = range.days();
    let full_weeks = total / 7;
    let mut count = full_weeks * week_days.clamp(0, 7);
    let mut d = range.start + time::Duration::days(full_weeks * 7);
    while d <= range.end {
        if i64::from(d.weekday().number_days_from_monday()) < week_days {
            count += 1;
        }
        match d.next_day() {
            Some(next) => d = next,
            None => break,
        }
    }
    count
}

fn policy_exact(policy: &CapacityRules, person: &PersonFacts, range: DateRange) -> Exact {
    let Some(employed) = person.employed_part(range) else {
        return Exact::default();
    };
    let calendar = policy.fiscal_calendar();
    // How many fiscal quarters' worth of allowance the employed days carry.
    let mut quarters = Ratio::ZERO;
    let mut day = employed.start;
    loop {
        let quarter = calendar.quarter_range(calendar.quarter_of(day));
        if let Some(piece) = quarter.intersect(&employed) {
            quarters = quarters
                + Ratio::new(
                    i128::from(working_days(piece, policy.week_days)),
                    i128::from(working_days(quarter, policy.week_days)),
                )
                .unwrap_or(Ratio::ZERO);
        }
        // Always forward: a quarter cut at the end of the calendar type ends the walk.
        match quarter.end.next_day() {
            Some(next) if next <= employed.end && next > day => day = next,
            _ => break,
        }
    }
    let share = quarters * person.fte_ratio();
    let per_quarter = |annual: i64| share * Ratio::new(i128::from(annual), 4).unwrap_or(Ratio::ZERO);
    let weekday = per_quarter(policy.total_weekday_minutes());
    let holiday = per_quarter(policy.holiday_minutes());
    let time_off = per_quarter(policy.pto_ff_minutes() + policy.summit_minutes());
    let available = weekday - holiday - time_off;
    Exact {
        weekday,
        holiday,
        time_off,
        available,
        target: apply_bp(available, policy.billable_target_bp(person.function)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fiscal::{FiscalCalendar, FiscalQuarter};
    use crate::id::Id;
    use proptest::prelude::*;
    use time::Duration;
    use time::macros::date;

    pub(crate) fn person(function: Function) -> PersonFacts {
        PersonFacts {
            person_id: Id::new(1),
            function,
            region: "AMER".into(),
            fte: Fte::FULL,
            employment_start: date!(2000 - 01 - 01),
            employment_end: None,
        }
    }

    fn range(a: Date, b: Date) -> DateRange {
        DateRange::new(a, b).unwrap()
    }

    #[test]
    fn people_alike_have_the_same_capacity_and_an_own_override_is_their_own() {
        use crate::capacity::{Holiday, OverrideScope, RulesChanges, calendar_view_resolved};
        let rules = CapacityRules::handbook();
        let quarter = range(date!(2026 - 10 - 01), date!(2026 - 12 - 31));
        let one = person(Function::Engineer);
        // Another person, hired long before the quarter in another year: alike in it.
        let other = PersonFacts {
            person_id: crate::Id::new(2),
            employment_start: date!(2024 - 06 - 01),
            ..one.clone()
        };
        let holiday = [Holiday {
            date: date!(2026 - 12 - 25),
            minutes: None,
            name: "Christmas".into(),
        }];
        assert_eq!(Alike::of(&one, quarter, &[]), Alike::of(&other, quarter, &[]));
        for p in [&one, &other] {
            assert_eq!(
                policy_view_resolved(&rules, &[], p, quarter).unwrap(),
                policy_view_resolved(&rules, &[], &one, quarter).unwrap()
            );
            assert_eq!(
                calendar_view_resolved(&rules, &[], p, quarter, &holiday, &[]).unwrap(),
                calendar_view_resolved(&rules, &[], &one, quarter, &holiday, &[]).unwrap()
            );
        }
        let part_time = PersonFacts {
            fte: Fte::from_basis_points(8000).unwrap(),
            ..other.clone()
        };
        assert_ne!(Alike::of(&one, quarter, &[]), Alike::of(&part_time, quarter, &[]));
        let theirs = RulesOverride {
            scope: OverrideScope::Person(other.person_id),
            effective_from: date!(2026 - 01 - 01),
            effective_to: None,
            changes: RulesChanges::default(),
        };
        assert_eq!(Alike::of(&other, quarter, std::slice::from_ref(&theirs)), None);
        assert!(
            Alike::of(&one, quarter, &[theirs]).is_some(),
            "another's override is not theirs"
        );
    }

    #[test]
    fn the_policy_view_finishes_at_the_last_day_of_the_calendar() {
        // This range once walked quarters forever: the last quarter's end wrapped around.
        let last = range(Date::MAX, Date::MAX);
        let c = policy_view(&CapacityRules::handbook(), &person(Function::Engineer), last);
        assert_eq!(c.range, last);
        assert!(c.weekday_minutes.get() > 0, "9999-12-31 is a Friday");
        let long = range(date!(1900 - 01 - 01), date!(2200 - 12 - 31));
        let whole = policy_view(&CapacityRules::handbook(), &person(Function::Engineer), long);
        assert_eq!(whole.available_minutes.get(), 201 * 1696 * 60, "employed 2000 to 2200");
    }

    #[test]
    fn every_fiscal_quarter_is_424_hours_for_either_fiscal_start() {
        for start_month in [1, 2] {
            let policy = CapacityRules {
                fiscal_year_start_month: start_month,
                ..CapacityRules::handbook()
            };
            let cal = FiscalCalendar::new(start_month).unwrap();
            for quarter in 1..=4 {
                let q = cal.quarter_range(FiscalQuarter { year: 2027, quarter });
                let c = policy_view(&policy, &person(Function::Engineer), q);
                assert_eq!(c.available_minutes, Minutes(424 * 60), "{start_month} Q{quarter}");
                assert_eq!(c.weekday_minutes, Minutes(520 * 60));
                assert_eq!(c.holiday_minutes, Minutes(22 * 60));
                assert_eq!(c.time_off_minutes, Minutes(74 * 60));
                assert_eq!(c.target_minutes, Minutes(17_808));
            }
            let year = policy_view(&policy, &person(Function::Trainer), cal.year_range(2027));
            assert_eq!(year.available_minutes, Minutes(1696 * 60));
            assert_eq!(year.holiday_minutes, Minutes(88 * 60));
            assert_eq!(year.target_minutes, Minutes(13_992 * 4));
        }
    }

    #[test]
    fn half_time_is_half_and_a_mid_quarter_start_is_proportional() {
        let policy = CapacityRules::handbook();
        let q1 = range(date!(2026 - 01 - 01), date!(2026 - 03 - 31));
        let mut p = person(Function::Engineer);
        p.fte = Fte::from_basis_points(5000).unwrap();
        assert_eq!(policy_view(&policy, &p, q1).available_minutes, Minutes(212 * 60));
        p.fte = Fte::FULL;
        // Q1 2026 has 64 weekdays; from Monday 16 February 32 remain: exactly half.
        p.employment_start = date!(2026 - 02 - 16);
        assert_eq!(q1.weekdays(), 64);
        assert_eq!(policy_view(&policy, &p, q1).available_minutes, Minutes(212 * 60));
        // From Wednesday 18 February, 30 of 64: 25440 × 30 / 64 = 11925.
        p.employment_start = date!(2026 - 02 - 18);
        assert_eq!(policy_view(&policy, &p, q1).available_minutes, Minutes(11_925));
        // And a 0.8 FTE starting then: 11925 × 0.8 = 9540.
        p.fte = Fte::from_basis_points(8000).unwrap();
        assert_eq!(policy_view(&policy, &p, q1).available_minutes, Minutes(9540));
    }

    #[test]
    fn outside_employment_is_zero_and_weekends_carry_nothing() {
        let policy = CapacityRules::handbook();
        let mut p = person(Function::Engineer);
        p.employment_start = date!(2026 - 03 - 01);
        p.employment_end = Some(date!(2026 - 03 - 31));
        let before = policy_view(&policy, &p, range(date!(2026 - 01 - 01), date!(2026 - 02 - 28)));
        let after = policy_view(&policy, &p, range(date!(2026 - 04 - 01), date!(2026 - 12 - 31)));
        let weekend = policy_view(
            &policy,
            &person(Function::Engineer),
            range(date!(2026 - 11 - 28), date!(2026 - 11 - 29)),
        );
        for c in [before, after, weekend] {
            assert_eq!(c.weekday_minutes, Minutes(0));
            assert_eq!(c.available_minutes, Minutes(0));
            assert_eq!(c.target_minutes, Minutes(0));
        }
    }

    #[test]
    fn an_override_starting_mid_quarter_applies_from_its_start() {
        use super::super::{OverrideScope, RulesChanges};
        let q1 = range(date!(2026 - 01 - 01), date!(2026 - 03 - 31));
        let p = person(Function::Engineer);
        let ov = RulesOverride {
            scope: OverrideScope::Person(p.person_id),
            effective_from: date!(2026 - 02 - 16),
            effective_to: None,
            changes: RulesChanges {
                day_minutes: Some(240),
                ..Default::default()
            },
        };
        let base = CapacityRules::handbook();
        let c = policy_view_resolved(&base, std::slice::from_ref(&ov), &p, q1).unwrap();
        let head = policy_view(&base, &p, range(q1.start, date!(2026 - 02 - 15)));
        let tail_policy = resolve(&base, std::slice::from_ref(&ov), &p, ov.effective_from).unwrap();
        let tail = policy_view(&tail_policy, &p, range(ov.effective_from, q1.end));
        let sum = head.available_minutes.get() + tail.available_minutes.get();
        assert!((c.available_minutes.get() - sum).abs() <= 1);
        assert!(c.available_minutes < Minutes(25_440));
        assert_eq!(
            policy_view_resolved(&base, &[], &p, q1).unwrap(),
            policy_view(&base, &p, q1)
        );
    }

    #[test]
    fn a_four_day_week_counts_monday_to_thursday() {
        // 2026-11-23 is a Monday; two weeks and a day.
        let r = range(date!(2026 - 11 - 23), date!(2026 - 12 - 07));
        assert_eq!(working_days(r, 5), r.weekdays());
        assert_eq!(working_days(r, 4), 9);
        assert_eq!(working_days(r, 7), 15);
        let policy = CapacityRules {
            week_days: 4,
            day_minutes: 600,
            ..CapacityRules::handbook()
        };
        // 10 h × 4 days × 52 weeks is the same 2080 h year.
        assert_eq!(policy.total_weekday_minutes(), 2080 * 60);
        let q = range(date!(2026 - 01 - 01), date!(2026 - 03 - 31));
        let c = policy_view(&policy, &person(Function::Engineer), q);
        assert_eq!(c.weekday_minutes, Minutes(520 * 60));
        assert_eq!(c.available_minutes.get(), (2080 - 48 * 10) * 60 / 4);
    }

    fn day(n: i64) -> Date {
        date!(2024 - 01 - 01) + Duration::days(n)
    }

    proptest! {
        #[test]
        fn parts_sum_to_the_whole(
            start in 0i64..1500, len in 0i64..900, cuts in proptest::collection::vec(0i64..900, 0..6),
            fte in 1i64..=10_000, emp_start in 0i64..2500, emp_len in proptest::option::of(0i64..1500),
            fiscal in 1u8..=12,
        ) {
            let policy = CapacityRules { fiscal_year_start_month: fiscal, ..CapacityRules::handbook() };
            let mut p = person(Function::TechnicalArchitect);
            p.fte = Fte::from_basis_points(fte).unwrap();
            p.employment_start = day(emp_start);
            p.employment_end = emp_len.map(|l| day(emp_start + l));
            let whole = range(day(start), day(start + len));
            let mut points: Vec<i64> = cuts.into_iter().filter(|c| *c < len).map(|c| start + c).collect();
            points.sort();
            points.dedup();
            let mut parts = Vec::new();
            let mut s = start;
            for c in points {
                parts.push(range(day(s), day(c)));
                s = c + 1;
            }
            parts.push(range(day(s), day(start + len)));
            let total = policy_view(&policy, &p, whole);
            let sum: i64 = parts.iter().map(|r| policy_view(&policy, &p, *r).available_minutes.get()).sum();
            prop_assert!((total.available_minutes.get() - sum).abs() <= parts.len() as i64);
            let target_sum: i64 = parts.iter().map(|r| policy_view(&policy, &p, *r).target_minutes.get()).sum();
            prop_assert!((total.target_minutes.get() - target_sum).abs() <= parts.len() as i64);

            let full = policy_view(&policy, &person(Function::TechnicalArchitect), whole);
            prop_assert!(total.available_minutes <= full.available_minutes);
            prop_assert!(total.weekday_minutes <= full.weekday_minutes);
            prop_assert_eq!(
                total.weekday_minutes.get() - total.holiday_minutes.get() - total.time_off_minutes.get(),
                total.available_minutes.get()
            );
            prop_assert!(total.holiday_minutes.get() >= 0 && total.time_off_minutes.get() >= 0);
            prop_assert_eq!(working_days(whole, 5), whole.weekdays());
            if p.employed_part(whole).is_none() {
                prop_assert_eq!(total.available_minutes, Minutes(0));
                prop_assert_eq!(total.weekday_minutes, Minutes(0));
            }
        }
    }
}
