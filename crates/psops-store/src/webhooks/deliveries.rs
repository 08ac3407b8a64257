//! Webhook deliveries in SQL: claimed for sending the way the notification outbox is
//! (see [`crate::claims`]), each try logged with the receiver's answer, retried with
//! backoff, and a subscription that keeps failing disabled.

use psops_core::audit::AuditAction;
use psops_core::code::Code;
use psops_core::page::{Page, PageRequest};
use psops_core::record::Entity;
use psops_core::rule::Rule;
use psops_core::store::WriteCtx;
use psops_core::webhooks::{
    Attempt, AttemptOutcome, CLAIM_TIMEOUT, Delivery, DeliveryFilter, DeliveryId, DeliveryStatus, DueDelivery,
    EventKind, SubscriptionId, WebhookPolicy,
};
use psops_core::{Error, Result};
use time::OffsetDateTime;

use crate::claims::Outbox;
use crate::db::{Pools, Row, Sql, Tx, sql};

/// A delivery's columns, with its event's id and kind, read from the deliveries joined
/// to their events (`d` and `e`).
const JOINED: &str = "d.id, d.subscription_id, e.event_id, e.kind, d.status, d.attempts, d.last_status, \
                      d.last_error, d.next_try_at, d.created_at, d.delivered_at, d.claimed_by";
const FROM: &str = "webhook_deliveries d JOIN webhook_events e ON e.id = d.event_row";

const DELIVERIES: Outbox = Outbox {
    table: "webhook_deliveries",
    also: " AND subscription_id IN (SELECT id FROM webhook_subscriptions WHERE active)",
    columns: "id",
    timeout: CLAIM_TIMEOUT,
};

fn read(r: &Row) -> Result<Delivery> {
    Ok(Delivery {
        id: r.id("id")?,
        subscription_id: r.id("subscription_id")?,
        event_id: r.get("event_id")?,
        event: r.code::<EventKind>("kind")?,
        status: r.code("status")?,
        attempts: r.get("attempts")?,
        last_status: r.get("last_status")?,
        last_error: r.get("last_error")?,
        next_try_at: r.get("next_try_at")?,
        created_at: r.get("created_at")?,
        delivered_at: r.get("delivered_at")?,
        claimed_by: r.get("claimed_by")?,
    })
}

async fn in_tx(tx: &mut Tx, id: DeliveryId) -> Result<Option<Delivery>> {
    let q = sql(format!("SELECT {JOINED} FROM {FROM} WHERE d.id = $1")).bind(id);
    tx.optional(q).await?.as_ref().map(read).transpose()
}

pub(super) async fn claim(pools: &Pools, node: &str, now: OffsetDateTime, limit: u32) -> Result<Vec<DueDelivery>> {
    let rows = crate::claims::claim(pools, &DELIVERIES, node, now, limit).await?;
    let mut due = Vec::with_capacity(rows.len());
    for row in rows {
        let id: i64 = row.get("id")?;
        let q = sql(format!(
            "SELECT {JOINED}, s.url, s.secret, e.body FROM {FROM} \
             JOIN webhook_subscriptions s ON s.id = d.subscription_id WHERE d.id = $1"
        ))
        .bind(id);
        // Gone only if its subscription was deleted since the claim.
        if let Some(r) = pools.optional(q).await? {
            due.push(DueDelivery {
                delivery: read(&r)?,
                url: r.get("url")?,
                secret: r.get("secret")?,
                body: r.get("body")?,
            });
        }
    }
    Ok(due)
}

pub(super) async fn record_attempt(
    pools: &Pools,
    id: DeliveryId,
    node: &str,
    outcome: &AttemptOutcome,
    now: OffsetDateTime,
    policy: &WebhookPolicy,
) -> Result<Option<Delivery>> {
    let mut tx = pools.begin().await?;
    let held = sql(format!(
        "SELECT attempts, subscription_id FROM webhook_deliveries \
         WHERE id = $1 AND status = 'sending' AND claimed_by = $2{}",
        tx.for_update()
    ))
    .bind(id)
    .bind(node);
    let Some(row) = tx.optional(held).await? else {
        return Ok(None);
    };
    let attempts: i64 = row.get("attempts")?;
    let subscription: i64 = row.get("subscription_id")?;
    let error = outcome.error_text();
    let status_code = outcome.status_code.map(i64::from);
    let log = sql(
        "INSERT INTO webhook_attempts (delivery_id, attempted_at, node, status_code, response_body, duration_ms, error) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id)
    .bind(now)
    .bind(node)
    .bind(status_code)
    .bind(outcome.kept_body())
    .bind(i64::try_from(outcome.duration.as_millis()).unwrap_or(i64::MAX))
    .bind(error.clone());
    tx.execute(log).await?;
    if error.is_none() {
        let q = sql(
            "UPDATE webhook_deliveries SET status = 'delivered', delivered_at = $1, next_try_at = NULL, \
             last_status = $2, last_error = NULL WHERE id = $3",
        )
        .bind(now)
        .bind(status_code)
        .bind(id);
        tx.execute(q).await?;
        tx.execute(sql("UPDATE webhook_subscriptions SET failures = 0 WHERE id = $1").bind(subscription))
            .await?;
    } else {
        let (status, next) = match policy.retry.wait_after(attempts) {
            Some(wait) => (DeliveryStatus::Queued, Some(now + wait)),
            None => (DeliveryStatus::Failed, None),
        };
        let q = sql(
            "UPDATE webhook_deliveries SET status = $1, next_try_at = $2, last_status = $3, last_error = $4 \
             WHERE id = $5",
        )
        .bind(status.code())
        .bind(next)
        .bind(status_code)
        .bind(error)
        .bind(id);
        tx.execute(q).await?;
        let q = sql("UPDATE webhook_subscriptions SET failures = failures + 1 WHERE id = $1 RETURNING failures")
            .bind(subscription);
        let failures: i64 = tx.one(q).await?.get("failures")?;
        if policy.disables(failures) {
            let q = sql(
                "UPDATE webhook_subscriptions SET active = $1, disabled_reason = $2, updated_at = $3 \
                 WHERE id = $4 AND active",
            )
            .bind(false)
            .bind(format!("disabled after {failures} failed tries in a row"))
            .bind(now)
            .bind(subscription);
            tx.execute(q).await?;
        }
    }
    let after = in_tx(&mut tx, id).await?;
    tx.commit().await?;
    Ok(after)
}

fn filtered(q: &mut Sql, filter: &DeliveryFilter) {
    crate::common::eq(q, "d.subscription_id", filter.subscription_id);
    crate::common::eq(q, "d.status", filter.status.map(|s| s.code()));
}

pub(super) async fn newest(pools: &Pools, filter: &DeliveryFilter, page: PageRequest) -> Result<Page<Delivery>> {
    let mut q = sql(format!("SELECT {JOINED} FROM {FROM} WHERE 1 = 1"));
    filtered(&mut q, filter);
    if let Some(after) = page.after {
        q.push(" AND d.id < ").push_bind(after);
    }
    q.push(" ORDER BY d.id DESC LIMIT ")
        .push_bind(i64::from(page.limit) + 1);
    let rows = pools.all(q).await?.iter().map(read).collect::<Result<Vec<_>>>()?;
    Ok(Page::from_rows(rows, page.limit, |d| d.id.get()))
}

pub(super) async fn one(pools: &Pools, id: DeliveryId) -> Result<Option<Delivery>> {
    let q = sql(format!("SELECT {JOINED} FROM {FROM} WHERE d.id = $1")).bind(id);
    pools.optional(q).await?.as_ref().map(read).transpose()
}

pub(super) async fn attempts(pools: &Pools, id: DeliveryId) -> Result<Vec<Attempt>> {
    let q = sql(
        "SELECT id, delivery_id, attempted_at, node, status_code, response_body, duration_ms, error \
         FROM webhook_attempts WHERE delivery_id = $1 ORDER BY id",
    )
    .bind(id);
    pools
        .all(q)
        .await?
        .iter()
        .map(|r| {
            Ok(Attempt {
                id: r.get("id")?,
                delivery_id: r.id("delivery_id")?,
                attempted_at: r.get("attempted_at")?,
                node: r.get("node")?,
                status_code: r.get("status_code")?,
                response_body: r.get("response_body")?,
                duration_ms: r.get("duration_ms")?,
                error: r.get("error")?,
            })
        })
        .collect()
}

async fn audit(tx: &mut Tx, ctx: &WriteCtx, before: Option<&Delivery>, after: &Delivery) -> Result<()> {
    let action = if before.is_some() {
        AuditAction::Update
    } else {
        AuditAction::Create
    };
    crate::audit::record(
        tx,
        ctx,
        Entity::WebhookDelivery,
        after.id.get(),
        action,
        before,
        Some(after),
    )
    .await
}

/// Refuses to queue a try for a disabled subscription: deliveries of disabled ones are
/// never claimed, so it would wait unsent until someone enabled it again.
fn sendable(active: bool) -> Result<()> {
    if active {
        return Ok(());
    }
    Err(Error::conflict(
        "active",
        Rule::InvalidTransition,
        "the subscription is disabled: enable it (PATCH active: true) before sending to it",
    ))
}

pub(super) async fn redeliver(pools: &Pools, ctx: &WriteCtx, id: DeliveryId, now: OffsetDateTime) -> Result<Delivery> {
    let mut tx = pools.begin().await?;
    let lock = sql(format!(
        "SELECT id FROM webhook_deliveries WHERE id = $1{}",
        tx.for_update()
    ))
    .bind(id);
    if tx.optional(lock).await?.is_none() {
        return Err(Error::not_found(Entity::WebhookDelivery, id));
    }
    let before = in_tx(&mut tx, id)
        .await?
        .ok_or_else(|| Error::not_found(Entity::WebhookDelivery, id))?;
    if !matches!(before.status, DeliveryStatus::Delivered | DeliveryStatus::Failed) {
        return Err(Error::conflict(
            "status",
            Rule::InvalidTransition,
            format!(
                "only a delivered or failed delivery is sent again; this one is {}",
                before.status.code()
            ),
        ));
    }
    let subscription = super::subscriptions::locked(&mut tx, before.subscription_id).await?;
    sendable(subscription.active)?;
    let q = sql(
        "UPDATE webhook_deliveries SET status = 'queued', attempts = 0, next_try_at = $1, last_error = NULL, \
         claimed_by = NULL, claimed_at = NULL WHERE id = $2",
    )
    .bind(now)
    .bind(id);
    tx.execute(q).await?;
    let after = in_tx(&mut tx, id)
        .await?
        .ok_or_else(|| Error::not_found(Entity::WebhookDelivery, id))?;
    audit(&mut tx, ctx, Some(&before), &after).await?;
    tx.commit().await?;
    Ok(after)
}

pub(super) async fn ping(pools: &Pools, ctx: &WriteCtx, id: SubscriptionId) -> Result<Delivery> {
    let mut tx = pools.begin().await?;
    let subscription = super::subscriptions::locked(&mut tx, id).await?;
    sendable(subscription.active)?;
    let data = serde_json::json!({ "subscription_id": subscription.id, "url": subscription.url });
    let ids = super::emit::queue(&mut tx, EventKind::Ping, data, &[id.get()]).await?;
    let delivery = in_tx(&mut tx, DeliveryId::new(ids[0]))
        .await?
        .ok_or_else(|| Error::internal("the ping's delivery is missing"))?;
    audit(&mut tx, ctx, None, &delivery).await?;
    tx.commit().await?;
    Ok(delivery)
}
