//! Writing an event to the webhook outbox in the transaction of the change it reports:
//! one event row with its payload, and one waiting delivery for every active
//! subscription that wants its kind. A change that rolls back takes its event with it;
//! one that commits has its deliveries waiting.

use psops_core::code::Code;
use psops_core::webhooks::{EventKind, Payload, new_event_id};
use psops_core::{Error, Result};
use serde::Serialize;

use crate::db::{Tx, now, sql};

/// Queues `kind` about `data` (the record as the API shows it) for every subscription
/// that wants it. Every write path that produces an event calls this once, inside its
/// transaction.
pub(crate) async fn emit(tx: &mut Tx, kind: EventKind, data: &impl Serialize) -> Result<()> {
    // Kept from deletion until this transaction ends: the deliveries written below refer
    // to them, and a subscription deleted in between would fail the change itself.
    let lock = tx.for_key_share();
    let q = sql(format!(
        "SELECT id, events FROM webhook_subscriptions WHERE active = $1 ORDER BY id{lock}"
    ))
    .bind(true);
    let code = kind.code();
    let mut wanted = Vec::new();
    for row in tx.all(q).await? {
        // Matched by code, never parsed: a code this build does not know (a later
        // version's kind) must not fail every write.
        if row.get::<String>("events")?.split(',').any(|c| c.trim() == code) {
            wanted.push(row.get::<i64>("id")?);
        }
    }
    if wanted.is_empty() {
        return Ok(());
    }
    let data = serde_json::to_value(data).map_err(Error::internal)?;
    queue(tx, kind, data, &wanted).await.map(drop)
}

/// Writes the event and a delivery to each of `subscriptions`; answers the deliveries'
/// ids.
pub(crate) async fn queue(
    tx: &mut Tx,
    kind: EventKind,
    data: serde_json::Value,
    subscriptions: &[i64],
) -> Result<Vec<i64>> {
    let at = now();
    let payload = Payload {
        id: new_event_id()?,
        event: kind,
        occurred_at: at,
        data,
    };
    let q = sql("INSERT INTO webhook_events (event_id, kind, body, occurred_at) VALUES ($1, $2, $3, $4) RETURNING id")
        .bind(payload.id.as_str())
        .bind(<&str>::from(kind))
        .bind(payload.body()?)
        .bind(at);
    let event: i64 = tx.one(q).await?.get("id")?;
    let mut ids = Vec::with_capacity(subscriptions.len());
    for subscription in subscriptions {
        let q = sql(
            "INSERT INTO webhook_deliveries (event_row, subscription_id, status, attempts, next_try_at, created_at) \
             VALUES ($1, $2, 'queued', 0, $3, $4) RETURNING id",
        )
        .bind(event)
        .bind(*subscription)
        .bind(at)
        .bind(at);
        ids.push(tx.one(q).await?.get("id")?);
    }
    Ok(ids)
}
