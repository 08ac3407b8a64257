//! Delivering webhooks, and `psops webhooks add|list|ping|deliver|log`. Every event is
//! already in the webhook outbox, written in the transaction of the change it reports;
//! delivery claims each due delivery (so of several nodes exactly one sends each try),
//! POSTs its payload signed with the subscription's secret on a blocking thread with a
//! timeout, and logs the answer: delivered on a 2xx, otherwise tried again after a
//! doubling wait until it gives up; a subscription that keeps failing is disabled.

use std::io::Read as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::{Args, Subcommand};
use psops_core::code::Code;
use psops_core::notify::RetryPolicy;
use psops_core::page::PageRequest;
use psops_core::webhooks::{
    AttemptOutcome, DeliveryFilter, DeliveryStatus, DueDelivery, EVENT_HEADER, EventKind, ID_HEADER, NewSubscription,
    RESPONSE_CHARS, SIGNATURE_HEADER, SubscriptionId, WebhookPolicy, WebhookStore, sign,
};
use time::OffsetDateTime;
use tokio::sync::watch;

use crate::cli::{DbArgs, ListFormat};
use crate::{config, stdout_line, table};

/// How often `psops serve` looks for deliveries that are due.
const TICK: Duration = Duration::from_secs(5);
/// Deliveries claimed at a time at most: a node holds no more than it sends soon.
const BATCH: u32 = 20;

/// How webhooks are delivered: timeout, retries, disabling.
#[derive(Debug, Clone, Args)]
pub struct WebhookArgs {
    /// Seconds a receiver has to answer a delivery.
    #[arg(id = "webhook_timeout", long = "webhook-timeout", env = "PSOPS_WEBHOOK_TIMEOUT", default_value_t = 10,
        value_parser = clap::value_parser!(u64).range(1..=120))]
    pub timeout: u64,
    /// Tries before a delivery is marked failed.
    #[arg(id = "webhook_max_attempts", long = "webhook-max-attempts", env = "PSOPS_WEBHOOK_MAX_ATTEMPTS", default_value_t = 8,
        value_parser = clap::value_parser!(u32).range(1..=50))]
    pub max_attempts: u32,
    /// Seconds to wait after the first failed try; each later wait doubles, up to six hours.
    #[arg(id = "webhook_retry_seconds", long = "webhook-retry-seconds", env = "PSOPS_WEBHOOK_RETRY_SECONDS", default_value_t = 60,
        value_parser = clap::value_parser!(u32).range(1..=3600))]
    pub retry_seconds: u32,
    /// Failed tries in a row after which a subscription is disabled.
    #[arg(id = "webhook_disable_after", long = "webhook-disable-after", env = "PSOPS_WEBHOOK_DISABLE_AFTER", default_value_t = 20,
        value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub disable_after: u32,
}

impl WebhookArgs {
    pub fn policy(&self) -> WebhookPolicy {
        WebhookPolicy {
            retry: RetryPolicy {
                max_attempts: i64::from(self.max_attempts),
                first_wait: time::Duration::seconds(i64::from(self.retry_seconds)),
                longest_wait: time::Duration::hours(6),
            },
            disable_after: i64::from(self.disable_after),
        }
    }

    pub fn delivery(&self, store: Arc<dyn WebhookStore>) -> Delivery {
        Delivery {
            store,
            agent: ureq::Agent::config_builder()
                .http_status_as_error(false)
                .max_redirects(0)
                .timeout_global(Some(Duration::from_secs(self.timeout)))
                .user_agent("psops-webhooks")
                .build()
                .into(),
            policy: self.policy(),
            node: crate::jobs::node(),
            batch: batch_for(self.timeout),
        }
    }
}

/// What one round of delivery did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub delivered: usize,
    /// Failed and waiting to be tried again.
    pub retrying: usize,
    /// Failed for good.
    pub failed: usize,
}

/// Deliveries claimed at a time when each may take `timeout` seconds: a batch is sent
/// within half the claim's life even if every receiver times out, so no other node takes
/// a claim this node is still sending.
fn batch_for(timeout: u64) -> u32 {
    let half = psops_core::webhooks::CLAIM_TIMEOUT.whole_seconds().unsigned_abs() / 2;
    u32::try_from(half / timeout.max(1)).unwrap_or(BATCH).clamp(1, BATCH)
}

/// Delivery as one node does it.
pub struct Delivery {
    pub store: Arc<dyn WebhookStore>,
    pub agent: ureq::Agent,
    pub policy: WebhookPolicy,
    pub node: String,
    /// Deliveries claimed at a time (see [`batch_for`]).
    pub batch: u32,
}

/// POSTs a delivery's payload, signed now; what the receiver answered, or why it did not.
fn post(agent: &ureq::Agent, d: &DueDelivery) -> AttemptOutcome {
    let signature = sign(&d.secret, OffsetDateTime::now_utc().unix_timestamp(), d.body.as_bytes());
    let started = Instant::now();
    let sent = agent
        .post(&d.url)
        .header("Content-Type", "application/json")
        .header(SIGNATURE_HEADER, signature)
        .header(EVENT_HEADER, d.delivery.event.code())
        .header(ID_HEADER, d.delivery.event_id.as_str())
        .send(d.body.as_bytes());
    match sent {
        Ok(res) => {
            let status = res.status().as_u16();
            let mut kept = Vec::new();
            // The start of the answer is enough to tell why a receiver refused.
            let read = res
                .into_body()
                .into_reader()
                .take(RESPONSE_CHARS as u64 * 4)
                .read_to_end(&mut kept);
            AttemptOutcome {
                status_code: Some(status),
                response_body: Some(String::from_utf8_lossy(&kept).into_owned()),
                duration: started.elapsed(),
                error: read.err().map(|e| format!("reading the answer failed: {e}")),
            }
        }
        Err(e) => AttemptOutcome {
            status_code: None,
            response_body: None,
            duration: started.elapsed(),
            error: Some(e.to_string()),
        },
    }
}

impl Delivery {
    /// Sends every delivery due now, batch by batch. What fails waits for a later round.
    pub async fn round(&self) -> psops_core::Result<Tally> {
        let mut tally = Tally::default();
        loop {
            // Each batch claimed at the time it is claimed: a claim's life runs from then.
            let now = OffsetDateTime::now_utc();
            let batch = self.store.claim_webhook_deliveries(&self.node, now, self.batch).await?;
            if batch.is_empty() {
                return Ok(tally);
            }
            for d in batch {
                self.deliver(d, &mut tally).await?;
            }
        }
    }

    async fn deliver(&self, d: DueDelivery, tally: &mut Tally) -> psops_core::Result<()> {
        let agent = self.agent.clone();
        let id = d.delivery.id;
        // ureq blocks: the request runs on a blocking thread, bounded by the agent's timeout.
        let outcome = tokio::task::spawn_blocking(move || post(&agent, &d))
            .await
            .unwrap_or_else(|e| AttemptOutcome {
                error: Some(format!("the delivery thread failed: {e}")),
                ..AttemptOutcome::default()
            });
        let after = self
            .store
            .record_webhook_attempt(id, &self.node, &outcome, OffsetDateTime::now_utc(), &self.policy)
            .await?;
        match after.map(|a| a.status) {
            Some(DeliveryStatus::Delivered) => tally.delivered += 1,
            Some(DeliveryStatus::Failed) => {
                tracing::warn!(%id, error = ?outcome.error_text(), "webhook delivery failed for good");
                tally.failed += 1;
            }
            Some(_) => {
                tracing::info!(%id, error = ?outcome.error_text(), "webhook delivery failed; will try again");
                tally.retrying += 1;
            }
            None => tracing::warn!(%id, "webhook sent after this node's claim ran out"),
        }
        Ok(())
    }
}

/// Delivers webhooks inside `psops serve` until `stop` turns true.
pub fn spawn(delivery: Delivery, mut stop: watch::Receiver<bool>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            match delivery.round().await {
                Ok(t) if t == Tally::default() => {}
                Ok(t) => tracing::info!(
                    delivered = t.delivered,
                    retrying = t.retrying,
                    failed = t.failed,
                    "webhooks delivered"
                ),
                Err(e) => tracing::error!(error = %e, "webhook delivery failed"),
            }
            tokio::select! {
                _ = tokio::time::sleep(TICK) => {}
                _ = stop.wait_for(|s| *s) => break,
            }
        }
    })
}

#[derive(Debug, Subcommand)]
pub enum WebhooksCommand {
    /// Subscribe a URL to events; prints only the signing secret, once, so a script can
    /// capture it.
    Add(AddArgs),
    /// The subscriptions.
    List(ListArgs),
    /// Queue a `ping` delivery to one subscription, whatever events it asks for.
    Ping(PingArgs),
    /// Send every delivery due now (what `serve` does every few seconds); prints how
    /// many were delivered, will be tried again, failed.
    Deliver(DeliverArgs),
    /// The delivery log, newest first; `--format json` adds each delivery's tries.
    Log(LogArgs),
}

#[derive(Debug, Args)]
pub struct AddArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Where deliveries are POSTed: an http:// or https:// URL.
    #[arg(long)]
    pub url: String,
    /// An event kind it receives; repeat for more (e.g. `--event invoice_issued --event sow_signed`).
    #[arg(long = "event", required = true)]
    pub events: Vec<String>,
    #[arg(long)]
    pub description: Option<String>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub db: DbArgs,
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

#[derive(Debug, Args)]
pub struct PingArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// The subscription's id.
    pub id: i64,
}

#[derive(Debug, Args)]
pub struct DeliverArgs {
    #[command(flatten)]
    pub db: DbArgs,
    #[command(flatten)]
    pub webhooks: WebhookArgs,
}

#[derive(Debug, Args)]
pub struct LogArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Only this subscription's deliveries.
    #[arg(long)]
    pub webhook: Option<i64>,
    /// Only this status: queued, sending, delivered, failed.
    #[arg(long)]
    pub status: Option<String>,
    /// At most this many.
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=500))]
    pub limit: u32,
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

pub async fn run(cmd: WebhooksCommand) -> anyhow::Result<()> {
    match cmd {
        WebhooksCommand::Add(a) => add(a).await,
        WebhooksCommand::List(a) => list(a).await,
        WebhooksCommand::Ping(a) => ping(a).await,
        WebhooksCommand::Deliver(a) => deliver(a).await,
        WebhooksCommand::Log(a) => log(a).await,
    }
}

async fn add(a: AddArgs) -> anyhow::Result<()> {
    let events = a
        .events
        .iter()
        .map(|e| EventKind::from_code(e.trim()))
        .collect::<psops_core::Result<Vec<_>>>()?;
    let new = NewSubscription {
        url: a.url,
        description: a.description,
        events,
        active: true,
    };
    let db = config::open_db(&a.db.database_url).await?;
    let made = db.create_webhook(&crate::admin::cli_ctx(), &new).await;
    db.close().await;
    let made = made?;
    eprintln!(
        "webhook {} created for {}; its signing secret follows and is not shown again",
        made.subscription.id, made.subscription.url
    );
    stdout_line(&made.secret)
}

async fn list(a: ListArgs) -> anyhow::Result<()> {
    let db = config::open_db(&a.db.database_url).await?;
    let got = db.webhooks().await;
    db.close().await;
    let items = got?;
    match a.format {
        ListFormat::Json => stdout_line(serde_json::to_string_pretty(&items)?),
        ListFormat::Table => {
            let rows: Vec<Vec<String>> = items
                .iter()
                .map(|s| {
                    vec![
                        s.id.to_string(),
                        if s.active { "active" } else { "disabled" }.to_string(),
                        s.failures.to_string(),
                        s.url.clone(),
                        psops_core::webhooks::events_text(&s.events),
                    ]
                })
                .collect();
            table::print(&["ID", "STATE", "FAILURES", "URL", "EVENTS"], &rows)
        }
    }
}

async fn ping(a: PingArgs) -> anyhow::Result<()> {
    let db = config::open_db(&a.db.database_url).await?;
    let done = db
        .ping_webhook(&crate::admin::cli_ctx(), SubscriptionId::new(a.id))
        .await;
    db.close().await;
    let d = done?;
    stdout_line(format_args!("queued delivery {} of event {}", d.id, d.event_id))
}

async fn deliver(a: DeliverArgs) -> anyhow::Result<()> {
    let db = config::open_db(&a.db.database_url).await?;
    let delivery = a.webhooks.delivery(Arc::new(db.clone()));
    let done = delivery.round().await;
    db.close().await;
    let t = done?;
    stdout_line(format_args!(
        "delivered {}, to try again {}, failed {}",
        t.delivered, t.retrying, t.failed
    ))
}

async fn log(a: LogArgs) -> anyhow::Result<()> {
    let filter = DeliveryFilter {
        subscription_id: a.webhook.map(SubscriptionId::new),
        status: a.status.as_deref().map(DeliveryStatus::from_code).transpose()?,
    };
    let db = config::open_db(&a.db.database_url).await?;
    let page = PageRequest {
        after: None,
        limit: a.limit,
    };
    let got = read_log(&db, &filter, page, a.format).await;
    db.close().await;
    got
}

async fn read_log(
    db: &psops_store::Db,
    filter: &DeliveryFilter,
    page: PageRequest,
    format: ListFormat,
) -> anyhow::Result<()> {
    let items = db.webhook_deliveries(filter, page).await?.items;
    match format {
        ListFormat::Json => {
            let mut out = Vec::with_capacity(items.len());
            for d in items {
                let attempts = db.webhook_attempts(d.id).await?;
                let mut v = serde_json::to_value(&d)?;
                v["tries"] = serde_json::to_value(attempts)?;
                out.push(v);
            }
            stdout_line(serde_json::to_string_pretty(&out)?)
        }
        ListFormat::Table => {
            let rows: Vec<Vec<String>> = items
                .iter()
                .map(|d| {
                    vec![
                        d.id.to_string(),
                        d.subscription_id.to_string(),
                        d.event.code().to_string(),
                        d.event_id.clone(),
                        d.status.code().to_string(),
                        d.attempts.to_string(),
                        d.last_status.map(|s| s.to_string()).unwrap_or_default(),
                        d.last_error.clone().unwrap_or_default(),
                    ]
                })
                .collect();
            table::print(
                &["ID", "WEBHOOK", "EVENT", "EVENT ID", "STATUS", "TRIES", "LAST", "ERROR"],
                &rows,
            )
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_batch_is_sent_within_half_a_claim() {
        for timeout in [1, 10, 30, 120] {
            let batch = super::batch_for(timeout);
            assert!(batch >= 1 && u64::from(batch) * timeout <= 150, "{timeout} s: {batch}");
        }
        assert_eq!(super::batch_for(1), 20);
        assert_eq!(super::batch_for(10), 15);
        assert_eq!(super::batch_for(120), 1);
    }
}
