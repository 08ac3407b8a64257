//! The audit log in SQL: one row per change, written inside the changing transaction.
//! Triggers in both backends refuse any UPDATE or DELETE of it.

use async_trait::async_trait;
use psops_core::audit::{AuditAction, AuditEntry, AuditFilter};
use psops_core::code::Code;
use psops_core::page::{Page, PageRequest};
use psops_core::record::Entity;
use psops_core::store::{AuditStore, WriteCtx};
use psops_core::{Error, Result};
use serde::Serialize;

use crate::Db;
use crate::common::{Table, eq};
use crate::db::{Row, Tx, now, sql};

pub(crate) const AUDIT: Table<AuditEntry> = Table {
    table: "audit_log",
    entity: Entity::AuditEntry,
    columns: std::borrow::Cow::Borrowed("id, at, user_id, via, request_id, entity, entity_id, action, before, after"),
    read,
    id: |r| r.id.get(),
};

fn json(r: &Row, col: &str) -> Result<Option<serde_json::Value>> {
    r.get::<Option<String>>(col)?
        .map(|t| serde_json::from_str(&t).map_err(Error::internal))
        .transpose()
}

fn read(r: &Row) -> Result<AuditEntry> {
    Ok(AuditEntry {
        id: r.id("id")?,
        at: r.get("at")?,
        user_id: r.opt_id("user_id")?,
        via: r.get("via")?,
        request_id: r.get("request_id")?,
        entity: r.get("entity")?,
        entity_id: r.get("entity_id")?,
        action: r.code("action")?,
        before: json(r, "before")?,
        after: json(r, "after")?,
    })
}

fn text<T: Serialize>(v: Option<&T>) -> Result<Option<String>> {
    v.map(|v| serde_json::to_string(v).map_err(Error::internal)).transpose()
}

/// Records one change. Call inside the transaction that makes it.
pub(crate) async fn record<T: Serialize>(
    tx: &mut Tx,
    ctx: &WriteCtx,
    entity: Entity,
    entity_id: i64,
    action: AuditAction,
    before: Option<&T>,
    after: Option<&T>,
) -> Result<()> {
    let q = sql(
        "INSERT INTO audit_log (at, user_id, via, request_id, entity, entity_id, action, before, after) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(now())
    .bind(ctx.user_id)
    .bind(ctx.via.clone())
    .bind(ctx.request_id.clone())
    .bind(entity.name())
    .bind(entity_id)
    .bind(action.code())
    .bind(text(before)?)
    .bind(text(after)?);
    tx.execute(q).await?;
    Ok(())
}

/// The audit entry of a delete: what was there before.
pub(crate) async fn deleted<T: Serialize>(
    tx: &mut Tx,
    ctx: &WriteCtx,
    entity: Entity,
    id: i64,
    before: &T,
) -> Result<()> {
    record(tx, ctx, entity, id, AuditAction::Delete, Some(before), None).await
}

#[async_trait]
impl AuditStore for Db {
    async fn list_audit(&self, filter: &AuditFilter, page: PageRequest) -> Result<Page<AuditEntry>> {
        let mut q = AUDIT.select();
        eq(&mut q, "entity", filter.entity.as_deref());
        eq(&mut q, "entity_id", filter.entity_id);
        eq(&mut q, "user_id", filter.user_id);
        eq(&mut q, "action", filter.action.map(|a| a.code()));
        if let Some(from) = filter.from {
            q.push(" AND at >= ").push_bind(from.midnight().assume_utc());
        }
        if let Some(to) = filter.to.and_then(|d| d.next_day()) {
            q.push(" AND at < ").push_bind(to.midnight().assume_utc());
        }
        AUDIT.page_in_order(&self.pools, q, page, filter.newest_first).await
    }
}
