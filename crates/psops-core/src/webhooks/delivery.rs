//! A webhook delivery (one event to one subscription) and its log of attempts.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

use super::events::EventKind;
use super::subscription::SubscriptionId;
use crate::code::Code;

/// A delivery's id.
pub type DeliveryId = crate::Id<Delivery>;

/// The longest part of a receiver's answer kept in the log.
pub const RESPONSE_CHARS: usize = 2000;
/// The longest error text kept.
pub const ERROR_CHARS: usize = 1000;

/// Where a delivery is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum DeliveryStatus {
    /// Waiting for its (next) try.
    Queued,
    /// Claimed by one node, which is sending it now; a claim older than the claim timeout
    /// is a node that stopped, and another node takes it over.
    Sending,
    /// The receiver answered 2xx.
    Delivered,
    /// Every try failed; waits for a person to redeliver it.
    Failed,
}

impl Code for DeliveryStatus {
    const FIELD: &'static str = "status";
}

/// One event on its way to one subscription.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Delivery {
    #[schema(value_type = i64)]
    pub id: DeliveryId,
    #[schema(value_type = i64)]
    pub subscription_id: SubscriptionId,
    /// The event's idempotency id, as in the payload's `id`.
    pub event_id: String,
    pub event: EventKind,
    pub status: DeliveryStatus,
    /// Tries so far (each claim counts).
    pub attempts: i64,
    /// The last answer's HTTP status, when the receiver answered.
    pub last_status: Option<i64>,
    pub last_error: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub next_try_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub delivered_at: Option<OffsetDateTime>,
    pub claimed_by: Option<String>,
}

/// A claimed delivery with what sending it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueDelivery {
    pub delivery: Delivery,
    pub url: String,
    pub secret: String,
    /// The payload as stored when the event happened.
    pub body: String,
}

/// One try's log line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Attempt {
    pub id: i64,
    #[schema(value_type = i64)]
    pub delivery_id: DeliveryId,
    #[serde(with = "time::serde::rfc3339")]
    pub attempted_at: OffsetDateTime,
    /// The node that sent it.
    pub node: String,
    /// The receiver's HTTP status, when it answered.
    pub status_code: Option<i64>,
    /// The start of the receiver's answer (at most 2,000 characters).
    pub response_body: Option<String>,
    pub duration_ms: i64,
    /// Why it failed: no answer, a timeout, or a status outside 2xx.
    pub error: Option<String>,
}

/// What one try found out.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AttemptOutcome {
    pub status_code: Option<u16>,
    pub response_body: Option<String>,
    pub duration: std::time::Duration,
    /// Set when the receiver was not reached or did not answer in time.
    pub error: Option<String>,
}

impl AttemptOutcome {
    /// Delivered: the receiver answered 2xx.
    pub fn succeeded(&self) -> bool {
        self.error.is_none() && self.status_code.is_some_and(|s| (200..300).contains(&s))
    }

    /// The error the log keeps: the given one, or the status outside 2xx.
    pub fn error_text(&self) -> Option<String> {
        if self.succeeded() {
            return None;
        }
        let text = match (&self.error, self.status_code) {
            (Some(e), _) => e.clone(),
            (None, Some(s)) => format!("the receiver answered {s}"),
            (None, None) => "no answer".to_string(),
        };
        Some(text.chars().take(ERROR_CHARS).collect())
    }

    /// The answer's body as the log keeps it.
    pub fn kept_body(&self) -> Option<String> {
        self.response_body
            .as_ref()
            .map(|b| b.chars().take(RESPONSE_CHARS).collect())
    }
}

/// Filters of the delivery log.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeliveryFilter {
    pub subscription_id: Option<SubscriptionId>,
    pub status: Option<DeliveryStatus>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webhook_attempt_succeeds_only_on_2xx() {
        let answered = |s| AttemptOutcome {
            status_code: Some(s),
            ..AttemptOutcome::default()
        };
        assert!(answered(200).succeeded() && answered(204).succeeded());
        assert!(!answered(301).succeeded() && !answered(500).succeeded());
        assert_eq!(answered(500).error_text().as_deref(), Some("the receiver answered 500"));
        let timeout = AttemptOutcome {
            error: Some("timed out".into()),
            ..AttemptOutcome::default()
        };
        assert_eq!(timeout.error_text().as_deref(), Some("timed out"));
        let long = AttemptOutcome {
            response_body: Some("x".repeat(5000)),
            ..answered(500)
        };
        assert_eq!(long.kept_body().unwrap().len(), RESPONSE_CHARS);
    }
}
