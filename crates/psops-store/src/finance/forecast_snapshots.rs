//! Forecast snapshots in SQL — kept in one transaction with their lines and an audit
//! entry, listed newest first — and forecast accuracy: each past month of a fiscal year
//! against the latest snapshot kept before it began and the revenue in the ledger.

use std::collections::HashMap;

use async_trait::async_trait;
use psops_core::audit::AuditAction;
use psops_core::finance::Month;
use psops_core::finance::forecast::{Forecast, ForecastLine};
use psops_core::finance::forecast_accuracy::{self as acc, Accuracy, Kept};
use psops_core::finance::forecast_store::{ForecastStore, Snapshot};
use psops_core::finance::margin::LineKind;
use psops_core::page::{Page, PageRequest, encode_cursor};
use psops_core::projects::ProjectId;
use psops_core::record::Entity;
use psops_core::store::{OrgStore, WriteCtx};
use psops_core::{Error, Result};
use time::{Date, OffsetDateTime, Time};

use crate::Db;
use crate::db::{Row, Tx, Value, sql};

const COLUMNS: &str = "id, taken_at, taken_by, via, from_month, months, reporting_currency, revenue_minor, \
                       upside_minor, billable_minutes, lines";

/// Lines written per INSERT: 12 values each stays far under both drivers' bind limits.
const BATCH: usize = 400;

fn read(r: &Row) -> Result<Snapshot> {
    Ok(Snapshot {
        id: r.get("id")?,
        taken_at: r.get("taken_at")?,
        taken_by: r.opt_id("taken_by")?,
        via: r.get("via")?,
        from: Month::of(r.get("from_month")?),
        months: u32::try_from(r.get::<i64>("months")?).unwrap_or(0),
        reporting_currency: r.currency("reporting_currency")?,
        revenue_minor: r.get("revenue_minor")?,
        upside_minor: r.get("upside_minor")?,
        billable_minutes: r.get("billable_minutes")?,
        lines: r.get("lines")?,
    })
}

async fn insert_lines(tx: &mut Tx, snapshot: i64, lines: &[ForecastLine]) -> Result<()> {
    for chunk in lines.chunks(BATCH) {
        let mut q = sql(
            "INSERT INTO forecast_lines (snapshot_id, project_id, month, currency, amount_minor, upside_minor, \
             reporting_minor, reporting_upside_minor, minutes, upside_minutes, billable_minutes, \
             billable_upside_minutes) VALUES ",
        );
        for (i, l) in chunk.iter().enumerate() {
            q.push(if i == 0 { "(" } else { ", (" });
            q.push_bind(snapshot);
            for v in [
                Value::from(l.project_id.get()),
                l.month.first().into(),
                l.currency.to_string().into(),
                l.amount_minor.into(),
                l.upside_minor.into(),
                l.reporting_minor.into(),
                l.reporting_upside_minor.into(),
                l.minutes.into(),
                l.upside_minutes.into(),
                l.billable_minutes.into(),
                l.billable_upside_minutes.into(),
            ] {
                q.push(", ");
                q.push_bind(v);
            }
            q.push(")");
        }
        tx.execute(q).await?;
    }
    Ok(())
}

/// Keeps a computed forecast.
async fn keep(db: &Db, ctx: &WriteCtx, f: &Forecast, now: OffsetDateTime) -> Result<Snapshot> {
    let mut tx = db.pools.begin().await?;
    let row = tx
        .one(
            sql(format!(
                "INSERT INTO forecast_snapshots (taken_at, taken_by, via, from_month, months, reporting_currency, \
                 revenue_minor, upside_minor, billable_minutes, lines) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING {COLUMNS}"
            ))
            .bind(now)
            .bind(ctx.user_id.map(|u| u.get()))
            .bind(ctx.via.clone())
            .bind(f.from.first())
            .bind(i64::from(f.months))
            .bind(f.reporting_currency.to_string())
            .bind(f.total.revenue_minor)
            .bind(f.total.upside_minor)
            .bind(f.total.billable_minutes)
            .bind(f.lines.len() as i64),
        )
        .await?;
    let snapshot = read(&row)?;
    insert_lines(&mut tx, snapshot.id, &f.lines).await?;
    crate::audit::record(
        &mut tx,
        ctx,
        Entity::ForecastSnapshot,
        snapshot.id,
        AuditAction::Create,
        None,
        Some(&snapshot),
    )
    .await?;
    tx.commit().await?;
    Ok(snapshot)
}

/// Midnight UTC of a month's first day: a snapshot counts for a month when kept before it.
fn began(m: Month) -> OffsetDateTime {
    m.first().with_time(Time::MIDNIGHT).assume_utc()
}

impl Db {
    /// The lines of each chosen snapshot for its month. A snapshot never changes once
    /// kept, so the lines are kept in memory under the snapshot ids they were read by.
    async fn kept_lines(&self, chosen: &[(Month, i64)]) -> Result<std::sync::Arc<HashMap<Month, Kept>>> {
        let key = chosen
            .iter()
            .fold(String::from("forecast_lines"), |k, (m, id)| format!("{k}|{m}:{id}"));
        let read = async {
            let mut kept = HashMap::new();
            for &(m, id) in chosen {
                let lines = self
                    .pools
                    .all(
                        sql("SELECT project_id, reporting_minor FROM forecast_lines WHERE snapshot_id = $1 AND month = $2")
                            .bind(id)
                            .bind(m.first()),
                    )
                    .await?
                    .iter()
                    .map(|r| Ok((r.id("project_id")?, r.get("reporting_minor")?)))
                    .collect::<Result<Vec<_>>>()?;
                kept.insert(m, Kept { snapshot_id: id, lines });
            }
            Ok(std::sync::Arc::new(kept))
        };
        self.memo.kept(key, read).await
    }
}

#[async_trait]
impl ForecastStore for Db {
    async fn forecast(&self, from: Month, months: u32, with_lines: bool) -> Result<Forecast> {
        // Read from a dozen kinds of record: kept until anything commits.
        let key = format!("forecast|{from}|{months}|{with_lines}");
        self.memo
            .get(
                &self.pools,
                key,
                super::forecast::compute(self, from, months, with_lines),
            )
            .await
    }

    async fn snapshot_forecast(
        &self,
        ctx: &WriteCtx,
        from: Month,
        months: u32,
        now: OffsetDateTime,
    ) -> Result<Snapshot> {
        let f = super::forecast::compute(self, from, months, true).await?;
        keep(self, ctx, &f, now).await
    }

    async fn forecast_snapshots(&self, page: PageRequest) -> Result<Page<Snapshot>> {
        let mut q = sql(format!("SELECT {COLUMNS} FROM forecast_snapshots"));
        if let Some(after) = page.after {
            q.push(" WHERE id < ");
            q.push_bind(after);
        }
        q.push(" ORDER BY id DESC LIMIT ");
        q.push_bind(i64::from(page.limit) + 1);
        let rows = self.pools.all(q).await?;
        let mut items = rows.iter().map(read).collect::<Result<Vec<_>>>()?;
        let more = items.len() > page.limit as usize;
        items.truncate(page.limit as usize);
        let next_cursor = more.then(|| items.last().map(|s| encode_cursor(s.id))).flatten();
        Ok(Page { items, next_cursor })
    }

    async fn forecast_accuracy(&self, year: i32, today: Date) -> Result<Accuracy> {
        if !(2000..=2100).contains(&year) {
            return Err(Error::invalid(
                "year",
                psops_core::rule::Rule::Range,
                "year must be a fiscal year from 2000 to 2100",
            ));
        }
        let settings = self.settings().await?;
        let fiscal = settings.fiscal_calendar();
        let span = fiscal.year_range(year);
        let months: Vec<Month> = Month::of(span.start).through(Month::of(span.end)).collect();
        let pools = &self.pools;
        let headers = sql("SELECT id, taken_at, from_month, months FROM forecast_snapshots WHERE taken_at < $1")
            .bind(began(Month::of(span.end).next()));
        let (headers, cells, tags) = tokio::try_join!(
            super::forecast::rows(pools, headers),
            self.cells(Month::of(span.start), Month::of(span.end)),
            self.project_tags()
        )?;
        // The latest snapshot kept before each month began that covers it.
        let mut chosen: Vec<(Month, i64)> = Vec::new();
        for &m in &months {
            let mut best: Option<(OffsetDateTime, i64)> = None;
            for h in &headers {
                let (id, at): (i64, OffsetDateTime) = (h.get("id")?, h.get("taken_at")?);
                let from = Month::of(h.get("from_month")?);
                let n = u32::try_from(h.get::<i64>("months")?).unwrap_or(0).max(1);
                let covers = from <= m && m <= psops_core::finance::forecast::last_month(from, n);
                if covers && at < began(m) && best.is_none_or(|b| (at, id) > b) {
                    best = Some((at, id));
                }
            }
            if let Some((_, id)) = best {
                chosen.push((m, id));
            }
        }
        let kept = self.kept_lines(&chosen).await?;
        let mut by_month: HashMap<(ProjectId, Month), i64> = HashMap::new();
        for c in cells.iter().filter(|c| c.kind == LineKind::Revenue) {
            *by_month.entry((c.project, c.month)).or_default() += c.reporting_minor;
        }
        let actuals: Vec<(ProjectId, Month, i64)> = by_month.into_iter().map(|((p, m), a)| (p, m, a)).collect();
        let classes = tags.iter().map(|(p, t)| (*p, t.class)).collect();
        Ok(acc::accuracy(
            year,
            &fiscal,
            &settings.finance,
            Month::of(today),
            &kept,
            &actuals,
            &classes,
        ))
    }
}
