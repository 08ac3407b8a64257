//! Period close in SQL: closing recognises, freezes the month's lines, locks its time
//! and records who closed it, in one transaction; reopening (with a reason) undoes the
//! lock and the freeze and records who, when and why. The months list says which are
//! closed, for reports.

use std::collections::{BTreeMap, BTreeSet};

use async_trait::async_trait;
use psops_core::audit::AuditAction;
use psops_core::finance::Month;
use psops_core::finance::close::{check_close, check_reopen};
use psops_core::finance::ledger::{
    LedgerDifference, LedgerLine, LedgerLineId, LedgerSource, LedgerStore, LineFilter, PeriodState, PeriodStatus,
    ProjectFinance, ProjectFinanceInput, RecognitionSummary,
};
use psops_core::page::{Page, PageRequest};
use psops_core::projects::ProjectId;
use psops_core::record::Entity;
use psops_core::store::{IfVersion, OrgStore, WriteCtx};
use psops_core::{Currency, Money, Result};
use time::Date;

use crate::Db;
use crate::db::{Row, Tx, now, sql};

const CLOSE_COLUMNS: &str =
    "id, month, locked_period_id, closed_by, closed_at, reopened_by, reopened_at, reopen_reason";

/// A month's latest close, if it was ever closed.
async fn latest(tx: &mut Tx, month: Month) -> Result<Option<Row>> {
    let q = sql(format!(
        "SELECT {CLOSE_COLUMNS} FROM period_closes WHERE month = $1 ORDER BY id DESC LIMIT 1"
    ))
    .bind(month.first());
    Ok(tx.optional(q).await?)
}

fn status(month: Month, close: Option<&Row>, revenue: Money, cost: Money) -> Result<PeriodStatus> {
    let Some(r) = close else {
        return Ok(PeriodStatus {
            month,
            status: PeriodState::Open,
            closed_by: None,
            closed_at: None,
            reopened_by: None,
            reopened_at: None,
            reopen_reason: None,
            revenue: Some(revenue),
            cost: Some(cost),
        });
    };
    let reopened_at: Option<time::OffsetDateTime> = r.get("reopened_at")?;
    Ok(PeriodStatus {
        month,
        status: if reopened_at.is_some() {
            PeriodState::Reopened
        } else {
            PeriodState::Closed
        },
        closed_by: r.opt_id("closed_by")?,
        closed_at: Some(r.get("closed_at")?),
        reopened_by: r.opt_id("reopened_by")?,
        reopened_at,
        reopen_reason: r.get("reopen_reason")?,
        revenue: Some(revenue),
        cost: Some(cost),
    })
}

/// A month's recognised revenue and cost in the reporting currency.
async fn totals(tx: &mut Tx, month: Month, reporting: Currency) -> Result<(Money, Money)> {
    let q = sql(
        "SELECT kind, CAST(SUM(reporting_minor) AS BIGINT) AS total FROM ledger_lines WHERE month = $1 GROUP BY kind",
    )
    .bind(month.first());
    let (mut revenue, mut cost) = (Money::new(0, reporting), Money::new(0, reporting));
    for r in tx.all(q).await? {
        let total: i64 = r.get("total")?;
        match r.get::<String>("kind")?.as_str() {
            "revenue" => revenue.amount_minor = total,
            _ => cost.amount_minor = total,
        }
    }
    Ok((revenue, cost))
}

/// Closes `months` in one transaction and one recognition run: each must have ended and
/// be open (checked before anything is written), then each is frozen, locked, recorded
/// and audited, oldest first. Closing several at once gives the ledger that closing them
/// one after another would, at the cost of one run instead of one per month.
async fn close(db: &Db, ctx: &WriteCtx, months: &[Month], today: Date) -> Result<Vec<PeriodStatus>> {
    let mut months = months.to_vec();
    months.sort();
    months.dedup();
    let Some(last) = months.last().copied() else {
        return Ok(Vec::new());
    };
    let reporting = db.settings().await?.default_currency;
    let mut tx = db.pools.begin().await?;
    crate::locks::guard(&mut tx).await?;
    let closed = crate::finance::inputs::closed_months(&mut tx).await?;
    for m in &months {
        check_close(*m, today, closed.contains(m))?;
    }
    // Through today, which takes in the months' last day and leaves the later open
    // months' lines in place; the months' own lines come out the same either way.
    super::ledger::recognise_in(db, &mut tx, ctx, today.max(last.last()), &months).await?;
    let mut done = Vec::with_capacity(months.len());
    for month in months {
        let lock = crate::locks::lock_in(&mut tx, ctx, month.range()).await?;
        let q = sql(format!(
            "INSERT INTO period_closes (month, locked_period_id, closed_by, closed_at) VALUES ($1, $2, $3, $4) \
             RETURNING {CLOSE_COLUMNS}"
        ))
        .bind(month.first())
        .bind(lock.id.get())
        .bind(ctx.user_id)
        .bind(now());
        let row = tx.one(q).await?;
        let id: i64 = row.get("id")?;
        let (revenue, cost) = totals(&mut tx, month, reporting).await?;
        let after = status(month, Some(&row), revenue, cost)?;
        crate::audit::record(
            &mut tx,
            ctx,
            Entity::PeriodClose,
            id,
            AuditAction::Create,
            None,
            Some(&after),
        )
        .await?;
        done.push(after);
    }
    tx.commit().await?;
    Ok(done)
}

async fn reopen(db: &Db, ctx: &WriteCtx, month: Month, reason: &str) -> Result<PeriodStatus> {
    let reporting = db.settings().await?.default_currency;
    let mut tx = db.pools.begin().await?;
    crate::locks::guard(&mut tx).await?;
    let row = latest(&mut tx, month).await?;
    let open_close = row
        .as_ref()
        .map(|r| r.get::<Option<time::OffsetDateTime>>("reopened_at"))
        .transpose()?
        .is_some_and(|at| at.is_none());
    let reason = check_reopen(month, open_close, reason)?;
    let row = row.expect("a closed month has its close");
    let (revenue, cost) = totals(&mut tx, month, reporting).await?;
    let before = status(month, Some(&row), revenue, cost)?;
    let id: i64 = row.get("id")?;
    if let Some(lock) = row.get::<Option<i64>>("locked_period_id")? {
        crate::locks::unlock_in(&mut tx, ctx, lock).await?;
    }
    // Entries of earlier closed months recognised late into this month are unsettled
    // again once its lines thaw: the next runs must read them (its own entries are in
    // an open month now and read anyway).
    tx.execute(
        sql(
            "INSERT INTO ledger_pending (entry_id) SELECT DISTINCT s.source_id FROM ledger_sources s \
             JOIN ledger_lines l ON l.id = s.line_id JOIN time_entries e ON e.id = s.source_id \
             WHERE l.month = $1 AND s.source = 'time_entry' AND e.entry_date < $1 \
             AND NOT EXISTS (SELECT 1 FROM ledger_pending p WHERE p.entry_id = s.source_id)",
        )
        .bind(month.first()),
    )
    .await?;
    tx.execute(sql("UPDATE ledger_lines SET frozen = FALSE WHERE month = $1").bind(month.first()))
        .await?;
    let q = sql(format!(
        "UPDATE period_closes SET reopened_by = $2, reopened_at = $3, reopen_reason = $4 WHERE id = $1 \
         RETURNING {CLOSE_COLUMNS}"
    ))
    .bind(id)
    .bind(ctx.user_id)
    .bind(now())
    .bind(reason);
    let row = tx.one(q).await?;
    let after = status(month, Some(&row), revenue, cost)?;
    crate::audit::record(
        &mut tx,
        ctx,
        Entity::PeriodClose,
        id,
        AuditAction::Update,
        Some(&before),
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

async fn periods(db: &Db, through: Date) -> Result<Vec<PeriodStatus>> {
    let reporting = db.settings().await?.default_currency;
    let pools = &db.pools;
    let mut months: BTreeSet<Month> = BTreeSet::new();
    let mut sums: BTreeMap<Month, (i64, i64)> = BTreeMap::new();
    let q =
        sql("SELECT month, kind, CAST(SUM(reporting_minor) AS BIGINT) AS total FROM ledger_lines GROUP BY month, kind");
    for r in pools.all(q).await? {
        let m = Month::of(r.get::<Date>("month")?);
        months.insert(m);
        let total: i64 = r.get("total")?;
        let e = sums.entry(m).or_default();
        match r.get::<String>("kind")?.as_str() {
            "revenue" => e.0 = total,
            _ => e.1 = total,
        }
    }
    let mut closes: BTreeMap<Month, Row> = BTreeMap::new();
    let q = sql(format!("SELECT {CLOSE_COLUMNS} FROM period_closes ORDER BY id"));
    for r in pools.all(q).await? {
        let m = Month::of(r.get::<Date>("month")?);
        months.insert(m);
        closes.insert(m, r);
    }
    let last = Month::of(through);
    let first = months.first().copied().unwrap_or(last).min(last);
    let mut out = Vec::new();
    for m in first.through(last.max(months.last().copied().unwrap_or(last))) {
        let (rev, cost) = sums.get(&m).copied().unwrap_or((0, 0));
        out.push(status(
            m,
            closes.get(&m),
            Money::new(rev, reporting),
            Money::new(cost, reporting),
        )?);
    }
    out.reverse();
    Ok(out)
}

#[async_trait]
impl LedgerStore for Db {
    async fn recognise(&self, ctx: &WriteCtx, through: Date) -> Result<RecognitionSummary> {
        super::ledger::recognise(self, ctx, through).await
    }
    async fn ledger_lines(&self, filter: &LineFilter, page: PageRequest) -> Result<Page<LedgerLine>> {
        super::ledger::lines(self, filter, page).await
    }
    async fn ledger_line(&self, id: LedgerLineId) -> Result<LedgerLine> {
        super::ledger::line(self, id).await
    }
    async fn ledger_sources(&self, id: LedgerLineId) -> Result<Vec<LedgerSource>> {
        super::ledger::sources(self, id).await
    }
    async fn project_finance(&self, project: ProjectId) -> Result<ProjectFinance> {
        super::ledger::project_finance(self, project).await
    }
    async fn set_project_finance(
        &self,
        ctx: &WriteCtx,
        project: ProjectId,
        v: IfVersion,
        input: ProjectFinanceInput,
    ) -> Result<ProjectFinance> {
        super::ledger::set_project_finance(self, ctx, project, v, input).await
    }
    async fn close_period(&self, ctx: &WriteCtx, month: Month, today: Date) -> Result<PeriodStatus> {
        let mut done = close(self, ctx, &[month], today).await?;
        Ok(done.remove(0))
    }
    async fn close_periods(&self, ctx: &WriteCtx, months: &[Month], today: Date) -> Result<Vec<PeriodStatus>> {
        close(self, ctx, months, today).await
    }
    async fn reopen_period(&self, ctx: &WriteCtx, month: Month, reason: &str) -> Result<PeriodStatus> {
        reopen(self, ctx, month, reason).await
    }
    async fn periods(&self, through: Date) -> Result<Vec<PeriodStatus>> {
        periods(self, through).await
    }
    async fn verify_ledger(&self) -> Result<Vec<LedgerDifference>> {
        super::verify::verify(&self.pools).await
    }
}
