//! The body every approval step takes: approve, or reject with a reason. One type, so the
//! OpenAPI document has one schema for it (`StepDecision`) — types of one name would
//! overwrite each other there.

use psops_core::catalog::requests::Verdict;
use serde::Deserialize;
use utoipa::ToSchema;

/// A step's decision.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepDecision {
    pub decision: Verdict,
    /// Why; required when rejecting.
    #[serde(default)]
    pub reason: Option<String>,
}
