//! The calendar view of capacity: working days in the range (while employed, times FTE)
//! minus the person's regional holidays and the time off actually recorded. Time off is
//! its own record, kept apart from time entries; this module owns its kinds.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;

use super::view::{Exact, over_segments, working_days};
use super::{Capacity, CapacityRules, CapacityView, PersonFacts, RulesOverride};
use crate::Minutes;
use crate::code::Code;
use crate::dates::DateRange;
use crate::error::Result;
use crate::ratio::{Ratio, apply_bp};

/// What a day (or part of one) off is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum TimeOffKind {
    Pto,
    FriendsAndFamily,
    SummitTraining,
    Other,
}

impl Code for TimeOffKind {
    const FIELD: &'static str = "kind";
}

/// A day on a regional holiday calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Holiday {
    #[schema(value_type = String, format = Date)]
    pub date: Date,
    /// Minutes off for a full-time person on a part holiday (e.g. 240 for a half day);
    /// absent for a whole day. Scaled by FTE like the day itself.
    #[serde(default)]
    #[schema(value_type = Option<i64>, minimum = 1, maximum = 1440)]
    pub minutes: Option<Minutes>,
    // Required (a holiday without a name is refused); the default only lets the
    // validator say so, naming the field, instead of a parse error.
    #[serde(default)]
    #[schema(required = true)]
    pub name: String,
}

/// Recorded time off on one day. The minutes are what the person takes, not scaled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TimeOff {
    #[schema(value_type = String, format = Date)]
    pub date: Date,
    pub minutes: Minutes,
    pub kind: TimeOffKind,
}

/// The calendar view for one person over an inclusive range under one policy. Holidays
/// and time off outside the range, outside employment or on non-working days are
/// ignored; a day never goes below zero (time off beyond what a holiday left is dropped).
pub fn calendar_view(
    policy: &CapacityRules,
    person: &PersonFacts,
    range: DateRange,
    holidays: &[Holiday],
    time_off: &[TimeOff],
) -> Capacity {
    calendar_exact(policy, person, range, holidays, time_off).finish(CapacityView::Calendar, range)
}

/// The calendar view with overrides that may start or end inside the range.
pub fn calendar_view_resolved(
    base: &CapacityRules,
    overrides: &[RulesOverride],
    person: &PersonFacts,
    range: DateRange,
    holidays: &[Holiday],
    time_off: &[TimeOff],
) -> Result<Capacity> {
    let exact = over_segments(base, overrides, person, range, |p, r| {
        calendar_exact(p, person, r, holidays, time_off)
    })?;
    Ok(exact.finish(CapacityView::Calendar, range))
}

fn calendar_exact(
    policy: &CapacityRules,
    person: &PersonFacts,
    range: DateRange,
    holidays: &[Holiday],
    time_off: &[TimeOff],
) -> Exact {
    let Some(employed) = person.employed_part(range) else {
        return Exact::default();
    };
    let fte = person.fte_ratio();
    let day_cap = Ratio::int(i128::from(policy.day_minutes)) * fte;
    let counts =
        |d: &Date| employed.contains(*d) && i64::from(d.weekday().number_days_from_monday()) < policy.week_days;
    // Per day: full-time holiday minutes, recorded time-off minutes. Walking only the
    // days that have records keeps long ranges cheap.
    let mut days: BTreeMap<Date, (i128, i128)> = BTreeMap::new();
    for h in holidays.iter().filter(|h| counts(&h.date)) {
        let m = h.minutes.map_or(policy.day_minutes, Minutes::get).max(0);
        days.entry(h.date).or_default().0 += i128::from(m);
    }
    for t in time_off.iter().filter(|t| counts(&t.date)) {
        days.entry(t.date).or_default().1 += i128::from(t.minutes.get().max(0));
    }
    let mut holiday = Ratio::ZERO;
    let mut off = Ratio::ZERO;
    for (hol, taken) in days.into_values() {
        let h = (Ratio::int(hol) * fte).min(day_cap);
        let t = Ratio::int(taken).min(day_cap - h);
        holiday = holiday + h;
        off = off + t;
    }
    let weekday = day_cap * Ratio::int(i128::from(working_days(employed, policy.week_days)));
    let available = weekday - holiday - off;
    Exact {
        weekday,
        holiday,
        time_off: off,
        available,
        target: apply_bp(available, policy.billable_target_bp(person.function)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::id::Id;
    use crate::people::{Fte, Function};
    use proptest::prelude::*;
    use time::Duration;
    use time::macros::date;

    fn person() -> PersonFacts {
        PersonFacts {
            person_id: Id::new(1),
            function: Function::Engineer,
            region: "AMER".into(),
            fte: Fte::FULL,
            employment_start: date!(2020 - 01 - 01),
            employment_end: None,
        }
    }

    // Monday 2026-11-23 to Sunday 2026-11-29.
    fn week() -> DateRange {
        DateRange::new(date!(2026 - 11 - 23), date!(2026 - 11 - 29)).unwrap()
    }

    fn holiday(date: Date, minutes: Option<i64>) -> Holiday {
        Holiday {
            date,
            minutes: minutes.map(Minutes),
            name: "Holiday".into(),
        }
    }

    fn off(date: Date, minutes: i64) -> TimeOff {
        TimeOff {
            date,
            minutes: Minutes(minutes),
            kind: TimeOffKind::Pto,
        }
    }

    #[test]
    fn a_wednesday_holiday_and_friday_afternoon_off_leave_28_hours() {
        let c = calendar_view(
            &CapacityRules::handbook(),
            &person(),
            week(),
            &[holiday(date!(2026 - 11 - 25), None)],
            &[off(date!(2026 - 11 - 27), 240)],
        );
        assert_eq!(c.view, CapacityView::Calendar);
        assert_eq!(c.weekday_minutes, Minutes(40 * 60));
        assert_eq!(c.holiday_minutes, Minutes(8 * 60));
        assert_eq!(c.time_off_minutes, Minutes(4 * 60));
        assert_eq!(c.available_minutes, Minutes(28 * 60));
        assert_eq!(c.target_minutes, Minutes(28 * 60 * 7 / 10));
    }

    #[test]
    fn weekends_never_count() {
        let c = calendar_view(
            &CapacityRules::handbook(),
            &person(),
            week(),
            &[holiday(date!(2026 - 11 - 28), None)],
            &[off(date!(2026 - 11 - 29), 480)],
        );
        assert_eq!(c.available_minutes, Minutes(40 * 60));
        assert_eq!((c.holiday_minutes, c.time_off_minutes), (Minutes(0), Minutes(0)));
        let weekend = DateRange::new(date!(2026 - 11 - 28), date!(2026 - 11 - 29)).unwrap();
        let c = calendar_view(&CapacityRules::handbook(), &person(), weekend, &[], &[]);
        assert_eq!(c.weekday_minutes, Minutes(0));
    }

    #[test]
    fn a_day_never_goes_below_zero() {
        let mon = date!(2026 - 11 - 23);
        let tue = date!(2026 - 11 - 24);
        let c = calendar_view(
            &CapacityRules::handbook(),
            &person(),
            week(),
            &[holiday(mon, None), holiday(mon, None), holiday(tue, Some(240))],
            &[off(mon, 480), off(tue, 300), off(tue, 300), off(tue, -50)],
        );
        // Monday is a holiday twice over and PTO on top: still just one day gone.
        // Tuesday: half holiday, then 600 min of PTO of which only 240 fit.
        assert_eq!(c.holiday_minutes, Minutes(720));
        assert_eq!(c.time_off_minutes, Minutes(240));
        assert_eq!(c.available_minutes, Minutes(3 * 480));
    }

    #[test]
    fn fte_scales_days_and_holidays_but_not_recorded_time_off() {
        let mut p = person();
        p.fte = Fte::from_basis_points(5000).unwrap();
        let c = calendar_view(
            &CapacityRules::handbook(),
            &p,
            week(),
            &[holiday(date!(2026 - 11 - 25), None)],
            &[off(date!(2026 - 11 - 27), 120), off(date!(2026 - 11 - 26), 480)],
        );
        assert_eq!(c.weekday_minutes, Minutes(20 * 60));
        assert_eq!(c.holiday_minutes, Minutes(4 * 60));
        // 2 h on Friday, and Thursday's 8 h is capped at the 4 h day.
        assert_eq!(c.time_off_minutes, Minutes(6 * 60));
        assert_eq!(c.available_minutes, Minutes(10 * 60));
    }

    #[test]
    fn only_employed_days_count() {
        let mut p = person();
        p.employment_start = date!(2026 - 11 - 25);
        p.employment_end = Some(date!(2026 - 11 - 26));
        let c = calendar_view(
            &CapacityRules::handbook(),
            &p,
            week(),
            &[holiday(date!(2026 - 11 - 23), None)],
            &[off(date!(2026 - 11 - 26), 60)],
        );
        assert_eq!(c.weekday_minutes, Minutes(960));
        assert_eq!(c.holiday_minutes, Minutes(0));
        assert_eq!(c.available_minutes, Minutes(900));
        p.employment_start = date!(2027 - 01 - 01);
        p.employment_end = None;
        let none = calendar_view(&CapacityRules::handbook(), &p, week(), &[], &[]);
        assert_eq!(none.available_minutes, Minutes(0));
    }

    #[test]
    fn overrides_apply_from_their_first_day() {
        use super::super::{OverrideScope, RulesChanges};
        let ov = RulesOverride {
            scope: OverrideScope::Region("AMER".into()),
            effective_from: date!(2026 - 11 - 26),
            effective_to: None,
            changes: RulesChanges {
                day_minutes: Some(360),
                ..Default::default()
            },
        };
        let c = calendar_view_resolved(&CapacityRules::handbook(), &[ov], &person(), week(), &[], &[]).unwrap();
        assert_eq!(c.weekday_minutes, Minutes(3 * 480 + 2 * 360));
    }

    #[test]
    fn time_off_kinds_have_codes() {
        for k in TimeOffKind::ALL {
            assert_eq!(TimeOffKind::from_code(k.code()).unwrap(), *k);
            assert_eq!(serde_json::to_string(k).unwrap(), format!("\"{}\"", k.code()));
        }
        let err = TimeOffKind::from_code("vacation").unwrap_err();
        assert!(
            err.to_string()
                .contains("pto, friends_and_family, summit_training, other")
        );
    }

    proptest! {
        #[test]
        fn calendar_capacity_is_bounded_and_additive(
            start in 0i64..800, len in 0i64..120, cut in 0i64..120, fte in 1i64..=10_000,
            hols in proptest::collection::vec((0i64..120, proptest::option::of(0i64..600)), 0..10),
            offs in proptest::collection::vec((0i64..120, 0i64..700), 0..15),
        ) {
            let base = date!(2025 - 01 - 01) + Duration::days(start);
            let mut p = person();
            p.fte = Fte::from_basis_points(fte).unwrap();
            let holidays: Vec<Holiday> = hols.iter().map(|(d, m)| holiday(base + Duration::days(*d), *m)).collect();
            let time_off: Vec<TimeOff> = offs.iter().map(|(d, m)| off(base + Duration::days(*d), *m)).collect();
            let policy = CapacityRules::handbook();
            let whole = DateRange::new(base, base + Duration::days(len)).unwrap();
            let c = calendar_view(&policy, &p, whole, &holidays, &time_off);
            prop_assert!(c.available_minutes.get() >= 0);
            prop_assert!(c.holiday_minutes.get() >= 0 && c.time_off_minutes.get() >= 0);
            prop_assert_eq!(c.weekday_minutes.get() - c.holiday_minutes.get() - c.time_off_minutes.get(), c.available_minutes.get());
            let free = calendar_view(&policy, &person(), whole, &[], &[]);
            prop_assert!(c.available_minutes <= free.available_minutes);
            if cut < len {
                let a = DateRange::new(base, base + Duration::days(cut)).unwrap();
                let b = DateRange::new(base + Duration::days(cut + 1), whole.end).unwrap();
                let sum = calendar_view(&policy, &p, a, &holidays, &time_off).available_minutes.get()
                    + calendar_view(&policy, &p, b, &holidays, &time_off).available_minutes.get();
                prop_assert!((sum - c.available_minutes.get()).abs() <= 2);
            }
        }
    }
}
