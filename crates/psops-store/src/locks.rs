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
    let mut tx = pools.begin().await?;
    let record = lock_in(&mut tx, ctx, range).await?;
    tx.commit().await?;
    Ok(record)
}

/// Takes the exclusive guard (PostgreSQL): entry writes that checked the locks before
/// this transaction commits wait for it, and see its lock after.
pub(crate) async fn guard(tx: &mut Tx) -> Result<()> {
    if tx.backend() == Backend::Postgres {
        tx.execute(sql("SELECT pg_advisory_xact_lock($1)").bind(GUARD)).await?;
    }
    Ok(())
}

/// Locks a period inside the caller's transaction (period close does, with its other
/// writes), audited.
pub(crate) async fn lock_in(tx: &mut Tx, ctx: &WriteCtx, range: DateRange) -> Result<LockRecord> {
    DateRange::new(range.start, range.end)?;
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
        tx,
        ctx,
        Entity::LockedPeriod,
        record.id.get(),
        action,
        None,
        Some(&record),
    )
    .await?;
    Ok(record)
}

/// Removes a lock inside the caller's transaction (reopening a month), audited.
pub(crate) async fn unlock_in(tx: &mut Tx, ctx: &WriteCtx, id: i64) -> Result<()> {
    guard(tx).await?;
    let q = sql(format!("SELECT {COLUMNS} FROM locked_periods WHERE id = $1")).bind(id);
    let Some(row) = tx.optional(q).await? else {
        return Ok(());
    };
    let before = read(&row)?;
    tx.execute(sql("DELETE FROM locked_periods WHERE id = $1").bind(id))
        .await?;
    let action = psops_core::audit::AuditAction::Delete;
    crate::audit::record(tx, ctx, Entity::LockedPeriod, id, action, Some(&before), None).await
}

pub(crate) async fn list(pools: &Pools) -> Result<Vec<LockRecord>> {
    let q = sql(format!("SELECT {COLUMNS} FROM locked_periods ORDER BY start_date, id"));
    pools.all(q).await?.iter().map(read).collect()
}
