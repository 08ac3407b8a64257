//! The capacity rules: day length, working weeks, holiday / PTO / F&F / summit
//! allowances, billable targets by function, margin target and fiscal-year start, with
//! the handbook's defaults, the annual figures they give and the handbook table.
//! Overrides live in `overrides`, the two capacity views in `view` and `calendar`.

mod calendar;
mod handbook;
mod overrides;
mod view;

pub use calendar::{Holiday, TimeOff, TimeOffKind, calendar_view, calendar_view_resolved};
pub use handbook::HandbookRow;
pub use overrides::{FunctionTarget, OverrideScope, RulesChanges, RulesOverride, resolve};
pub use view::{Alike, Capacity, CapacityView, PersonFacts, policy_view, policy_view_resolved};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::Result;
use crate::fiscal::FiscalCalendar;
use crate::people::Function;
use crate::ratio::{Ratio, apply_bp};
use crate::rule::Rule;
use crate::validate::Checks;

/// Billable-utilization targets by function, in basis points (7000 = 70 %). The handbook
/// sets 70 % for project and program managers and engineers and 55 % for technical
/// architects and trainers; it sets none for the other functions, so psops ships 0 for
/// them — "no billable target", which reports show as no attainment rather than 0 %.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct BillableTargets {
    #[schema(minimum = 0, maximum = 10000)]
    pub project_coordinator: i64,
    #[schema(minimum = 0, maximum = 10000)]
    pub project_manager: i64,
    #[schema(minimum = 0, maximum = 10000)]
    pub program_manager: i64,
    #[schema(minimum = 0, maximum = 10000)]
    pub engineer: i64,
    #[schema(minimum = 0, maximum = 10000)]
    pub technical_architect: i64,
    #[schema(minimum = 0, maximum = 10000)]
    pub trainer: i64,
    #[schema(minimum = 0, maximum = 10000)]
    pub engagement_manager: i64,
    #[schema(minimum = 0, maximum = 10000)]
    pub regional_delivery_manager: i64,
    #[schema(minimum = 0, maximum = 10000)]
    pub ops: i64,
    #[schema(minimum = 0, maximum = 10000)]
    pub finance: i64,
    #[schema(minimum = 0, maximum = 10000)]
    pub partner_consultant: i64,
}

impl Default for BillableTargets {
    fn default() -> Self {
        Self {
            project_coordinator: 0,
            project_manager: 7000,
            program_manager: 7000,
            engineer: 7000,
            technical_architect: 5500,
            trainer: 5500,
            engagement_manager: 0,
            regional_delivery_manager: 0,
            ops: 0,
            finance: 0,
            partner_consultant: 0,
        }
    }
}

impl BillableTargets {
    fn slot(&mut self, f: Function) -> &mut i64 {
        match f {
            Function::ProjectCoordinator => &mut self.project_coordinator,
            Function::ProjectManager => &mut self.project_manager,
            Function::ProgramManager => &mut self.program_manager,
            Function::Engineer => &mut self.engineer,
            Function::TechnicalArchitect => &mut self.technical_architect,
            Function::Trainer => &mut self.trainer,
            Function::EngagementManager => &mut self.engagement_manager,
            Function::RegionalDeliveryManager => &mut self.regional_delivery_manager,
            Function::Ops => &mut self.ops,
            Function::Finance => &mut self.finance,
            Function::PartnerConsultant => &mut self.partner_consultant,
        }
    }

    pub fn get(&self, f: Function) -> i64 {
        match f {
            Function::ProjectCoordinator => self.project_coordinator,
            Function::ProjectManager => self.project_manager,
            Function::ProgramManager => self.program_manager,
            Function::Engineer => self.engineer,
            Function::TechnicalArchitect => self.technical_architect,
            Function::Trainer => self.trainer,
            Function::EngagementManager => self.engagement_manager,
            Function::RegionalDeliveryManager => self.regional_delivery_manager,
            Function::Ops => self.ops,
            Function::Finance => self.finance,
            Function::PartnerConsultant => self.partner_consultant,
        }
    }

    pub fn set(&mut self, f: Function, bp: i64) {
        *self.slot(f) = bp;
    }
}

/// Every number capacity and utilization are computed from. Defaults are the handbook's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = CapacityPolicy)]
pub struct CapacityRules {
    /// Minutes in a working day (handbook: 8 h).
    #[schema(minimum = 1, maximum = 1440)]
    pub day_minutes: i64,
    /// Working days in a week, Monday onwards (handbook: 5).
    #[schema(minimum = 1, maximum = 7)]
    pub week_days: i64,
    /// Weeks in a year (handbook: 52).
    #[schema(minimum = 1, maximum = 53)]
    pub weeks_per_year: i64,
    #[schema(minimum = 0, maximum = 366)]
    pub holiday_days: i64,
    #[schema(minimum = 0, maximum = 366)]
    pub pto_days: i64,
    #[schema(minimum = 0, maximum = 366)]
    pub friends_family_days: i64,
    /// Summit / sales kick-off days (handbook: 5).
    #[schema(minimum = 0, maximum = 366)]
    pub summit_days: i64,
    pub billable_targets: BillableTargets,
    /// Long-term gross-margin target in basis points (handbook: 30 %).
    #[schema(minimum = -10000, maximum = 10000)]
    pub margin_target_bp: i64,
    /// Month (1–12) in which the fiscal year starts; capacity quarters follow it.
    #[schema(minimum = 1, maximum = 12)]
    pub fiscal_year_start_month: u8,
}

impl Default for CapacityRules {
    fn default() -> Self {
        Self {
            day_minutes: 480,
            week_days: 5,
            weeks_per_year: 52,
            holiday_days: 11,
            pto_days: 28,
            friends_family_days: 4,
            summit_days: 5,
            billable_targets: BillableTargets::default(),
            margin_target_bp: 3000,
            fiscal_year_start_month: 1,
        }
    }
}

impl CapacityRules {
    /// The handbook's policy (the same as `Default`).
    pub fn handbook() -> Self {
        Self::default()
    }

    pub fn fiscal_calendar(&self) -> FiscalCalendar {
        FiscalCalendar {
            start_month: self.fiscal_year_start_month,
        }
    }

    pub fn billable_target_bp(&self, f: Function) -> i64 {
        self.billable_targets.get(f)
    }

    pub fn total_weekday_minutes(&self) -> i64 {
        self.day_minutes * self.week_days * self.weeks_per_year
    }

    pub fn holiday_minutes(&self) -> i64 {
        self.holiday_days * self.day_minutes
    }

    pub fn pto_ff_minutes(&self) -> i64 {
        (self.pto_days + self.friends_family_days) * self.day_minutes
    }

    pub fn summit_minutes(&self) -> i64 {
        self.summit_days * self.day_minutes
    }

    pub fn non_working_minutes(&self) -> i64 {
        self.holiday_minutes() + self.pto_ff_minutes() + self.summit_minutes()
    }

    /// Annual available minutes: total weekday minus non-working (handbook: 1696 h).
    pub fn available_minutes(&self) -> i64 {
        self.total_weekday_minutes() - self.non_working_minutes()
    }

    /// A quarter's available minutes, exactly a quarter of the year's, rounded half up.
    pub fn quarterly_minutes(&self) -> i64 {
        self.quarterly_exact().round_half_up()
    }

    /// Quarterly available × the function's billable target, rounded half up only once.
    pub fn quarterly_target_minutes(&self, f: Function) -> i64 {
        apply_bp(self.quarterly_exact(), self.billable_target_bp(f)).round_half_up()
    }

    fn quarterly_exact(&self) -> Ratio {
        Ratio::new(i128::from(self.available_minutes()), 4).unwrap_or(Ratio::ZERO)
    }

    pub fn validate(&self) -> Result<()> {
        let mut c = Checks::new();
        c.check(
            (1..=1440).contains(&self.day_minutes),
            "day_minutes",
            Rule::Range,
            "day_minutes must be from 1 to 1440 (24 h)",
        )
        .check(
            (1..=7).contains(&self.week_days),
            "week_days",
            Rule::Range,
            "week_days must be from 1 to 7",
        )
        .check(
            (1..=53).contains(&self.weeks_per_year),
            "weeks_per_year",
            Rule::Range,
            "weeks_per_year must be from 1 to 53",
        );
        for (field, days) in [
            ("holiday_days", self.holiday_days),
            ("pto_days", self.pto_days),
            ("friends_family_days", self.friends_family_days),
            ("summit_days", self.summit_days),
        ] {
            c.check_with((0..=366).contains(&days), || {
                (field.into(), Rule::Range, format!("{field} must be from 0 to 366"))
            });
        }
        // The year's weekdays less the days off, in days (the same sign as available
        // minutes for any positive day) and in i128: the numbers may be far outside their
        // ranges here, where minutes would overflow.
        let off: i128 = [
            self.holiday_days,
            self.pto_days,
            self.friends_family_days,
            self.summit_days,
        ]
        .into_iter()
        .map(i128::from)
        .sum();
        c.check(
            off <= i128::from(self.week_days) * i128::from(self.weeks_per_year),
            "holiday_days",
            Rule::WithinYear,
            "holiday, PTO, friends-and-family and summit days together exceed the working year",
        );
        for f in <Function as crate::code::Code>::ALL {
            c.check_with((0..=10_000).contains(&self.billable_target_bp(*f)), || {
                let field = format!("billable_targets.{}", crate::code::Code::code(f));
                let message = format!("{field} must be from 0 to 10000 basis points (0–100 %)");
                (field, Rule::BasisPoints, message)
            });
        }
        c.check(
            (-10_000..=10_000).contains(&self.margin_target_bp),
            "margin_target_bp",
            Rule::BasisPoints,
            "margin_target_bp must be from -10000 to 10000 basis points",
        )
        .check(
            (1..=12).contains(&self.fiscal_year_start_month),
            "fiscal_year_start_month",
            Rule::Month,
            "fiscal_year_start_month must be a month number from 1 to 12",
        );
        c.into_result()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Function::*;

    const H: i64 = 60;

    #[test]
    fn the_default_policy_gives_every_handbook_number() {
        let p = CapacityRules::handbook();
        assert!(p.validate().is_ok());
        assert_eq!(p.total_weekday_minutes(), 2080 * H);
        assert_eq!(p.holiday_minutes(), 88 * H);
        assert_eq!(p.pto_ff_minutes(), 256 * H);
        assert_eq!(p.summit_minutes(), 40 * H);
        assert_eq!(p.non_working_minutes(), 384 * H);
        assert_eq!(p.available_minutes(), 1696 * H);
        assert_eq!(p.quarterly_minutes(), 424 * H);
        for f in [ProjectManager, ProgramManager, Engineer] {
            assert_eq!(p.quarterly_target_minutes(f), 17_808); // 296.8 h
        }
        for f in [TechnicalArchitect, Trainer] {
            assert_eq!(p.quarterly_target_minutes(f), 13_992); // 233.2 h
        }
        assert_eq!(p.quarterly_target_minutes(Ops), 0);
        assert_eq!(p.margin_target_bp, 3000);
    }

    #[test]
    fn a_changed_policy_changes_the_numbers() {
        let mut p = CapacityRules::handbook();
        p.holiday_days = 10;
        p.billable_targets.set(Engineer, 6000);
        p.billable_targets.set(Ops, 2500);
        assert_eq!(p.holiday_minutes(), 80 * H);
        assert_eq!(p.non_working_minutes(), 376 * H);
        assert_eq!(p.available_minutes(), 1704 * H);
        assert_eq!(p.quarterly_minutes(), 426 * H);
        assert_eq!(p.quarterly_target_minutes(Engineer), 426 * H * 6 / 10); // 255.6 h
        assert_eq!(p.quarterly_target_minutes(ProjectManager), 17_892); // 298.2 h
    }

    #[test]
    fn odd_day_lengths_and_targets_round_once() {
        let mut p = CapacityRules::handbook();
        p.day_minutes = 450; // 7.5 h
        p.billable_targets.set(Trainer, 5555);
        assert_eq!(p.available_minutes(), 1590 * H);
        assert_eq!(p.quarterly_minutes(), 23_850);
        // 23850 × 0.5555 = 13248.675 → 13249
        assert_eq!(p.quarterly_target_minutes(Trainer), 13_249);
    }

    #[test]
    fn refuses_impossible_policies() {
        let mut p = CapacityRules::handbook();
        p.pto_days = 300;
        p.billable_targets.set(Engineer, 12_000);
        p.fiscal_year_start_month = 13;
        let crate::Error::Invalid(errors) = p.validate().unwrap_err() else {
            panic!("expected invalid")
        };
        let rules: Vec<(String, Rule)> = errors.iter().map(|e| (e.field.clone(), e.rule)).collect();
        assert_eq!(
            rules,
            [
                ("holiday_days".into(), Rule::WithinYear),
                ("billable_targets.engineer".into(), Rule::BasisPoints),
                ("fiscal_year_start_month".into(), Rule::Month)
            ]
        );
    }

    #[test]
    fn policies_read_partial_json_with_handbook_defaults() {
        let p: CapacityRules =
            serde_json::from_str(r#"{"holiday_days":9,"billable_targets":{"trainer":6000}}"#).unwrap();
        assert_eq!(p.holiday_days, 9);
        assert_eq!(p.billable_target_bp(Trainer), 6000);
        assert_eq!(p.billable_target_bp(Engineer), 7000);
        assert_eq!(p.day_minutes, 480);
        assert!(serde_json::from_str::<CapacityRules>(r#"{"holidays":9}"#).is_err());
    }
}
