//! Rate cards (bill rates and standard costs by role and region), project overrides of
//! the bill rate, and people's cost rates — all effective-dated, per hour.

use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;

use crate::code::Code;
use crate::id::Id;
use crate::meta::Meta;
use crate::patch::{double_option, set};
use crate::people::{Function, PersonId};
use crate::projects::ProjectId;
use crate::validate::Checks;
use crate::{Money, Result};

pub type RoleRateId = Id<RoleRate>;
pub type ProjectRateId = Id<ProjectRate>;
pub type CostRateId = Id<CostRate>;

/// What a role's rate is: what an hour is billed, or what it costs before anyone is
/// staffed (the standard cost estimates use).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum RateKind {
    Bill,
    StandardCost,
}

impl Code for RateKind {
    const FIELD: &'static str = "kind";
}

/// One line of a rate card: a role's hourly rate in a region and currency for a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleRateFields {
    pub kind: RateKind,
    pub role: Function,
    /// The region the rate applies to, e.g. `EMEA`.
    pub region: String,
    /// Per hour; its currency is the card's.
    #[schema(schema_with = crate::money::schema::not_negative)]
    pub rate: Money,
    pub effective_from: Date,
    /// The last day, inclusive; none runs on.
    #[serde(default)]
    pub effective_to: Option<Date>,
}

impl RoleRateFields {
    pub fn validate(&self) -> Result<()> {
        let mut c = Checks::new();
        c.text(&self.region, "region", 100);
        super::check_period(&mut c, self.rate, self.effective_from, self.effective_to);
        c.into_result()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct RoleRate {
    pub id: RoleRateId,
    #[serde(flatten)]
    pub fields: RoleRateFields,
    #[serde(flatten)]
    pub meta: Meta,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleRatePatch {
    pub rate: Option<Money>,
    pub effective_from: Option<Date>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Date>)]
    pub effective_to: Option<Option<Date>>,
}

impl RoleRatePatch {
    pub fn apply(self, mut f: RoleRateFields) -> RoleRateFields {
        set(&mut f.rate, self.rate);
        set(&mut f.effective_from, self.effective_from);
        set(&mut f.effective_to, self.effective_to);
        f
    }
}

#[derive(Debug, Clone, Default)]
pub struct RoleRateFilter {
    /// The kinds the one asking may see; both when empty is not allowed: see the policy.
    pub kinds: Vec<RateKind>,
    pub role: Option<Function>,
    pub region: Option<String>,
    pub currency: Option<crate::Currency>,
    /// Rates in force on this day.
    pub on: Option<Date>,
    pub archived: Option<bool>,
}

crate::plain_record!(
    RoleRate,
    RoleRate,
    RoleRateFields,
    RoleRatePatch,
    RoleRateFilter,
    RateSort
);

crate::sort_columns!(
    /// The columns a list of rates sorts by.
    RateSort { Role, Region, EffectiveFrom, Rate }
);

/// A project's own bill rate for a role, over the rate card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectRateFields {
    pub project_id: ProjectId,
    pub role: Function,
    #[schema(schema_with = crate::money::schema::not_negative)]
    pub rate: Money,
    pub effective_from: Date,
    #[serde(default)]
    pub effective_to: Option<Date>,
}

impl ProjectRateFields {
    pub fn validate(&self) -> Result<()> {
        let mut c = Checks::new();
        super::check_period(&mut c, self.rate, self.effective_from, self.effective_to);
        c.into_result()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ProjectRate {
    pub id: ProjectRateId,
    #[serde(flatten)]
    pub fields: ProjectRateFields,
    #[serde(flatten)]
    pub meta: Meta,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectRatePatch {
    pub rate: Option<Money>,
    pub effective_from: Option<Date>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Date>)]
    pub effective_to: Option<Option<Date>>,
}

impl ProjectRatePatch {
    pub fn apply(self, mut f: ProjectRateFields) -> ProjectRateFields {
        set(&mut f.rate, self.rate);
        set(&mut f.effective_from, self.effective_from);
        set(&mut f.effective_to, self.effective_to);
        f
    }
}

#[derive(Debug, Clone, Default)]
pub struct ProjectRateFilter {
    pub project_id: Option<ProjectId>,
    pub archived: Option<bool>,
    /// What the one asking may see (see `policy::list_scope`); everything by default.
    pub scope: crate::scope::ListScope,
}

crate::plain_record!(
    ProjectRate,
    ProjectRate,
    ProjectRateFields,
    ProjectRatePatch,
    ProjectRateFilter,
    RateSort
);

/// What an hour of one person costs, for a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CostRateFields {
    pub person_id: PersonId,
    #[schema(schema_with = crate::money::schema::not_negative)]
    pub rate: Money,
    pub effective_from: Date,
    #[serde(default)]
    pub effective_to: Option<Date>,
}

impl CostRateFields {
    pub fn validate(&self) -> Result<()> {
        let mut c = Checks::new();
        super::check_period(&mut c, self.rate, self.effective_from, self.effective_to);
        c.into_result()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct CostRate {
    pub id: CostRateId,
    #[serde(flatten)]
    pub fields: CostRateFields,
    #[serde(flatten)]
    pub meta: Meta,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CostRatePatch {
    pub rate: Option<Money>,
    pub effective_from: Option<Date>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Date>)]
    pub effective_to: Option<Option<Date>>,
}

impl CostRatePatch {
    pub fn apply(self, mut f: CostRateFields) -> CostRateFields {
        set(&mut f.rate, self.rate);
        set(&mut f.effective_from, self.effective_from);
        set(&mut f.effective_to, self.effective_to);
        f
    }
}

#[derive(Debug, Clone, Default)]
pub struct CostRateFilter {
    pub person_id: Option<PersonId>,
    /// Rates in force on this day.
    pub on: Option<Date>,
    pub archived: Option<bool>,
}

crate::plain_record!(
    CostRate,
    CostRate,
    CostRateFields,
    CostRatePatch,
    CostRateFilter,
    CostSort
);

crate::sort_columns!(
    /// The columns a list of cost rates sorts by.
    CostSort { Person, EffectiveFrom, Rate }
);
