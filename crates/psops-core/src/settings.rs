//! Organisation-wide settings. Every policy number is a setting with the handbook's default.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::catalog::requests::{Step, default_chain, validate_chain};
use crate::error::Result;
use crate::fiscal::FiscalCalendar;
use crate::money::Currency;
use crate::rule::Rule;
use crate::validate::Checks;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Settings {
    /// Durations must be whole multiples of this many minutes (handbook: 0.25 h).
    pub rounding_step_minutes: i64,
    /// Month (1–12) in which the fiscal year starts.
    pub fiscal_year_start_month: u8,
    /// Currency of budgets and reports unless a record says otherwise.
    pub default_currency: Currency,
    /// Weekday timesheets are due (handbook: Friday).
    pub timesheet_due_weekday: String,
    /// Whether people may record time on projects they hold no assignment on. Off by
    /// default: time goes only on the projects a person is assigned to.
    pub time_without_assignment: bool,
    /// The steps a new SKU request goes through, in order, and who decides each
    /// (handbook: finance review, finance business partner, VP Customer Success, CFO,
    /// CRO, CEO). Default currency doubles as the reporting currency FX rates convert into.
    pub sku_approval_chain: Vec<Step>,
    /// What the numbers of SKUs made by requests start with, e.g. `PS-` for `PS-0007`.
    pub sku_code_prefix: String,
    /// Scoping: service levels, the TA threshold, idle closing, territories.
    #[serde(default)]
    pub scoping: crate::scoping::ScopingSettings,
    /// Escalations: the update cadence of each severity.
    #[serde(default)]
    pub escalations: crate::delivery::escalations::EscalationSettings,
    /// Delivery: the day weekly health reports are due.
    #[serde(default)]
    pub delivery: crate::delivery::settings::DeliverySettings,
    /// CSAT surveys: how long a link stays good.
    #[serde(default)]
    pub surveys: crate::delivery::surveys::SurveySettings,
    /// Money: the margin target, forecast weights and accuracy, invoice numbering.
    #[serde(default)]
    pub finance: crate::finance::FinanceSettings,
    /// Vetting partner consultants: the certifications and interviewers each group of
    /// functions needs.
    #[serde(default)]
    pub vetting: crate::partnering::vetting::VettingSettings,
    /// Technical certifications: the attempts and retake wait a certification that sets
    /// none of its own allows.
    #[serde(default)]
    pub certifications: crate::certifications::CertificationSettings,
    /// Training service partners: the trainers, courses, ramp-up, CSAT floor and
    /// paperwork days the programme holds them to.
    #[serde(default)]
    pub training_partners: crate::education::tsp::TspSettings,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            rounding_step_minutes: 15,
            fiscal_year_start_month: 1,
            default_currency: Currency::USD,
            timesheet_due_weekday: "friday".into(),
            time_without_assignment: false,
            sku_approval_chain: default_chain(),
            sku_code_prefix: "PS-".into(),
            scoping: Default::default(),
            escalations: Default::default(),
            delivery: Default::default(),
            surveys: Default::default(),
            finance: Default::default(),
            vetting: Default::default(),
            certifications: Default::default(),
            training_partners: Default::default(),
        }
    }
}

pub const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsPatch {
    #[schema(schema_with = rounding_steps_schema)]
    pub rounding_step_minutes: Option<i64>,
    #[schema(minimum = 1, maximum = 12)]
    pub fiscal_year_start_month: Option<u8>,
    pub default_currency: Option<Currency>,
    #[schema(schema_with = weekday_schema)]
    pub timesheet_due_weekday: Option<String>,
    pub time_without_assignment: Option<bool>,
    #[schema(min_items = 1, max_items = 12)]
    pub sku_approval_chain: Option<Vec<Step>>,
    #[schema(min_length = 1)]
    pub sku_code_prefix: Option<String>,
    /// Replaces the scoping settings whole.
    pub scoping: Option<crate::scoping::ScopingSettings>,
    /// Replaces the escalation cadences whole.
    pub escalations: Option<crate::delivery::escalations::EscalationSettings>,
    /// Replaces the delivery settings whole.
    pub delivery: Option<crate::delivery::settings::DeliverySettings>,
    /// Replaces the survey settings whole.
    pub surveys: Option<crate::delivery::surveys::SurveySettings>,
    /// Replaces the finance settings whole.
    pub finance: Option<crate::finance::FinanceSettings>,
    /// Replaces the vetting settings whole.
    pub vetting: Option<crate::partnering::vetting::VettingSettings>,
    /// Replaces the certification defaults whole.
    pub certifications: Option<crate::certifications::CertificationSettings>,
    /// Replaces the training service partner terms whole.
    pub training_partners: Option<crate::education::tsp::TspSettings>,
}

/// The document's `timesheet_due_weekday`: a name of [`WEEKDAYS`] in any case, as
/// `Settings::apply` lowers it before the check (null leaves the setting as it is).
fn weekday_schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    let any_case = |day: &str| -> String {
        day.chars()
            .map(|c| format!("[{}{c}]", c.to_ascii_uppercase()))
            .collect()
    };
    let days: Vec<String> = WEEKDAYS.iter().map(|d| any_case(d)).collect();
    let schema = serde_json::json!({"type": ["string", "null"], "pattern": format!("^({})$", days.join("|"))});
    serde_json::from_value(schema).unwrap_or_else(|_| <Option<String> as utoipa::PartialSchema>::schema())
}

/// A rounding step divides an hour evenly: 1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30 or 60.
fn divides_hour(minutes: i64) -> bool {
    (1..=60).contains(&minutes) && 60 % minutes == 0
}

/// The document's `rounding_step_minutes`: the steps [`divides_hour`] takes, as an enum
/// (null leaves the setting as it is).
fn rounding_steps_schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    let mut steps: Vec<serde_json::Value> = (1..=60).filter(|m| divides_hour(*m)).map(Into::into).collect();
    steps.push(serde_json::Value::Null);
    let schema = serde_json::json!({"type": ["integer", "null"], "format": "int64", "enum": steps});
    serde_json::from_value(schema).unwrap_or_else(|_| <Option<i64> as utoipa::PartialSchema>::schema())
}

impl Settings {
    pub fn fiscal_calendar(&self) -> FiscalCalendar {
        FiscalCalendar {
            start_month: self.fiscal_year_start_month,
        }
    }

    pub fn apply(mut self, patch: SettingsPatch) -> Result<Settings> {
        crate::patch::set(&mut self.rounding_step_minutes, patch.rounding_step_minutes);
        crate::patch::set(&mut self.fiscal_year_start_month, patch.fiscal_year_start_month);
        crate::patch::set(&mut self.default_currency, patch.default_currency);
        crate::patch::set(
            &mut self.timesheet_due_weekday,
            patch.timesheet_due_weekday.map(|d| d.to_lowercase()),
        );
        crate::patch::set(&mut self.time_without_assignment, patch.time_without_assignment);
        crate::patch::set(&mut self.sku_approval_chain, patch.sku_approval_chain);
        crate::patch::set(
            &mut self.sku_code_prefix,
            patch.sku_code_prefix.map(|p| p.trim().to_string()),
        );
        crate::patch::set(&mut self.scoping, patch.scoping);
        crate::patch::set(&mut self.escalations, patch.escalations);
        crate::patch::set(&mut self.delivery, patch.delivery);
        crate::patch::set(&mut self.surveys, patch.surveys);
        crate::patch::set(&mut self.finance, patch.finance);
        crate::patch::set(&mut self.vetting, patch.vetting);
        crate::patch::set(&mut self.certifications, patch.certifications);
        crate::patch::set(&mut self.training_partners, patch.training_partners);
        self.validate()?;
        Ok(self)
    }

    pub fn validate(&self) -> Result<()> {
        let mut c = Checks::new();
        c.check(
            divides_hour(self.rounding_step_minutes),
            "rounding_step_minutes",
            Rule::DividesHour,
            "rounding_step_minutes must divide an hour evenly (1, 5, 6, 10, 15, 30 or 60)",
        );
        c.check(
            (1..=12).contains(&self.fiscal_year_start_month),
            "fiscal_year_start_month",
            Rule::Month,
            "fiscal_year_start_month must be a month number from 1 to 12",
        );
        c.check(
            WEEKDAYS.contains(&self.timesheet_due_weekday.as_str()),
            "timesheet_due_weekday",
            Rule::Weekday,
            "timesheet_due_weekday must be a weekday name such as friday",
        );
        validate_chain(&self.sku_approval_chain, &mut c);
        c.text(&self.sku_code_prefix, "sku_code_prefix", 20).check(
            self.sku_code_prefix
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || "-_.".contains(ch)),
            "sku_code_prefix",
            Rule::InvalidValue,
            "sku_code_prefix may hold letters, digits, '-', '_' and '.' only",
        );
        self.scoping.validate(&mut c);
        self.escalations.validate(&mut c);
        self.delivery.validate(&mut c);
        self.surveys.validate(&mut c);
        self.finance.validate(&mut c);
        self.vetting.validate(&mut c);
        self.certifications.validate(&mut c);
        self.training_partners.validate(&mut c);
        c.into_result()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_handbooks() {
        let s = Settings::default();
        assert_eq!(s.rounding_step_minutes, 15);
        assert_eq!(s.timesheet_due_weekday, "friday");
        assert!(s.validate().is_ok());
    }

    #[test]
    fn refuses_a_step_that_does_not_divide_an_hour() {
        let patch = SettingsPatch {
            rounding_step_minutes: Some(7),
            ..Default::default()
        };
        let err = Settings::default().apply(patch).unwrap_err();
        assert!(err.to_string().contains("rounding_step_minutes"));
    }
}
