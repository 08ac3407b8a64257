//! Webhooks: subscriptions to events, each event written to an outbox in the
//! transaction of the change it reports and delivered afterwards, signed, retried with
//! backoff and logged. Delivery claims work the way the notification outbox does, so of
//! several nodes exactly one sends each try; receivers get an event at least once and
//! tell repeats apart by the payload's idempotency `id`.

mod delivery;
mod events;
mod policy;
mod signature;
mod subscription;

use async_trait::async_trait;
use time::OffsetDateTime;

pub use delivery::{
    Attempt, AttemptOutcome, Delivery, DeliveryFilter, DeliveryId, DeliveryStatus, DueDelivery, ERROR_CHARS,
    RESPONSE_CHARS,
};
pub use events::{EventKind, Payload, events_text, new_event_id, parse_events};
pub use policy::WebhookPolicy;
pub use signature::{EVENT_HEADER, ID_HEADER, SIGNATURE_HEADER, SignatureError, TOLERANCE, sign, verify};
pub use subscription::{
    CreatedSubscription, NewSubscription, Subscription, SubscriptionId, SubscriptionPatch, URL_CHARS, check_url,
    new_secret,
};

use crate::Result;
use crate::page::{Page, PageRequest};
use crate::store::WriteCtx;

/// How long a node may hold a delivery it claimed before another node takes it over: far
/// longer than a delivery's timeout, so only a node that stopped loses its claim.
pub const CLAIM_TIMEOUT: time::Duration = time::Duration::minutes(5);

/// Webhook subscriptions, their outbox and its delivery log.
#[async_trait]
pub trait WebhookStore: Send + Sync {
    /// Creates a subscription with a new secret, answered this once; audited.
    async fn create_webhook(&self, ctx: &WriteCtx, new: &NewSubscription) -> Result<CreatedSubscription>;
    /// Changes a subscription; enabling it again counts its failures afresh. Audited.
    async fn update_webhook(
        &self,
        ctx: &WriteCtx,
        id: SubscriptionId,
        patch: &SubscriptionPatch,
    ) -> Result<Subscription>;
    /// Deletes a subscription with its deliveries and their log; audited.
    async fn delete_webhook(&self, ctx: &WriteCtx, id: SubscriptionId) -> Result<()>;
    /// Every subscription, oldest first.
    async fn webhooks(&self) -> Result<Vec<Subscription>>;
    async fn webhook(&self, id: SubscriptionId) -> Result<Option<Subscription>>;
    /// Claims up to `limit` deliveries due at `now` for `node`, each by a conditional
    /// update so that of several nodes exactly one gets each try: waiting ones whose next
    /// try has come and ones another node claimed before `now − CLAIM_TIMEOUT`, of active
    /// subscriptions only. Each claim counts as a try.
    async fn claim_webhook_deliveries(&self, node: &str, now: OffsetDateTime, limit: u32) -> Result<Vec<DueDelivery>>;
    /// Logs a try of a delivery `node` holds and ends the claim: delivered; or waiting
    /// again after the policy's wait, or failed after the last try. A failure counts
    /// against the subscription, which is disabled after the policy's failures in a row;
    /// a success counts them afresh. `None` when `node` no longer holds the delivery.
    async fn record_webhook_attempt(
        &self,
        id: DeliveryId,
        node: &str,
        outcome: &AttemptOutcome,
        now: OffsetDateTime,
        policy: &WebhookPolicy,
    ) -> Result<Option<Delivery>>;
    /// The delivery log newest first, by cursor.
    async fn webhook_deliveries(&self, filter: &DeliveryFilter, page: PageRequest) -> Result<Page<Delivery>>;
    async fn webhook_delivery(&self, id: DeliveryId) -> Result<Option<Delivery>>;
    /// A delivery's tries, oldest first.
    async fn webhook_attempts(&self, id: DeliveryId) -> Result<Vec<Attempt>>;
    /// Sends a delivered or failed delivery again, with the same payload and id: waiting
    /// from `now`, its tries counted afresh; audited. A waiting one is refused.
    async fn redeliver_webhook(&self, ctx: &WriteCtx, id: DeliveryId, now: OffsetDateTime) -> Result<Delivery>;
    /// Queues a `ping` event to one subscription, whatever events it asks for; audited.
    async fn ping_webhook(&self, ctx: &WriteCtx, id: SubscriptionId) -> Result<Delivery>;
}
