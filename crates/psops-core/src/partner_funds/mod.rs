//! Partner funds: the prime partner SOWs that hold the money and the hourly rates a
//! partner is paid by role, the work authorizations that draw on them project by
//! project, and the arithmetic of what is committed, consumed and left.

pub mod authorizations;
pub mod funds;
pub mod prime_sows;

pub use authorizations::{WorkAuthorization, WorkAuthorizationFields, WorkAuthorizationId};
pub use funds::{FundPosition, PartnerRate};
pub use prime_sows::{PrimeSow, PrimeSowFields, PrimeSowId, PrimeSowStatus};

use serde::Serialize;
use utoipa::ToSchema;

use crate::projects::ProjectId;
use crate::{Money, Result};

/// One work authorization's share of its prime SOW's funds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct AuthorizationFunds {
    pub id: WorkAuthorizationId,
    pub name: String,
    pub project_id: ProjectId,
    pub committed: Money,
    /// Approved hours of the partner's consultants on the project inside its dates × its
    /// rate for each one's role.
    pub consumed: Money,
    /// Committed less consumed (negative when more was consumed than committed).
    pub remaining: Money,
}

/// A prime SOW's funds and how each work authorization drawn on it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct SowFunds {
    pub prime_sow_id: PrimeSowId,
    pub position: FundPosition,
    /// The low-funds threshold it was judged by, in basis points of the funds.
    pub low_funds_bp: i64,
    pub authorizations: Vec<AuthorizationFunds>,
}

/// The funds of prime SOWs as they stand.
#[async_trait::async_trait]
pub trait PartnerFundsStore: Send + Sync {
    /// The funds of each of these prime SOWs (live work authorizations only), in the
    /// order asked; an unknown id is not found.
    async fn prime_sow_funds(&self, ids: &[PrimeSowId]) -> Result<Vec<SowFunds>>;
}
