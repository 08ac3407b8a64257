//! `psops escalations overdue [--notify]`: the escalations whose customer update is
//! overdue by their severity's cadence, most overdue first; with `--notify`, each DRI not
//! told yet in this cadence period gets a notice queued (what `serve` does every hour).

use clap::{Args, Subcommand};
use psops_core::code::Code;
use psops_core::delivery::escalations::{EscalationScope, EscalationStore as _};
use time::OffsetDateTime;

use crate::admin::cli_ctx;
use crate::cli::DbArgs;
use crate::scoping::{Output, print};
use crate::{config, stdout_line};

#[derive(Debug, Subcommand)]
pub enum EscalationsCommand {
    /// Escalations whose update is overdue, most overdue first.
    Overdue(OverdueArgs),
}

#[derive(Debug, Args)]
pub struct OverdueArgs {
    #[command(flatten)]
    pub db: DbArgs,
    #[arg(long, value_enum, default_value_t = Output::Table)]
    pub format: Output,
    /// Queue a notice to each DRI not told yet in this cadence period.
    #[arg(long)]
    pub notify: bool,
}

pub async fn run(cmd: EscalationsCommand) -> anyhow::Result<()> {
    let EscalationsCommand::Overdue(a) = cmd;
    let db = config::open_db(&a.db.database_url).await?;
    let done = overdue(&db, a.format, a.notify).await;
    db.close().await;
    done
}

async fn overdue(db: &psops_store::Db, format: Output, notify: bool) -> anyhow::Result<()> {
    let now = OffsetDateTime::now_utc();
    let list = db
        .overdue_escalations(&cli_ctx(), EscalationScope::All, now, notify)
        .await?;
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|o| {
            let e = &o.escalation;
            vec![
                e.id.to_string(),
                e.fields.severity.code().to_string(),
                e.status.code().to_string(),
                e.next_update_due.date().to_string(),
                (now - e.next_update_due).whole_hours().to_string(),
                o.dri_name.clone().unwrap_or_default(),
                if o.notified { "yes" } else { "" }.to_string(),
                e.fields.title.clone(),
            ]
        })
        .collect();
    print(
        format,
        &[
            "id",
            "severity",
            "status",
            "due",
            "hours_late",
            "dri",
            "notified",
            "escalation",
        ],
        &rows,
    )?;
    if notify && format == Output::Table {
        let told = list.iter().filter(|o| o.notified).count();
        stdout_line(format_args!("notified {told} DRI(s)"))?;
    }
    Ok(())
}
