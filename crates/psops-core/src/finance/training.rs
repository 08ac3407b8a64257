//! A delivered training class as money sees it: its fee, earned once the class is
//! complete and its roster received (whichever comes later). Entered by finance now;
//! education's classes will write these later.

use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;

use crate::id::Id;
use crate::meta::Meta;
use crate::patch::{double_option, set};
use crate::projects::ProjectId;
use crate::rule::Rule;
use crate::validate::Checks;
use crate::{Money, Result};

pub type TrainingId = Id<Training>;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TrainingFields {
    #[schema(value_type = i64)]
    pub project_id: ProjectId,
    pub title: String,
    #[schema(schema_with = crate::money::schema::not_negative)]
    pub amount: Money,
    #[serde(default)]
    pub completed_on: Option<Date>,
    #[serde(default)]
    pub roster_received_on: Option<Date>,
}

impl TrainingFields {
    pub fn validate(&self) -> Result<()> {
        let mut c = Checks::new();
        c.text(&self.title, "title", 200);
        c.check(
            self.amount.amount_minor >= 0,
            "amount",
            Rule::NotNegative,
            "amount must not be negative",
        );
        c.into_result()
    }

    /// The day its fee is earned: the later of completion and roster, once both are known.
    pub fn earned_on(&self) -> Option<Date> {
        Some(self.completed_on?.max(self.roster_received_on?))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Training {
    pub id: TrainingId,
    #[serde(flatten)]
    pub fields: TrainingFields,
    #[serde(flatten)]
    pub meta: Meta,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TrainingPatch {
    pub title: Option<String>,
    pub amount: Option<Money>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Date>)]
    pub completed_on: Option<Option<Date>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Date>)]
    pub roster_received_on: Option<Option<Date>>,
}

impl TrainingPatch {
    pub fn apply(self, mut f: TrainingFields) -> TrainingFields {
        set(&mut f.title, self.title);
        set(&mut f.amount, self.amount);
        set(&mut f.completed_on, self.completed_on);
        set(&mut f.roster_received_on, self.roster_received_on);
        f
    }
}

crate::sort_columns!(
    /// The order trainings list in.
    TrainingSort { Title }
);

/// Trainings, all or one project's.
#[derive(Debug, Clone, Default)]
pub struct TrainingFilter {
    pub project_id: Option<ProjectId>,
    pub archived: Option<bool>,
}

crate::plain_record!(
    Training,
    Training,
    TrainingFields,
    TrainingPatch,
    TrainingFilter,
    TrainingSort
);

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_training_is_earned_on_the_later_of_completion_and_roster() {
        let mut f = TrainingFields {
            project_id: Id::new(1),
            title: "Admin class".into(),
            amount: Money::new(500_000, crate::Currency::USD),
            completed_on: Some(date!(2026 - 07 - 10)),
            roster_received_on: None,
        };
        assert_eq!(f.earned_on(), None);
        f.roster_received_on = Some(date!(2026 - 07 - 20));
        assert_eq!(f.earned_on(), Some(date!(2026 - 07 - 20)));
        f.amount.amount_minor = -1;
        assert!(f.validate().is_err());
    }
}
