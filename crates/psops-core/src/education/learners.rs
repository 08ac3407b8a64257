//! A learner: someone taking training — one of the company's employees, a partner's
//! consultant or a customer's contact. Learners have no account of their own; the record
//! says who they are and which organisation they belong to, so a partner sees its own
//! people's training and a survey reaches the right person.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Result;
use crate::accounts::{AccountId, ContactId};
use crate::code::Code;
use crate::id::Id;
use crate::meta::Meta;
use crate::partners::PartnerId;
use crate::patch::{double_option, set};
use crate::people::PersonId;
use crate::rule::Rule;
use crate::scope::ListScope;
use crate::validate::Checks;

pub type LearnerId = Id<Learner>;

/// Which organisation a learner belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum LearnerOrg {
    /// One of the company's own people.
    Employee,
    /// A consultant of a partner organisation.
    PartnerConsultant,
    /// A contact at a customer account.
    CustomerContact,
}

impl Code for LearnerOrg {
    const FIELD: &'static str = "organisation";
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LearnerFields {
    pub name: String,
    /// Where the class's mails and its survey go; a learner without one gets no survey.
    #[serde(default)]
    pub email: Option<String>,
    pub organisation: LearnerOrg,
    /// The person record of an employee or a partner's consultant, when they have one.
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub person_id: Option<PersonId>,
    /// The partner a partner consultant works for (required for them, empty otherwise).
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub partner_id: Option<PartnerId>,
    /// The customer account a customer contact belongs to (required for them, empty otherwise).
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub account_id: Option<AccountId>,
    /// The account's contact record of a customer contact, when they have one.
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub contact_id: Option<ContactId>,
}

impl LearnerFields {
    pub fn validate(&self) -> Result<()> {
        let mut c = Checks::new();
        c.text(&self.name, "name", 200);
        if let Some(email) = &self.email {
            c.email(email, "email");
        }
        let org = self.organisation;
        let partner = org == LearnerOrg::PartnerConsultant;
        let customer = org == LearnerOrg::CustomerContact;
        c.check(
            self.partner_id.is_some() == partner,
            "partner_id",
            Rule::DependsOn,
            if partner {
                "a partner consultant names the partner they work for"
            } else {
                "only a partner consultant belongs to a partner"
            },
        );
        c.check(
            self.account_id.is_some() == customer,
            "account_id",
            Rule::DependsOn,
            if customer {
                "a customer contact names the customer account they belong to"
            } else {
                "only a customer contact belongs to a customer account"
            },
        );
        c.check(
            self.contact_id.is_none() || customer,
            "contact_id",
            Rule::DependsOn,
            "only a customer contact is linked to an account's contact",
        );
        c.check(
            self.person_id.is_none() || !customer,
            "person_id",
            Rule::DependsOn,
            "a customer contact is not one of the company's or a partner's people",
        );
        c.into_result()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Learner {
    #[schema(value_type = i64)]
    pub id: LearnerId,
    #[serde(flatten)]
    pub fields: LearnerFields,
    #[serde(flatten)]
    pub meta: Meta,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LearnerPatch {
    pub name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    pub organisation: Option<LearnerOrg>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub person_id: Option<Option<PersonId>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub partner_id: Option<Option<PartnerId>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub account_id: Option<Option<AccountId>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub contact_id: Option<Option<ContactId>>,
}

impl LearnerPatch {
    pub fn apply(self, mut f: LearnerFields) -> LearnerFields {
        set(&mut f.name, self.name);
        set(&mut f.email, self.email);
        set(&mut f.organisation, self.organisation);
        set(&mut f.person_id, self.person_id);
        set(&mut f.partner_id, self.partner_id);
        set(&mut f.account_id, self.account_id);
        set(&mut f.contact_id, self.contact_id);
        f
    }
}

crate::sort_columns!(
    /// The order learners list in.
    LearnerSort { Name, Email, Organisation }
);

/// Learners, all or one organisation's; `scope` cuts the list to what the one asking sees
/// (a partner's managers: their own consultants).
#[derive(Debug, Clone, Default)]
pub struct LearnerFilter {
    pub organisation: Option<LearnerOrg>,
    pub partner_id: Option<PartnerId>,
    pub account_id: Option<AccountId>,
    pub person_id: Option<PersonId>,
    /// Part of the name or e-mail, any case.
    pub q: Option<String>,
    pub archived: Option<bool>,
    pub scope: ListScope,
}

crate::plain_record!(
    Learner,
    Learner,
    LearnerFields,
    LearnerPatch,
    LearnerFilter,
    LearnerSort
);

#[cfg(test)]
mod tests {
    use super::*;

    fn employee() -> LearnerFields {
        LearnerFields {
            name: "Ada Lovelace".into(),
            email: Some("ada@example.com".into()),
            organisation: LearnerOrg::Employee,
            person_id: Some(Id::new(1)),
            partner_id: None,
            account_id: None,
            contact_id: None,
        }
    }

    fn rules(f: &LearnerFields) -> Vec<(String, Rule)> {
        match f.validate() {
            Err(crate::Error::Invalid(errs)) => errs.into_iter().map(|e| (e.field, e.rule)).collect(),
            _ => Vec::new(),
        }
    }

    #[test]
    fn a_learner_belongs_to_exactly_the_organisation_their_kind_names() {
        assert!(employee().validate().is_ok());
        let partner = LearnerFields {
            organisation: LearnerOrg::PartnerConsultant,
            ..employee()
        };
        assert_eq!(rules(&partner), vec![("partner_id".to_string(), Rule::DependsOn)]);
        let customer = LearnerFields {
            organisation: LearnerOrg::CustomerContact,
            partner_id: Some(Id::new(3)),
            ..employee()
        };
        let broken = rules(&customer);
        assert!(
            broken.contains(&("account_id".to_string(), Rule::DependsOn)),
            "{broken:?}"
        );
        assert!(
            broken.contains(&("partner_id".to_string(), Rule::DependsOn)),
            "{broken:?}"
        );
        assert!(
            broken.contains(&("person_id".to_string(), Rule::DependsOn)),
            "{broken:?}"
        );
        let bad_mail = LearnerFields {
            email: Some("not-an-address".into()),
            ..employee()
        };
        assert_eq!(rules(&bad_mail)[0].0, "email");
    }
}
