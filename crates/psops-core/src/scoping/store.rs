//! What the store does for scoping beyond the plain reads: every write that moves a
//! scoping record, stamps its clocks or prices an estimate, each in one transaction with
//! its audit entry.

use async_trait::async_trait;
use time::{Date, OffsetDateTime};

use super::clocks::WorkDays;
use super::estimates::TaReview;
use super::estimates::{Estimate, EstimateFields, EstimateId, EstimateStatus};
use super::opportunities::{Opportunity, OpportunityFields, OpportunityId, OpportunityPatch, Quote};
use super::pricing::{PricedLine, Totals};
use super::sows::{Sow, SowFields, SowId, SowPatch};
use super::states::ScopingState;
use super::wins::WinCount;
use crate::catalog::requests::{Decision, Verdict};
use crate::people::PersonId;
use crate::projects::ProjectId;
use crate::store::{Created, IfVersion, RecordStore, WriteCtx};
use crate::{Money, Result};

/// A move of a scoping record.
#[derive(Debug, Clone)]
pub struct Move {
    pub to: ScopingState,
    pub reason: Option<String>,
}

/// A request for a technical architect's help.
#[derive(Debug, Clone)]
pub struct TaRequest {
    pub technical_architect_id: PersonId,
    /// The day the help is needed; at least the notice setting's business days away.
    pub needed_by: Date,
}

/// An estimate priced without saving it (the editor's live totals).
#[derive(Debug, Clone)]
pub struct Preview {
    pub lines: Vec<PricedLine>,
    pub totals: Totals,
    pub ta_review: TaReview,
}

#[async_trait]
pub trait ScopingStore: RecordStore<Opportunity> + RecordStore<Estimate> {
    /// A new opportunity and its scoping record (open), assigned to the engagement
    /// manager of its segment's territory when it names none.
    async fn open_opportunity(&self, ctx: &WriteCtx, fields: OpportunityFields) -> Result<Created<Opportunity>>;
    /// Changes the fields; counts as activity.
    async fn update_opportunity(
        &self,
        ctx: &WriteCtx,
        id: OpportunityId,
        v: IfVersion,
        patch: OpportunityPatch,
    ) -> Result<Opportunity>;
    /// Moves the scoping record through its gates.
    async fn move_opportunity(&self, ctx: &WriteCtx, id: OpportunityId, v: IfVersion, m: Move) -> Result<Opportunity>;
    /// A new quote: overwrites PS value and edu value, discards the edu override.
    async fn quote_opportunity(&self, ctx: &WriteCtx, id: OpportunityId, v: IfVersion, q: Quote)
    -> Result<Opportunity>;
    /// An approved investment: moves its amount out of PS value.
    async fn invest(&self, ctx: &WriteCtx, id: OpportunityId, v: IfVersion, amount: Money) -> Result<Opportunity>;
    /// Engages a technical architect (needs-assistance), after the gate and the notice.
    async fn request_ta(&self, ctx: &WriteCtx, id: OpportunityId, v: IfVersion, r: TaRequest) -> Result<Opportunity>;
    /// The TA's assistance is given: needs-assistance → assisted.
    async fn ta_assisted(&self, ctx: &WriteCtx, id: OpportunityId, v: IfVersion) -> Result<Opportunity>;
    /// Closes lost every open record idle for the setting's months at `now` and not kept
    /// open by its EM; answers the ones it closed.
    async fn sweep_idle(&self, ctx: &WriteCtx, now: OffsetDateTime) -> Result<Vec<OpportunityId>>;
    /// Closed records counted by engagement manager, segment and close quarter.
    async fn win_counts(&self) -> Result<Vec<WinCount>>;
    /// Every overdue clock at `now` of the open records the filter picks, most overdue
    /// first.
    async fn overdue(
        &self,
        filter: &super::opportunities::OpportunityFilter,
        now: OffsetDateTime,
    ) -> Result<Vec<super::clocks::Overdue>>;
    /// The days an engagement manager's clocks run on: weekdays less their region's
    /// holidays (weekdays only without one).
    async fn work_days(&self, person: Option<PersonId>) -> Result<WorkDays>;
    /// The working days of each of these people, read at once (a board or a report
    /// names dozens of engagement managers); `None` and the unknown get weekdays only.
    async fn work_days_of(
        &self,
        people: &[Option<PersonId>],
    ) -> Result<std::collections::HashMap<Option<PersonId>, WorkDays>>;

    /// Prices an estimate as it would be saved, without saving it.
    async fn preview_estimate(&self, fields: &EstimateFields) -> Result<Preview>;
    /// Saves a new version of an opportunity's estimate, priced.
    async fn create_estimate(&self, ctx: &WriteCtx, fields: EstimateFields) -> Result<Created<Estimate>>;
    /// Shares, agrees or declines a version; sharing stamps the estimate clock.
    async fn set_estimate_status(
        &self,
        ctx: &WriteCtx,
        id: EstimateId,
        v: IfVersion,
        to: EstimateStatus,
    ) -> Result<Estimate>;
    /// Sends a version over the threshold to the opportunity's technical architect, due
    /// in the setting's business days.
    async fn request_ta_review(&self, ctx: &WriteCtx, id: EstimateId, v: IfVersion) -> Result<Estimate>;
    /// The technical architect's decision on a version waiting for them.
    async fn decide_ta_review(
        &self,
        ctx: &WriteCtx,
        id: EstimateId,
        v: IfVersion,
        verdict: Verdict,
        reason: Option<String>,
    ) -> Result<Estimate>;
}

/// The customer's signature.
#[derive(Debug, Clone)]
pub struct Signature {
    /// Who signed for the customer.
    pub signed_by: String,
    /// The day it is signed (an expired SOW is refused).
    pub today: Date,
}

#[async_trait]
pub trait SowStore: ScopingStore + RecordStore<Sow> {
    /// Drafts revision 1 of a new SOW from an agreed estimate of the opportunity.
    async fn draft_sow(&self, ctx: &WriteCtx, opportunity: OpportunityId, fields: SowFields) -> Result<Created<Sow>>;
    /// Changes a draft revision.
    async fn update_sow(&self, ctx: &WriteCtx, id: SowId, v: IfVersion, patch: SowPatch) -> Result<Sow>;
    /// Sends a draft into the approval chain (finance added when margin or discount need it).
    async fn submit_sow(&self, ctx: &WriteCtx, id: SowId, v: IfVersion) -> Result<Sow>;
    /// The waiting step's decision by the writing user.
    async fn decide_sow(
        &self,
        ctx: &WriteCtx,
        id: SowId,
        v: IfVersion,
        verdict: Verdict,
        reason: Option<String>,
    ) -> Result<Sow>;
    /// A rejected or approved (unsigned) revision into a new draft revision; the old one
    /// is superseded.
    async fn revise_sow(&self, ctx: &WriteCtx, id: SowId, v: IfVersion) -> Result<Created<Sow>>;
    /// The customer's signature: closes the opportunity won and creates its project in
    /// set-up with budget, milestones, resource requests and the delivery-kit checklist.
    async fn sign_sow(&self, ctx: &WriteCtx, id: SowId, v: IfVersion, s: Signature) -> Result<Sow>;
    /// A standard-SKU order: an agreed estimate of standard-SOW SKUs only creates its
    /// project without a SOW and closes the opportunity won.
    async fn order(&self, ctx: &WriteCtx, estimate: EstimateId, today: Date) -> Result<ProjectId>;
    /// Every decision of every round, oldest first.
    async fn sow_decisions(&self, id: SowId) -> Result<Vec<Decision>>;
}

#[async_trait]
pub trait ChangeStore: RecordStore<super::changes::Change> {
    /// Sends a draft change for PS leadership's decision.
    async fn submit_change(
        &self,
        ctx: &WriteCtx,
        id: super::changes::ChangeId,
        v: IfVersion,
    ) -> Result<super::changes::Change>;
    /// Approves (and applies, in the same transaction) or rejects a submitted change.
    async fn decide_change(
        &self,
        ctx: &WriteCtx,
        id: super::changes::ChangeId,
        v: IfVersion,
        verdict: Verdict,
        reason: Option<String>,
    ) -> Result<super::changes::Change>;
    /// Approved work exceptions by cause.
    async fn exception_totals(&self) -> Result<Vec<super::changes::ExceptionTotal>>;
}
