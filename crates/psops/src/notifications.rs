//! `psops notifications send|list`: mail what waits in the outbox now (what `serve`
//! does every few seconds), and read the outbox.

use std::sync::Arc;

use clap::{Args, Subcommand};
use psops_core::code::Code;
use psops_core::notify::{NoticeKind, NoticeStatus, NotificationFilter, NotificationScope, NotificationStore as _};
use psops_core::page::PageRequest;

use crate::cli::{DbArgs, ListFormat};
use crate::mail::{Delivery, SmtpArgs};
use crate::{config, stdout_line, table};

#[derive(Debug, Subcommand)]
pub enum NotificationsCommand {
    /// Mail every notification due now through the SMTP server (kept in the outbox when
    /// none is configured); prints how many were sent, kept, will be tried again, failed.
    Send(SendArgs),
    /// The outbox, newest first.
    List(ListArgs),
}

#[derive(Debug, Args)]
pub struct SendArgs {
    #[command(flatten)]
    pub db: DbArgs,
    #[command(flatten)]
    pub smtp: SmtpArgs,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Only this kind: acceptance_request, survey, health_overdue, escalation_update,
    /// escalation_overdue, timesheet_reminder.
    #[arg(long)]
    pub kind: Option<String>,
    /// Only this status: queued, sending, sent, failed, kept.
    #[arg(long)]
    pub status: Option<String>,
    /// At most this many.
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=500))]
    pub limit: u32,
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

pub async fn run(cmd: NotificationsCommand) -> anyhow::Result<()> {
    match cmd {
        NotificationsCommand::Send(a) => send(a).await,
        NotificationsCommand::List(a) => list(a).await,
    }
}

async fn send(a: SendArgs) -> anyhow::Result<()> {
    let mailer = a.smtp.mailer()?;
    let db = config::open_db(&a.db.database_url).await?;
    let delivery = Delivery {
        store: Arc::new(db.clone()),
        mailer,
        policy: a.smtp.retry_policy(),
        node: crate::jobs::node(),
    };
    let done = delivery.round().await;
    db.close().await;
    let t = done?;
    stdout_line(format_args!(
        "sent {}, kept {}, to try again {}, failed {}",
        t.sent, t.kept, t.retrying, t.failed
    ))
}

async fn list(a: ListArgs) -> anyhow::Result<()> {
    let filter = NotificationFilter {
        kind: a.kind.as_deref().map(NoticeKind::from_code).transpose()?,
        status: a.status.as_deref().map(NoticeStatus::from_code).transpose()?,
        project_id: None,
    };
    let db = config::open_db(&a.db.database_url).await?;
    let page = PageRequest {
        after: None,
        limit: a.limit,
    };
    let got = db.notifications(&filter, NotificationScope::All, page).await;
    db.close().await;
    let items = got?.items;
    match a.format {
        ListFormat::Json => stdout_line(serde_json::to_string_pretty(&items)?),
        ListFormat::Table => {
            let rows: Vec<Vec<String>> = items
                .iter()
                .map(|n| {
                    vec![
                        n.id.to_string(),
                        n.created_at.date().to_string(),
                        n.kind.code().to_string(),
                        n.status.code().to_string(),
                        n.attempts.to_string(),
                        n.to_email.clone(),
                        n.subject.clone(),
                    ]
                })
                .collect();
            table::print(&["ID", "CREATED", "KIND", "STATUS", "TRIES", "TO", "SUBJECT"], &rows)
        }
    }
}
