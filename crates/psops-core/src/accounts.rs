//! Accounts (the customers) and their contacts.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Result;
use crate::id::Id;
use crate::meta::Meta;
use crate::money::Currency;
use crate::patch::{double_option, set};
use crate::validate::Checks;

pub type AccountId = Id<Account>;
pub type ContactId = Id<Contact>;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountFields {
    /// Unique, compared without regard to case.
    pub name: String,
    /// Short code used by imports and invoices, unique when set.
    #[serde(default)]
    // Not blank when given: the API document states `min_length = 1` as not blank.
    #[schema(min_length = 1)]
    pub code: Option<String>,
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub industry: Option<String>,
    /// Currency the account is billed in; the organisation's default when absent.
    #[serde(default)]
    pub currency: Option<Currency>,
}

impl AccountFields {
    pub fn validate(&self) -> Result<()> {
        let mut c = Checks::new();
        c.text(&self.name, "name", 200)
            .optional_text(self.region.as_deref(), "region", 100)
            .optional_text(self.industry.as_deref(), "industry", 100);
        if let Some(code) = &self.code {
            c.text(code, "code", 50);
        }
        c.into_result()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Account {
    pub id: AccountId,
    #[serde(flatten)]
    pub fields: AccountFields,
    #[serde(flatten)]
    pub meta: Meta,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountPatch {
    pub name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub code: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub region: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub industry: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub currency: Option<Option<Currency>>,
}

impl AccountPatch {
    pub fn apply(self, mut f: AccountFields) -> AccountFields {
        set(&mut f.name, self.name);
        set(&mut f.code, self.code);
        set(&mut f.region, self.region);
        set(&mut f.industry, self.industry);
        set(&mut f.currency, self.currency);
        f
    }
}

#[derive(Debug, Clone, Default)]
pub struct AccountFilter {
    pub q: Option<String>,
    pub archived: Option<bool>,
    /// What the one asking may see (see `policy::list_scope`); everything by default.
    pub scope: crate::scope::ListScope,
}

crate::plain_record!(
    Account,
    Account,
    AccountFields,
    AccountPatch,
    AccountFilter,
    crate::sort::ByName
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactFields {
    pub name: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
}

impl ContactFields {
    pub fn validate(&self) -> Result<()> {
        let mut c = Checks::new();
        c.text(&self.name, "name", 200)
            .optional_text(self.title.as_deref(), "title", 200)
            .optional_text(self.phone.as_deref(), "phone", 50);
        if let Some(email) = &self.email {
            c.email(email, "email");
        }
        c.into_result()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Contact {
    pub id: ContactId,
    pub account_id: AccountId,
    #[serde(flatten)]
    pub fields: ContactFields,
    #[serde(flatten)]
    pub meta: Meta,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactPatch {
    pub name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub title: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
}

impl ContactPatch {
    pub fn apply(self, mut f: ContactFields) -> ContactFields {
        set(&mut f.name, self.name);
        set(&mut f.email, self.email);
        set(&mut f.title, self.title);
        set(&mut f.phone, self.phone);
        f
    }
}

/// A new contact: its account comes from the path it is created under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewContact {
    pub account_id: AccountId,
    pub fields: ContactFields,
}

/// An account's contacts.
#[derive(Debug, Clone)]
pub struct ContactFilter {
    pub account_id: AccountId,
    pub archived: Option<bool>,
}

crate::child_record!(
    Contact,
    Contact,
    NewContact,
    ContactFields,
    ContactPatch,
    ContactFilter,
    crate::sort::ByName
);
