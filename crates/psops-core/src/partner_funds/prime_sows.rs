//! Prime partner SOWs: per partner, a contract holding funds and the hourly rate paid
//! for each role; a new one is issued when the funds run out, so a partner has several
//! over time.

use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;

use super::funds::{PartnerRate, check_rates};
use crate::code::Code;
use crate::id::Id;
use crate::meta::Meta;
use crate::partners::PartnerId;
use crate::patch::{double_option, set};
use crate::rule::Rule;
use crate::validate::Checks;
use crate::{Money, Result};

pub type PrimeSowId = Id<PrimeSow>;

/// Where a prime SOW is in its life: work authorizations draw only on an active one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum PrimeSowStatus {
    Draft,
    Active,
    /// Its funds are spent; the next prime SOW takes over.
    Exhausted,
    /// Its term is over, whatever funds remain: nothing more is drawn on it.
    Closed,
}

impl Code for PrimeSowStatus {
    const FIELD: &'static str = "status";
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PrimeSowFields {
    /// The partner organisation the SOW is with; set when it is made.
    pub partner_id: PartnerId,
    /// Its number or name, e.g. `PSOW-2026-01`; unique, compared without regard to case.
    pub name: String,
    /// The money the SOW holds; work authorizations commit it, approved hours consume it.
    #[schema(schema_with = crate::money::schema::positive)]
    pub funds: Money,
    /// The hourly rate paid per role, in the funds' currency: the ceiling of every work
    /// authorization's rate for that role.
    #[schema(min_items = 1)]
    pub rates: Vec<PartnerRate>,
    pub start_date: Date,
    /// The last day, inclusive.
    pub end_date: Date,
    pub status: PrimeSowStatus,
    #[serde(default)]
    pub notes: Option<String>,
}

impl PrimeSowFields {
    pub fn validate(&self) -> Result<()> {
        let mut c = Checks::new();
        c.text(&self.name, "name", 100)
            .optional_text(self.notes.as_deref(), "notes", 4000);
        c.check(
            self.funds.amount_minor > 0,
            "funds",
            Rule::Positive,
            "funds must be more than 0",
        );
        c.check(
            self.end_date >= self.start_date,
            "end_date",
            Rule::AfterStart,
            "end_date must be on or after start_date",
        );
        check_rates(&mut c, &self.rates, self.funds.currency, "funds");
        c.into_result()
    }

    /// Whether a day lies inside the SOW's dates.
    pub fn covers(&self, date: Date) -> bool {
        self.start_date <= date && date <= self.end_date
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PrimeSow {
    pub id: PrimeSowId,
    #[serde(flatten)]
    pub fields: PrimeSowFields,
    #[serde(flatten)]
    pub meta: Meta,
}

/// A change to a prime SOW; its partner stays.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PrimeSowPatch {
    pub name: Option<String>,
    pub funds: Option<Money>,
    #[schema(min_items = 1)]
    pub rates: Option<Vec<PartnerRate>>,
    pub start_date: Option<Date>,
    pub end_date: Option<Date>,
    pub status: Option<PrimeSowStatus>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub notes: Option<Option<String>>,
}

impl PrimeSowPatch {
    pub fn apply(self, mut f: PrimeSowFields) -> PrimeSowFields {
        set(&mut f.name, self.name);
        set(&mut f.funds, self.funds);
        set(&mut f.rates, self.rates);
        set(&mut f.start_date, self.start_date);
        set(&mut f.end_date, self.end_date);
        set(&mut f.status, self.status);
        set(&mut f.notes, self.notes);
        f
    }
}

#[derive(Debug, Clone, Default)]
pub struct PrimeSowFilter {
    /// Only this partner's SOWs; a partner's own people are always held to theirs.
    pub partner_id: Option<PartnerId>,
    pub status: Option<PrimeSowStatus>,
    pub q: Option<String>,
    pub archived: Option<bool>,
}

crate::plain_record!(
    PrimeSow,
    PrimeSow,
    PrimeSowFields,
    PrimeSowPatch,
    PrimeSowFilter,
    crate::sort::ByName
);
