//! What a webhook is told about: the kinds of event, and the JSON body each delivery of
//! one carries.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

use crate::code::Code;
use crate::{Error, Result};

/// A kind of event a subscription can ask for. Each is written to the webhook outbox in
/// the transaction of the change it reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum EventKind {
    /// A person's week was submitted for approval (`data`: person, week, entries).
    TimesheetSubmitted,
    /// A week's entries were approved, for one project or all (`data`: person, week, project, entries).
    TimesheetApproved,
    /// A week's entries were sent back with a reason (`data`: the rejection).
    TimesheetRejected,
    /// A time entry was logged (`data`: the entry).
    TimeEntryCreated,
    /// A time entry was changed (`data`: the entry as it is now).
    TimeEntryUpdated,
    /// A time entry was deleted (`data`: the entry as it was).
    TimeEntryDeleted,
    /// A SOW was signed (`data`: the SOW).
    SowSigned,
    /// A customer accepted a milestone (`data`: the milestone).
    MilestoneAccepted,
    /// An invoice or credit note was issued (`data`: the invoice).
    InvoiceIssued,
    /// An escalation was opened (`data`: the escalation).
    EscalationOpened,
    /// An escalation changed or got an update (`data`: the escalation).
    EscalationUpdated,
    /// A customer answered a CSAT survey (`data`: the survey).
    SurveyAnswered,
    /// A test delivery an administrator asked for; sent to one subscription whatever it
    /// asks for (`data`: the subscription's id).
    Ping,
}

impl Code for EventKind {
    const FIELD: &'static str = "events";
}

/// Reads a stored or given list of event codes (comma-separated in the database).
pub fn parse_events(codes: &str) -> Result<Vec<EventKind>> {
    let mut kinds = codes
        .split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(EventKind::from_code)
        .collect::<Result<Vec<_>>>()?;
    kinds.sort_unstable();
    kinds.dedup();
    Ok(kinds)
}

/// The stored form of a list of event kinds: their codes, comma-separated.
pub fn events_text(kinds: &[EventKind]) -> String {
    kinds.iter().map(Code::code).collect::<Vec<_>>().join(",")
}

/// An event's idempotency id: `evt_` and 32 random hex digits, the same in every delivery
/// and redelivery of the event, so a receiver that sees it twice knows it is one event.
pub fn new_event_id() -> Result<String> {
    let mut buf = [0u8; 16];
    getrandom::fill(&mut buf).map_err(|e| Error::internal(format!("no randomness: {e}")))?;
    Ok(format!("evt_{}", hex::encode(buf)))
}

/// The JSON body of every delivery of an event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Payload {
    /// The event's idempotency id (`evt_…`): the same in every delivery and redelivery.
    pub id: String,
    pub event: EventKind,
    #[serde(with = "time::serde::rfc3339")]
    pub occurred_at: OffsetDateTime,
    /// The record the event is about, as the API shows it.
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
}

impl Payload {
    /// The body as sent: compact JSON.
    pub fn body(&self) -> Result<String> {
        serde_json::to_string(self).map_err(Error::internal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webhook_event_codes_read_back_sorted_once() {
        let kinds = parse_events("timesheet_submitted, invoice_issued,timesheet_submitted").unwrap();
        assert_eq!(kinds, [EventKind::TimesheetSubmitted, EventKind::InvoiceIssued]);
        assert_eq!(events_text(&kinds), "timesheet_submitted,invoice_issued");
        let err = parse_events("invoice_issued,no_such").unwrap_err().to_string();
        assert!(err.contains("events must be one of: timesheet_submitted"), "{err}");
    }

    #[test]
    fn webhook_payload_has_id_event_time_and_data() {
        let id = new_event_id().unwrap();
        assert!(id.starts_with("evt_") && id.len() == 36);
        assert_ne!(id, new_event_id().unwrap());
        let p = Payload {
            id: id.clone(),
            event: EventKind::SowSigned,
            occurred_at: time::macros::datetime!(2026-12-07 12:00 UTC),
            data: serde_json::json!({"id": 7}),
        };
        let v: serde_json::Value = serde_json::from_str(&p.body().unwrap()).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"id": id, "event": "sow_signed", "occurred_at": "2026-12-07T12:00:00Z", "data": {"id": 7}})
        );
    }
}
