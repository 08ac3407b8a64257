//! What a person can do: their skills with a level from 1 to 5, and the certifications
//! they hold with when each was issued and when it expires. Every person has them;
//! vetting a partner consultant reads them.

use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;

use crate::Result;
use crate::id::Id;
use crate::meta::Meta;
use crate::patch::{double_option, set};
use crate::people::PersonId;
use crate::rule::Rule;
use crate::validate::Checks;

pub type PersonSkillId = Id<PersonSkill>;
pub type PersonCertificationId = Id<PersonCertification>;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonSkillFields {
    /// The skill, e.g. "GitLab CI"; one line per skill and person, compared without case.
    pub skill: String,
    /// 1 (aware) to 5 (expert).
    #[schema(minimum = 1, maximum = 5)]
    pub level: i64,
    /// They want to grow in it: staffing prefers them for work that needs it.
    #[serde(default)]
    pub growth: bool,
}

impl PersonSkillFields {
    pub fn validate(&self) -> Result<()> {
        let mut c = Checks::new();
        c.text(&self.skill, "skill", 100).check(
            (1..=5).contains(&self.level),
            "level",
            Rule::Range,
            "level must be a whole number from 1 to 5",
        );
        c.into_result()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PersonSkill {
    pub id: PersonSkillId,
    pub person_id: PersonId,
    #[serde(flatten)]
    pub fields: PersonSkillFields,
    #[serde(flatten)]
    pub meta: Meta,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonSkillPatch {
    pub skill: Option<String>,
    #[schema(minimum = 1, maximum = 5)]
    pub level: Option<i64>,
    pub growth: Option<bool>,
}

impl PersonSkillPatch {
    pub fn apply(self, mut f: PersonSkillFields) -> PersonSkillFields {
        set(&mut f.skill, self.skill);
        set(&mut f.level, self.level);
        set(&mut f.growth, self.growth);
        f
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPersonSkill {
    pub person_id: PersonId,
    pub fields: PersonSkillFields,
}

/// A person's skills.
#[derive(Debug, Clone)]
pub struct PersonSkillFilter {
    pub person_id: PersonId,
    pub archived: Option<bool>,
}

crate::child_record!(
    PersonSkill,
    PersonSkill,
    NewPersonSkill,
    PersonSkillFields,
    PersonSkillPatch,
    PersonSkillFilter,
    crate::sort::ByName
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonCertificationFields {
    /// The certification's code, e.g. `migration`; what vetting's settings require.
    pub code: String,
    /// Its full name, e.g. "GitLab Certified Migration Specialist".
    pub name: String,
    pub issued_on: Date,
    /// When it lapses; never when absent.
    #[serde(default)]
    pub expires_on: Option<Date>,
}

impl PersonCertificationFields {
    pub fn validate(&self) -> Result<()> {
        let mut c = Checks::new();
        c.text(&self.code, "code", 50).text(&self.name, "name", 200);
        if let Some(end) = self.expires_on {
            c.check(
                end >= self.issued_on,
                "expires_on",
                Rule::AfterStart,
                "expires_on must be on or after issued_on",
            );
        }
        c.into_result()
    }

    /// Whether it is in force on `day`: issued by then and not yet expired.
    pub fn valid_on(&self, day: Date) -> bool {
        self.issued_on <= day && self.expires_on.is_none_or(|e| e >= day)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PersonCertification {
    pub id: PersonCertificationId,
    pub person_id: PersonId,
    #[serde(flatten)]
    pub fields: PersonCertificationFields,
    #[serde(flatten)]
    pub meta: Meta,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonCertificationPatch {
    pub code: Option<String>,
    pub name: Option<String>,
    pub issued_on: Option<Date>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Date>)]
    pub expires_on: Option<Option<Date>>,
}

impl PersonCertificationPatch {
    pub fn apply(self, mut f: PersonCertificationFields) -> PersonCertificationFields {
        set(&mut f.code, self.code);
        set(&mut f.name, self.name);
        set(&mut f.issued_on, self.issued_on);
        set(&mut f.expires_on, self.expires_on);
        f
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPersonCertification {
    pub person_id: PersonId,
    pub fields: PersonCertificationFields,
}

/// A person's certifications.
#[derive(Debug, Clone)]
pub struct PersonCertificationFilter {
    pub person_id: PersonId,
    pub archived: Option<bool>,
}

crate::child_record!(
    PersonCertification,
    PersonCertification,
    NewPersonCertification,
    PersonCertificationFields,
    PersonCertificationPatch,
    PersonCertificationFilter,
    crate::sort::ByName
);
