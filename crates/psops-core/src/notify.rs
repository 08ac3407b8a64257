//! Notifications: the messages psops sends people outside it — acceptance requests to a
//! customer contact, survey links, overdue health reports, escalation updates. Each is
//! written to the outbox in the same transaction as the change that caused it, so a
//! message is never lost when mail is not configured and never sent for a change that
//! rolled back; delivery (by SMTP, when configured) reads the outbox afterwards.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use async_trait::async_trait;
use time::OffsetDateTime;

use crate::Result;
use crate::code::Code;
use crate::page::{Page, PageRequest};
use crate::projects::ProjectId;
use crate::store::WriteCtx;
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
    /// Claimed by one node, which is handing it to the SMTP server now; a claim older
    /// than [`CLAIM_TIMEOUT`] is a node that stopped, and the message is tried again.
    Sending,
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

/// A notification's id.
pub type NotificationId = crate::Id<Notification>;

/// A notification in the outbox, with where it is in its delivery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Notification {
    #[schema(value_type = i64)]
    pub id: NotificationId,
    pub kind: NoticeKind,
    pub to_email: String,
    pub to_name: String,
    pub subject: String,
    /// Plain text.
    pub body: String,
    #[schema(value_type = Option<i64>)]
    pub project_id: Option<ProjectId>,
    /// The record it concerns, as `entity:id` (e.g. `milestone:42`).
    pub about: Option<String>,
    pub status: NoticeStatus,
    /// Tries so far: each claim of the message counts, so a node that stops while
    /// mailing it uses up a try too.
    pub attempts: i64,
    /// Why the last try failed.
    pub last_error: Option<String>,
    /// When it is tried next, while it waits.
    #[serde(with = "time::serde::rfc3339::option")]
    pub next_try_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// When the SMTP server took it.
    #[serde(with = "time::serde::rfc3339::option")]
    pub sent_at: Option<OffsetDateTime>,
    /// The node that holds or last held it for mailing.
    pub claimed_by: Option<String>,
}

/// How long a node may hold a message it claimed before another node takes it over: far
/// longer than any SMTP conversation, so only a node that stopped loses its claim.
pub const CLAIM_TIMEOUT: time::Duration = time::Duration::minutes(10);

/// How failed tries are repeated: after the n-th failed try the message waits
/// `first_wait × 2^(n−1)` (at most `longest_wait`), and after `max_attempts` tries it is
/// marked failed for good and waits for a person to send it again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    pub max_attempts: i64,
    pub first_wait: time::Duration,
    pub longest_wait: time::Duration,
}

impl Default for RetryPolicy {
    /// Five tries over about a quarter of an hour: 1, 2, 4 and 8 minutes apart.
    fn default() -> Self {
        Self {
            max_attempts: 5,
            first_wait: time::Duration::minutes(1),
            longest_wait: time::Duration::hours(1),
        }
    }
}

impl RetryPolicy {
    /// The wait after the `attempts`-th failed try, or `None` when that was the last.
    pub fn wait_after(&self, attempts: i64) -> Option<time::Duration> {
        if attempts >= self.max_attempts {
            return None;
        }
        let doublings = u32::try_from(attempts.clamp(1, 31) - 1).unwrap_or(0);
        let wait = self.first_wait.checked_mul(1i32 << doublings.min(30));
        Some(wait.map_or(self.longest_wait, |w| w.min(self.longest_wait)))
    }
}

crate::sort_columns!(
    /// Columns the outbox sorts by.
    NotificationSort { Created, Kind, Status, Recipient, Subject, Attempts }
);

/// Which notifications a reader sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotificationScope {
    /// Administrators and ops: every one.
    All,
    /// A project manager: those about the projects they manage.
    ManagedBy(crate::people::PersonId),
    /// Nobody else.
    Nothing,
}

/// Filters of the outbox.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NotificationFilter {
    pub kind: Option<NoticeKind>,
    pub status: Option<NoticeStatus>,
    pub project_id: Option<ProjectId>,
}

/// The outbox as delivery and its readers need it.
#[async_trait]
pub trait NotificationStore: Send + Sync {
    /// Queues a notification on its own, not as part of another change: a test message
    /// to check the mail settings, fixtures.
    async fn queue_notification(&self, notice: &Notice) -> Result<NotificationId>;
    /// Claims up to `limit` messages due at `now` for node `node`, each by a conditional
    /// update so that of several nodes exactly one gets each message: those waiting whose
    /// next try has come, and those another node claimed before `now − CLAIM_TIMEOUT`.
    /// Each claim counts as a try.
    async fn claim_notifications(&self, node: &str, now: OffsetDateTime, limit: u32) -> Result<Vec<Notification>>;
    /// The SMTP server took the message: sent. `false` when `node` no longer holds it.
    async fn mark_sent(&self, id: NotificationId, node: &str, now: OffsetDateTime) -> Result<bool>;
    /// No mail transport is configured: kept in the outbox only.
    async fn mark_kept(&self, id: NotificationId, node: &str, now: OffsetDateTime) -> Result<bool>;
    /// The try failed: waiting again after the policy's wait, or failed when it was the
    /// last try. Answers the message as it is now, `None` when `node` no longer holds it.
    async fn mark_failed(
        &self,
        id: NotificationId,
        node: &str,
        error: &str,
        now: OffsetDateTime,
        policy: &RetryPolicy,
    ) -> Result<Option<Notification>>;
    /// One page of the outbox as a person reads it, sorted by a column.
    async fn notifications_page(
        &self,
        filter: &NotificationFilter,
        scope: NotificationScope,
        sort: &crate::sort::Sorted<NotificationSort>,
    ) -> Result<crate::sort::Numbered<Notification>>;
    /// The outbox newest first, by cursor (a page goes on with older messages).
    async fn notifications(
        &self,
        filter: &NotificationFilter,
        scope: NotificationScope,
        page: PageRequest,
    ) -> Result<Page<Notification>>;
    async fn notification(&self, id: NotificationId) -> Result<Option<Notification>>;
    /// Sends a failed or kept message again: waiting from `now`, its tries counted
    /// afresh; audited. Anything else is refused as a conflict.
    async fn resend_notification(
        &self,
        ctx: &WriteCtx,
        id: NotificationId,
        now: OffsetDateTime,
    ) -> Result<Notification>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_then_give_up() {
        let p = RetryPolicy::default();
        let mins = |n| p.wait_after(n).map(|d| d.whole_minutes());
        assert_eq!(
            [mins(1), mins(2), mins(3), mins(4)],
            [Some(1), Some(2), Some(4), Some(8)]
        );
        assert_eq!(mins(5), None, "the fifth failed try is the last");
        let long = RetryPolicy { max_attempts: 40, ..p };
        assert_eq!(long.wait_after(30).map(|d| d.whole_minutes()), Some(60), "capped");
    }
}
