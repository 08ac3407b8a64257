//! Work authorizations: one project's draw on a prime partner SOW — what the partner
//! does there, at which rates, between which dates, and how much of the SOW's funds it
//! commits. Partner consultants log time only on projects their organisation holds one
//! for, inside its dates.

use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;

use super::funds::{PartnerRate, check_rates};
use super::prime_sows::PrimeSowId;
use crate::id::Id;
use crate::meta::Meta;
use crate::partners::PartnerId;
use crate::patch::{double_option, set};
use crate::projects::ProjectId;
use crate::rule::Rule;
use crate::validate::Checks;
use crate::{Money, Result};

pub type WorkAuthorizationId = Id<WorkAuthorization>;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkAuthorizationFields {
    /// The prime SOW it draws on; set when it is made.
    pub prime_sow_id: PrimeSowId,
    /// The project the partner works on under it; set when it is made.
    pub project_id: ProjectId,
    /// Its number or name, e.g. `WA-2026-014`; unique, compared without regard to case.
    pub name: String,
    /// What the partner delivers.
    pub scope: String,
    #[serde(default)]
    pub requirements: Option<String>,
    /// The day the background checks of the partner's consultants were done; none: not done.
    #[serde(default)]
    pub background_checks_on: Option<Date>,
    /// The hourly rate paid per role, each at most the prime SOW's rate for that role.
    #[schema(min_items = 1)]
    pub rates: Vec<PartnerRate>,
    #[serde(default)]
    pub billing_terms: Option<String>,
    /// Inside the prime SOW's dates.
    pub start_date: Date,
    /// The last day, inclusive.
    pub end_date: Date,
    /// Whether travel and expenses are reimbursed.
    #[serde(default)]
    pub expenses_allowed: bool,
    /// The most travel and expenses reimbursed; only when they are allowed.
    #[serde(default)]
    #[schema(schema_with = crate::money::schema::not_negative_or_null)]
    pub expenses_cap: Option<Money>,
    /// The part of the prime SOW's funds it commits, in the funds' currency.
    #[schema(schema_with = crate::money::schema::positive)]
    pub committed: Money,
}

impl WorkAuthorizationFields {
    pub fn validate(&self) -> Result<()> {
        let mut c = Checks::new();
        c.text(&self.name, "name", 100)
            .text(&self.scope, "scope", 4000)
            .optional_text(self.requirements.as_deref(), "requirements", 4000)
            .optional_text(self.billing_terms.as_deref(), "billing_terms", 1000);
        c.check(
            self.committed.amount_minor > 0,
            "committed",
            Rule::Positive,
            "committed must be more than 0",
        );
        c.check(
            self.end_date >= self.start_date,
            "end_date",
            Rule::AfterStart,
            "end_date must be on or after start_date",
        );
        check_rates(&mut c, &self.rates, self.committed.currency, "committed");
        if let Some(cap) = self.expenses_cap {
            c.check(
                self.expenses_allowed,
                "expenses_cap",
                Rule::DependsOn,
                "expenses_cap is given only when expenses_allowed is true",
            );
            c.check(
                cap.amount_minor >= 0,
                "expenses_cap",
                Rule::NotNegative,
                "expenses_cap must not be negative",
            );
            c.check(
                cap.currency == self.committed.currency,
                "expenses_cap",
                Rule::Currency,
                format!(
                    "expenses_cap must be in {}, the currency of committed",
                    self.committed.currency
                ),
            );
        }
        c.into_result()
    }

    /// Whether a day lies inside the authorization's dates.
    pub fn covers(&self, date: Date) -> bool {
        self.start_date <= date && date <= self.end_date
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct WorkAuthorization {
    pub id: WorkAuthorizationId,
    #[serde(flatten)]
    pub fields: WorkAuthorizationFields,
    #[serde(flatten)]
    pub meta: Meta,
}

/// A change to a work authorization; its prime SOW and project stay.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkAuthorizationPatch {
    pub name: Option<String>,
    pub scope: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub requirements: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Date>)]
    pub background_checks_on: Option<Option<Date>>,
    #[schema(min_items = 1)]
    pub rates: Option<Vec<PartnerRate>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub billing_terms: Option<Option<String>>,
    pub start_date: Option<Date>,
    pub end_date: Option<Date>,
    pub expenses_allowed: Option<bool>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Money>)]
    pub expenses_cap: Option<Option<Money>>,
    pub committed: Option<Money>,
}

impl WorkAuthorizationPatch {
    pub fn apply(self, mut f: WorkAuthorizationFields) -> WorkAuthorizationFields {
        set(&mut f.name, self.name);
        set(&mut f.scope, self.scope);
        set(&mut f.requirements, self.requirements);
        set(&mut f.background_checks_on, self.background_checks_on);
        set(&mut f.rates, self.rates);
        set(&mut f.billing_terms, self.billing_terms);
        set(&mut f.start_date, self.start_date);
        set(&mut f.end_date, self.end_date);
        set(&mut f.expenses_allowed, self.expenses_allowed);
        set(&mut f.expenses_cap, self.expenses_cap);
        set(&mut f.committed, self.committed);
        f
    }
}

#[derive(Debug, Clone, Default)]
pub struct WorkAuthorizationFilter {
    pub prime_sow_id: Option<PrimeSowId>,
    pub project_id: Option<ProjectId>,
    /// Only authorizations under this partner's prime SOWs; a partner's own people are
    /// always held to theirs.
    pub partner_id: Option<PartnerId>,
    pub q: Option<String>,
    pub archived: Option<bool>,
}

crate::plain_record!(
    WorkAuthorization,
    WorkAuthorization,
    WorkAuthorizationFields,
    WorkAuthorizationPatch,
    WorkAuthorizationFilter,
    crate::sort::ByName
);
