//! Webhook subscriptions in SQL: created with a secret answered once, changed, deleted
//! with their deliveries, every change audited (never with the secret).

use psops_core::audit::AuditAction;
use psops_core::record::Entity;
use psops_core::store::WriteCtx;
use psops_core::webhooks::{
    CreatedSubscription, NewSubscription, Subscription, SubscriptionId, SubscriptionPatch, events_text, new_secret,
    parse_events,
};
use psops_core::{Error, Result};

use crate::db::{Pools, Row, Tx, now, sql};

pub(super) const COLUMNS: &str =
    "id, url, description, events, active, failures, disabled_reason, created_at, updated_at";

pub(super) fn read(r: &Row) -> Result<Subscription> {
    Ok(Subscription {
        id: r.id("id")?,
        url: r.get("url")?,
        description: r.get("description")?,
        events: parse_events(&r.get::<String>("events")?)?,
        active: r.get("active")?,
        failures: r.get("failures")?,
        disabled_reason: r.get("disabled_reason")?,
        created_at: r.get("created_at")?,
        updated_at: r.get("updated_at")?,
    })
}

async fn audit(
    tx: &mut Tx,
    ctx: &WriteCtx,
    id: SubscriptionId,
    action: AuditAction,
    before: Option<&Subscription>,
    after: Option<&Subscription>,
) -> Result<()> {
    crate::audit::record(tx, ctx, Entity::WebhookSubscription, id.get(), action, before, after).await
}

fn described(d: Option<&str>) -> Option<String> {
    d.map(str::trim).filter(|d| !d.is_empty()).map(str::to_string)
}

pub(super) async fn create(pools: &Pools, ctx: &WriteCtx, new: &NewSubscription) -> Result<CreatedSubscription> {
    new.validate()?;
    let secret = new_secret()?;
    let at = now();
    let mut tx = pools.begin().await?;
    let q = sql(format!(
        "INSERT INTO webhook_subscriptions (url, description, events, secret, active, failures, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, 0, $6, $7) RETURNING {COLUMNS}"
    ))
    .bind(new.url.trim())
    .bind(described(new.description.as_deref()))
    .bind(events_text(&parse_events(&events_text(&new.events))?))
    .bind(secret.as_str())
    .bind(new.active)
    .bind(at)
    .bind(at);
    let subscription = read(&tx.one(q).await?)?;
    audit(
        &mut tx,
        ctx,
        subscription.id,
        AuditAction::Create,
        None,
        Some(&subscription),
    )
    .await?;
    tx.commit().await?;
    Ok(CreatedSubscription { subscription, secret })
}

pub(super) async fn locked(tx: &mut Tx, id: SubscriptionId) -> Result<Subscription> {
    let q = sql(format!(
        "SELECT {COLUMNS} FROM webhook_subscriptions WHERE id = $1{}",
        tx.for_update()
    ))
    .bind(id);
    match tx.optional(q).await? {
        Some(row) => read(&row),
        None => Err(Error::not_found(Entity::WebhookSubscription, id)),
    }
}

pub(super) async fn update(
    pools: &Pools,
    ctx: &WriteCtx,
    id: SubscriptionId,
    patch: &SubscriptionPatch,
) -> Result<Subscription> {
    patch.validate()?;
    let mut tx = pools.begin().await?;
    let before = locked(&mut tx, id).await?;
    let url = patch
        .url
        .as_deref()
        .map_or(before.url.clone(), |u| u.trim().to_string());
    let description = match &patch.description {
        Some(d) => described(Some(d)),
        None => before.description.clone(),
    };
    let events = match &patch.events {
        Some(e) => parse_events(&events_text(e))?,
        None => before.events.clone(),
    };
    let active = patch.active.unwrap_or(before.active);
    // Enabling a subscription counts its failures afresh.
    let enabled = active && !before.active;
    let q = sql(format!(
        "UPDATE webhook_subscriptions SET url = $1, description = $2, events = $3, active = $4, \
         failures = CASE WHEN $5 THEN 0 ELSE failures END, \
         disabled_reason = CASE WHEN $5 THEN NULL ELSE disabled_reason END, updated_at = $6 \
         WHERE id = $7 RETURNING {COLUMNS}"
    ))
    .bind(url)
    .bind(description)
    .bind(events_text(&events))
    .bind(active)
    .bind(enabled)
    .bind(now())
    .bind(id);
    let after = read(&tx.one(q).await?)?;
    audit(&mut tx, ctx, id, AuditAction::Update, Some(&before), Some(&after)).await?;
    tx.commit().await?;
    Ok(after)
}

pub(super) async fn delete(pools: &Pools, ctx: &WriteCtx, id: SubscriptionId) -> Result<()> {
    let mut tx = pools.begin().await?;
    let before = locked(&mut tx, id).await?;
    let deliveries = "SELECT id FROM webhook_deliveries WHERE subscription_id = $1";
    tx.execute(
        sql(format!(
            "DELETE FROM webhook_attempts WHERE delivery_id IN ({deliveries})"
        ))
        .bind(id),
    )
    .await?;
    tx.execute(sql("DELETE FROM webhook_deliveries WHERE subscription_id = $1").bind(id))
        .await?;
    tx.execute(sql("DELETE FROM webhook_subscriptions WHERE id = $1").bind(id))
        .await?;
    audit(&mut tx, ctx, id, AuditAction::Delete, Some(&before), None).await?;
    tx.commit().await
}

pub(super) async fn all(pools: &Pools) -> Result<Vec<Subscription>> {
    let q = sql(format!("SELECT {COLUMNS} FROM webhook_subscriptions ORDER BY id"));
    pools.all(q).await?.iter().map(read).collect()
}

pub(super) async fn one(pools: &Pools, id: SubscriptionId) -> Result<Option<Subscription>> {
    let q = sql(format!("SELECT {COLUMNS} FROM webhook_subscriptions WHERE id = $1")).bind(id);
    pools.optional(q).await?.as_ref().map(read).transpose()
}
