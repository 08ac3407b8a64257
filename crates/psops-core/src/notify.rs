//! Notifications: the messages psops sends people outside it — acceptance requests to a
//! customer contact, survey links, overdue health reports, escalation updates. Each is
//! written to the outbox in the same transaction as the change that caused it, so a
//! message is never lost when mail is not configured and never sent for a change that
//! rolled back; delivery (by SMTP, when configured) reads the outbox afterwards.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Result;
use crate::code::Code;
use crate::projects::ProjectId;
use crate::validate::Checks;

/// What a notification is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum NoticeKind {
    /// A milestone's acceptance request to the customer contact.
    AcceptanceRequest,
    /// A CSAT survey link to a customer contact.
    Survey,
    /// A project manager's weekly health report is overdue.
    HealthOverdue,
    /// An escalation changed or got an update.
    EscalationUpdate,
    /// An escalation's update is overdue by its severity's cadence.
    EscalationOverdue,
    /// A reminder about a week's timesheet.
    TimesheetReminder,
}

impl Code for NoticeKind {
    const FIELD: &'static str = "kind";
}

/// Where a notification is in its delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum NoticeStatus {
    /// Waiting to be mailed.
    Queued,
    /// Handed to the SMTP server.
    Sent,
    /// Mailing failed; tried again with backoff until it gives up.
    Failed,
    /// No mail transport is configured: kept in the outbox only.
    Kept,
}

impl Code for NoticeStatus {
    const FIELD: &'static str = "status";
}

/// A notification to write to the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub kind: NoticeKind,
    /// The address it goes to.
    pub to_email: String,
    /// The name it is addressed to.
    pub to_name: String,
    pub subject: String,
    /// Plain text.
    pub body: String,
    /// The project it concerns, when it concerns one.
    pub project_id: Option<ProjectId>,
    /// The record it concerns, as `entity:id` (e.g. `milestone:42`), for the outbox page.
    pub about: Option<String>,
}

impl Notice {
    pub fn validate(&self) -> Result<()> {
        let mut c = Checks::new();
        c.text(&self.to_name, "to_name", 200);
        c.text(&self.subject, "subject", 300);
        c.email(&self.to_email, "to_email");
        c.into_result()
    }
}
