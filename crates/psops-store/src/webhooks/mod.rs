//! Webhooks in SQL: subscriptions, the events outbox every write path that produces an
//! event fills through [`emit`] in its own transaction, and the delivery log.

mod deliveries;
mod emit;
mod subscriptions;

use async_trait::async_trait;
use psops_core::Result;
use psops_core::page::{Page, PageRequest};
use psops_core::store::WriteCtx;
use psops_core::webhooks::{
    Attempt, AttemptOutcome, CreatedSubscription, Delivery, DeliveryFilter, DeliveryId, DueDelivery, NewSubscription,
    Subscription, SubscriptionId, SubscriptionPatch, WebhookPolicy, WebhookStore,
};
use time::OffsetDateTime;

use crate::Db;

pub(crate) use emit::emit;

#[async_trait]
impl WebhookStore for Db {
    async fn create_webhook(&self, ctx: &WriteCtx, new: &NewSubscription) -> Result<CreatedSubscription> {
        subscriptions::create(&self.pools, ctx, new).await
    }

    async fn update_webhook(
        &self,
        ctx: &WriteCtx,
        id: SubscriptionId,
        patch: &SubscriptionPatch,
    ) -> Result<Subscription> {
        subscriptions::update(&self.pools, ctx, id, patch).await
    }

    async fn delete_webhook(&self, ctx: &WriteCtx, id: SubscriptionId) -> Result<()> {
        subscriptions::delete(&self.pools, ctx, id).await
    }

    async fn webhooks(&self) -> Result<Vec<Subscription>> {
        subscriptions::all(&self.pools).await
    }

    async fn webhook(&self, id: SubscriptionId) -> Result<Option<Subscription>> {
        subscriptions::one(&self.pools, id).await
    }

    async fn claim_webhook_deliveries(&self, node: &str, now: OffsetDateTime, limit: u32) -> Result<Vec<DueDelivery>> {
        deliveries::claim(&self.pools, node, now, limit).await
    }

    async fn record_webhook_attempt(
        &self,
        id: DeliveryId,
        node: &str,
        outcome: &AttemptOutcome,
        now: OffsetDateTime,
        policy: &WebhookPolicy,
    ) -> Result<Option<Delivery>> {
        deliveries::record_attempt(&self.pools, id, node, outcome, now, policy).await
    }

    async fn webhook_deliveries(&self, filter: &DeliveryFilter, page: PageRequest) -> Result<Page<Delivery>> {
        deliveries::newest(&self.pools, filter, page).await
    }

    async fn webhook_delivery(&self, id: DeliveryId) -> Result<Option<Delivery>> {
        deliveries::one(&self.pools, id).await
    }

    async fn webhook_attempts(&self, id: DeliveryId) -> Result<Vec<Attempt>> {
        deliveries::attempts(&self.pools, id).await
    }

    async fn redeliver_webhook(&self, ctx: &WriteCtx, id: DeliveryId, now: OffsetDateTime) -> Result<Delivery> {
        deliveries::redeliver(&self.pools, ctx, id, now).await
    }

    async fn ping_webhook(&self, ctx: &WriteCtx, id: SubscriptionId) -> Result<Delivery> {
        deliveries::ping(&self.pools, ctx, id).await
    }
}
