//! A project's lifecycle: the statuses PS teams run projects through and the phases of
//! the delivery methodology, with the moves each allows. Every move is dated (the store
//! keeps a row per move); a project completes only once its closure checklist is done.

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;

use crate::code::Code;
use crate::error::FieldError;
use crate::id::Id;
use crate::projects::{ProjectId, ProjectStatus};
use crate::rule::Rule;
use crate::{Error, Result};

/// The phases of the delivery methodology, in order. Iterate-and-validate loops back to
/// deliver for the next iteration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum Phase {
    SowClose,
    InitiateAndPlan,
    DeliverTrainAndMonitor,
    IterateAndValidate,
    DeployAndClose,
}

impl Code for Phase {
    const FIELD: &'static str = "phase";
}

impl Phase {
    pub fn label(self) -> &'static str {
        match self {
            Phase::SowClose => "SOW close",
            Phase::InitiateAndPlan => "Initiate and plan",
            Phase::DeliverTrainAndMonitor => "Deliver, train and monitor",
            Phase::IterateAndValidate => "Iterate and validate",
            Phase::DeployAndClose => "Deploy and close",
        }
    }

    /// The phases a project in this one may move to: the next, and back to deliver from
    /// iterate-and-validate for another iteration.
    pub fn next(self) -> &'static [Phase] {
        use Phase::*;
        match self {
            SowClose => &[InitiateAndPlan],
            InitiateAndPlan => &[DeliverTrainAndMonitor],
            DeliverTrainAndMonitor => &[IterateAndValidate],
            IterateAndValidate => &[DeliverTrainAndMonitor, DeployAndClose],
            DeployAndClose => &[],
        }
    }
}

/// The statuses a project in `from` may move to. A project starts anywhere (imports carry
/// history); after that it moves only along these edges. Completed and cancelled are final.
pub fn next_statuses(from: ProjectStatus) -> &'static [ProjectStatus] {
    use ProjectStatus::*;
    match from {
        Estimate => &[Prospect, InSetUp, Cancelled],
        Prospect => &[Estimate, InSetUp, Cancelled],
        InSetUp => &[OkayToStart, OnHold, Cancelled],
        OkayToStart => &[Active, OnHold, Backlog, Cancelled],
        Active => &[OnHold, Closed, Cancelled],
        OnHold => &[Active, Backlog, Cancelled],
        Backlog => &[OkayToStart, Active, Cancelled],
        // Closed: the work is done and billing and revenue are pending. Reopened when more
        // work turns up; completed once closure is done.
        Closed => &[Active, Completed],
        Completed | Cancelled => &[],
    }
}

/// The phase a project in a status may hold: none before it is set up, and none once
/// cancelled.
pub fn holds_phase(status: ProjectStatus) -> bool {
    use ProjectStatus::*;
    !matches!(status, Estimate | Prospect | Cancelled)
}

/// Whether a project may move from `from` to `to`; `closure_missing` lists what its
/// closure checklist still lacks (checked only for a move to completed).
pub fn check_status(from: ProjectStatus, to: ProjectStatus, closure_missing: &[String]) -> Result<()> {
    if from == to {
        return Ok(());
    }
    if !next_statuses(from).contains(&to) {
        let allowed: Vec<&str> = next_statuses(from).iter().map(|s| s.code()).collect();
        return Err(Error::invalid(
            "status",
            Rule::InvalidTransition,
            if allowed.is_empty() {
                format!("a {} project is final and cannot move to {}", from.code(), to.code())
            } else {
                format!(
                    "a {} project moves to {}, not {}",
                    from.code(),
                    allowed.join(", "),
                    to.code()
                )
            },
        ));
    }
    if to == ProjectStatus::Completed && !closure_missing.is_empty() {
        return Err(Error::Conflict(FieldError::new(
            "status",
            Rule::Gate,
            format!(
                "a project completes once its closure is done; missing: {}",
                closure_missing.join("; ")
            ),
        )));
    }
    Ok(())
}

/// Whether a project's phase may change from `from` to `to` while it is in `status`.
pub fn check_phase(status: ProjectStatus, from: Option<Phase>, to: Option<Phase>) -> Result<()> {
    if from == to {
        return Ok(());
    }
    let refuse = |message: String| Err(Error::invalid("phase", Rule::InvalidTransition, message));
    match (from, to) {
        (_, Some(_)) if !holds_phase(status) => refuse(format!("a {} project has no phase", status.code())),
        (_, None) => refuse("a project's phase is not cleared once set".into()),
        (None, Some(_)) => Ok(()),
        (Some(f), Some(t)) if f.next().contains(&t) => Ok(()),
        (Some(f), Some(t)) => {
            let allowed: Vec<&str> = f.next().iter().map(|p| p.code()).collect();
            refuse(format!(
                "the {} phase moves on to {}, not {}",
                f.code(),
                if allowed.is_empty() {
                    "nothing".into()
                } else {
                    allowed.join(" or ")
                },
                t.code()
            ))
        }
    }
}

/// The full methodology (every phase and its artefacts) is required over five iterations
/// or two months; shorter projects still need iteration 0, the internal retrospective,
/// the RAID log, a communication plan and the weekly status.
pub fn full_methodology(start: Option<Date>, end: Option<Date>, iterations: Option<u32>) -> bool {
    let long = match (start, end) {
        (Some(s), Some(e)) => {
            let months = (e.year() - s.year()) * 12 + i32::from(u8::from(e.month())) - i32::from(u8::from(s.month()));
            months - i32::from(e.day() < s.day()) >= 2
        }
        _ => false,
    };
    long || iterations.is_some_and(|i| i > 5)
}

pub type ProjectMoveId = Id<ProjectMove>;

/// One dated move of a project's status or phase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ProjectMove {
    #[schema(value_type = i64)]
    pub id: ProjectMoveId,
    #[schema(value_type = i64)]
    pub project_id: ProjectId,
    pub from_status: Option<ProjectStatus>,
    pub to_status: ProjectStatus,
    pub from_phase: Option<Phase>,
    pub to_phase: Option<Phase>,
    /// The user who moved it; `None` for psops itself or the command line.
    #[schema(value_type = Option<i64>)]
    pub moved_by: Option<crate::auth::UserId>,
    #[serde(with = "time::serde::rfc3339")]
    pub moved_at: OffsetDateTime,
}

/// A project's dated moves.
#[async_trait::async_trait]
pub trait LifecycleStore: Send + Sync {
    /// A project's moves of status and phase, newest first.
    async fn project_moves(&self, project: ProjectId) -> Result<Vec<ProjectMove>>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use ProjectStatus::*;
    use time::macros::date;

    #[test]
    fn statuses_move_along_the_edges_only() {
        assert!(check_status(InSetUp, OkayToStart, &[]).is_ok());
        assert!(check_status(Active, Active, &[]).is_ok());
        let e = check_status(InSetUp, Completed, &[]).unwrap_err().to_string();
        assert!(e.contains("moves to okay_to_start, on_hold, cancelled"), "{e}");
        let e = check_status(Completed, Active, &[]).unwrap_err().to_string();
        assert!(e.contains("final"), "{e}");
    }

    #[test]
    fn completing_needs_the_closure_done() {
        let missing = vec!["internal retrospective".to_string()];
        let e = check_status(Closed, Completed, &missing).unwrap_err();
        assert!(matches!(&e, Error::Conflict(f) if f.rule == Rule::Gate));
        assert!(e.to_string().contains("internal retrospective"));
        assert!(check_status(Closed, Completed, &[]).is_ok());
    }

    #[test]
    fn phases_go_forward_and_loop_for_iterations() {
        use Phase::*;
        assert!(check_phase(Active, None, Some(InitiateAndPlan)).is_ok());
        assert!(check_phase(Active, Some(IterateAndValidate), Some(DeliverTrainAndMonitor)).is_ok());
        assert!(check_phase(Active, Some(SowClose), Some(DeployAndClose)).is_err());
        assert!(check_phase(Active, Some(SowClose), None).is_err());
        assert!(check_phase(Prospect, None, Some(SowClose)).is_err());
    }

    #[test]
    fn long_projects_need_the_full_methodology() {
        assert!(full_methodology(
            Some(date!(2026 - 01 - 05)),
            Some(date!(2026 - 03 - 20)),
            None
        ));
        assert!(!full_methodology(
            Some(date!(2026 - 01 - 05)),
            Some(date!(2026 - 02 - 20)),
            Some(3)
        ));
        assert!(full_methodology(None, None, Some(6)));
    }
}
