//! The ledger's vocabulary: what a recognised line and its sources are, the problems a
//! recognition run reports instead of guessing, the months and their close status, a
//! project's revenue method, and the store contract that keeps them.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;

use crate::Id;
use crate::auth::UserId;
use crate::code::Code;
use crate::finance::Month;
use crate::page::{Page, PageRequest};
use crate::people::{Function, PersonId};
use crate::projects::ProjectId;
use crate::store::{IfVersion, WriteCtx};
use crate::time_entries::TimeEntryId;
use crate::{Currency, Money, Result};

macro_rules! code_enum {
    ($(#[$m:meta])* $name:ident, $field:literal { $($(#[$vm:meta])* $v:ident),* $(,)? }) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
        $(#[$m])*
        #[serde(rename_all = "snake_case")]
        #[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
        #[strum(serialize_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $v),* }
        impl Code for $name {
            const FIELD: &'static str = $field;
        }
    };
}

code_enum!(
    /// What a line counts: money earned or money spent.
    // Named apart from an invoice's `LineKind` in the API document, which would
    // otherwise hold one schema for both.
    #[schema(as = LedgerLineKind)]
    LineKind, "kind" { Revenue, Cost }
);
code_enum!(
    /// The rule a line was recognised by.
    Basis, "basis" { TimeAndMaterials, Milestone, PercentComplete, Training, StaffCost }
);
code_enum!(
    /// The kind of row a line's amount was computed from.
    SourceKind, "source" { TimeEntry, Milestone, Training }
);
code_enum!(
    /// How a fixed-fee project's fee is recognised.
    RevenueMethod, "revenue_method" { Milestones, PercentComplete }
);
code_enum!(
    /// Why a piece of work earned or cost nothing this run.
    ProblemKind, "problem" { NoBillRate, NoCostRate, NoFxRate, NoEstimate }
);

pub type LedgerLineId = Id<LedgerLine>;

/// A project's revenue or cost of one basis in one month: its amounts are the sums of
/// its sources, in the project's currency and in the reporting currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct LedgerLine {
    #[schema(value_type = i64)]
    pub id: LedgerLineId,
    #[schema(value_type = i64)]
    pub project_id: ProjectId,
    pub month: Month,
    pub kind: LineKind,
    pub basis: Basis,
    pub amount: Money,
    pub reporting: Money,
    pub minutes: i64,
    pub frozen: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub computed_at: OffsetDateTime,
}

/// One row behind a line: a time entry (with its minutes and the rate it was priced at,
/// when one was), an accepted milestone or a delivered training.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct LedgerSource {
    pub source: SourceKind,
    pub source_id: i64,
    pub minutes: Option<i64>,
    pub rate: Option<Money>,
    pub amount: Money,
    pub reporting: Money,
}

/// Something a recognition run could not price: the work stays out of the ledger and is
/// named here, never counted as zero.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[schema(as = RecognitionProblem)]
pub struct Problem {
    pub problem: ProblemKind,
    #[schema(value_type = i64)]
    pub project_id: ProjectId,
    #[schema(value_type = Option<i64>)]
    pub entry_id: Option<TimeEntryId>,
    #[schema(value_type = Option<i64>)]
    pub person_id: Option<PersonId>,
    pub date: Option<Date>,
    pub role: Option<Function>,
    pub currency: Option<Currency>,
    pub message: String,
}

/// Revenue a project's time would have earned had its SOW been signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct AtRisk {
    #[schema(value_type = i64)]
    pub project_id: ProjectId,
    pub amount: Money,
}

/// What a recognition run wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct RecognitionSummary {
    pub through: Date,
    /// The open months it rewrote, first to last (none when nothing was earned).
    pub months: Vec<Month>,
    pub lines: u64,
    pub sources: u64,
    pub revenue: Money,
    pub cost: Money,
    pub at_risk: Vec<AtRisk>,
    pub problems: Vec<Problem>,
}

/// Which lines to read.
#[derive(Debug, Clone, Default)]
pub struct LineFilter {
    pub project_id: Option<ProjectId>,
    pub month: Option<Month>,
    pub kind: Option<LineKind>,
}

/// A project's money terms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ProjectFinance {
    #[schema(value_type = i64)]
    pub project_id: ProjectId,
    pub revenue_method: RevenueMethod,
    /// 0 while the project keeps the default (nothing stored yet).
    pub version: i64,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectFinanceInput {
    pub revenue_method: RevenueMethod,
}

code_enum!(
    /// Where a month stands with finance.
    PeriodState, "status" { Open, Closed, Reopened }
);

/// A month as finance sees it: its status, who closed (or reopened) it and why, and its
/// recognised totals in the reporting currency (left out for those who may not see the
/// organisation's money).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PeriodStatus {
    pub month: Month,
    pub status: PeriodState,
    #[schema(value_type = Option<i64>)]
    pub closed_by: Option<UserId>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub closed_at: Option<OffsetDateTime>,
    #[schema(value_type = Option<i64>)]
    pub reopened_by: Option<UserId>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub reopened_at: Option<OffsetDateTime>,
    pub reopen_reason: Option<String>,
    pub revenue: Option<Money>,
    pub cost: Option<Money>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReopenInput {
    pub reason: String,
}

/// The ledger in the store: recognition, its lines and sources, period close.
#[async_trait]
pub trait LedgerStore: Send + Sync {
    /// Recognises revenue and cost through `through` into the open months: one
    /// transaction, audited; closed months are left as they are.
    async fn recognise(&self, ctx: &WriteCtx, through: Date) -> Result<RecognitionSummary>;
    async fn ledger_lines(&self, filter: &LineFilter, page: PageRequest) -> Result<Page<LedgerLine>>;
    async fn ledger_line(&self, id: LedgerLineId) -> Result<LedgerLine>;
    async fn ledger_sources(&self, id: LedgerLineId) -> Result<Vec<LedgerSource>>;
    async fn project_finance(&self, project: ProjectId) -> Result<ProjectFinance>;
    async fn set_project_finance(
        &self,
        ctx: &WriteCtx,
        project: ProjectId,
        v: IfVersion,
        input: ProjectFinanceInput,
    ) -> Result<ProjectFinance>;
    /// Closes a month that has ended: recognises through its last day, freezes its lines
    /// and locks its time, all at once. `today` is the caller's date.
    async fn close_period(&self, ctx: &WriteCtx, month: Month, today: Date) -> Result<PeriodStatus>;
    /// Closes several months at once, oldest first, with one recognition run: the ledger
    /// comes out as closing them one after another would make it. Each must have ended
    /// and be open, or nothing is closed.
    async fn close_periods(&self, ctx: &WriteCtx, months: &[Month], today: Date) -> Result<Vec<PeriodStatus>>;
    async fn reopen_period(&self, ctx: &WriteCtx, month: Month, reason: &str) -> Result<PeriodStatus>;
    /// Every month from the first with ledger lines or a close to `through`'s, newest first.
    async fn periods(&self, through: Date) -> Result<Vec<PeriodStatus>>;
    /// Every ledger check that fails: lines against their sources, frozen lines against
    /// the closed months, each project's margin against its lines.
    async fn verify_ledger(&self) -> Result<Vec<LedgerDifference>>;
}

/// A ledger figure that does not add up, as `psops verify` reports it: which check,
/// about what (a line or a project), the figure recomputed and the figure stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct LedgerDifference {
    pub check: String,
    pub subject: String,
    pub expected: i64,
    pub stored: i64,
}
