//! A course trainer: a person certified to teach one course — by the staff path (the
//! company's people, subcontractors, train-the-trainer customers) or the channel-partner
//! path — from a day, until an expiry if it has one. A class's trainer must hold a
//! certification for its course that is current on every day of the class.

use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;

use crate::Result;
use crate::code::Code;
use crate::education::courses::CourseId;
use crate::id::Id;
use crate::meta::Meta;
use crate::patch::{double_option, set};
use crate::people::PersonId;
use crate::rule::Rule;
use crate::scope::ListScope;
use crate::validate::Checks;

pub type CourseTrainerId = Id<CourseTrainer>;

/// The path by which a trainer was certified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum TrainerPath {
    /// The company's people, subcontractors and train-the-trainer customers.
    Staff,
    /// A channel partner's trainers.
    ChannelPartner,
}

impl Code for TrainerPath {
    const FIELD: &'static str = "path";
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CourseTrainerFields {
    #[schema(value_type = i64)]
    pub person_id: PersonId,
    #[schema(value_type = i64)]
    pub course_id: CourseId,
    pub path: TrainerPath,
    pub certified_on: Date,
    /// The last day the certification holds; none when it does not expire.
    #[serde(default)]
    pub expires_on: Option<Date>,
}

impl CourseTrainerFields {
    pub fn validate(&self) -> Result<()> {
        let mut c = Checks::new();
        c.check(
            self.expires_on.is_none_or(|e| e >= self.certified_on),
            "expires_on",
            Rule::AfterStart,
            "a certification expires on or after the day it was given",
        );
        c.into_result()
    }

    /// Whether the certification holds on every day from `first` to `last`.
    pub fn current(&self, first: Date, last: Date) -> bool {
        self.certified_on <= first && self.expires_on.is_none_or(|e| e >= last)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct CourseTrainer {
    #[schema(value_type = i64)]
    pub id: CourseTrainerId,
    #[serde(flatten)]
    pub fields: CourseTrainerFields,
    #[serde(flatten)]
    pub meta: Meta,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CourseTrainerPatch {
    pub path: Option<TrainerPath>,
    pub certified_on: Option<Date>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Date>)]
    pub expires_on: Option<Option<Date>>,
}

impl CourseTrainerPatch {
    pub fn apply(self, mut f: CourseTrainerFields) -> CourseTrainerFields {
        set(&mut f.path, self.path);
        set(&mut f.certified_on, self.certified_on);
        set(&mut f.expires_on, self.expires_on);
        f
    }
}

crate::sort_columns!(
    /// The order course trainers list in.
    CourseTrainerSort { Certified, Expires }
);

/// Course trainers, of one person or one course; `scope` cuts the list to what the one
/// asking sees (`own`: the person's own; `partner`: the partner's people's).
#[derive(Debug, Clone, Default)]
pub struct CourseTrainerFilter {
    pub person_id: Option<PersonId>,
    pub course_id: Option<CourseId>,
    /// Only certifications current on this day.
    pub current_on: Option<Date>,
    pub archived: Option<bool>,
    pub scope: ListScope,
}

crate::plain_record!(
    CourseTrainer,
    CourseTrainer,
    CourseTrainerFields,
    CourseTrainerPatch,
    CourseTrainerFilter,
    CourseTrainerSort
);

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_certification_is_current_only_on_days_it_covers() {
        let f = CourseTrainerFields {
            person_id: Id::new(1),
            course_id: Id::new(2),
            path: TrainerPath::Staff,
            certified_on: date!(2026 - 03 - 01),
            expires_on: Some(date!(2026 - 09 - 30)),
        };
        assert!(f.current(date!(2026 - 03 - 01), date!(2026 - 03 - 03)));
        assert!(!f.current(date!(2026 - 02 - 27), date!(2026 - 03 - 02)), "before");
        assert!(
            !f.current(date!(2026 - 09 - 29), date!(2026 - 10 - 01)),
            "runs past expiry"
        );
        let open = CourseTrainerFields {
            expires_on: None,
            ..f.clone()
        };
        assert!(open.current(date!(2030 - 01 - 01), date!(2030 - 01 - 02)));
        let backwards = CourseTrainerFields {
            expires_on: Some(date!(2026 - 02 - 01)),
            ..f
        };
        assert!(backwards.validate().is_err());
    }
}
