//! A consultant's vetting state and what they still lack, as a pure function of their
//! records: the one place the vetting rule is stated, read by the assignment gate, the
//! pipeline report and the pages alike.

use serde::Serialize;
use time::Date;
use utoipa::ToSchema;

use super::onboarding::PartnerStatus;
use super::vetting::{ReviewOutcome, VettingSettings, VettingStep};
use crate::code::Code;
use crate::people::Function;
use crate::rule::Rule;
use crate::skills::{PersonCertificationFields, PersonSkillFields};
use crate::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum VettingState {
    /// One of the company's own people: vetting does not apply.
    NotNeeded,
    /// Nothing recorded yet.
    NotStarted,
    /// Some of it done, something still missing.
    InVetting,
    /// The latest video review or interview failed.
    Failed,
    /// Everything in place: may take customer work.
    Vetted,
}

impl Code for VettingState {
    const FIELD: &'static str = "state";
}

/// What a gap in a consultant's vetting is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GapKind {
    /// The consultant's function has no vetting track in the settings.
    NoTrack,
    /// Their partner organisation is not active (its onboarding is not complete).
    PartnerNotActive,
    /// No skills in their skills matrix.
    Skills,
    SoftSkillsVideo,
    /// A required certification they do not hold (`detail`: its code).
    Certification,
    /// A required certification they held but which has expired (`detail`: its code).
    CertificationExpired,
    Interview,
}

/// One thing a consultant lacks, with the sentence that says so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Gap {
    pub kind: GapKind,
    pub detail: Option<String>,
    pub text: String,
}

/// A consultant's vetting: its state and what they lack, in the order it is worked on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Vetting {
    pub state: VettingState,
    pub missing: Vec<Gap>,
}

impl Vetting {
    pub fn not_needed() -> Vetting {
        Vetting {
            state: VettingState::NotNeeded,
            missing: Vec::new(),
        }
    }

    pub fn is_vetted(&self) -> bool {
        matches!(self.state, VettingState::Vetted | VettingState::NotNeeded)
    }

    /// The sentences of the gaps, joined.
    pub fn missing_text(&self) -> String {
        self.missing
            .iter()
            .map(|g| g.text.as_str())
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// A review as vetting reads it: with what its reviewer is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewFact {
    pub step: VettingStep,
    pub held_on: Date,
    pub outcome: ReviewOutcome,
    /// The reviewer's function, and whether they are the company's own (not a partner's).
    pub reviewer_function: Function,
    pub reviewer_internal: bool,
}

/// Everything vetting a partner consultant reads.
#[derive(Debug, Clone)]
pub struct VettingFacts<'a> {
    pub function: Function,
    pub partner_status: PartnerStatus,
    pub skills: &'a [PersonSkillFields],
    pub certifications: &'a [PersonCertificationFields],
    /// In the order they were held (oldest first); the latest of a step decides it.
    pub reviews: &'a [ReviewFact],
}

fn gap(kind: GapKind, detail: Option<&str>, text: String) -> Gap {
    Gap {
        kind,
        detail: detail.map(str::to_string),
        text,
    }
}

/// A partner consultant's vetting on `today` under `settings`: vetted when their
/// organisation is active, they have at least one skill, the latest soft-skills video
/// review passed, they hold every certification their function's track requires in
/// force, and their latest interview passed with one of the company's own people of an
/// interviewing function. Failed when the latest video review or interview failed.
pub fn assess(f: &VettingFacts<'_>, settings: &VettingSettings, today: Date) -> Vetting {
    let mut missing = Vec::new();
    if f.partner_status != PartnerStatus::Active {
        missing.push(gap(
            GapKind::PartnerNotActive,
            Some(f.partner_status.code()),
            format!(
                "their partner organisation is {}, not active (its onboarding is not complete)",
                f.partner_status.code()
            ),
        ));
    }
    let track = settings.track(f.function);
    if track.is_none() {
        missing.push(gap(
            GapKind::NoTrack,
            Some(f.function.code()),
            format!(
                "no vetting track in the settings covers the function {}",
                f.function.code()
            ),
        ));
    }
    if f.skills.is_empty() {
        missing.push(gap(GapKind::Skills, None, "no skills in their skills matrix".into()));
    }
    let latest = |step: VettingStep, counts: &dyn Fn(&ReviewFact) -> bool| {
        f.reviews.iter().rfind(|r| r.step == step && counts(r))
    };
    let video = latest(VettingStep::SoftSkillsVideo, &|r| r.reviewer_internal);
    let mut failed = false;
    match video {
        Some(r) if r.outcome == ReviewOutcome::Pass => {}
        Some(r) => {
            failed = true;
            missing.push(gap(
                GapKind::SoftSkillsVideo,
                None,
                format!("their soft-skills video failed review on {}", r.held_on),
            ));
        }
        None => missing.push(gap(
            GapKind::SoftSkillsVideo,
            None,
            "their soft-skills video has not been reviewed".into(),
        )),
    }
    if let Some(track) = track {
        for code in &track.certifications {
            let held: Vec<&PersonCertificationFields> = f
                .certifications
                .iter()
                .filter(|c| c.code.trim().eq_ignore_ascii_case(code))
                .collect();
            if held.iter().any(|c| c.valid_on(today)) {
                continue;
            }
            let expired = held.iter().any(|c| c.expires_on.is_some_and(|e| e < today));
            missing.push(if expired {
                gap(
                    GapKind::CertificationExpired,
                    Some(code),
                    format!("their {code} certification has expired"),
                )
            } else {
                gap(
                    GapKind::Certification,
                    Some(code),
                    format!("the {code} certification is required"),
                )
            });
        }
        let interviewers = &track.interviewer_functions;
        let interview = latest(VettingStep::Interview, &|r| {
            r.reviewer_internal && interviewers.contains(&r.reviewer_function)
        });
        match interview {
            Some(r) if r.outcome == ReviewOutcome::Pass => {}
            Some(r) => {
                failed = true;
                missing.push(gap(
                    GapKind::Interview,
                    None,
                    format!("their interview on {} was failed", r.held_on),
                ));
            }
            None => {
                let who: Vec<&str> = interviewers.iter().map(|f| f.code()).collect();
                missing.push(gap(
                    GapKind::Interview,
                    None,
                    format!("no passed interview with a {} of the company", who.join(" or ")),
                ));
            }
        }
    }
    let nothing = f.skills.is_empty() && f.certifications.is_empty() && f.reviews.is_empty();
    let state = if missing.is_empty() {
        VettingState::Vetted
    } else if failed {
        VettingState::Failed
    } else if nothing {
        VettingState::NotStarted
    } else {
        VettingState::InVetting
    };
    Vetting { state, missing }
}

/// The assignment gate: a partner consultant takes customer work only when vetted; the
/// refusal names what they lack.
pub fn check_assignable(v: &Vetting) -> Result<()> {
    if v.is_vetted() {
        return Ok(());
    }
    Err(Error::invalid(
        "person_id",
        Rule::NotVetted,
        format!(
            "a partner consultant works for customers only once vetted; missing: {}",
            v.missing_text()
        ),
    ))
}

#[cfg(test)]
#[path = "vetting_state_tests.rs"]
mod tests;
