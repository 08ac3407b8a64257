//! Partner organisations that deliver on the company's behalf.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Result;
use crate::code::Code;
use crate::id::Id;
use crate::meta::Meta;
use crate::patch::{double_option, set};
use crate::validate::Checks;

pub type PartnerId = Id<Partner>;

/// How a partner works with the company (handbook: partner collaboration).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum PartnerType {
    StaffAugmentation,
    ProjectBasedSubcontract,
    Direct,
}

impl Code for PartnerType {
    const FIELD: &'static str = "partner_type";
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartnerFields {
    /// Unique, compared without regard to case.
    pub name: String,
    pub partner_type: PartnerType,
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
    /// The day it enrolled as a training service partner, delivering the company's
    /// courses; none when it is not one. Its compliance is judged from this day's quarter.
    #[serde(default)]
    pub training_since: Option<time::Date>,
}

impl PartnerFields {
    pub fn validate(&self) -> Result<()> {
        let mut c = Checks::new();
        c.text(&self.name, "name", 200)
            .optional_text(self.region.as_deref(), "region", 100)
            .optional_text(self.notes.as_deref(), "notes", 4000);
        c.into_result()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Partner {
    pub id: PartnerId,
    #[serde(flatten)]
    pub fields: PartnerFields,
    /// Where it stands: moved only by `POST /partners/{id}/move`, a new partner is a
    /// prospect.
    pub status: crate::partnering::onboarding::PartnerStatus,
    /// The day it moved to its status; absent for a prospect never moved.
    pub status_since: Option<time::Date>,
    #[serde(flatten)]
    pub meta: Meta,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartnerPatch {
    pub name: Option<String>,
    pub partner_type: Option<PartnerType>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub region: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub notes: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<time::Date>)]
    pub training_since: Option<Option<time::Date>>,
}

impl PartnerPatch {
    pub fn apply(self, mut f: PartnerFields) -> PartnerFields {
        set(&mut f.name, self.name);
        set(&mut f.partner_type, self.partner_type);
        set(&mut f.region, self.region);
        set(&mut f.notes, self.notes);
        set(&mut f.training_since, self.training_since);
        f
    }
}

#[derive(Debug, Clone, Default)]
pub struct PartnerFilter {
    pub q: Option<String>,
    pub status: Option<crate::partnering::onboarding::PartnerStatus>,
    pub archived: Option<bool>,
    /// What the one asking may see (see `policy::list_scope`); everything by default.
    pub scope: crate::scope::ListScope,
}

crate::plain_record!(
    Partner,
    Partner,
    PartnerFields,
    PartnerPatch,
    PartnerFilter,
    crate::sort::ByName
);
