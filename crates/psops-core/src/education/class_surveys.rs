//! A training survey: what a completed class sends each attending learner with an
//! e-mail, answered on a public page through a single-use link that expires. Its token,
//! score and comment follow the project CSAT survey's rules (`delivery::surveys`): 256
//! random bits of which only the SHA-256 is kept, a score from 1 to 5, a comment of at
//! most 4000 characters, one answer before the link expires.

use serde::Serialize;
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;

use crate::education::classes::ClassId;
use crate::education::enrolments::EnrolmentId;
use crate::id::Id;

pub type ClassSurveyId = Id<ClassSurvey>;

/// A training survey as psops keeps it (never its token).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ClassSurvey {
    #[schema(value_type = i64)]
    pub id: ClassSurveyId,
    #[schema(value_type = i64)]
    pub class_id: ClassId,
    #[schema(value_type = i64)]
    pub enrolment_id: EnrolmentId,
    /// The learner it was sent to.
    pub to_name: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub answered_at: Option<OffsetDateTime>,
    /// 1 (very dissatisfied) to 5 (very satisfied), once answered.
    pub score: Option<i64>,
    pub comment: Option<String>,
}

/// A class's training surveys and what they add up to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ClassFeedback {
    /// Surveys sent (one per attending learner with an e-mail).
    pub sent: i64,
    pub answered: i64,
    /// Answers scoring 4 or 5.
    pub satisfied: i64,
    /// Satisfied answers per answer, in whole percent; none before any answer.
    pub csat_percent: Option<i64>,
    /// Each survey, answered ones first, by learner.
    pub surveys: Vec<ClassSurvey>,
}

impl ClassFeedback {
    pub fn of(mut surveys: Vec<ClassSurvey>) -> ClassFeedback {
        surveys.sort_by(|a, b| {
            (a.answered_at.is_none(), a.to_name.to_lowercase(), a.id.get()).cmp(&(
                b.answered_at.is_none(),
                b.to_name.to_lowercase(),
                b.id.get(),
            ))
        });
        let answered = surveys.iter().filter(|s| s.score.is_some()).count() as i64;
        let satisfied = surveys.iter().filter(|s| s.score.is_some_and(|v| v >= 4)).count() as i64;
        ClassFeedback {
            sent: surveys.len() as i64,
            answered,
            satisfied,
            csat_percent: crate::certifications::reports::percent(satisfied, answered),
            surveys,
        }
    }
}

/// What the public page shows of an open training survey: the class's course and
/// dates, and the learner's name — nothing else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassSurveyView {
    pub course: String,
    pub start_date: Date,
    pub end_date: Date,
    pub learner: String,
}

/// What a training survey link leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenedClassSurvey {
    /// Waiting for an answer: the page shows the question.
    Open(ClassSurveyView),
    /// Already answered: refused, clearly.
    Answered,
    /// Past its expiry: refused, clearly.
    Expired,
    /// No training survey has this token.
    Unknown,
}
