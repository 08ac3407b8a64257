//! Periods finance has locked. Every entry write reads the locks inside its transaction;
//! on PostgreSQL it first takes a shared advisory lock that `lock_period` takes
//! exclusively, so no write that checked before a lock landed can commit after it.

use psops_core::Result;
use psops_core::dates::DateRange;
use psops_core::record::Entity;
use psops_core::reporting::LockRecord;
use psops_core::store::WriteCtx;
use psops_core::timesheet::{EntryLock, LockedPeriod};
use time::Date;

use crate::db::{Backend, Pools, Row, Tx, now, sql};

const GUARD: i64 = 727_700_002;

const COLUMNS: &str = "id, start_date, end_date, locked_by, locked_at";

fn read(r: &Row) -> Result<LockRecord> {
    Ok(LockRecord {
        id: r.id("id")?,
        range: DateRange {
            start: r.get("start_date")?,
            end: r.get("end_date")?,
        },
        locked_by: r.opt_id("locked_by")?,
        locked_at: r.get("locked_at")?,
    })
}

/// The locked periods overlapping `range`, read under the shared guard.
pub(crate) async fn overlapping(tx: &mut Tx, range: DateRange) -> Result<Vec<LockedPeriod>> {
    if tx.backend() == Backend::Postgres {
        tx.execute(sql("SELECT pg_advisory_xact_lock_shared($1)").bind(GUARD))
            .await?;
    }
    let q = sql("SELECT start_date, end_date FROM locked_periods WHERE start_date <= $1 AND end_date >= $2")
        .bind(range.end)
        .bind(range.start);
    tx.all(q)
        .await?
        .iter()
        .map(|r| {
            Ok(LockedPeriod {
                range: DateRange {
                    start: r.get("start_date")?,
                    end: r.get("end_date")?,
                },
            })
        })
        .collect()
}

/// Refuses when any of the dates lies in a locked period.
pub(crate) async fn ensure_open(tx: &mut Tx, dates: &[Date]) -> Result<()> {
    let (Some(first), Some(last)) = (dates.iter().min(), dates.iter().max()) else {
        return Ok(());
    };
    let periods = overlapping(
        tx,
        DateRange {
            start: *first,
            end: *last,
        },
    )
    .await?;
    for d in dates {
        EntryLock::for_entry(&periods, *d).ensure_open()?;
    }
    Ok(())
}

pub(crate) async fn lock(pools: &Pools, ctx: &WriteCtx, range: DateRange) -> Result<LockRecord> {
    DateRange::new(range.start, range.end)?;
    let mut tx = pools.begin().await?;
    if tx.backend() == Backend::Postgres {
        tx.execute(sql("SELECT pg_advisory_xact_lock($1)").bind(GUARD)).await?;
    }
    let q = sql(format!(
        "INSERT INTO locked_periods (start_date, end_date, locked_by, locked_at) VALUES ($1, $2, $3, $4) \
         RETURNING {COLUMNS}"
    ))
    .bind(range.start)
    .bind(range.end)
    .bind(ctx.user_id)
    .bind(now());
    let record = read(&tx.one(q).await?)?;
    let action = psops_core::audit::AuditAction::Create;
    crate::audit::record(
        &mut tx,
        ctx,
        Entity::LockedPeriod,
        record.id.get(),
        action,
        None,
        Some(&record),
    )
    .await?;
    tx.commit().await?;
    Ok(record)
}

pub(crate) async fn list(pools: &Pools) -> Result<Vec<LockRecord>> {
    let q = sql(format!("SELECT {COLUMNS} FROM locked_periods ORDER BY start_date, id"));
    pools.all(q).await?.iter().map(read).collect()
}
