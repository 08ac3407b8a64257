//! An enrolment: a learner registered on a class, with the days they attended. A
//! registration takes a seat (refused past the class's seats); cancelling frees it.
//! Attendance is marked per class day by the trainer or operations, and the roster —
//! every registration with its attendance — is submitted at close.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;

use crate::Result;
use crate::code::Code;
use crate::education::classes::{ClassId, TrainingClass};
use crate::education::learners::{LearnerId, LearnerOrg};
use crate::education::workflow::{ClassStep, StepView};
use crate::finance::training::Training;
use crate::id::Id;
use crate::meta::Meta;
use crate::store::{RecordStore, WriteCtx};

pub type EnrolmentId = Id<Enrolment>;

/// Whether a registration holds a seat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum EnrolmentStatus {
    Registered,
    Cancelled,
}

impl Code for EnrolmentStatus {
    const FIELD: &'static str = "status";
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrolmentFields {
    #[schema(value_type = i64)]
    pub class_id: ClassId,
    #[schema(value_type = i64)]
    pub learner_id: LearnerId,
    /// `cancelled` frees the seat; registering again takes one.
    #[serde(default = "registered")]
    pub status: EnrolmentStatus,
    /// The customer's project that bought the seat, on a public class with a seat price:
    /// the price is that project's training revenue once the class is rostered.
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub project_id: Option<crate::projects::ProjectId>,
}

fn registered() -> EnrolmentStatus {
    EnrolmentStatus::Registered
}

impl EnrolmentFields {
    pub fn validate(&self) -> Result<()> {
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Enrolment {
    #[schema(value_type = i64)]
    pub id: EnrolmentId,
    #[serde(flatten)]
    pub fields: EnrolmentFields,
    /// The class days the learner attended, set by marking attendance.
    pub attended: Vec<Date>,
    #[serde(flatten)]
    pub meta: Meta,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrolmentPatch {
    pub status: Option<EnrolmentStatus>,
    #[serde(default, deserialize_with = "crate::patch::double_option")]
    #[schema(value_type = Option<i64>)]
    pub project_id: Option<Option<crate::projects::ProjectId>>,
}

impl EnrolmentPatch {
    pub fn apply(self, mut f: EnrolmentFields) -> EnrolmentFields {
        crate::patch::set(&mut f.status, self.status);
        crate::patch::set(&mut f.project_id, self.project_id);
        f
    }
}

crate::sort_columns!(
    /// The order enrolments list in.
    EnrolmentSort { Registered }
);

#[derive(Debug, Clone, Default)]
pub struct EnrolmentFilter {
    pub class_id: Option<ClassId>,
    pub learner_id: Option<LearnerId>,
    pub status: Option<EnrolmentStatus>,
    pub archived: Option<bool>,
}

crate::plain_record!(
    Enrolment,
    Enrolment,
    EnrolmentFields,
    EnrolmentPatch,
    EnrolmentFilter,
    EnrolmentSort
);

/// One line of a class's roster: a registration, its learner and attendance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct RosterLine {
    #[schema(value_type = i64)]
    pub enrolment_id: EnrolmentId,
    #[schema(value_type = i64)]
    pub learner_id: LearnerId,
    pub name: String,
    pub email: Option<String>,
    pub organisation: LearnerOrg,
    pub status: EnrolmentStatus,
    pub attended: Vec<Date>,
}

/// The days one registration attended, as the trainer marks them.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttendanceRow {
    #[schema(value_type = i64)]
    pub enrolment_id: EnrolmentId,
    /// Class days (YYYY-MM-DD); none: absent throughout.
    pub days: Vec<Date>,
}

/// A class's attendance grid: every row given is set, others keep theirs.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Attendance {
    pub rows: Vec<AttendanceRow>,
}

/// The roster submitted at close.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RosterSubmission {
    /// The day it is submitted: on or after the class's last day.
    pub submitted_on: Date,
}

/// A step of the workflow marked done (or, with no day, undone).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepDone {
    #[schema(schema_with = marked_steps_schema)]
    pub step: ClassStep,
    #[serde(default)]
    pub done_on: Option<Date>,
}

/// The steps marked here: every step but the close-out, which submitting the roster does.
fn marked_steps_schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    use strum::VariantArray;
    let steps: Vec<&'static str> = ClassStep::VARIANTS
        .iter()
        .filter(|s| **s != ClassStep::CloseOut)
        .map(|s| s.into())
        .collect();
    let schema = serde_json::json!({"type": "string", "enum": steps});
    serde_json::from_value(schema).unwrap_or_else(|_| <ClassStep as utoipa::PartialSchema>::schema())
}

/// What submitting a roster did: the completed class, the training record its fee is
/// recognised from (a private class), and how many attending learners were sent the
/// training survey (those with an e-mail).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct RosterOutcome {
    pub class: TrainingClass,
    pub training: Option<Training>,
    /// A public class's seats bought under customers' projects: one training record per
    /// project, its seats × the class's seat price.
    pub seats: Vec<Training>,
    pub surveys_sent: i64,
    /// Each survey link's raw token, in the order sent: for the process that submitted
    /// (the demo answers with them), never in an answer — the links are the learners'.
    #[serde(skip)]
    pub tokens: Vec<String>,
}

#[async_trait]
pub trait ClassStore: RecordStore<TrainingClass> + RecordStore<Enrolment> {
    /// A class's roster: every registration with its learner and attendance, by name.
    async fn roster(&self, class: ClassId) -> Result<Vec<RosterLine>>;
    /// Sets the attendance of registrations of a scheduled class; every day must be one
    /// of the class's days and every row one of its live registrations. Audited.
    async fn mark_attendance(&self, ctx: &WriteCtx, class: ClassId, attendance: Attendance) -> Result<Vec<RosterLine>>;
    /// Marks a workflow step of a scheduled class done on a day (or undone).
    async fn mark_step(&self, ctx: &WriteCtx, class: ClassId, done: StepDone) -> Result<TrainingClass>;
    /// The class's workflow as of `today`.
    async fn class_workflow(&self, class: ClassId, today: Date) -> Result<Vec<StepView>>;
    /// Submits the roster of a scheduled class on or after its last day: completes it,
    /// marks its close-out done, writes (or updates) a private class's training record so
    /// its fee is recognised, and sends the training survey to each attending learner
    /// with an e-mail — all in one transaction. `base` is psops's public address.
    async fn submit_roster(
        &self,
        ctx: &WriteCtx,
        class: ClassId,
        submission: RosterSubmission,
        base: &str,
        now: OffsetDateTime,
    ) -> Result<RosterOutcome>;
    /// The training surveys a class's roster sent, answered or not.
    async fn class_surveys(&self, class: ClassId) -> Result<Vec<crate::education::class_surveys::ClassSurvey>>;
    /// What a training survey link's token leads to at `now`.
    async fn open_class_survey(
        &self,
        token: &str,
        now: OffsetDateTime,
    ) -> Result<crate::education::class_surveys::OpenedClassSurvey>;
    /// Records the answer of the link's holder, once, before it expires (409 after; 404
    /// for an unknown token), audited as the learner.
    async fn answer_class_survey(
        &self,
        token: &str,
        answer: crate::delivery::surveys::SurveyAnswer,
        request_id: Option<String>,
        now: OffsetDateTime,
    ) -> Result<crate::education::class_surveys::ClassSurvey>;
}

/// The training survey's mail to an attending learner.
pub fn survey_message(to_name: &str, course: &str, link: &str, expires: OffsetDateTime) -> (String, String) {
    let subject = format!("How was your {course} class?");
    let body = format!(
        "Dear {to_name},\n\nThank you for attending {course}. Would you tell us how satisfied you \
         are with the class? It takes a minute: one question and a comment.\n\n{link}\n\n\
         The link works once and until {}.\n",
        expires.date()
    );
    (subject, body)
}

/// The public page a training survey's token is answered on, under psops's address.
pub fn survey_link(base: &str, token: &str) -> String {
    format!("{}/training-survey/{token}", base.trim_end_matches('/'))
}
