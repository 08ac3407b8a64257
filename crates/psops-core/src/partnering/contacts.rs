//! A partner organisation's contacts: the people at the partner the company deals with
//! (its account manager, its delivery lead, whoever signs its paperwork).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Result;
use crate::id::Id;
use crate::meta::Meta;
use crate::partners::PartnerId;
use crate::patch::{double_option, set};
use crate::validate::Checks;

pub type PartnerContactId = Id<PartnerContact>;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartnerContactFields {
    pub name: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    /// Their role at the partner, e.g. "delivery lead" or "account manager".
    #[serde(default)]
    pub role: Option<String>,
}

impl PartnerContactFields {
    pub fn validate(&self) -> Result<()> {
        let mut c = Checks::new();
        c.text(&self.name, "name", 200)
            .optional_text(self.phone.as_deref(), "phone", 50)
            .optional_text(self.role.as_deref(), "role", 200);
        if let Some(email) = &self.email {
            c.email(email, "email");
        }
        c.into_result()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PartnerContact {
    pub id: PartnerContactId,
    pub partner_id: PartnerId,
    #[serde(flatten)]
    pub fields: PartnerContactFields,
    #[serde(flatten)]
    pub meta: Meta,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartnerContactPatch {
    pub name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub role: Option<Option<String>>,
}

impl PartnerContactPatch {
    pub fn apply(self, mut f: PartnerContactFields) -> PartnerContactFields {
        set(&mut f.name, self.name);
        set(&mut f.email, self.email);
        set(&mut f.phone, self.phone);
        set(&mut f.role, self.role);
        f
    }
}

/// A new contact: its partner comes from the path it is created under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPartnerContact {
    pub partner_id: PartnerId,
    pub fields: PartnerContactFields,
}

/// A partner's contacts.
#[derive(Debug, Clone)]
pub struct PartnerContactFilter {
    pub partner_id: PartnerId,
    pub archived: Option<bool>,
}

crate::child_record!(
    PartnerContact,
    PartnerContact,
    NewPartnerContact,
    PartnerContactFields,
    PartnerContactPatch,
    PartnerContactFilter,
    crate::sort::ByName
);
