//! Assignments: a person staffed on a project in a role, for dates, at hours per week.

use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;

use crate::id::Id;
use crate::meta::Meta;
use crate::patch::{double_option, set};
use crate::people::{Function, PersonId};
use crate::projects::ProjectId;
use crate::rule::Rule;
use crate::validate::Checks;
use crate::{Minutes, Result};

pub type AssignmentId = Id<Assignment>;

/// A week has 168 hours; no assignment can ask for more.
pub const MAX_MINUTES_PER_WEEK: i64 = 168 * 60;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignmentFields {
    pub person_id: PersonId,
    pub project_id: ProjectId,
    /// The role the person plays on the project.
    pub role: Function,
    pub start_date: Date,
    #[serde(default)]
    pub end_date: Option<Date>,
    #[schema(value_type = i64, minimum = 1, maximum = 10080)]
    pub minutes_per_week: Minutes,
}

impl AssignmentFields {
    pub fn validate(&self) -> Result<()> {
        let mut c = Checks::new();
        if let Some(end) = self.end_date {
            c.check(
                end >= self.start_date,
                "end_date",
                Rule::AfterStart,
                "end_date must be on or after start_date",
            );
        }
        c.check(
            (1..=MAX_MINUTES_PER_WEEK).contains(&self.minutes_per_week.get()),
            "minutes_per_week",
            Rule::Range,
            "minutes_per_week must be more than 0 and at most 10080 (168 hours)",
        );
        c.into_result()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Assignment {
    pub id: AssignmentId,
    #[serde(flatten)]
    pub fields: AssignmentFields,
    #[serde(flatten)]
    pub meta: Meta,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignmentPatch {
    pub role: Option<Function>,
    pub start_date: Option<Date>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Date>)]
    pub end_date: Option<Option<Date>>,
    pub minutes_per_week: Option<Minutes>,
}

impl AssignmentPatch {
    pub fn apply(self, mut f: AssignmentFields) -> AssignmentFields {
        set(&mut f.role, self.role);
        set(&mut f.start_date, self.start_date);
        set(&mut f.end_date, self.end_date);
        set(&mut f.minutes_per_week, self.minutes_per_week);
        f
    }
}

#[derive(Debug, Clone, Default)]
pub struct AssignmentFilter {
    pub person_id: Option<crate::people::PersonId>,
    pub project_id: Option<ProjectId>,
    /// Assignments overlapping this range.
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub archived: Option<bool>,
    /// What the one asking may see (see `policy::list_scope`); everything by default.
    pub scope: crate::scope::ListScope,
}

crate::plain_record!(
    Assignment,
    Assignment,
    AssignmentFields,
    AssignmentPatch,
    AssignmentFilter,
    AssignmentSort
);

crate::sort_columns!(
    /// The columns a list of assignments sorts by.
    AssignmentSort { Start, End, Person, Project }
);
