//! Vetting a partner consultant before customer work: the company's reviews of them (the
//! soft-skills video and the interview, each with its reviewer, day and outcome) and the
//! settings that say which certifications and which interviewers each function needs.
//! Skills and certifications are the person's own records (`crate::skills`).

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;

use crate::Result;
use crate::code::Code;
use crate::id::Id;
use crate::meta::Meta;
use crate::partners::PartnerId;
use crate::patch::{double_option, set};
use crate::people::{Function, PersonId};
use crate::rule::Rule;
use crate::validate::Checks;

pub type VettingReviewId = Id<VettingReview>;

/// Which step of vetting a review is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum VettingStep {
    /// The consultant's soft-skills video, watched and judged.
    SoftSkillsVideo,
    /// The interview with a senior engineer (engineers) or the PS director (PMs).
    Interview,
}

impl Code for VettingStep {
    const FIELD: &'static str = "step";
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum ReviewOutcome {
    Pass,
    Fail,
}

impl Code for ReviewOutcome {
    const FIELD: &'static str = "outcome";
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VettingReviewFields {
    pub step: VettingStep,
    /// Who watched the video or held the interview: one of the company's own people.
    pub reviewer_id: PersonId,
    pub held_on: Date,
    pub outcome: ReviewOutcome,
    #[serde(default)]
    pub notes: Option<String>,
}

impl VettingReviewFields {
    pub fn validate(&self) -> Result<()> {
        let mut c = Checks::new();
        c.optional_text(self.notes.as_deref(), "notes", 4000);
        c.into_result()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct VettingReview {
    pub id: VettingReviewId,
    /// The consultant reviewed.
    pub person_id: PersonId,
    #[serde(flatten)]
    pub fields: VettingReviewFields,
    #[serde(flatten)]
    pub meta: Meta,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VettingReviewPatch {
    pub step: Option<VettingStep>,
    pub reviewer_id: Option<PersonId>,
    pub held_on: Option<Date>,
    pub outcome: Option<ReviewOutcome>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub notes: Option<Option<String>>,
}

impl VettingReviewPatch {
    pub fn apply(self, mut f: VettingReviewFields) -> VettingReviewFields {
        set(&mut f.step, self.step);
        set(&mut f.reviewer_id, self.reviewer_id);
        set(&mut f.held_on, self.held_on);
        set(&mut f.outcome, self.outcome);
        set(&mut f.notes, self.notes);
        f
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewVettingReview {
    pub person_id: PersonId,
    pub fields: VettingReviewFields,
}

/// A consultant's reviews.
#[derive(Debug, Clone)]
pub struct VettingReviewFilter {
    pub person_id: PersonId,
    pub archived: Option<bool>,
}

crate::child_record!(
    VettingReview,
    VettingReview,
    NewVettingReview,
    VettingReviewFields,
    VettingReviewPatch,
    VettingReviewFilter,
    crate::sort::ByName
);

/// What one group of functions needs to be vetted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VettingTrack {
    /// A name for people, e.g. "engineers".
    pub name: String,
    /// The consultant functions the track applies to.
    pub functions: Vec<Function>,
    /// Certification codes the consultant must hold, in force.
    pub certifications: Vec<String>,
    /// The functions of the company's own people who may hold the interview.
    #[schema(min_items = 1)]
    pub interviewer_functions: Vec<Function>,
}

/// Vetting's settings: one track per group of functions. A consultant whose function no
/// track lists cannot be vetted until one does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VettingSettings {
    pub tracks: Vec<VettingTrack>,
}

impl Default for VettingSettings {
    /// Engineers hold the migration and PM certifications and are interviewed by a
    /// senior engineer — psops's senior engineering function is the technical architect;
    /// PMs hold the PM specialist certification and are interviewed by the PS director —
    /// psops has no director function, so by a regional delivery manager, who leads
    /// delivery. A partner consultant without a more precise function is an engineer.
    fn default() -> Self {
        use Function::*;
        VettingSettings {
            tracks: vec![
                VettingTrack {
                    name: "engineers".into(),
                    functions: vec![Engineer, TechnicalArchitect, Trainer, PartnerConsultant],
                    certifications: vec!["migration".into(), "pm".into()],
                    interviewer_functions: vec![TechnicalArchitect],
                },
                VettingTrack {
                    name: "project managers".into(),
                    functions: vec![ProjectManager, ProgramManager, ProjectCoordinator],
                    certifications: vec!["pm_specialist".into()],
                    interviewer_functions: vec![RegionalDeliveryManager],
                },
            ],
        }
    }
}

impl VettingSettings {
    /// The track of a function: the first that lists it.
    pub fn track(&self, f: Function) -> Option<&VettingTrack> {
        self.tracks.iter().find(|t| t.functions.contains(&f))
    }

    pub fn validate(&self, c: &mut Checks) {
        for (i, t) in self.tracks.iter().enumerate() {
            c.text(&t.name, &format!("vetting.tracks[{i}].name"), 100);
            c.check(
                !t.interviewer_functions.is_empty(),
                &format!("vetting.tracks[{i}].interviewer_functions"),
                Rule::Required,
                "a vetting track names at least one interviewer function",
            );
            for cert in &t.certifications {
                c.text(cert, &format!("vetting.tracks[{i}].certifications"), 50);
            }
        }
    }
}

/// A consultant's vetting as the pipeline shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ConsultantVetting {
    pub person_id: PersonId,
    pub name: String,
    pub function: Function,
    pub partner_id: PartnerId,
    #[serde(flatten)]
    pub vetting: super::vetting_state::Vetting,
}

/// A partner's consultants by vetting state, with what each still lacks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct VettingPipeline {
    pub partner_id: PartnerId,
    pub vetted: i64,
    pub in_vetting: i64,
    pub not_started: i64,
    pub failed: i64,
    pub consultants: Vec<ConsultantVetting>,
}

impl VettingPipeline {
    /// Counts the consultants by state again (after the list was cut to what the
    /// reader may see).
    pub fn recount(&mut self) {
        use super::vetting_state::VettingState as S;
        let n = |want: &[S]| {
            self.consultants
                .iter()
                .filter(|c| want.contains(&c.vetting.state))
                .count() as i64
        };
        self.vetted = n(&[S::Vetted, S::NotNeeded]);
        self.in_vetting = n(&[S::InVetting]);
        self.not_started = n(&[S::NotStarted]);
        self.failed = n(&[S::Failed]);
    }
}

#[async_trait]
pub trait VettingStore {
    /// One person's vetting on `today` (a person of the company's own is not vetted:
    /// the answer says so with `needed: false`).
    async fn vetting(&self, person: PersonId, today: Date) -> Result<super::vetting_state::Vetting>;
    /// The partner's current (not archived) consultants, by name.
    async fn vetting_pipeline(&self, partner: PartnerId, today: Date) -> Result<VettingPipeline>;
}
