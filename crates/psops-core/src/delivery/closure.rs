//! Closing a project: the checklist that must be complete before the project may be
//! completed. The CSAT survey goes out on or before the 30-minute closure meeting; the
//! customer signs off the revenue (signs, replies "accepted", or lets passive acceptance
//! run out — who, how and when are recorded); the team holds an internal
//! retrospective; and the regional manager writes the closeout report — estimated
//! against actual hours (computed: the project's budgeted hours from its SOW against the
//! time recorded on it), the deliverables and the lessons learned.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;

use crate::code::Code;
use crate::patch::{double_option, set};
use crate::people::PersonId;
use crate::projects::ProjectId;
use crate::store::{IfVersion, WriteCtx};
use crate::validate::Checks;
use crate::{Minutes, Result};

/// How the customer signed off the revenue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum SignoffHow {
    /// The customer signed the sign-off.
    Signed,
    /// The customer replied "accepted".
    RepliedAccepted,
    /// The passive-acceptance period ran out without an objection.
    PassiveAcceptance,
}

impl Code for SignoffHow {
    const FIELD: &'static str = "signoff_how";
}

impl SignoffHow {
    pub fn label(self) -> &'static str {
        match self {
            SignoffHow::Signed => "Signed by the customer",
            SignoffHow::RepliedAccepted => "Replied \"accepted\"",
            SignoffHow::PassiveAcceptance => "Passive acceptance ran out",
        }
    }
}

/// What the closure checklist records (every item may still be empty).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ClosureFields)]
pub struct ClosureFields {
    /// The day of the closure meeting.
    #[serde(default)]
    pub meeting_on: Option<Date>,
    #[serde(default)]
    pub signoff_how: Option<SignoffHow>,
    /// Who signed off (a name, or "passive acceptance").
    #[serde(default)]
    pub signoff_by: Option<String>,
    #[serde(default)]
    pub signoff_on: Option<Date>,
    /// The day of the internal retrospective.
    #[serde(default)]
    pub retro_on: Option<Date>,
    #[serde(default)]
    pub retro_notes: Option<String>,
    /// The closeout report's deliverables.
    #[serde(default)]
    pub deliverables: Option<String>,
    #[serde(default)]
    pub lessons_learned: Option<String>,
    /// The regional manager who wrote the closeout report.
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub closeout_by: Option<PersonId>,
    #[serde(default)]
    pub closeout_on: Option<Date>,
}

impl ClosureFields {
    pub fn validate(&self) -> Result<()> {
        let mut c = Checks::new();
        c.optional_text(self.signoff_by.as_deref(), "signoff_by", 200)
            .optional_text(self.retro_notes.as_deref(), "retro_notes", 8000)
            .optional_text(self.deliverables.as_deref(), "deliverables", 8000)
            .optional_text(self.lessons_learned.as_deref(), "lessons_learned", 8000);
        c.into_result()
    }

    /// Whether the customer's revenue sign-off is recorded whole.
    pub fn signed_off(&self) -> bool {
        self.signoff_how.is_some() && has(&self.signoff_by) && self.signoff_on.is_some()
    }

    pub fn retro_held(&self) -> bool {
        self.retro_on.is_some() && has(&self.retro_notes)
    }

    pub fn closeout_written(&self) -> bool {
        self.closeout_by.is_some()
            && self.closeout_on.is_some()
            && has(&self.deliverables)
            && has(&self.lessons_learned)
    }
}

fn has(t: &Option<String>) -> bool {
    t.as_deref().is_some_and(|t| !t.trim().is_empty())
}

/// A change to the checklist: fields left out keep their value, null clears.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ClosurePatch)]
pub struct ClosurePatch {
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Date>)]
    pub meeting_on: Option<Option<Date>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<SignoffHow>)]
    pub signoff_how: Option<Option<SignoffHow>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub signoff_by: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Date>)]
    pub signoff_on: Option<Option<Date>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Date>)]
    pub retro_on: Option<Option<Date>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub retro_notes: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub deliverables: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub lessons_learned: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub closeout_by: Option<Option<PersonId>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Date>)]
    pub closeout_on: Option<Option<Date>>,
}

/// Text trimmed, and empty text as none.
fn tidy(t: Option<Option<String>>) -> Option<Option<String>> {
    t.map(|t| t.map(|s| s.trim().to_string()).filter(|s| !s.is_empty()))
}

impl ClosurePatch {
    pub fn apply(self, mut f: ClosureFields) -> ClosureFields {
        set(&mut f.meeting_on, self.meeting_on);
        set(&mut f.signoff_how, self.signoff_how);
        set(&mut f.signoff_by, tidy(self.signoff_by));
        set(&mut f.signoff_on, self.signoff_on);
        set(&mut f.retro_on, self.retro_on);
        set(&mut f.retro_notes, tidy(self.retro_notes));
        set(&mut f.deliverables, tidy(self.deliverables));
        set(&mut f.lessons_learned, tidy(self.lessons_learned));
        set(&mut f.closeout_by, self.closeout_by);
        set(&mut f.closeout_on, self.closeout_on);
        f
    }
}

/// A project's closure checklist with what it is computed from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[schema(as = ProjectClosure)]
pub struct Closure {
    #[schema(value_type = i64)]
    pub project_id: ProjectId,
    #[serde(flatten)]
    pub fields: ClosureFields,
    /// The day the first CSAT survey of the project was sent, if one was.
    pub survey_sent_on: Option<Date>,
    /// The hours estimated: the project's budget (from its SOW).
    #[schema(value_type = Option<i64>)]
    pub estimated_minutes: Option<Minutes>,
    /// The hours recorded on the project.
    #[schema(value_type = i64)]
    pub actual_minutes: Minutes,
    /// What still stands between the project and completed, in plain words; empty when
    /// it may complete.
    pub missing: Vec<String>,
    /// 0 until the checklist is first written.
    pub version: i64,
}

/// What the checklist still lacks, in plain words (empty: ready to complete).
pub fn missing(f: &ClosureFields, survey_sent_on: Option<Date>) -> Vec<String> {
    let mut out = Vec::new();
    match (survey_sent_on, f.meeting_on) {
        (None, _) => out.push("the CSAT survey has not been sent".to_string()),
        (Some(_), None) => out.push("the closure meeting date is not recorded".to_string()),
        (Some(sent), Some(meeting)) if sent > meeting => out.push(format!(
            "the CSAT survey was sent on {sent}, after the closure meeting on {meeting}: it must go out before"
        )),
        _ => {}
    }
    if !f.signed_off() {
        out.push("the customer's revenue sign-off (who, how and when) is not recorded".to_string());
    }
    if !f.retro_held() {
        out.push("the internal retrospective (date and notes) is not recorded".to_string());
    }
    if !f.closeout_written() {
        out.push(
            "the regional manager's closeout report (deliverables, lessons learned, author and date) is not written"
                .to_string(),
        );
    }
    out
}

#[async_trait]
pub trait ClosureStore: Send + Sync {
    /// A project's closure checklist, with its hours and what it still lacks (an empty
    /// checklist, version 0, until first written).
    async fn closure(&self, project: ProjectId) -> Result<Closure>;
    /// Changes the checklist (created on its first change), audited.
    async fn update_closure(
        &self,
        ctx: &WriteCtx,
        project: ProjectId,
        v: IfVersion,
        patch: ClosurePatch,
    ) -> Result<Closure>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn complete() -> ClosureFields {
        ClosureFields {
            meeting_on: Some(date!(2026 - 11 - 20)),
            signoff_how: Some(SignoffHow::RepliedAccepted),
            signoff_by: Some("Dana Smith".into()),
            signoff_on: Some(date!(2026 - 11 - 18)),
            retro_on: Some(date!(2026 - 11 - 21)),
            retro_notes: Some("went well".into()),
            deliverables: Some("runbook".into()),
            lessons_learned: Some("scope early".into()),
            closeout_by: Some(PersonId::new(3)),
            closeout_on: Some(date!(2026 - 11 - 24)),
        }
    }

    #[test]
    fn a_complete_checklist_with_the_survey_before_the_meeting_is_ready() {
        assert!(missing(&complete(), Some(date!(2026 - 11 - 20))).is_empty());
        assert!(missing(&complete(), Some(date!(2026 - 11 - 02))).is_empty());
    }

    #[test]
    fn each_gap_is_named() {
        let m = missing(&ClosureFields::default(), None);
        assert_eq!(m.len(), 4, "{m:?}");
        assert!(m[0].contains("CSAT survey has not been sent"));
        let late = missing(&complete(), Some(date!(2026 - 11 - 21)));
        assert_eq!(late.len(), 1);
        assert!(late[0].contains("after the closure meeting"));
        let no_meeting = ClosureFields {
            meeting_on: None,
            ..complete()
        };
        assert!(missing(&no_meeting, Some(date!(2026 - 11 - 21)))[0].contains("meeting date"));
    }

    #[test]
    fn blank_text_clears() {
        let p = ClosurePatch {
            retro_notes: Some(Some("  ".into())),
            ..Default::default()
        };
        assert_eq!(p.apply(complete()).retro_notes, None);
    }
}
