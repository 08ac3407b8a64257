//! What finance reads: margin reports, the finance dashboard and one project's money
//! (burn, estimate at completion, month-by-month revenue and cost, work exceptions).

use async_trait::async_trait;
use serde::Serialize;
use time::Date;
use utoipa::ToSchema;

use super::Month;
use super::burn::Burn;
use super::margin::{Figures, MarginBy, MarginReport, MarginRow};
use crate::projects::ProjectId;
use crate::{Currency, Result};

/// One month of the dashboard: revenue by basis, cost and margin, and whether finance
/// closed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct MonthFigures {
    pub month: Month,
    pub closed: bool,
    #[serde(flatten)]
    pub figures: Figures,
    /// Revenue by how it was earned.
    pub revenue_by_basis: Vec<BasisRevenue>,
}

/// Revenue of one basis: `time_and_materials`, `milestone`, `percent_complete` or `training`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct BasisRevenue {
    pub basis: String,
    pub revenue_minor: i64,
}

/// The finance dashboard over a span of months, in the reporting currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Dashboard {
    pub from: Month,
    pub to: Month,
    pub currency: Currency,
    pub target_bp: i64,
    pub total: Figures,
    pub months: Vec<MonthFigures>,
    pub quarters: Vec<MarginRow>,
    pub by_category: Vec<MarginRow>,
    pub by_type: Vec<MarginRow>,
    /// The projects losing money over the span, largest loss first (at most 20).
    pub losses: Vec<MarginRow>,
    /// How many projects lose money over the span in all.
    pub loss_count: i64,
}

/// A month of one project: revenue and cost in the project's currency and in the
/// reporting currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ProjectMonth {
    pub month: Month,
    pub closed: bool,
    pub revenue_minor: i64,
    pub cost_minor: i64,
    #[serde(flatten)]
    pub reporting: Figures,
}

/// An approved work exception: hours or money added over budget, with its cause.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct WorkException {
    pub change_id: i64,
    pub title: String,
    pub cause: Option<String>,
    pub added_minutes: Option<i64>,
    pub added_minor: Option<i64>,
    pub currency: Option<Currency>,
}

/// One project's money. Cost and margin are left out (`None`) for readers who do not
/// see cost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ProjectMoney {
    pub project_id: ProjectId,
    /// The currency the project's money is kept in.
    pub currency: Currency,
    pub reporting_currency: Currency,
    pub target_bp: i64,
    /// How a fixed fee is recognised: `milestones` or `percent_complete`.
    pub revenue_method: String,
    pub burn: Burn,
    /// Revenue recognised to date, in the project's currency.
    pub revenue_minor: i64,
    /// Cost, margin and the months with their cost: only for readers who see cost.
    pub cost: Option<ProjectCost>,
    /// Revenue by month (cost left at zero for readers who do not see cost).
    pub months: Vec<ProjectMonth>,
    pub exceptions: Vec<WorkException>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ProjectCost {
    pub cost_minor: i64,
    pub margin_minor: i64,
    pub margin_bp: Option<i64>,
    /// The same in the reporting currency.
    pub reporting: Figures,
}

#[async_trait]
pub trait FinanceStore: Send + Sync {
    /// Revenue, cost and margin of the months `from` to `to` grouped by `by`.
    async fn margin_report(&self, from: Month, to: Month, by: MarginBy) -> Result<MarginReport>;
    /// The finance dashboard of the months `from` to `to`.
    async fn dashboard(&self, from: Month, to: Month) -> Result<Dashboard>;
    /// One project's money as of `today`; `cost` says whether the reader sees cost.
    async fn project_money(&self, project: ProjectId, today: Date, cost: bool) -> Result<ProjectMoney>;
    /// The closed months among `from` to `to`.
    async fn closed_months(&self, from: Month, to: Month) -> Result<Vec<Month>>;
}
