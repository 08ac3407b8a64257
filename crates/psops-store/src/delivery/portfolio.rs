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
        let fiscal = self.settings().await?.fiscal_calendar();
        let last_day = in_last_quarter(&fiscal, today);
        let mut q = sql("SELECT COUNT(*) AS n FROM projects WHERE status = 'active' AND archived_at IS NULL");
        crate::common::scope(&mut q, &scope.projects, ListKind::Projects);
        // The parts are independent reads: on PostgreSQL each is a round trip, so they go
        // out together on the pool's connections rather than one after another.
        let (active, latest, overdue_reports, escalated_raid, escalations, awaiting_acceptance, this, last) = tokio::try_join!(
            async { self.pools.one(q).await?.get::<i64>("n") },
            self.latest_health(&scope.projects),
            self.overdue_health(&scope.projects, today),
            self.escalated_raid(&scope.projects, LISTED),
            self.escalation_summary(scope.escalations, now),
            self.awaiting_acceptance(scope.projects),
            self.quarter_csat(today),
            self.quarter_csat(last_day),
        )?;
        Ok(Portfolio {
            at: now,
            active,
            rag: RagCounts::of(active, &latest),
            watch: watch(&latest),
            overdue_reports,
            escalated_raid,
            escalations,
            awaiting_acceptance,
            csat: CsatQuarters {
                this_quarter: fiscal.quarter_of(today).label(),
                this,
                last_quarter: fiscal.quarter_of(last_day).label(),
                last,
            },
        })
    }
}
