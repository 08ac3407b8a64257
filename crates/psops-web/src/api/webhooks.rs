//! `/api/v1/webhooks`: subscriptions of URLs to events, and `/api/v1/webhook-deliveries`:
//! their delivery log with each try's answer, redelivery, and test pings.
//! Administrators only: a subscription sends records outside psops. The secret that
//! signs deliveries is answered once, when the subscription is created.

use axum::Json as JsonOut;
use axum::extract::State;
use axum::response::Response;
use psops_core::Error;
use psops_core::error::Thing;
use psops_core::page::Page;
use psops_core::policy::{Action, Resource};
use psops_core::record::Entity;
use psops_core::store::Created;
use psops_core::webhooks::{
    Attempt, CreatedSubscription, Delivery, DeliveryFilter, DeliveryStatus, NewSubscription, Subscription,
    SubscriptionPatch,
};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::authorize::{Fixed, allow};
use crate::extract::{Caller, IdPath, Json, Writer};
use crate::params::{ListQuery, PageParams};
use crate::problem::{ApiResult, ChangeProblems, CreateProblems, ListProblems, ReadProblems};
use crate::respond;

const WEBHOOKS: Fixed = Fixed(Resource::Webhooks, Thing::Entity(Entity::WebhookSubscription));
const DELIVERIES: Fixed = Fixed(Resource::Webhooks, Thing::Entity(Entity::WebhookDelivery));

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct WebhooksQuery {}

/// Filters of the delivery log.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct DeliveriesQuery {
    /// Only this subscription's deliveries.
    #[param(value_type = Option<i64>)]
    webhook_id: Option<String>,
    #[param(value_type = Option<DeliveryStatus>)]
    status: Option<String>,
}

/// A delivery with every try's answer.
#[derive(Debug, Serialize, ToSchema)]
struct DeliveryLog {
    #[serde(flatten)]
    delivery: Delivery,
    /// Its tries, oldest first.
    tries: Vec<Attempt>,
}

async fn subscription(st: &AppState, id: IdPath<Subscription>) -> ApiResult<Subscription> {
    let IdPath(id) = id;
    Ok(st
        .store
        .webhook(id)
        .await?
        .ok_or_else(|| Error::not_found(Entity::WebhookSubscription, id))?)
}

async fn delivery(st: &AppState, id: IdPath<Delivery>) -> ApiResult<Delivery> {
    let IdPath(id) = id;
    Ok(st
        .store
        .webhook_delivery(id)
        .await?
        .ok_or_else(|| Error::not_found(Entity::WebhookDelivery, id))?)
}

/// List the webhook subscriptions, oldest first (administrators); one page holds them all
#[utoipa::path(get, path = "/api/v1/webhooks", tag = "webhooks",
    params(WebhooksQuery, PageParams),
    responses((status = 200, body = Page<Subscription>, description = "Every subscription"), ListProblems))]
async fn list_webhooks(
    State(st): State<AppState>,
    Caller(s): Caller,
    query: ListQuery<WebhooksQuery>,
) -> ApiResult<JsonOut<Page<Subscription>>> {
    let (_, p, _) = query.split();
    p.finish()?;
    allow(&st, &s, Action::Read, &WEBHOOKS).await?;
    Ok(JsonOut(Page {
        items: st.store.webhooks().await?,
        next_cursor: None,
    }))
}

/// Subscribe a URL to events (administrators): answers the secret that signs every
/// delivery, this once
#[utoipa::path(post, path = "/api/v1/webhooks", tag = "webhooks",
    request_body = NewSubscription,
    responses((status = 201, body = CreatedSubscription, description = "The subscription and its secret"),
        CreateProblems))]
async fn create_webhook(State(st): State<AppState>, w: Writer, body: Json<NewSubscription>) -> ApiResult<Response> {
    let grant = allow(&st, &w.subject, Action::Create, &WEBHOOKS).await?;
    let made = st.store.create_webhook(&w.ctx(grant), &body.value).await?;
    respond::created("/api/v1/webhooks", Created::New(made))
}

/// Read one subscription (administrators; never its secret)
#[utoipa::path(get, path = "/api/v1/webhooks/{id}", tag = "webhooks",
    params(IdPath<Subscription>),
    responses((status = 200, body = Subscription, description = "The subscription"), ReadProblems))]
async fn get_webhook(State(st): State<AppState>, Caller(s): Caller, id: IdPath<Subscription>) -> ApiResult<Response> {
    allow(&st, &s, Action::Read, &WEBHOOKS).await?;
    respond::record(&subscription(&st, id).await?)
}

/// Change a subscription's URL, description, events, or enable or disable it
/// (administrators); enabling it counts its failures afresh
#[utoipa::path(patch, path = "/api/v1/webhooks/{id}", tag = "webhooks",
    request_body = SubscriptionPatch,
    params(IdPath<Subscription>),
    responses((status = 200, body = Subscription, description = "The subscription"), ChangeProblems))]
async fn update_webhook(
    State(st): State<AppState>,
    w: Writer,
    id: IdPath<Subscription>,
    body: Json<SubscriptionPatch>,
) -> ApiResult<Response> {
    let grant = allow(&st, &w.subject, Action::Update, &WEBHOOKS).await?;
    let IdPath(id) = id;
    respond::record(&st.store.update_webhook(&w.ctx(grant), id, &body.value).await?)
}

/// Delete a subscription with its deliveries and their log (administrators)
#[utoipa::path(delete, path = "/api/v1/webhooks/{id}", tag = "webhooks",
    params(IdPath<Subscription>),
    responses((status = 204, description = "Deleted"), ChangeProblems))]
async fn delete_webhook(State(st): State<AppState>, w: Writer, id: IdPath<Subscription>) -> ApiResult<Response> {
    let grant = allow(&st, &w.subject, Action::Delete, &WEBHOOKS).await?;
    let IdPath(id) = id;
    st.store.delete_webhook(&w.ctx(grant), id).await?;
    Ok(respond::no_content())
}

/// Queue a `ping` event to one subscription, whatever events it asks for (administrators):
/// a test that the receiver is reached and verifies the signature
#[utoipa::path(post, path = "/api/v1/webhooks/{id}/ping", tag = "webhooks",
    params(IdPath<Subscription>),
    responses((status = 200, body = Delivery, description = "The ping's delivery, waiting to be sent"),
        ChangeProblems))]
async fn ping_webhook(State(st): State<AppState>, w: Writer, id: IdPath<Subscription>) -> ApiResult<Response> {
    let grant = allow(&st, &w.subject, Action::Update, &WEBHOOKS).await?;
    let IdPath(id) = id;
    respond::record(&st.store.ping_webhook(&w.ctx(grant), id).await?)
}

/// The delivery log, newest first (administrators)
#[utoipa::path(get, path = "/api/v1/webhook-deliveries", tag = "webhooks",
    params(DeliveriesQuery, PageParams),
    responses((status = 200, body = Page<Delivery>, description = "A page of deliveries, newest first"),
        ListProblems))]
async fn list_deliveries(
    State(st): State<AppState>,
    Caller(s): Caller,
    query: ListQuery<DeliveriesQuery>,
) -> ApiResult<JsonOut<Page<Delivery>>> {
    let (q, mut p, page) = query.split();
    let filter = DeliveryFilter {
        subscription_id: p.id("webhook_id", q.webhook_id),
        status: p.code("status", q.status),
    };
    p.finish()?;
    allow(&st, &s, Action::Read, &DELIVERIES).await?;
    Ok(JsonOut(st.store.webhook_deliveries(&filter, page).await?))
}

/// Read one delivery with every try: when, which node, the receiver's status and the
/// start of its answer, how long it took, why it failed (administrators)
#[utoipa::path(get, path = "/api/v1/webhook-deliveries/{id}", tag = "webhooks",
    params(IdPath<Delivery>),
    responses((status = 200, body = DeliveryLog, description = "The delivery and its tries"), ReadProblems))]
async fn get_delivery(State(st): State<AppState>, Caller(s): Caller, id: IdPath<Delivery>) -> ApiResult<Response> {
    allow(&st, &s, Action::Read, &DELIVERIES).await?;
    let delivery = delivery(&st, id).await?;
    let tries = st.store.webhook_attempts(delivery.id).await?;
    respond::record(&DeliveryLog { delivery, tries })
}

/// Send a delivered or failed delivery again, with the same payload and idempotency id
/// (administrators): it waits from now, its tries counted afresh; a waiting one is a
/// conflict (409)
#[utoipa::path(post, path = "/api/v1/webhook-deliveries/{id}/redeliver", tag = "webhooks",
    params(IdPath<Delivery>),
    responses((status = 200, body = Delivery, description = "Waiting to be sent"), ChangeProblems))]
async fn redeliver(State(st): State<AppState>, w: Writer, id: IdPath<Delivery>) -> ApiResult<Response> {
    let grant = allow(&st, &w.subject, Action::Update, &DELIVERIES).await?;
    let IdPath(id) = id;
    let now = OffsetDateTime::now_utc();
    respond::record(&st.store.redeliver_webhook(&w.ctx(grant), id, now).await?)
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_webhooks, create_webhook))
        .routes(routes!(get_webhook, update_webhook, delete_webhook))
        .routes(routes!(ping_webhook))
        .routes(routes!(list_deliveries))
        .routes(routes!(get_delivery))
        .routes(routes!(redeliver))
}
