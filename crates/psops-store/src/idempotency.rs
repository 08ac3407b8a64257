//! Idempotent creates: the first response to a key is stored in the same transaction as
//! the object it created, so a retried request returns it and writes nothing new.

use psops_core::record::Entity;
use psops_core::rule::Rule;
use psops_core::store::{Created, WriteCtx};
use psops_core::{Error, Result};
use serde::Serialize;

use crate::db::{DbError, Pools, Tx, now, sql};

fn owner(ctx: &WriteCtx) -> i64 {
    ctx.user_id.map(|u| u.get()).unwrap_or(0)
}

/// The stored response for this key, if the request was seen before.
async fn lookup(rows: Vec<crate::db::Row>, ctx: &WriteCtx, resource: Entity) -> Result<Option<serde_json::Value>> {
    let (Some(key), Some(row)) = (&ctx.idempotency, rows.into_iter().next()) else {
        return Ok(None);
    };
    let fingerprint: String = row.get("fingerprint")?;
    let stored_resource: String = row.get("resource")?;
    if fingerprint != key.fingerprint || stored_resource != resource.name() {
        return Err(Error::invalid(
            "Idempotency-Key",
            Rule::Reused,
            "this Idempotency-Key was already used for a different request",
        ));
    }
    let response: String = row.get("response")?;
    serde_json::from_str(&response).map(Some).map_err(Error::internal)
}

fn select(ctx: &WriteCtx) -> Option<crate::db::Sql> {
    let key = ctx.idempotency.as_ref()?;
    Some(
        sql("SELECT fingerprint, resource, response FROM idempotency_keys WHERE user_id = $1 AND idem_key = $2")
            .bind(owner(ctx))
            .bind(key.key.as_str()),
    )
}

/// Call first in a create's transaction: `Some` means answer with the stored response.
pub(crate) async fn replay(tx: &mut Tx, ctx: &WriteCtx, resource: Entity) -> Result<Option<serde_json::Value>> {
    let Some(q) = select(ctx) else {
        return Ok(None);
    };
    let rows = tx.all(q).await?;
    lookup(rows, ctx, resource).await
}

/// Call last: records the response with the key and commits. If a concurrent request
/// with the same key committed first, this one rolls back and returns that response.
pub(crate) async fn commit<T: Serialize>(
    pools: &Pools,
    mut tx: Tx,
    ctx: &WriteCtx,
    resource: Entity,
    value: T,
) -> Result<Created<T>> {
    let Some(key) = &ctx.idempotency else {
        tx.commit().await?;
        return Ok(Created::New(value));
    };
    let response = serde_json::to_string(&value).map_err(Error::internal)?;
    let insert = sql(
        "INSERT INTO idempotency_keys (user_id, idem_key, fingerprint, resource, response, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(owner(ctx))
    .bind(key.key.as_str())
    .bind(key.fingerprint.as_str())
    .bind(resource.name())
    .bind(response)
    .bind(now());
    match tx.execute(insert).await {
        Ok(_) => {
            tx.commit().await?;
            Ok(Created::New(value))
        }
        Err(DbError::Unique) => {
            drop(tx);
            let Some(q) = select(ctx) else {
                return Err(Error::internal("idempotency key vanished"));
            };
            let rows = pools.all(q).await?;
            lookup(rows, ctx, resource)
                .await?
                .map(Created::Replayed)
                .ok_or_else(|| Error::internal("idempotency key vanished"))
        }
        Err(e) => Err(e.into()),
    }
}
