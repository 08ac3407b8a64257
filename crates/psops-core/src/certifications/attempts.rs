//! A learner's attempts at a certification: each a written assessment (a score against
//! the pass mark) and, once that passed, a hands-on lab graded by a PS engineer. Attempts
//! are counted from the learner's last certificate, and a retake waits the certification's
//! days after the failed assessment. The rules are [`next_attempt`] and [`check_lab`].

use serde::{Deserialize, Serialize};
use time::{Date, Duration};
use utoipa::ToSchema;

use super::{CertificationId, Terms};
use crate::code::Code;
use crate::education::learners::LearnerId;
use crate::id::Id;
use crate::meta::Meta;
use crate::people::{Function, PersonId};
use crate::rule::Rule;
use crate::validate::Checks;
use crate::{Error, Result};

pub type CertificationAttemptId = Id<CertificationAttempt>;

/// Where an attempt stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum AttemptStatus {
    /// The written assessment scored below its pass mark: the attempt is over.
    WrittenFailed,
    /// The written assessment passed; the lab is still to be graded.
    AwaitingLab,
    /// The lab was graded a fail: the attempt is over.
    LabFailed,
    /// Both passed: the attempt issued a certificate.
    Passed,
}

impl Code for AttemptStatus {
    const FIELD: &'static str = "status";
}

impl AttemptStatus {
    /// Whether the attempt ended in a fail (and so starts a retake wait).
    pub fn failed(self) -> bool {
        matches!(self, AttemptStatus::WrittenFailed | AttemptStatus::LabFailed)
    }
}

/// A written assessment, as recorded: the learner, the day and the score out of 100.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WrittenInput {
    #[schema(value_type = i64)]
    pub learner_id: LearnerId,
    pub taken_on: Date,
    /// Out of 100.
    #[schema(minimum = 0, maximum = 100)]
    pub score: i64,
}

/// A graded hands-on lab: who graded it, the rubric score out of 100, the grader's
/// verdict and their comments (required for a fail).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LabInput {
    /// The PS engineer who graded it.
    #[schema(value_type = i64)]
    pub grader_id: PersonId,
    pub taken_on: Date,
    /// Out of 100.
    pub rubric_score: i64,
    pub passed: bool,
    #[serde(default)]
    pub comments: Option<String>,
}

/// Everything an attempt records. Written only by the store's assessment actions, which
/// work these values out by the rules below.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttemptFields {
    #[schema(value_type = i64)]
    pub certification_id: CertificationId,
    #[schema(value_type = i64)]
    pub learner_id: LearnerId,
    /// 1 for the first attempt since the learner's last certificate, and so on.
    pub number: i64,
    pub status: AttemptStatus,
    pub written_on: Date,
    pub written_score: i64,
    /// The certification's written pass mark when the assessment was taken.
    pub written_pass_mark: i64,
    #[serde(default)]
    pub lab_on: Option<Date>,
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub lab_grader_id: Option<PersonId>,
    #[serde(default)]
    pub lab_score: Option<i64>,
    /// The certification's lab pass mark when the lab was graded.
    #[serde(default)]
    pub lab_pass_mark: Option<i64>,
    #[serde(default)]
    pub lab_comments: Option<String>,
}

impl AttemptFields {
    /// The shape rules: scores out of 100, a lab only with a passed written assessment,
    /// a status that matches the scores.
    pub fn validate(&self) -> Result<()> {
        let mut c = Checks::new();
        for (field, v) in [
            ("written_score", Some(self.written_score)),
            ("lab_score", self.lab_score),
        ] {
            if let Some(v) = v {
                c.check(
                    (0..=100).contains(&v),
                    field,
                    Rule::Range,
                    format!("{field} must be a score from 0 to 100"),
                );
            }
        }
        c.optional_text(self.lab_comments.as_deref(), "lab_comments", 4000);
        c.check(
            self.number >= 1,
            "number",
            Rule::Positive,
            "an attempt's number starts at 1",
        );
        let written_passed = self.written_score >= self.written_pass_mark;
        let expected_written = if written_passed {
            AttemptStatus::AwaitingLab
        } else {
            AttemptStatus::WrittenFailed
        };
        let lab = self.lab_on.is_some();
        c.check(
            lab == self.lab_score.is_some()
                && lab == self.lab_grader_id.is_some()
                && lab == self.lab_pass_mark.is_some(),
            "lab_on",
            Rule::Required,
            "a lab records its day, grader, rubric score and pass mark together",
        );
        let consistent = match self.status {
            AttemptStatus::WrittenFailed | AttemptStatus::AwaitingLab => !lab && self.status == expected_written,
            AttemptStatus::LabFailed | AttemptStatus::Passed => lab && written_passed,
        };
        c.check(
            consistent,
            "status",
            Rule::InvalidValue,
            "the status does not match the attempt's assessments",
        );
        c.into_result()
    }

    /// The day the attempt ended in a fail, which a retake waits from.
    pub fn failed_on(&self) -> Option<Date> {
        match self.status {
            AttemptStatus::WrittenFailed => Some(self.written_on),
            AttemptStatus::LabFailed => self.lab_on,
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct CertificationAttempt {
    #[schema(value_type = i64)]
    pub id: CertificationAttemptId,
    #[serde(flatten)]
    pub fields: AttemptFields,
    #[serde(flatten)]
    pub meta: Meta,
}

/// Attempts are recorded, never edited: nothing in them changes by a patch.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttemptPatch {}

impl AttemptPatch {
    pub fn apply(self, f: AttemptFields) -> AttemptFields {
        f
    }
}

#[derive(Debug, Clone, Default)]
pub struct AttemptFilter {
    pub certification_id: Option<CertificationId>,
    pub learner_id: Option<LearnerId>,
    pub status: Option<AttemptStatus>,
    /// Only learners of this partner organisation (a partner's own users).
    pub partner_id: Option<crate::partners::PartnerId>,
    pub archived: Option<bool>,
}

crate::sort_columns!(
    /// The columns a list of attempts sorts by.
    AttemptSort { WrittenOn, Status, Number }
);

crate::plain_record!(
    CertificationAttempt,
    CertificationAttempt,
    AttemptFields,
    AttemptPatch,
    AttemptFilter,
    AttemptSort
);

/// What deciding a new attempt reads about the learner and the certification.
#[derive(Debug, Clone, Default)]
pub struct History {
    /// The learner's earlier attempts at this certification, oldest first.
    pub attempts: Vec<AttemptFields>,
    /// The expiry of the learner's certificate of this certification in force on the day
    /// of the new attempt, if they hold one.
    pub holds_until: Option<Date>,
}

/// The number of a new attempt taken on `taken_on`, or the rule it breaks: no attempt
/// while the learner holds the certificate in force or while an attempt awaits its lab;
/// no more than `terms.max_attempts` since the learner's last pass; and not before
/// `terms.retake_wait_days` after the last failed assessment.
pub fn next_attempt(terms: Terms, history: &History, taken_on: Date) -> Result<i64> {
    if let Some(until) = history.holds_until {
        return Err(Error::conflict(
            "learner_id",
            Rule::AlreadyCertified,
            format!("the learner holds this certification until {until}: a new attempt starts once it has expired"),
        ));
    }
    if history.attempts.iter().any(|a| a.status == AttemptStatus::AwaitingLab) {
        return Err(Error::conflict(
            "learner_id",
            Rule::AttemptOpen,
            "the learner's last attempt still awaits its lab assessment: grade it first",
        ));
    }
    let since_pass: Vec<&AttemptFields> = history
        .attempts
        .iter()
        .rev()
        .take_while(|a| a.status != AttemptStatus::Passed)
        .collect();
    let used = since_pass.len() as i64;
    if used >= terms.max_attempts {
        return Err(Error::conflict(
            "learner_id",
            Rule::MaxAttempts,
            format!(
                "the learner has used all {} attempts at this certification",
                terms.max_attempts
            ),
        ));
    }
    let last_day = history.attempts.iter().map(|a| a.lab_on.unwrap_or(a.written_on)).max();
    if let Some(failed) = since_pass.first().and_then(|a| a.failed_on()) {
        let from = failed + Duration::days(terms.retake_wait_days);
        if taken_on < from {
            return Err(Error::conflict(
                "taken_on",
                Rule::RetakeWait,
                format!(
                    "a retake waits {} days after the failed assessment of {failed}: the next attempt is possible from {from}",
                    terms.retake_wait_days
                ),
            ));
        }
    }
    if let Some(last) = last_day
        && taken_on < last
    {
        return Err(Error::invalid(
            "taken_on",
            Rule::AfterStart,
            format!("taken_on must be on or after the learner's last assessment, {last}"),
        ));
    }
    Ok(used + 1)
}

/// A new attempt's fields from its written assessment.
pub fn written(certification_id: CertificationId, input: &WrittenInput, number: i64, pass_mark: i64) -> AttemptFields {
    AttemptFields {
        certification_id,
        learner_id: input.learner_id,
        number,
        status: if input.score >= pass_mark {
            AttemptStatus::AwaitingLab
        } else {
            AttemptStatus::WrittenFailed
        },
        written_on: input.taken_on,
        written_score: input.score,
        written_pass_mark: pass_mark,
        lab_on: None,
        lab_grader_id: None,
        lab_score: None,
        lab_pass_mark: None,
        lab_comments: None,
    }
}

/// Who graded a lab, as the rule reads them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grader {
    pub function: Function,
    /// One of the company's own people (not a partner's).
    pub internal: bool,
    /// The learner themselves (their person record).
    pub is_learner: bool,
}

/// The functions that grade labs: the company's PS engineers and technical architects.
pub const GRADING_FUNCTIONS: [Function; 2] = [Function::Engineer, Function::TechnicalArchitect];

/// The attempt after its lab, or the rule the lab breaks: a lab follows a passed written
/// assessment, once; it is graded by one of the company's PS engineers (not the learner);
/// a pass needs the rubric score at the lab pass mark, and a fail says why.
pub fn check_lab(before: &AttemptFields, input: &LabInput, grader: Grader, pass_mark: i64) -> Result<AttemptFields> {
    match before.status {
        AttemptStatus::AwaitingLab => {}
        AttemptStatus::WrittenFailed => {
            return Err(Error::conflict(
                "status",
                Rule::WrittenFirst,
                "the attempt's written assessment did not pass: a lab follows a passed written assessment",
            ));
        }
        AttemptStatus::LabFailed | AttemptStatus::Passed => {
            return Err(Error::conflict(
                "status",
                Rule::InvalidTransition,
                "the attempt's lab is already graded: a new lab is a new attempt",
            ));
        }
    }
    let mut c = Checks::new();
    c.check(
        (0..=100).contains(&input.rubric_score),
        "rubric_score",
        Rule::Range,
        "rubric_score must be a score from 0 to 100",
    );
    c.check(
        input.taken_on >= before.written_on,
        "taken_on",
        Rule::AfterStart,
        format!(
            "taken_on must be on or after the written assessment, {}",
            before.written_on
        ),
    );
    c.check(
        !input.passed || input.rubric_score >= pass_mark,
        "passed",
        Rule::BelowPassMark,
        format!(
            "a rubric score of {} is below the lab pass mark of {pass_mark}: the lab cannot pass",
            input.rubric_score
        ),
    );
    let comments = input.comments.as_deref().map(str::trim).filter(|s| !s.is_empty());
    c.check(
        input.passed || comments.is_some(),
        "comments",
        Rule::Required,
        "a failed lab says why in its comments",
    );
    c.optional_text(comments, "comments", 4000);
    c.check(
        grader.internal && GRADING_FUNCTIONS.contains(&grader.function) && !grader.is_learner,
        "grader_id",
        Rule::LabGrader,
        "a lab is graded by one of the company's PS engineers or technical architects, not the learner",
    );
    c.into_result()?;
    Ok(AttemptFields {
        status: if input.passed {
            AttemptStatus::Passed
        } else {
            AttemptStatus::LabFailed
        },
        lab_on: Some(input.taken_on),
        lab_grader_id: Some(input.grader_id),
        lab_score: Some(input.rubric_score),
        lab_pass_mark: Some(pass_mark),
        lab_comments: comments.map(str::to_string),
        ..before.clone()
    })
}
