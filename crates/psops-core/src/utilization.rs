//! Utilization as the handbook defines it — worked or billable hours over the hours
//! available — and how report rows add up.
//!
//! - utilization = worked ÷ available;
//! - billable utilization = billable ÷ available — what the role targets (70 %, 55 %)
//!   apply to; the handbook names this divisor "Utilization";
//! - billable mix = billable ÷ worked, so the other reading is visible too;
//! - attainment = billable ÷ target, where target = available × the billable target.
//!
//! A group's target and attainment are those of its people who have a billable target:
//! a region's ops and finance staff, or a partner's consultants who bill without a
//! target, neither water its target down nor lift its attainment.
//!
//! Available is the policy view (the handbook's allowance); the calendar view's ratios
//! are reported beside it. Ratios are basis points rounded half up, `None` when the
//! divisor is 0. A total sums the minute columns of its rows and recomputes every derived
//! column from those sums — ratios are never averaged, and "to target" of a group is the
//! group's shortfall (an over-achiever offsets a colleague behind target).

use std::collections::BTreeMap;
use std::ops::Add;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Minutes;
use crate::capacity::Capacity;
use crate::code::Code;
use crate::partners::PartnerId;
use crate::people::{Function, PersonId};
use crate::ratio::{Ratio, apply_bp, basis_points};

/// The additive columns of a utilization row.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct UtilizationMinutes {
    pub available_policy: Minutes,
    pub available_calendar: Minutes,
    pub worked: Minutes,
    pub billable: Minutes,
    pub target: Minutes,
    /// The policy-view available minutes and the billable minutes of the people who
    /// have a billable target: what a group's target and attainment are measured on.
    pub targeted_available: Minutes,
    pub targeted_billable: Minutes,
}

impl UtilizationMinutes {
    /// One person's minutes: they count toward a target when they have one.
    pub fn person(
        available_policy: Minutes,
        available_calendar: Minutes,
        worked: Minutes,
        billable: Minutes,
        target: Minutes,
    ) -> Self {
        let has_target = target.get() > 0;
        Self {
            available_policy,
            available_calendar,
            worked,
            billable,
            target,
            targeted_available: if has_target { available_policy } else { Minutes(0) },
            targeted_billable: if has_target { billable } else { Minutes(0) },
        }
    }
}

impl Add for UtilizationMinutes {
    type Output = UtilizationMinutes;
    fn add(self, o: Self) -> Self {
        // Saturating: absurd imported totals must not panic a report.
        let s = |a: Minutes, b: Minutes| Minutes(a.get().saturating_add(b.get()));
        Self {
            available_policy: s(self.available_policy, o.available_policy),
            available_calendar: s(self.available_calendar, o.available_calendar),
            worked: s(self.worked, o.worked),
            billable: s(self.billable, o.billable),
            target: s(self.target, o.target),
            targeted_available: s(self.targeted_available, o.targeted_available),
            targeted_billable: s(self.targeted_billable, o.targeted_billable),
        }
    }
}

impl std::iter::Sum for UtilizationMinutes {
    fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(Self::default(), Add::add)
    }
}

/// One line of a utilization report; ratios are basis points (7000 = 70 %).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct UtilizationRow {
    pub available_policy_minutes: Minutes,
    pub available_calendar_minutes: Minutes,
    pub worked_minutes: Minutes,
    pub billable_minutes: Minutes,
    pub target_minutes: Minutes,
    /// Worked ÷ available (policy view).
    pub utilization_bp: Option<i64>,
    /// Billable ÷ available (policy view): what the role targets apply to.
    pub billable_utilization_bp: Option<i64>,
    /// Worked ÷ available (calendar view).
    pub calendar_utilization_bp: Option<i64>,
    /// Billable ÷ available (calendar view).
    pub calendar_billable_utilization_bp: Option<i64>,
    /// Billable ÷ worked.
    pub billable_mix_bp: Option<i64>,
    /// Target ÷ the available minutes of those with a target (policy view): the
    /// person's target, or a group's blended one; `None` when nobody has one.
    pub target_bp: Option<i64>,
    /// Billable ÷ target, both of those with a target; `None` when nobody has one.
    pub attainment_bp: Option<i64>,
    /// Billable minutes those with a target still need to reach it, never below zero.
    pub to_target_minutes: Minutes,
    /// Available (policy view) and billable minutes of those with a target.
    #[serde(default)]
    pub targeted_available_minutes: Minutes,
    #[serde(default)]
    pub targeted_billable_minutes: Minutes,
}

crate::sort_columns!(
    /// The columns a utilization report's rows sort by: the group, then each figure.
    UtilizationSort {
        Group,
        AvailablePolicy,
        AvailableCalendar,
        Worked,
        Billable,
        Utilization,
        BillableUtilization,
        BillableMix,
        Target,
        Attainment,
        TargetHours,
        ToTarget,
    }
);

impl UtilizationRow {
    /// The figure a sort column orders by; `None` (no divisor) sorts after every number.
    /// `Group` has no figure: its label sorts, which the caller knows.
    pub fn figure(&self, key: UtilizationSort) -> Option<i64> {
        use UtilizationSort as S;
        match key {
            S::Group => None,
            S::AvailablePolicy => Some(self.available_policy_minutes.get()),
            S::AvailableCalendar => Some(self.available_calendar_minutes.get()),
            S::Worked => Some(self.worked_minutes.get()),
            S::Billable => Some(self.billable_minutes.get()),
            S::Utilization => self.utilization_bp,
            S::BillableUtilization => self.billable_utilization_bp,
            S::BillableMix => self.billable_mix_bp,
            S::Target => self.target_bp,
            S::Attainment => self.attainment_bp,
            S::TargetHours => Some(self.target_minutes.get()),
            S::ToTarget => Some(self.to_target_minutes.get()),
        }
    }
}

impl UtilizationRow {
    pub fn from_minutes(m: UtilizationMinutes) -> Self {
        let (avail, cal) = (m.available_policy.get(), m.available_calendar.get());
        let (worked, billable, target) = (m.worked.get(), m.billable.get(), m.target.get());
        let targeted = m.targeted_billable.get();
        Self {
            available_policy_minutes: m.available_policy,
            available_calendar_minutes: m.available_calendar,
            worked_minutes: m.worked,
            billable_minutes: m.billable,
            target_minutes: m.target,
            utilization_bp: basis_points(worked, avail),
            billable_utilization_bp: basis_points(billable, avail),
            calendar_utilization_bp: basis_points(worked, cal),
            calendar_billable_utilization_bp: basis_points(billable, cal),
            billable_mix_bp: basis_points(billable, worked),
            target_bp: basis_points(target, m.targeted_available.get()),
            attainment_bp: basis_points(targeted, target),
            to_target_minutes: Minutes(target.saturating_sub(targeted).max(0)),
            targeted_available_minutes: m.targeted_available,
            targeted_billable_minutes: m.targeted_billable,
        }
    }

    pub fn minutes(&self) -> UtilizationMinutes {
        UtilizationMinutes {
            available_policy: self.available_policy_minutes,
            available_calendar: self.available_calendar_minutes,
            worked: self.worked_minutes,
            billable: self.billable_minutes,
            target: self.target_minutes,
            targeted_available: self.targeted_available_minutes,
            targeted_billable: self.targeted_billable_minutes,
        }
    }
}

/// A row from raw figures: target = policy available × `target_bp`, rounded half up.
pub fn utilization_row(
    available_policy: Minutes,
    available_calendar: Minutes,
    worked: Minutes,
    billable: Minutes,
    target_bp: i64,
) -> UtilizationRow {
    let target = apply_bp(Ratio::int(i128::from(available_policy.get())), target_bp);
    UtilizationRow::from_minutes(UtilizationMinutes::person(
        available_policy,
        available_calendar,
        worked,
        billable,
        Minutes(target.round_half_up()),
    ))
}

/// A row from the two capacity views; the target is the policy view's, which was
/// rounded once from exact fractions (and honours mid-range overrides).
pub fn row_from_capacity(policy: &Capacity, calendar: &Capacity, worked: Minutes, billable: Minutes) -> UtilizationRow {
    UtilizationRow::from_minutes(UtilizationMinutes::person(
        policy.available_minutes,
        calendar.available_minutes,
        worked,
        billable,
        policy.target_minutes,
    ))
}

/// The total of some rows: their minutes summed, every derived column recomputed.
pub fn total<'a>(rows: impl IntoIterator<Item = &'a UtilizationRow>) -> UtilizationRow {
    UtilizationRow::from_minutes(rows.into_iter().map(UtilizationRow::minutes).sum())
}

/// Groups items by a key, totalling each group; groups come out in key order.
pub fn group_by<T, K: Ord>(
    items: impl IntoIterator<Item = T>,
    key: impl Fn(&T) -> K,
    minutes: impl Fn(&T) -> UtilizationMinutes,
) -> Vec<(K, UtilizationRow)> {
    let mut groups: BTreeMap<K, UtilizationMinutes> = BTreeMap::new();
    for item in items {
        let m = minutes(&item);
        let slot = groups.entry(key(&item)).or_default();
        *slot = *slot + m;
    }
    groups
        .into_iter()
        .map(|(k, m)| (k, UtilizationRow::from_minutes(m)))
        .collect()
}

/// One person's row with the facts reports group by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PersonUtilization {
    pub person_id: PersonId,
    pub function: Function,
    pub region: String,
    pub manager_id: Option<PersonId>,
    /// The partner organisation employing the person; absent for the company's own staff.
    pub partner_id: Option<PartnerId>,
    #[serde(flatten)]
    pub row: UtilizationRow,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum GroupBy {
    Person,
    Function,
    Region,
    /// A manager's team: everyone whose manager is that person.
    Manager,
    Partner,
}

impl Code for GroupBy {
    const FIELD: &'static str = "group_by";
}

/// A group's key (a person, manager or partner id, a function code or a region; `none`
/// for people without a manager, `company` for the company's own staff) and its total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct GroupRow {
    pub key: String,
    #[serde(flatten)]
    pub row: UtilizationRow,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct UtilizationReport {
    pub group_by: GroupBy,
    pub rows: Vec<GroupRow>,
    /// The sum of `rows`, ratios recomputed.
    pub total: UtilizationRow,
}

pub fn group_key(p: &PersonUtilization, by: GroupBy) -> String {
    person_group_key(p.person_id, p.function, &p.region, p.manager_id, p.partner_id, by)
}

/// The key of the group a person with these facts falls in.
pub fn person_group_key(
    person_id: PersonId,
    function: Function,
    region: &str,
    manager_id: Option<PersonId>,
    partner_id: Option<PartnerId>,
    by: GroupBy,
) -> String {
    match by {
        GroupBy::Person => person_id.to_string(),
        GroupBy::Function => function.code().to_string(),
        GroupBy::Region => region.to_string(),
        GroupBy::Manager => manager_id.map_or("none".into(), |m| m.to_string()),
        GroupBy::Partner => partner_id.map_or("company".into(), |m| m.to_string()),
    }
}

pub fn report(people: &[PersonUtilization], by: GroupBy) -> UtilizationReport {
    let rows: Vec<GroupRow> = if by == GroupBy::Person {
        // Each person is a group of one whose row is already made: the same rows in the
        // same key order as grouping them, without totalling 5,000 groups of one.
        let mut rows: Vec<GroupRow> = people
            .iter()
            .map(|p| GroupRow {
                key: group_key(p, by),
                row: p.row,
            })
            .collect();
        rows.sort_unstable_by(|a, b| a.key.cmp(&b.key));
        rows
    } else {
        group_by(people, |p| group_key(p, by), |p| p.row.minutes())
            .into_iter()
            .map(|(key, row)| GroupRow { key, row })
            .collect()
    };
    let total = total(rows.iter().map(|g| &g.row));
    UtilizationReport {
        group_by: by,
        rows,
        total,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::id::Id;
    use proptest::prelude::*;

    fn m(h: i64) -> Minutes {
        Minutes(h * 60)
    }

    #[test]
    fn an_engineer_on_target_for_a_quarter() {
        let r = utilization_row(m(424), m(400), m(380), Minutes(17_808), 7000);
        assert_eq!(r.target_minutes, Minutes(17_808));
        assert_eq!(r.billable_utilization_bp, Some(7000));
        assert_eq!(r.attainment_bp, Some(10_000));
        assert_eq!(r.to_target_minutes, Minutes(0));
        // 380 / 424 = 0.89622… → 8962
        assert_eq!(r.utilization_bp, Some(8962));
        assert_eq!(r.calendar_utilization_bp, Some(9500));
        assert_eq!(r.calendar_billable_utilization_bp, Some(7420));
        // 296.8 / 380 = 0.78105… → 7811
        assert_eq!(r.billable_mix_bp, Some(7811));
        assert_eq!(r.target_bp, Some(7000));
    }

    #[test]
    fn a_report_by_person_is_each_persons_own_row_in_key_order() {
        let person = |id: i64, worked: i64| PersonUtilization {
            person_id: Id::new(id),
            function: Function::Engineer,
            region: "EMEA".into(),
            manager_id: None,
            partner_id: None,
            row: utilization_row(m(424), m(400), m(worked), m(worked / 2), 7000),
        };
        let people = [person(10, 300), person(9, 100), person(100, 200)];
        let fast = report(&people, GroupBy::Person);
        let grouped: Vec<(String, UtilizationRow)> =
            group_by(&people, |p| group_key(p, GroupBy::Person), |p| p.row.minutes());
        let keys: Vec<&str> = fast.rows.iter().map(|g| g.key.as_str()).collect();
        assert_eq!(keys, ["10", "100", "9"], "text order, as grouping gives");
        assert_eq!(
            fast.rows.iter().map(|g| (g.key.clone(), g.row)).collect::<Vec<_>>(),
            grouped
        );
        assert_eq!(fast.total, total(grouped.iter().map(|(_, r)| r)));
    }

    #[test]
    fn behind_target_shows_what_is_left() {
        let r = utilization_row(m(424), m(424), m(300), m(200), 5500);
        assert_eq!(r.target_minutes, Minutes(13_992));
        assert_eq!(r.to_target_minutes, Minutes(13_992 - 12_000));
        assert_eq!(r.attainment_bp, Some(8576)); // 12000 / 13992 = 0.85763…
    }

    #[test]
    fn zero_divisors_give_no_ratio() {
        let r = utilization_row(m(0), m(0), m(0), m(0), 7000);
        assert_eq!(
            (r.utilization_bp, r.billable_utilization_bp, r.billable_mix_bp),
            (None, None, None)
        );
        assert_eq!((r.target_bp, r.attainment_bp), (None, None));
        assert_eq!(r.to_target_minutes, Minutes(0));
        // No target (e.g. ops) but hours worked: no attainment, mix still known.
        let ops = utilization_row(m(424), m(424), m(400), m(10), 0);
        assert_eq!(ops.attainment_bp, None);
        assert_eq!(ops.target_bp, None, "no target rather than a target of 0 %");
        assert_eq!(ops.billable_mix_bp, Some(250));
    }

    #[test]
    fn rows_come_from_both_capacity_views() {
        use crate::capacity::{CapacityRules, PersonFacts, calendar_view, policy_view};
        use crate::dates::DateRange;
        use crate::people::Fte;
        use time::macros::date;
        let person = PersonFacts {
            person_id: Id::new(1),
            function: Function::Trainer,
            region: "EMEA".into(),
            fte: Fte::FULL,
            employment_start: date!(2020 - 01 - 01),
            employment_end: None,
        };
        let q = DateRange::new(date!(2026 - 04 - 01), date!(2026 - 06 - 30)).unwrap();
        let policy = CapacityRules::handbook();
        let r = row_from_capacity(
            &policy_view(&policy, &person, q),
            &calendar_view(&policy, &person, q, &[], &[]),
            m(400),
            m(200),
        );
        assert_eq!(r.available_policy_minutes, m(424));
        assert_eq!(r.available_calendar_minutes, m(65 * 8)); // 65 weekdays, nothing off
        assert_eq!(r.target_minutes, Minutes(13_992));
    }

    #[test]
    fn totals_recompute_ratios_instead_of_averaging() {
        let a = utilization_row(m(100), m(100), m(100), m(100), 7000); // 100 %
        let b = utilization_row(m(300), m(300), m(0), m(0), 7000); // 0 %
        let t = total([&a, &b]);
        assert_eq!(t.available_policy_minutes, m(400));
        assert_eq!(t.billable_utilization_bp, Some(2500)); // not the 50 % an average gives
        assert_eq!(t.target_minutes, m(280));
        // A's 30 h over target offsets part of B's 210 h shortfall.
        assert_eq!(t.to_target_minutes, m(180));
    }

    #[test]
    fn a_group_is_measured_against_target_on_those_who_have_one() {
        let engineer = utilization_row(m(400), m(400), m(400), m(200), 7000); // target 280 h
        let ops = utilization_row(m(400), m(400), m(400), m(0), 0);
        let partner = utilization_row(m(400), m(400), m(400), m(400), 0);
        let t = total([&engineer, &ops, &partner]);
        assert_eq!(t.target_bp, Some(7000), "ops and partners do not water the target down");
        assert_eq!(
            t.attainment_bp,
            Some(7143),
            "nor does a partner's billing lift it: 200 ÷ 280"
        );
        assert_eq!(t.to_target_minutes, m(80));
        assert_eq!(t.billable_utilization_bp, Some(5000), "billable ÷ everyone's available");
        assert_eq!(
            (ops.target_bp, ops.attainment_bp),
            (None, None),
            "no target, no attainment"
        );
    }

    fn person(
        id: i64,
        function: Function,
        region: &str,
        manager: Option<i64>,
        partner: Option<i64>,
        row: UtilizationRow,
    ) -> PersonUtilization {
        PersonUtilization {
            person_id: Id::new(id),
            function,
            region: region.into(),
            manager_id: manager.map(Id::new),
            partner_id: partner.map(Id::new),
            row,
        }
    }

    #[test]
    fn reports_group_by_each_dimension() {
        let row = |b| utilization_row(m(424), m(424), m(400), m(b), 7000);
        let people = [
            person(1, Function::Engineer, "EMEA", Some(9), None, row(300)),
            person(2, Function::Trainer, "AMER", Some(9), Some(4), row(100)),
            person(3, Function::Engineer, "AMER", None, None, row(200)),
        ];
        let keys = |by| -> Vec<String> { report(&people, by).rows.into_iter().map(|g| g.key).collect() };
        assert_eq!(keys(GroupBy::Person), ["1", "2", "3"]);
        assert_eq!(keys(GroupBy::Function), ["engineer", "trainer"]);
        assert_eq!(keys(GroupBy::Region), ["AMER", "EMEA"]);
        assert_eq!(keys(GroupBy::Manager), ["9", "none"]);
        assert_eq!(keys(GroupBy::Partner), ["4", "company"]);
        let by_function = report(&people, GroupBy::Function);
        assert_eq!(by_function.rows[0].row.billable_minutes, m(500));
        assert_eq!(by_function.total.billable_minutes, m(600));
        assert_eq!(GroupBy::from_code("manager").unwrap(), GroupBy::Manager);
        let json = serde_json::to_value(&by_function.rows[1]).unwrap();
        assert_eq!(json["key"], "trainer");
        assert_eq!(json["billable_minutes"], 6000);
    }

    proptest! {
        #[test]
        fn totals_equal_the_sum_of_their_rows(
            rows in proptest::collection::vec((0i64..100_000, 0i64..100_000, 0i64..100_000, 0i64..100_000, 0i64..=10_000, 0usize..4), 0..30),
        ) {
            let people: Vec<PersonUtilization> = rows.iter().enumerate().map(|(i, (a, c, w, b, t, g))| {
                let f = [Function::Engineer, Function::Trainer, Function::Ops, Function::ProjectManager][*g];
                person(i as i64, f, ["EMEA", "AMER"][g % 2], None, None,
                    utilization_row(Minutes(*a), Minutes(*c), Minutes(*w), Minutes((*b).min(*w)), *t))
            }).collect();
            for by in GroupBy::ALL {
                let r = report(&people, *by);
                let sum: UtilizationMinutes = r.rows.iter().map(|g| g.row.minutes()).sum();
                prop_assert_eq!(r.total.minutes(), sum);
                let all: UtilizationMinutes = people.iter().map(|p| p.row.minutes()).sum();
                prop_assert_eq!(r.total.minutes(), all);
                prop_assert_eq!(r.total.billable_utilization_bp, basis_points(all.billable.get(), all.available_policy.get()));
                prop_assert_eq!(r.total.attainment_bp, basis_points(all.targeted_billable.get(), all.target.get()));
                prop_assert_eq!(r.total.target_bp, basis_points(all.target.get(), all.targeted_available.get()));
                prop_assert!(r.total.to_target_minutes.get() >= 0);
            }
        }
    }
}
