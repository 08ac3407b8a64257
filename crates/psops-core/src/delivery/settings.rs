//! The delivery numbers an organisation sets (handbook defaults): the weekday weekly health
//! reports are due and how far back the overdue list looks.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::rule::Rule;
use crate::validate::Checks;

/// A day of the week, as a setting names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum Weekday {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

impl Weekday {
    pub fn days_from_monday(self) -> i64 {
        self as i64
    }
}

impl crate::code::Code for Weekday {
    const FIELD: &'static str = "health_due";
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct DeliverySettings {
    /// The weekday a project's weekly health report is due, inside the week it reports
    /// on (handbook: Thursday). The report is overdue from the next day.
    pub health_due: Weekday,
    /// How many weeks back the overdue list looks for missing reports (a project's weeks
    /// before its start date never count).
    #[schema(minimum = 1, maximum = 52)]
    pub health_lookback_weeks: i64,
}

impl Default for DeliverySettings {
    fn default() -> Self {
        Self {
            health_due: Weekday::Thursday,
            health_lookback_weeks: 8,
        }
    }
}

impl DeliverySettings {
    pub fn validate(&self, c: &mut Checks) {
        c.check(
            (1..=52).contains(&self.health_lookback_weeks),
            "delivery.health_lookback_weeks",
            Rule::Range,
            "delivery.health_lookback_weeks must be 1 to 52",
        );
    }
}
