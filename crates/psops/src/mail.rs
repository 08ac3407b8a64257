//! Mailing the notification outbox. Every notification is already in the outbox, written
//! in the transaction of the change that caused it; delivery claims each waiting one (so
//! of several nodes exactly one mails it), hands it to the SMTP server and records what
//! happened: sent; failed and waiting to be tried again after a doubling wait; failed for
//! good after the last try; or kept in the outbox only when no SMTP server is configured,
//! so nothing is silently lost.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use clap::{Args, ValueEnum};
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use psops_core::notify::{Notification, NotificationStore, RetryPolicy};
use time::OffsetDateTime;
use tokio::sync::watch;

/// How often `psops serve` looks for notifications to mail.
const TICK: Duration = Duration::from_secs(15);
/// Messages claimed at a time: a node holds no more than it mails soon.
const BATCH: u32 = 20;
/// How long one SMTP conversation may take.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// The SMTP server notifications go out through. Without `--smtp-host` none is
/// configured and notifications are kept in the outbox only.
#[derive(Debug, Clone, Args)]
pub struct SmtpArgs {
    /// The SMTP server's host name; without it notifications are kept in the outbox.
    #[arg(long = "smtp-host", env = "PSOPS_SMTP_HOST")]
    pub host: Option<String>,
    /// The SMTP server's port; by default 587 for `starttls`, 465 for `tls`, 25 for `none`.
    #[arg(long = "smtp-port", env = "PSOPS_SMTP_PORT")]
    pub port: Option<u16>,
    /// The sender: `psops@example.com` or `psops <psops@example.com>`.
    #[arg(long = "smtp-from", env = "PSOPS_SMTP_FROM")]
    pub from: Option<String>,
    /// The user to sign in to the SMTP server as, when it asks for one.
    #[arg(long = "smtp-username", env = "PSOPS_SMTP_USERNAME")]
    pub username: Option<String>,
    /// That user's password (better set in the environment than on the command line).
    #[arg(long = "smtp-password", env = "PSOPS_SMTP_PASSWORD", hide_env_values = true)]
    pub password: Option<String>,
    /// How the connection is encrypted.
    #[arg(long = "smtp-tls", env = "PSOPS_SMTP_TLS", value_enum, default_value_t = SmtpTls::Starttls)]
    pub tls: SmtpTls,
    /// Tries before a notification is marked failed.
    #[arg(long = "smtp-max-attempts", env = "PSOPS_SMTP_MAX_ATTEMPTS", default_value_t = 5,
        value_parser = clap::value_parser!(u32).range(1..=50))]
    pub max_attempts: u32,
    /// Seconds to wait after the first failed try; each later wait doubles, up to an hour.
    #[arg(long = "smtp-retry-seconds", env = "PSOPS_SMTP_RETRY_SECONDS", default_value_t = 60,
        value_parser = clap::value_parser!(u32).range(1..=3600))]
    pub retry_seconds: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SmtpTls {
    /// Plain text, for a relay on the same host or network (a local sink, a sidecar).
    None,
    /// Plain connection upgraded with STARTTLS, which the server must offer.
    Starttls,
    /// TLS from the first byte (implicit TLS, "SMTPS").
    Tls,
}

impl SmtpArgs {
    pub fn retry_policy(&self) -> RetryPolicy {
        RetryPolicy {
            max_attempts: i64::from(self.max_attempts),
            first_wait: time::Duration::seconds(i64::from(self.retry_seconds)),
            longest_wait: time::Duration::hours(1),
        }
    }

    /// The mailer these settings describe, or `None` when no SMTP host is set.
    pub fn mailer(&self) -> anyhow::Result<Option<Mailer>> {
        let Some(host) = self.host.as_deref().filter(|h| !h.trim().is_empty()) else {
            return Ok(None);
        };
        let from = self
            .from
            .as_deref()
            .context("--smtp-from (PSOPS_SMTP_FROM) is required with --smtp-host")?;
        let from: Mailbox = from
            .parse()
            .with_context(|| format!("--smtp-from: {from:?} is not an e-mail address"))?;
        let builder = match self.tls {
            SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host).port(25),
            SmtpTls::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host)
                .with_context(|| format!("--smtp-host {host}"))?,
            SmtpTls::Tls => {
                AsyncSmtpTransport::<Tokio1Executor>::relay(host).with_context(|| format!("--smtp-host {host}"))?
            }
        };
        let mut builder = builder.timeout(Some(SMTP_TIMEOUT));
        if let Some(port) = self.port {
            builder = builder.port(port);
        }
        match (&self.username, &self.password) {
            (Some(user), Some(password)) => {
                builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
            }
            (Some(_), None) => anyhow::bail!("--smtp-username needs --smtp-password (PSOPS_SMTP_PASSWORD)"),
            _ => {}
        }
        Ok(Some(Mailer {
            transport: builder.build(),
            from,
        }))
    }
}

/// An SMTP server and the sender notifications go out as.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

/// Why a try failed, and whether trying again could help.
struct Failure {
    text: String,
    permanent: bool,
}

impl Mailer {
    async fn send(&self, n: &Notification) -> Result<(), Failure> {
        let permanent = |text: String| Failure { text, permanent: true };
        let to: Address = n
            .to_email
            .parse()
            .map_err(|e| permanent(format!("{} is not an address: {e}", n.to_email)))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(Mailbox::new(Some(n.to_name.clone()), to))
            .subject(n.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(n.body.clone())
            .map_err(|e| permanent(format!("cannot build the message: {e}")))?;
        self.transport.send(message).await.map(drop).map_err(|e| Failure {
            permanent: e.is_permanent(),
            text: e.to_string(),
        })
    }
}

/// What one round of delivery did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub sent: usize,
    pub kept: usize,
    /// Failed and waiting to be tried again.
    pub retrying: usize,
    /// Failed for good.
    pub failed: usize,
}

/// Delivery as one node does it.
pub struct Delivery {
    pub store: Arc<dyn NotificationStore>,
    pub mailer: Option<Mailer>,
    pub policy: RetryPolicy,
    pub node: String,
}

impl Delivery {
    /// Mails (or keeps) every notification due now, batch by batch. What fails waits for
    /// a later round.
    pub async fn round(&self) -> psops_core::Result<Tally> {
        let now = OffsetDateTime::now_utc();
        let mut tally = Tally::default();
        loop {
            let batch = self.store.claim_notifications(&self.node, now, BATCH).await?;
            if batch.is_empty() {
                return Ok(tally);
            }
            for n in batch {
                self.deliver(&n, &mut tally).await?;
            }
        }
    }

    async fn deliver(&self, n: &Notification, tally: &mut Tally) -> psops_core::Result<()> {
        let Some(mailer) = &self.mailer else {
            if self
                .store
                .mark_kept(n.id, &self.node, OffsetDateTime::now_utc())
                .await?
            {
                tally.kept += 1;
            }
            return Ok(());
        };
        let sent = mailer.send(n).await;
        let now = OffsetDateTime::now_utc();
        match sent {
            Ok(()) => {
                if self.store.mark_sent(n.id, &self.node, now).await? {
                    tally.sent += 1;
                } else {
                    tracing::warn!(id = %n.id, "notification mailed after this node's claim ran out");
                }
            }
            Err(failure) => {
                // A refusal that can never succeed (no such mailbox, a bad address) gives
                // up at once; anything else waits and tries again.
                let policy = if failure.permanent {
                    RetryPolicy {
                        max_attempts: 0,
                        ..self.policy
                    }
                } else {
                    self.policy
                };
                let after = self
                    .store
                    .mark_failed(n.id, &self.node, &failure.text, now, &policy)
                    .await?;
                match after.map(|a| a.status) {
                    Some(psops_core::notify::NoticeStatus::Failed) => {
                        tracing::warn!(id = %n.id, error = %failure.text, "notification failed for good");
                        tally.failed += 1;
                    }
                    Some(_) => {
                        tracing::info!(id = %n.id, error = %failure.text, "notification failed; will try again");
                        tally.retrying += 1;
                    }
                    None => {}
                }
            }
        }
        Ok(())
    }
}

/// Delivers notifications inside `psops serve` until `stop` turns true.
pub fn spawn(delivery: Delivery, mut stop: watch::Receiver<bool>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        if delivery.mailer.is_none() {
            tracing::info!("no SMTP server configured: notifications are kept in the outbox");
        }
        loop {
            match delivery.round().await {
                Ok(t) if t == Tally::default() => {}
                Ok(t) => tracing::info!(
                    sent = t.sent,
                    kept = t.kept,
                    retrying = t.retrying,
                    failed = t.failed,
                    "notifications delivered"
                ),
                Err(e) => tracing::error!(error = %e, "notification delivery failed"),
            }
            tokio::select! {
                _ = tokio::time::sleep(TICK) => {}
                _ = stop.wait_for(|s| *s) => break,
            }
        }
    })
}

#[cfg(test)]
#[path = "mail_tests.rs"]
mod tests;
