//! The portfolio in SQL: each part read by its own store for the reader's scope, plus
//! the count of active projects the RAG counts are out of.

use async_trait::async_trait;
use psops_core::Result;
use psops_core::delivery::portfolio::{
    CsatQuarters, LISTED, Portfolio, PortfolioScope, PortfolioStore, RagCounts, in_last_quarter, watch,
};
use psops_core::scope::ListKind;
use psops_core::store::prelude::*;
use time::OffsetDateTime;

use crate::Db;
use crate::db::sql;

#[async_trait]
impl PortfolioStore for Db {
    async fn portfolio(&self, scope: &PortfolioScope, now: OffsetDateTime) -> Result<Portfolio> {
        let today = now.date();
        let mut q = sql("SELECT COUNT(*) AS n FROM projects WHERE status = 'active' AND archived_at IS NULL");
        crate::common::scope(&mut q, &scope.projects, ListKind::Projects);
        let active: i64 = self.pools.one(q).await?.get("n")?;
        let latest = self.latest_health(&scope.projects).await?;
        let fiscal = self.settings().await?.fiscal_calendar();
        let last_day = in_last_quarter(&fiscal, today);
        Ok(Portfolio {
            at: now,
            active,
            rag: RagCounts::of(active, &latest),
            watch: watch(&latest),
            overdue_reports: self.overdue_health(&scope.projects, today).await?,
            escalated_raid: self.escalated_raid(&scope.projects, LISTED).await?,
            escalations: self.escalation_summary(scope.escalations, now).await?,
            awaiting_acceptance: self.awaiting_acceptance(scope.projects).await?,
            csat: CsatQuarters {
                this_quarter: fiscal.quarter_of(today).label(),
                this: self.quarter_csat(today).await?,
                last_quarter: fiscal.quarter_of(last_day).label(),
                last: self.quarter_csat(last_day).await?,
            },
        })
    }
}
