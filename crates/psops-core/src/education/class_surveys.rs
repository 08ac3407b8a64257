//! A training survey: what a completed class sends each attending learner with an
//! e-mail, answered on a public page through a single-use link that expires. Its token,
//! score and comment follow the project CSAT survey's rules (`delivery::surveys`): 256
//! random bits of which only the SHA-256 is kept, a score from 1 to 5, a comment of at
//! most 4000 characters, one answer before the link expires.

use serde::Serialize;
use time::{Date, OffsetDateTime};

use crate::education::classes::ClassId;
use crate::education::enrolments::EnrolmentId;
use crate::id::Id;

pub type ClassSurveyId = Id<ClassSurvey>;

/// A training survey as psops keeps it (never its token).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClassSurvey {
    pub id: ClassSurveyId,
    pub class_id: ClassId,
    pub enrolment_id: EnrolmentId,
    pub to_name: String,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub answered_at: Option<OffsetDateTime>,
    /// 1 (very dissatisfied) to 5 (very satisfied), once answered.
    pub score: Option<i64>,
    pub comment: Option<String>,
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
