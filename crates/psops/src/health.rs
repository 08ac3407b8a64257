//! `psops health overdue|notify`: the projects whose weekly health reports are overdue,
//! by project manager, as a table or CSV; and the weekly notices to their managers now
//! (what `serve` does hourly, once per manager per week).

use clap::{Args, Subcommand};
use psops_core::dates::parse_date;
use psops_core::scope::ListScope;
use psops_core::store::prelude::*;
use time::OffsetDateTime;

use crate::admin::cli_ctx;
use crate::cli::DbArgs;
use crate::scoping::{Output, print};
use crate::{config, stdout_line};

#[derive(Debug, Subcommand)]
pub enum HealthCommand {
    /// Active projects with weeks whose report's due day has passed without one.
    Overdue(OverdueArgs),
    /// Queue the overdue notice to each project manager not yet told this week.
    Notify(DbArgs),
}

#[derive(Debug, Args)]
pub struct OverdueArgs {
    #[command(flatten)]
    pub db: DbArgs,
    #[arg(long, value_enum, default_value_t = Output::Table)]
    pub format: Output,
    /// The day to compute on (YYYY-MM-DD); today when absent.
    #[arg(long)]
    pub on: Option<String>,
}

pub async fn run(cmd: HealthCommand) -> anyhow::Result<()> {
    let url = match &cmd {
        HealthCommand::Overdue(a) => a.db.database_url.clone(),
        HealthCommand::Notify(db) => db.database_url.clone(),
    };
    let db = config::open_db(&url).await?;
    let done = match cmd {
        HealthCommand::Overdue(a) => overdue(&db, a).await,
        HealthCommand::Notify(_) => notify(&db).await,
    };
    db.close().await;
    done
}

async fn overdue(db: &psops_store::Db, a: OverdueArgs) -> anyhow::Result<()> {
    let on = match a.on.as_deref() {
        Some(d) => parse_date("on", d)?,
        None => OffsetDateTime::now_utc().date(),
    };
    let list = db.overdue_health(&ListScope::All, on).await?;
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|o| {
            let weeks: Vec<String> = o.weeks.iter().map(ToString::to_string).collect();
            vec![
                o.project_manager_name.clone().unwrap_or_else(|| "(none)".into()),
                o.project_id.to_string(),
                o.project_name.clone(),
                o.weeks.len().to_string(),
                weeks.join(" "),
            ]
        })
        .collect();
    print(
        a.format,
        &["project_manager", "project_id", "project", "missing", "weeks"],
        &rows,
    )
}

async fn notify(db: &psops_store::Db) -> anyhow::Result<()> {
    let told = db.notify_overdue_health(&cli_ctx(), OffsetDateTime::now_utc()).await?;
    stdout_line(format_args!("queued {told} overdue-report notice(s)"))
}
