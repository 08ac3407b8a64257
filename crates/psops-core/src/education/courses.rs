//! A course: what a class teaches, sold as a catalog SKU, delivered remotely, on site or
//! self-paced, with the development state it has reached. A course moves through its
//! development one step at a time — scheduling → ready for development → in development →
//! ready for review → in review → verification (the pilot delivery) → staging →
//! production — and only a course in production is put on dates as a class.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Result;
use crate::catalog::skus::SkuId;
use crate::code::Code;
use crate::id::Id;
use crate::meta::Meta;
use crate::patch::{double_option, set};
use crate::rule::Rule;
use crate::validate::Checks;

pub type CourseId = Id<Course>;

/// How a course is delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum CourseDelivery {
    Remote,
    OnSite,
    SelfPaced,
}

impl Code for CourseDelivery {
    const FIELD: &'static str = "delivery";
}

/// Where a course stands in its development, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum CourseState {
    Scheduling,
    ReadyForDevelopment,
    InDevelopment,
    ReadyForReview,
    InReview,
    /// The pilot delivery.
    Verification,
    Staging,
    /// Bookable: only a course here is scheduled as a class.
    Production,
}

impl Code for CourseState {
    const FIELD: &'static str = "state";
}

impl CourseState {
    /// The state after this one, if any.
    pub fn next(self) -> Option<CourseState> {
        let all = <Self as strum::VariantArray>::VARIANTS;
        let at = all.iter().position(|s| *s == self)?;
        all.get(at + 1).copied()
    }

    /// Whether a course may move from `self` to `to`: it stays, or moves one step along.
    pub fn may_become(self, to: CourseState) -> bool {
        to == self || self.next() == Some(to)
    }
}

/// The longest course, in days.
pub const MAX_DAYS: i32 = 30;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CourseFields {
    /// The catalog SKU the course is sold as.
    #[schema(value_type = i64)]
    pub sku_id: SkuId,
    pub name: String,
    pub delivery: CourseDelivery,
    pub state: CourseState,
    /// The course material's version, e.g. `2.1`.
    pub course_version: String,
    /// What the course covers, one module a line.
    #[serde(default)]
    pub outline: Option<String>,
    /// How many days one class of it runs.
    #[schema(minimum = 1, maximum = 30)]
    pub duration_days: i32,
}

impl CourseFields {
    pub fn validate(&self) -> Result<()> {
        let mut c = Checks::new();
        c.text(&self.name, "name", 200)
            .text(&self.course_version, "course_version", 40)
            .optional_text(self.outline.as_deref(), "outline", 8000);
        c.check(
            (1..=MAX_DAYS).contains(&self.duration_days),
            "duration_days",
            Rule::Range,
            format!("a course runs 1 to {MAX_DAYS} days"),
        );
        c.into_result()
    }

    /// Whether a class of the course may be put on dates.
    pub fn schedulable(&self) -> bool {
        self.state == CourseState::Production
    }
}

/// A change of state that skips a step or goes back: the error naming both ends.
pub fn check_move(from: CourseState, to: CourseState) -> Result<()> {
    if from.may_become(to) {
        return Ok(());
    }
    let next = from
        .next()
        .map_or("nothing: production is the last state".to_string(), |n| {
            n.code().to_string()
        });
    Err(crate::Error::Invalid(vec![crate::FieldError::new(
        "state",
        Rule::InvalidTransition,
        format!(
            "a course moves one step at a time: from {} it moves to {next}, not {}",
            from.code(),
            to.code()
        ),
    )]))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Course {
    #[schema(value_type = i64)]
    pub id: CourseId,
    #[serde(flatten)]
    pub fields: CourseFields,
    #[serde(flatten)]
    pub meta: Meta,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CoursePatch {
    #[schema(value_type = Option<i64>)]
    pub sku_id: Option<SkuId>,
    pub name: Option<String>,
    pub delivery: Option<CourseDelivery>,
    pub state: Option<CourseState>,
    pub course_version: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub outline: Option<Option<String>>,
    #[schema(minimum = 1, maximum = 30)]
    pub duration_days: Option<i32>,
}

impl CoursePatch {
    pub fn apply(self, mut f: CourseFields) -> CourseFields {
        set(&mut f.sku_id, self.sku_id);
        set(&mut f.name, self.name);
        set(&mut f.delivery, self.delivery);
        set(&mut f.state, self.state);
        set(&mut f.course_version, self.course_version);
        set(&mut f.outline, self.outline);
        set(&mut f.duration_days, self.duration_days);
        f
    }
}

crate::sort_columns!(
    /// The order courses list in.
    CourseSort { Name, State, Delivery, Days }
);

#[derive(Debug, Clone, Default)]
pub struct CourseFilter {
    pub sku_id: Option<SkuId>,
    pub delivery: Option<CourseDelivery>,
    pub state: Option<CourseState>,
    /// Part of the name, any case.
    pub q: Option<String>,
    pub archived: Option<bool>,
}

crate::plain_record!(Course, Course, CourseFields, CoursePatch, CourseFilter, CourseSort);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_course_moves_one_step_along_its_development() {
        use CourseState::*;
        assert_eq!(Scheduling.next(), Some(ReadyForDevelopment));
        assert_eq!(Staging.next(), Some(Production));
        assert_eq!(Production.next(), None);
        assert!(InReview.may_become(Verification));
        assert!(InReview.may_become(InReview));
        assert!(!InReview.may_become(Production), "skips steps");
        assert!(!InReview.may_become(InDevelopment), "goes back");
        let Err(crate::Error::Invalid(e)) = check_move(Scheduling, Production) else {
            panic!("a skip is refused");
        };
        assert_eq!(e[0].rule, Rule::InvalidTransition);
        assert!(e[0].message.contains("ready_for_development"), "{}", e[0].message);
    }

    #[test]
    fn a_course_runs_at_least_a_day() {
        let f = CourseFields {
            sku_id: Id::new(1),
            name: "Git fundamentals".into(),
            delivery: CourseDelivery::Remote,
            state: CourseState::Production,
            course_version: "1.0".into(),
            outline: None,
            duration_days: 0,
        };
        assert!(f.validate().is_err());
        assert!(
            CourseFields {
                duration_days: 2,
                ..f.clone()
            }
            .validate()
            .is_ok()
        );
        assert!(f.schedulable());
    }
}
