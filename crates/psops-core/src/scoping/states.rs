//! The scoping record's states and the gate each move must pass (handbook: open →
//! awaiting discovery → strawman WIP → estimate feedback → SOW WIP → ready for approval →
//! approved → closed won | closed lost; on hold from any open state). A refused move
//! names the condition that is missing.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::opportunities::Opportunity;
use crate::code::Code;
use crate::rule::Rule;
use crate::{Error, FieldError, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum ScopingState {
    Open,
    AwaitingDiscovery,
    StrawmanWip,
    EstimateFeedback,
    SowWip,
    ReadyForApproval,
    Approved,
    /// Timing slipped; it may still proceed.
    OnHold,
    ClosedWon,
    ClosedLost,
}

impl Code for ScopingState {
    const FIELD: &'static str = "state";
}

/// The working states, in the order a record moves through them.
pub const PATH: [ScopingState; 7] = [
    ScopingState::Open,
    ScopingState::AwaitingDiscovery,
    ScopingState::StrawmanWip,
    ScopingState::EstimateFeedback,
    ScopingState::SowWip,
    ScopingState::ReadyForApproval,
    ScopingState::Approved,
];

impl ScopingState {
    pub fn is_closed(self) -> bool {
        matches!(self, ScopingState::ClosedWon | ScopingState::ClosedLost)
    }

    /// Its place on the path; none for on hold and the closed states.
    pub fn step(self) -> Option<usize> {
        PATH.iter().position(|s| *s == self)
    }

    /// How the handbook's board heads the column, e.g. `SOW WIP`.
    pub fn label(self) -> &'static str {
        match self {
            ScopingState::Open => "Open",
            ScopingState::AwaitingDiscovery => "Awaiting discovery",
            ScopingState::StrawmanWip => "Strawman WIP",
            ScopingState::EstimateFeedback => "Estimate feedback",
            ScopingState::SowWip => "SOW WIP",
            ScopingState::ReadyForApproval => "Ready for approval",
            ScopingState::Approved => "Approved",
            ScopingState::OnHold => "On hold",
            ScopingState::ClosedWon => "Closed won",
            ScopingState::ClosedLost => "Closed lost",
        }
    }
}

/// A technical architect's part: requested, then assisted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum TaStatus {
    None,
    NeedsAssistance,
    Assisted,
}

impl Code for TaStatus {
    const FIELD: &'static str = "ta_status";
}

/// What the store knows that the gates read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Facts {
    /// An estimate has been shared with the customer.
    pub estimate_shared: bool,
    /// The customer agreed an estimate's price and scope; `Some(false)` when the agreed
    /// estimate is over the TA threshold and the TA has not approved it.
    pub agreed: Option<bool>,
    /// The current SOW's regional delivery manager approved it.
    pub rdm_approved: bool,
    /// Every internal approval up to the PS director's is given.
    pub director_approved: bool,
}

fn gate(field: &str, message: impl Into<String>) -> Error {
    Error::Conflict(FieldError::new(field, Rule::Gate, message))
}

fn invalid(message: impl Into<String>) -> Error {
    Error::invalid("state", Rule::InvalidTransition, message)
}

/// Whether the record may move to `to` (a reason is needed to close lost, hold or go
/// back). Closed won only comes from signing the SOW.
pub fn check_move(o: &Opportunity, to: ScopingState, facts: &Facts, reason: Option<&str>) -> Result<()> {
    use ScopingState as S;
    let from = o.state;
    let has_reason = reason.is_some_and(|r| !r.trim().is_empty());
    if from == to {
        return Err(invalid(format!("the scoping record is already {}", from.code())));
    }
    if from == S::ClosedWon {
        return Err(invalid("closed won is final: further work goes through change control"));
    }
    if from == S::ClosedLost {
        return if to == S::Open && has_reason {
            Ok(())
        } else {
            Err(invalid("closed lost only reopens, to open, with a reason"))
        };
    }
    match to {
        S::ClosedWon => Err(gate(
            "sow",
            "a scoping record closes won when its SOW is signed: sign the SOW",
        )),
        S::ClosedLost | S::OnHold if !has_reason => Err(Error::invalid(
            "reason",
            Rule::DependsOn,
            format!("moving to {} needs a reason", to.code()),
        )),
        S::ClosedLost => Ok(()),
        S::OnHold => Ok(()),
        _ if from == S::OnHold => match o.held_from {
            Some(h) if h == to => Ok(()),
            h => Err(invalid(format!(
                "an on-hold record resumes to the state it held, {}, or closes lost",
                h.unwrap_or(S::Open).code()
            ))),
        },
        _ => {
            let (Some(f), Some(t)) = (from.step(), to.step()) else {
                return Err(invalid(format!("{} cannot move to {}", from.code(), to.code())));
            };
            if t < f {
                return Ok(());
            }
            if t > f + 1 {
                return Err(invalid(format!(
                    "scoping moves one state at a time: from {} the next is {}",
                    from.code(),
                    PATH[f + 1].code()
                )));
            }
            forward_gate(o, to, facts)
        }
    }
}

fn forward_gate(o: &Opportunity, to: ScopingState, facts: &Facts) -> Result<()> {
    use ScopingState as S;
    match to {
        S::AwaitingDiscovery if o.fields.engagement_manager_id.is_none() => Err(gate(
            "engagement_manager_id",
            "assign an engagement manager before discovery",
        )),
        S::EstimateFeedback if !facts.estimate_shared => Err(gate(
            "estimate",
            "share an estimate with the customer before estimate feedback",
        )),
        S::SowWip => match facts.agreed {
            None => Err(gate(
                "estimate",
                "price and scope must be agreed (an estimate marked agreed) before SOW WIP",
            )),
            Some(false) => Err(gate(
                "ta_review",
                "the agreed estimate is over the TA threshold: it needs the technical architect's approval before a SOW",
            )),
            Some(true) => Ok(()),
        },
        S::ReadyForApproval if !facts.rdm_approved => Err(gate(
            "sow",
            "the regional delivery manager must approve the SOW before ready for approval",
        )),
        S::Approved if !facts.director_approved => Err(gate(
            "sow",
            "revenue (and finance where needed) and the PS director must approve the SOW before approved",
        )),
        _ => Ok(()),
    }
}

/// A TA may be engaged only once the opportunity records the customer's pain points and
/// the constraints, and not already engaged.
pub fn check_ta_request(o: &Opportunity) -> Result<()> {
    let blank = |t: &Option<String>| t.as_deref().is_none_or(|t| t.trim().is_empty());
    let mut errors = Vec::new();
    if blank(&o.fields.pain_points) {
        errors.push(FieldError::new(
            "pain_points",
            Rule::Gate,
            "record the customer's pain points before engaging a technical architect",
        ));
    }
    if blank(&o.fields.constraints) {
        errors.push(FieldError::new(
            "constraints",
            Rule::Gate,
            "record the technical or organisational constraints before engaging a technical architect",
        ));
    }
    if o.state.is_closed() {
        errors.push(FieldError::new(
            "state",
            Rule::InvalidTransition,
            "a closed scoping record takes no TA request",
        ));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::Invalid(errors))
    }
}
