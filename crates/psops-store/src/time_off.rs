//! Time off in SQL: requested, then approved or rejected with a reason; each step one
//! audited transaction. Only approved time off reaches the calendar view of capacity.

use async_trait::async_trait;
use psops_core::audit::AuditAction;
use psops_core::calendars::{NewTimeOff, TimeOffDecision, TimeOffFilter, TimeOffId, TimeOffRecord, TimeOffStatus};
use psops_core::code::Code;
use psops_core::page::{Page, PageRequest};
use psops_core::people::Person;
use psops_core::record::Entity;
use psops_core::rule::Rule;
use psops_core::store::{IfVersion, TimeOffStore, WriteCtx};
use psops_core::{Error, Minutes, Result};

use crate::Db;
use crate::assignments::missing;
use crate::common::{Table, check_version, eq};
use crate::db::{Row, Tx, now, sql};
use crate::record::table;

pub(crate) const TIME_OFF: Table<TimeOffRecord> = Table {
    table: "time_off",
    entity: Entity::TimeOff,
    columns: std::borrow::Cow::Borrowed(
        "id, person_id, off_date, minutes, kind, note, status, decided_by, decided_at, reason, version, \
              created_at, updated_at",
    ),
    read,
    id: |r| r.id.get(),
};

fn read(r: &Row) -> Result<TimeOffRecord> {
    Ok(TimeOffRecord {
        id: r.id("id")?,
        person_id: r.id("person_id")?,
        date: r.get("off_date")?,
        minutes: Minutes(r.get("minutes")?),
        kind: r.code("kind")?,
        note: r.get("note")?,
        status: r.code("status")?,
        decided_by: r.opt_id("decided_by")?,
        decided_at: r.get("decided_at")?,
        reason: r.get("reason")?,
        version: r.get("version")?,
        created_at: r.get("created_at")?,
        updated_at: r.get("updated_at")?,
    })
}

/// One requested day inside the caller's transaction, with its audit record.
async fn insert(tx: &mut Tx, ctx: &WriteCtx, new: NewTimeOff) -> Result<TimeOffRecord> {
    let person = table::<Person>()
        .get(tx, new.person_id.get(), "")
        .await
        .map_err(|e| missing(e, "person_id", "person"))?;
    let settings = crate::org::load(tx).await?;
    new.validate(&settings, person.fields.employed_on(new.date))?;
    // One request per day: a second one would count the day off twice.
    let taken =
        sql("SELECT id FROM time_off WHERE person_id = $1 AND off_date = $2 AND status IN ('requested', 'approved')")
            .bind(new.person_id)
            .bind(new.date);
    if tx.optional(taken).await?.is_some() {
        return Err(Error::invalid(
            "date",
            Rule::DuplicateDate,
            format!(
                "{} already has time off requested or approved; withdraw or cancel it first",
                psops_core::dates::format_date(new.date)
            ),
        ));
    }
    let note = new.note.as_deref().map(str::trim).filter(|n| !n.is_empty());
    let q = sql(format!(
        "INSERT INTO time_off (person_id, off_date, minutes, kind, note, status, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING {}",
        TIME_OFF.columns
    ))
    .bind(new.person_id)
    .bind(new.date)
    .bind(new.minutes.get())
    .bind(new.kind.code())
    .bind(note)
    .bind(TimeOffStatus::Requested.code())
    .bind(now());
    let record = read(&tx.one(q).await?)?;
    crate::follow::time_off(tx, record.person_id.get(), record.date).await?;
    crate::audit::record(
        tx,
        ctx,
        TIME_OFF.entity,
        record.id.get(),
        AuditAction::Create,
        None,
        Some(&record),
    )
    .await?;
    Ok(record)
}

/// requested → approved or rejected, inside the caller's transaction, audited.
async fn decide(
    tx: &mut Tx,
    ctx: &WriteCtx,
    id: TimeOffId,
    v: IfVersion,
    decision: &TimeOffDecision,
) -> Result<TimeOffRecord> {
    let lock = tx.for_update();
    let before = TIME_OFF.get(tx, id.get(), lock).await?;
    check_version(before.version, v)?;
    let status = before.status.decide(decision)?;
    let reason = match decision {
        TimeOffDecision::Reject { reason } => Some(reason.trim().to_string()),
        TimeOffDecision::Approve => None,
    };
    let t = now();
    let q = sql(format!(
        "UPDATE time_off SET status = $2, decided_by = $3, decided_at = $4, reason = $5, \
         version = version + 1, updated_at = $4 WHERE id = $1 RETURNING {}",
        TIME_OFF.columns
    ))
    .bind(id)
    .bind(status.code())
    .bind(ctx.user_id)
    .bind(t)
    .bind(reason);
    let after = read(&tx.one(q).await?)?;
    crate::follow::time_off(tx, after.person_id.get(), after.date).await?;
    crate::audit::record(
        tx,
        ctx,
        TIME_OFF.entity,
        id.get(),
        AuditAction::Update,
        Some(&before),
        Some(&after),
    )
    .await?;
    Ok(after)
}

#[async_trait]
impl TimeOffStore for Db {
    async fn request_time_off(&self, ctx: &WriteCtx, new: NewTimeOff) -> Result<TimeOffRecord> {
        let mut tx = self.pools.begin().await?;
        let record = insert(&mut tx, ctx, new).await?;
        tx.commit().await?;
        Ok(record)
    }

    async fn request_days(&self, ctx: &WriteCtx, days: Vec<NewTimeOff>) -> Result<Vec<TimeOffRecord>> {
        let mut tx = self.pools.begin().await?;
        let mut made = Vec::with_capacity(days.len());
        for new in days {
            let date = new.date;
            match insert(&mut tx, ctx, new).await {
                Ok(record) => made.push(record),
                // Dropping the transaction writes none of the days.
                Err(Error::Invalid(errors)) => {
                    let day = psops_core::dates::format_date(date);
                    return Err(Error::Invalid(
                        errors
                            .into_iter()
                            .map(|mut e| {
                                e.message = format!("{day}: {}", e.message);
                                e
                            })
                            .collect(),
                    ));
                }
                Err(e) => return Err(e),
            }
        }
        tx.commit().await?;
        Ok(made)
    }

    async fn time_off(&self, id: TimeOffId) -> Result<TimeOffRecord> {
        TIME_OFF.get(&mut &self.pools, id.get(), "").await
    }

    async fn decide_time_off(
        &self,
        ctx: &WriteCtx,
        id: TimeOffId,
        v: IfVersion,
        decision: TimeOffDecision,
    ) -> Result<TimeOffRecord> {
        let mut done = self.decide_time_off_days(ctx, &[(id, v)], decision).await?;
        done.pop().ok_or_else(|| Error::not_found(TIME_OFF.entity, id.get()))
    }

    async fn decide_time_off_days(
        &self,
        ctx: &WriteCtx,
        days: &[(TimeOffId, IfVersion)],
        decision: TimeOffDecision,
    ) -> Result<Vec<TimeOffRecord>> {
        let mut tx = self.pools.begin().await?;
        let mut done = Vec::with_capacity(days.len());
        for &(id, v) in days {
            done.push(decide(&mut tx, ctx, id, v, &decision).await?);
        }
        tx.commit().await?;
        Ok(done)
    }

    async fn delete_time_off(&self, ctx: &WriteCtx, id: TimeOffId, v: IfVersion) -> Result<()> {
        self.delete_time_off_days(ctx, &[(id, v)]).await
    }

    async fn delete_time_off_days(&self, ctx: &WriteCtx, days: &[(TimeOffId, IfVersion)]) -> Result<()> {
        let mut tx = self.pools.begin().await?;
        let lock = tx.for_update();
        for &(id, v) in days {
            let before = TIME_OFF.get(&mut tx, id.get(), lock).await?;
            check_version(before.version, v)?;
            tx.execute(sql("DELETE FROM time_off WHERE id = $1").bind(id)).await?;
            crate::follow::time_off(&mut tx, before.person_id.get(), before.date).await?;
            crate::audit::deleted(&mut tx, ctx, TIME_OFF.entity, id.get(), &before).await?;
        }
        tx.commit().await
    }

    async fn list_time_off(&self, filter: &TimeOffFilter, page: PageRequest) -> Result<Page<TimeOffRecord>> {
        let mut q = TIME_OFF.select();
        eq(&mut q, "person_id", filter.person_id);
        eq(&mut q, "status", filter.status.map(|s| s.code()));
        eq(&mut q, "kind", filter.kind.map(|k| k.code()));
        crate::common::scope(&mut q, &filter.scope, psops_core::scope::ListKind::TimeOff);
        if let Some(from) = filter.from {
            q.push(" AND off_date >= ").push_bind(from);
        }
        if let Some(to) = filter.to {
            q.push(" AND off_date <= ").push_bind(to);
        }
        if let (Some(from), Some(to)) = (filter.from, filter.to)
            && to < from
        {
            return Err(Error::invalid("to", Rule::AfterStart, "to must be on or after from"));
        }
        let read = TIME_OFF.page_any(&self.pools, q, page);
        // Long pages (everyone's requests waiting for a decision, read whole) are kept
        // until time off, people or settings change: 5,000 people's requests took 40 ms.
        if (page.limit as usize) < crate::record::KEEP_MANY {
            return read.await;
        }
        let key = format!("time_off|{filter:?}|{page:?}");
        self.memo
            .get_counts(&self.pools, crate::follow::CAPACITY, key, read)
            .await
    }
}
