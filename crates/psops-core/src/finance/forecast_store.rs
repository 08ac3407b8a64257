//! Forecast snapshots and the store questions the forecast answers.

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;

use super::forecast::Forecast;
use super::forecast_accuracy::Accuracy;
use super::month::Month;
use crate::Currency;
use crate::Result;
use crate::auth::UserId;
use crate::page::{Page, PageRequest};
use crate::store::WriteCtx;

/// How many months a snapshot keeps unless asked otherwise: a year ahead.
pub const SNAPSHOT_MONTHS: u32 = 12;

/// The forecast as it stood when kept; its lines (per project and month) stay in the
/// store for the accuracy report. Every snapshot is kept with its time — a second one
/// for the same months replaces nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Snapshot {
    pub id: i64,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub taken_at: OffsetDateTime,
    #[schema(value_type = Option<i64>)]
    pub taken_by: Option<UserId>,
    /// What kept it when no user did (the monthly job, the command line).
    pub via: Option<String>,
    pub from: Month,
    pub months: u32,
    #[schema(value_type = String)]
    pub reporting_currency: Currency,
    /// Weighted revenue over its months, reporting currency, minor units.
    pub revenue_minor: i64,
    pub upside_minor: i64,
    pub billable_minutes: i64,
    /// How many project × month lines it holds.
    pub lines: i64,
}

#[async_trait::async_trait]
pub trait ForecastStore: Send + Sync {
    /// The forecast of `months` months from `from` as the bookings stand now; the
    /// per-project lines only when `with_lines`.
    async fn forecast(&self, from: Month, months: u32, with_lines: bool) -> Result<Forecast>;
    /// Keeps the forecast of `months` months from `from` as it stands at `now`: one
    /// snapshot with its lines, in one transaction, audited.
    async fn snapshot_forecast(
        &self,
        ctx: &WriteCtx,
        from: Month,
        months: u32,
        now: OffsetDateTime,
    ) -> Result<Snapshot>;
    /// The snapshots kept, newest first.
    async fn forecast_snapshots(&self, page: PageRequest) -> Result<Page<Snapshot>>;
    /// Forecast accuracy of fiscal `year`, by month and quarter, for the months over by `today`.
    async fn forecast_accuracy(&self, year: i32, today: Date) -> Result<Accuracy>;
}
