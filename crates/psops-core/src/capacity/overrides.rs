//! Policy overrides per region, function and person with effective dates, and the
//! resolver that folds them over the base policy for one person on one day.

use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;

use super::{CapacityRules, PersonFacts};
use crate::code::Code;
use crate::dates::{DateRange, within};
use crate::error::{Error, Result};
use crate::people::{Function, PersonId};
use crate::rule::Rule;
use crate::validate::Checks;

/// Whom an override applies to. JSON: `{"region":"EMEA"}`, `{"function":"trainer"}`,
/// `{"person":42}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OverrideScope {
    Region(String),
    Function(Function),
    Person(PersonId),
}

impl OverrideScope {
    /// Precedence: the narrower scope wins (person > function > region > base).
    fn rank(&self) -> u8 {
        match self {
            Self::Region(_) => 0,
            Self::Function(_) => 1,
            Self::Person(_) => 2,
        }
    }

    pub fn matches(&self, person: &PersonFacts) -> bool {
        match self {
            // Regions are typed by people; letter case is not a difference worth missing.
            Self::Region(r) => r.trim().eq_ignore_ascii_case(person.region.trim()),
            Self::Function(f) => *f == person.function,
            Self::Person(id) => *id == person.person_id,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FunctionTarget {
    pub function: Function,
    /// Billable-utilization target in basis points (7000 = 70 %).
    #[schema(minimum = 0, maximum = 10000)]
    pub target_bp: i64,
}

/// A partial policy: only the numbers given change.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = PolicyChanges)]
pub struct RulesChanges {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 1, maximum = 1440)]
    pub day_minutes: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 1, maximum = 7)]
    pub week_days: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 1, maximum = 53)]
    pub weeks_per_year: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0, maximum = 366)]
    pub holiday_days: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0, maximum = 366)]
    pub pto_days: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0, maximum = 366)]
    pub friends_family_days: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0, maximum = 366)]
    pub summit_days: Option<i64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub billable_targets: Vec<FunctionTarget>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(minimum = -10000, maximum = 10000)]
    pub margin_target_bp: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 1, maximum = 12)]
    pub fiscal_year_start_month: Option<u8>,
}

impl RulesChanges {
    pub fn apply_to(&self, p: &mut CapacityRules) {
        use crate::patch::set;
        set(&mut p.day_minutes, self.day_minutes);
        set(&mut p.week_days, self.week_days);
        set(&mut p.weeks_per_year, self.weeks_per_year);
        set(&mut p.holiday_days, self.holiday_days);
        set(&mut p.pto_days, self.pto_days);
        set(&mut p.friends_family_days, self.friends_family_days);
        set(&mut p.summit_days, self.summit_days);
        set(&mut p.margin_target_bp, self.margin_target_bp);
        set(&mut p.fiscal_year_start_month, self.fiscal_year_start_month);
        for t in &self.billable_targets {
            p.billable_targets.set(t.function, t.target_bp);
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = PolicyOverride)]
pub struct RulesOverride {
    pub scope: OverrideScope,
    /// First day the override applies.
    #[schema(value_type = String, format = Date)]
    pub effective_from: Date,
    /// Last day it applies (inclusive); absent means open-ended.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub effective_to: Option<Date>,
    #[serde(deserialize_with = "object_only")]
    pub changes: RulesChanges,
}

/// `changes` is read from an object only: serde would also take a struct from an array
/// of its fields in order (`[null, null]` as no changes), which the document does not
/// allow and no client means.
fn object_only<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<RulesChanges, D::Error> {
    struct Object;
    impl<'de> serde::de::Visitor<'de> for Object {
        type Value = RulesChanges;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an object of policy changes")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> std::result::Result<RulesChanges, A::Error> {
            RulesChanges::deserialize(serde::de::value::MapAccessDeserializer::new(map))
        }
    }
    d.deserialize_map(Object)
}

impl RulesOverride {
    /// Rules an override obeys on its own. Whether it fits the base policy (e.g. days off
    /// within the year) is checked when it is resolved, because the base may change.
    pub fn validate(&self) -> Result<()> {
        let mut c = Checks::new();
        if let OverrideScope::Region(r) = &self.scope {
            c.text(r, "scope.region", 100);
        }
        if let Some(to) = self.effective_to {
            c.check(
                to >= self.effective_from,
                "effective_to",
                Rule::AfterStart,
                "effective_to must be on or after effective_from",
            );
        }
        if let OverrideScope::Function(f) = self.scope {
            c.check(
                self.changes.billable_targets.iter().all(|t| t.function == f),
                "changes.billable_targets",
                Rule::ScopeFunction,
                format!(
                    "an override for the {} function can only change that function's target",
                    f.code()
                ),
            );
        }
        // Range rules are the policy's own, checked on the handbook policy with the
        // changes applied; the whole-year rule is left to `resolve`.
        let mut probe = CapacityRules::handbook();
        probe.holiday_days = 0;
        probe.pto_days = 0;
        probe.friends_family_days = 0;
        probe.summit_days = 0;
        self.changes.apply_to(&mut probe);
        if let Err(Error::Invalid(errors)) = probe.validate() {
            for mut e in errors.into_iter().filter(|e| e.rule != Rule::WithinYear) {
                e.field = format!("changes.{}", e.field);
                c.push(e);
            }
        }
        c.into_result()
    }

    pub fn in_effect_on(&self, d: Date) -> bool {
        within(d, Some(self.effective_from), self.effective_to)
    }
}

/// The policy that holds for `person` on `on`: the base with every override in effect
/// that day applied, region first, then function, then person, so the narrower scope
/// wins field by field; within a scope the latest `effective_from` wins (equal starts:
/// the later one in `overrides`). The result is validated, so a region's extra holidays
/// cannot combine with a person's PTO into more days off than the year holds.
pub fn resolve(
    base: &CapacityRules,
    overrides: &[RulesOverride],
    person: &PersonFacts,
    on: Date,
) -> Result<CapacityRules> {
    let mut applicable: Vec<&RulesOverride> = overrides
        .iter()
        .filter(|o| o.scope.matches(person) && o.in_effect_on(on))
        .collect();
    // A stable sort keeps input order among equal keys, so the later one is applied last.
    applicable.sort_by_key(|o| (o.scope.rank(), o.effective_from));
    let mut policy = base.clone();
    for o in applicable {
        o.changes.apply_to(&mut policy);
    }
    policy.validate()?;
    Ok(policy)
}

/// `range` cut where any override for `person` starts or ends, so one policy holds over
/// each piece.
pub(super) fn policy_segments(overrides: &[RulesOverride], person: &PersonFacts, range: DateRange) -> Vec<DateRange> {
    let mut cuts: Vec<Date> = overrides
        .iter()
        .filter(|o| o.scope.matches(person))
        .flat_map(|o| [Some(o.effective_from), o.effective_to.and_then(Date::next_day)])
        .flatten()
        .filter(|d| range.start < *d && *d <= range.end)
        .collect();
    cuts.sort();
    cuts.dedup();
    let mut out = Vec::with_capacity(cuts.len() + 1);
    let mut start = range.start;
    for cut in cuts {
        let end = cut.previous_day().unwrap_or(cut);
        out.push(DateRange { start, end });
        start = cut;
    }
    out.push(DateRange { start, end: range.end });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::id::Id;
    use crate::people::Fte;
    use Function::*;
    use time::macros::date;

    fn ada() -> PersonFacts {
        PersonFacts {
            person_id: Id::new(7),
            function: Engineer,
            region: "EMEA".into(),
            fte: Fte::FULL,
            employment_start: date!(2020 - 01 - 01),
            employment_end: None,
        }
    }

    fn ov(scope: OverrideScope, from: Date, to: Option<Date>, changes: RulesChanges) -> RulesOverride {
        RulesOverride {
            scope,
            effective_from: from,
            effective_to: to,
            changes,
        }
    }

    fn holidays(n: i64) -> RulesChanges {
        RulesChanges {
            holiday_days: Some(n),
            ..Default::default()
        }
    }

    #[test]
    fn narrower_scopes_win_field_by_field() {
        let overrides = [
            ov(
                OverrideScope::Person(Id::new(7)),
                date!(2026 - 01 - 01),
                None,
                holidays(8),
            ),
            ov(
                OverrideScope::Region("emea".into()),
                date!(2026 - 01 - 01),
                None,
                RulesChanges {
                    holiday_days: Some(13),
                    pto_days: Some(25),
                    ..Default::default()
                },
            ),
            ov(
                OverrideScope::Function(Engineer),
                date!(2026 - 01 - 01),
                None,
                holidays(12),
            ),
            ov(
                OverrideScope::Function(Trainer),
                date!(2026 - 01 - 01),
                None,
                holidays(1),
            ),
            ov(
                OverrideScope::Person(Id::new(8)),
                date!(2026 - 01 - 01),
                None,
                holidays(2),
            ),
        ];
        let base = CapacityRules::handbook();
        let p = resolve(&base, &overrides, &ada(), date!(2026 - 06 - 01)).unwrap();
        assert_eq!(p.holiday_days, 8); // the person's own
        assert_eq!(p.pto_days, 25); // only the region set it
        assert_eq!(p.summit_days, 5); // nobody did
        // Before any override starts, the base holds.
        assert_eq!(resolve(&base, &overrides, &ada(), date!(2025 - 12 - 31)).unwrap(), base);
    }

    #[test]
    fn the_latest_start_wins_within_a_scope_and_ends_are_honoured() {
        let overrides = [
            ov(
                OverrideScope::Function(Engineer),
                date!(2026 - 07 - 01),
                None,
                holidays(9),
            ),
            ov(
                OverrideScope::Function(Engineer),
                date!(2026 - 01 - 01),
                None,
                holidays(12),
            ),
            ov(
                OverrideScope::Function(Engineer),
                date!(2026 - 03 - 01),
                Some(date!(2026 - 03 - 31)),
                holidays(3),
            ),
        ];
        let base = CapacityRules::handbook();
        let on = |d| resolve(&base, &overrides, &ada(), d).unwrap().holiday_days;
        assert_eq!(on(date!(2026 - 02 - 01)), 12);
        assert_eq!(on(date!(2026 - 03 - 31)), 3);
        assert_eq!(on(date!(2026 - 04 - 01)), 12);
        assert_eq!(on(date!(2026 - 07 - 01)), 9);
    }

    #[test]
    fn targets_change_per_function_and_person() {
        let overrides = [ov(
            OverrideScope::Person(Id::new(7)),
            date!(2026 - 01 - 01),
            None,
            RulesChanges {
                billable_targets: vec![FunctionTarget {
                    function: Engineer,
                    target_bp: 6000,
                }],
                ..Default::default()
            },
        )];
        let p = resolve(&CapacityRules::handbook(), &overrides, &ada(), date!(2026 - 02 - 02)).unwrap();
        assert_eq!(p.billable_target_bp(Engineer), 6000);
        assert_eq!(p.quarterly_target_minutes(Engineer), 15_264); // 424 h × 0.6
    }

    #[test]
    fn a_resolved_policy_that_breaks_the_year_is_refused() {
        let mut changes = holidays(200);
        changes.pto_days = Some(100);
        let overrides = [ov(
            OverrideScope::Region("EMEA".into()),
            date!(2026 - 01 - 01),
            None,
            changes,
        )];
        assert!(overrides[0].validate().is_ok());
        let err = resolve(&CapacityRules::handbook(), &overrides, &ada(), date!(2026 - 01 - 05)).unwrap_err();
        assert!(err.to_string().contains("exceed the working year"), "{err}");
    }

    #[test]
    fn overrides_validate_their_own_rules() {
        let mut bad = ov(
            OverrideScope::Function(Trainer),
            date!(2026 - 02 - 01),
            Some(date!(2026 - 01 - 01)),
            RulesChanges {
                day_minutes: Some(0),
                billable_targets: vec![FunctionTarget {
                    function: Engineer,
                    target_bp: 5000,
                }],
                ..Default::default()
            },
        );
        let Error::Invalid(errors) = bad.validate().unwrap_err() else {
            panic!("expected invalid")
        };
        let rules: Vec<(String, Rule)> = errors.iter().map(|e| (e.field.clone(), e.rule)).collect();
        assert_eq!(
            rules,
            [
                ("effective_to".into(), Rule::AfterStart),
                ("changes.billable_targets".into(), Rule::ScopeFunction),
                ("changes.day_minutes".into(), Rule::Range)
            ]
        );
        bad.scope = OverrideScope::Region(" ".into());
        bad.effective_to = None;
        bad.changes = RulesChanges::default();
        assert!(bad.validate().unwrap_err().to_string().contains("scope.region"));
    }

    #[test]
    fn scopes_read_as_tagged_json() {
        let o: RulesOverride = serde_json::from_str(
            r#"{"scope":{"function":"trainer"},"effective_from":"2026-01-01","changes":{"holiday_days":9}}"#,
        )
        .unwrap();
        assert_eq!(o.scope, OverrideScope::Function(Trainer));
        assert_eq!(o.effective_to, None);
        let json = serde_json::to_string(&OverrideScope::Person(Id::new(3))).unwrap();
        assert_eq!(json, r#"{"person":3}"#);
    }

    #[test]
    fn segments_cut_at_every_start_and_after_every_end() {
        let overrides = [
            ov(
                OverrideScope::Person(Id::new(7)),
                date!(2026 - 02 - 10),
                Some(date!(2026 - 02 - 20)),
                holidays(1),
            ),
            ov(
                OverrideScope::Person(Id::new(9)),
                date!(2026 - 02 - 15),
                None,
                holidays(1),
            ),
            ov(
                OverrideScope::Region("EMEA".into()),
                date!(2025 - 01 - 01),
                None,
                holidays(1),
            ),
        ];
        let range = DateRange::new(date!(2026 - 02 - 01), date!(2026 - 02 - 28)).unwrap();
        let parts = policy_segments(&overrides, &ada(), range);
        let bounds: Vec<(Date, Date)> = parts.iter().map(|r| (r.start, r.end)).collect();
        assert_eq!(
            bounds,
            [
                (date!(2026 - 02 - 01), date!(2026 - 02 - 09)),
                (date!(2026 - 02 - 10), date!(2026 - 02 - 20)),
                (date!(2026 - 02 - 21), date!(2026 - 02 - 28)),
            ]
        );
    }
}
