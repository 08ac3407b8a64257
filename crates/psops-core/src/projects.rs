//! Projects: the engagements time, budgets and assignments hang on.

use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;

use crate::accounts::AccountId;
use crate::code::Code;
use crate::delivery::lifecycle::Phase;
use crate::id::Id;
use crate::meta::Meta;
use crate::money::Money;
use crate::partners::PartnerId;
use crate::patch::{double_option, set};
use crate::people::PersonId;
use crate::rule::Rule;
use crate::validate::Checks;
use crate::{Minutes, Result};

pub type ProjectId = Id<Project>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum ProjectType {
    Consulting,
    Training,
    Both,
    Internal,
}

impl Code for ProjectType {
    const FIELD: &'static str = "project_type";
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum BillingType {
    TimeAndMaterials,
    FixedFee,
    NonBillable,
}

impl Code for BillingType {
    const FIELD: &'static str = "billing_type";
}

/// Project statuses as PS teams run them in Kantata (handbook).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum ProjectStatus {
    Estimate,
    Prospect,
    InSetUp,
    OkayToStart,
    Active,
    OnHold,
    Backlog,
    Closed,
    Completed,
    Cancelled,
}

impl Code for ProjectStatus {
    const FIELD: &'static str = "status";
}

fn default_status() -> ProjectStatus {
    ProjectStatus::Estimate
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectFields {
    pub name: String,
    /// Short code used by imports and invoices, unique when set.
    #[serde(default)]
    // Not blank when given: the API document states `min_length = 1` as not blank.
    #[schema(min_length = 1)]
    pub code: Option<String>,
    /// The customer; required unless the project is internal.
    #[serde(default)]
    pub account_id: Option<AccountId>,
    pub project_type: ProjectType,
    pub billing_type: BillingType,
    #[serde(default = "default_status")]
    pub status: ProjectStatus,
    /// Where delivery stands in the methodology; none before set-up.
    #[serde(default)]
    pub phase: Option<Phase>,
    #[serde(default)]
    pub start_date: Option<Date>,
    #[serde(default)]
    pub end_date: Option<Date>,
    #[serde(default)]
    pub project_manager_id: Option<PersonId>,
    #[serde(default)]
    #[schema(value_type = Option<i64>, minimum = 0)]
    pub budget_minutes: Option<Minutes>,
    #[serde(default)]
    #[schema(schema_with = crate::money::schema::not_negative_or_null)]
    pub budget: Option<Money>,
    #[serde(default)]
    pub partner_delivered: bool,
    #[serde(default)]
    pub partner_id: Option<PartnerId>,
}

impl ProjectFields {
    pub fn validate(&self) -> Result<()> {
        let mut c = Checks::new();
        c.text(&self.name, "name", 200);
        if let Some(code) = &self.code {
            c.text(code, "code", 50);
        }
        if let (Some(s), Some(e)) = (self.start_date, self.end_date) {
            c.check(
                e >= s,
                "end_date",
                Rule::AfterStart,
                "end_date must be on or after start_date",
            );
        }
        c.check(
            self.account_id.is_some() || self.project_type == ProjectType::Internal,
            "account_id",
            Rule::DependsOn,
            "account_id is required unless project_type is internal",
        );
        c.check(
            self.project_type != ProjectType::Internal || self.billing_type == BillingType::NonBillable,
            "billing_type",
            Rule::InternalNonBillable,
            "an internal project must have billing_type non_billable",
        );
        c.check(
            !self.partner_delivered || self.partner_id.is_some(),
            "partner_id",
            Rule::DependsOn,
            "partner_id is required when partner_delivered is true",
        );
        c.check(
            self.partner_delivered || self.partner_id.is_none(),
            "partner_delivered",
            Rule::PartnerWithoutFlag,
            "partner_delivered must be true when partner_id is set",
        );
        c.check(
            self.budget_minutes.is_none_or(|m| m.get() >= 0),
            "budget_minutes",
            Rule::NotNegative,
            "budget_minutes must not be negative",
        );
        c.check(
            self.budget.is_none_or(|m| m.amount_minor >= 0),
            "budget",
            Rule::NotNegative,
            "budget must not be negative",
        );
        c.into_result()
    }

    /// A customer project: time on it advances a customer engagement.
    pub fn is_customer(&self) -> bool {
        self.project_type != ProjectType::Internal
    }

    /// Time on the project is billable unless the project is not.
    pub fn default_billable(&self) -> bool {
        self.billing_type != BillingType::NonBillable
    }

    pub fn runs_on(&self, d: Date) -> bool {
        crate::dates::within(d, self.start_date, self.end_date)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Project {
    pub id: ProjectId,
    #[serde(flatten)]
    pub fields: ProjectFields,
    #[serde(flatten)]
    pub meta: Meta,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectPatch {
    pub name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub code: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub account_id: Option<Option<AccountId>>,
    pub project_type: Option<ProjectType>,
    pub billing_type: Option<BillingType>,
    pub status: Option<ProjectStatus>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Phase>)]
    pub phase: Option<Option<Phase>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Date>)]
    pub start_date: Option<Option<Date>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Date>)]
    pub end_date: Option<Option<Date>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub project_manager_id: Option<Option<PersonId>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub budget_minutes: Option<Option<Minutes>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Money>)]
    pub budget: Option<Option<Money>>,
    pub partner_delivered: Option<bool>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub partner_id: Option<Option<PartnerId>>,
}

impl ProjectPatch {
    pub fn apply(self, mut f: ProjectFields) -> ProjectFields {
        set(&mut f.name, self.name);
        set(&mut f.code, self.code);
        set(&mut f.account_id, self.account_id);
        set(&mut f.project_type, self.project_type);
        set(&mut f.billing_type, self.billing_type);
        set(&mut f.status, self.status);
        set(&mut f.phase, self.phase);
        set(&mut f.start_date, self.start_date);
        set(&mut f.end_date, self.end_date);
        set(&mut f.project_manager_id, self.project_manager_id);
        set(&mut f.budget_minutes, self.budget_minutes);
        set(&mut f.budget, self.budget);
        set(&mut f.partner_delivered, self.partner_delivered);
        set(&mut f.partner_id, self.partner_id);
        f
    }
}

#[derive(Debug, Clone, Default)]
pub struct ProjectFilter {
    pub account_id: Option<AccountId>,
    pub status: Option<ProjectStatus>,
    pub project_type: Option<ProjectType>,
    pub billing_type: Option<BillingType>,
    pub project_manager_id: Option<PersonId>,
    pub partner_id: Option<PartnerId>,
    /// Projects whose dates overlap this range (open dates overlap everything).
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub q: Option<String>,
    pub archived: Option<bool>,
    /// What the one asking may see (see `policy::list_scope`); everything by default.
    pub scope: crate::scope::ListScope,
}

crate::plain_record!(
    Project,
    Project,
    ProjectFields,
    ProjectPatch,
    ProjectFilter,
    ProjectSort
);

crate::sort_columns!(
    /// The columns the projects list sorts by.
    ProjectSort { Name, Code, Account, Status, Type, Billing, Pm, Start, End }
);

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use time::macros::date;

    pub(crate) fn sample() -> ProjectFields {
        ProjectFields {
            name: "GitLab migration".into(),
            code: Some("ACME-1".into()),
            account_id: Some(Id::new(1)),
            project_type: ProjectType::Consulting,
            billing_type: BillingType::TimeAndMaterials,
            status: ProjectStatus::Active,
            phase: None,
            start_date: Some(date!(2026 - 01 - 01)),
            end_date: Some(date!(2026 - 12 - 31)),
            project_manager_id: None,
            budget_minutes: Some(Minutes(400 * 60)),
            budget: None,
            partner_delivered: false,
            partner_id: None,
        }
    }

    fn rules_broken(p: &ProjectFields) -> Vec<(String, Rule)> {
        match p.validate() {
            Ok(()) => vec![],
            Err(crate::Error::Invalid(e)) => e.into_iter().map(|e| (e.field, e.rule)).collect(),
            Err(other) => panic!("{other}"),
        }
    }

    #[test]
    fn a_sound_project_passes() {
        assert!(rules_broken(&sample()).is_empty());
    }

    #[test]
    fn customer_projects_need_an_account() {
        let mut p = sample();
        p.account_id = None;
        assert_eq!(rules_broken(&p), [("account_id".into(), Rule::DependsOn)]);
        p.project_type = ProjectType::Internal;
        p.billing_type = BillingType::NonBillable;
        assert!(rules_broken(&p).is_empty());
    }

    #[test]
    fn partner_flag_and_partner_go_together() {
        let mut p = sample();
        p.partner_delivered = true;
        assert_eq!(rules_broken(&p), [("partner_id".into(), Rule::DependsOn)]);
        p.partner_delivered = false;
        p.partner_id = Some(Id::new(3));
        assert_eq!(
            rules_broken(&p),
            [("partner_delivered".into(), Rule::PartnerWithoutFlag)]
        );
    }

    #[test]
    fn dates_and_budgets_are_sane() {
        let mut p = sample();
        p.end_date = Some(date!(2025 - 12 - 31));
        p.budget_minutes = Some(Minutes(-1));
        assert_eq!(
            rules_broken(&p),
            [
                ("end_date".into(), Rule::AfterStart),
                ("budget_minutes".into(), Rule::NotNegative)
            ]
        );
    }
}
