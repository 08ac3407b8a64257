//! `psops milestones sweep`: accept passively every milestone whose passive-acceptance
//! date is over (what `serve` does hourly), printing what it accepted.

use clap::Subcommand;
use psops_core::store::prelude::*;
use time::OffsetDateTime;

use crate::admin::cli_ctx;
use crate::config;
use crate::scoping::{Output, OutputArgs};

#[derive(Debug, Subcommand)]
pub enum MilestonesCommand {
    /// Accept passively every milestone awaiting acceptance whose passive-acceptance
    /// date (the last business day of the notice) is before today; prints what it
    /// accepted.
    Sweep(OutputArgs),
}

pub async fn run(cmd: MilestonesCommand) -> anyhow::Result<()> {
    let MilestonesCommand::Sweep(args) = cmd;
    let db = config::open_db(&args.db.database_url).await?;
    let done = sweep(&db, args.format).await;
    db.close().await;
    done
}

async fn sweep(db: &psops_store::Db, format: Output) -> anyhow::Result<()> {
    let today = OffsetDateTime::now_utc().date();
    let accepted = db.sweep_acceptance(&cli_ctx(), today).await?;
    if format == Output::Table {
        crate::stdout_line(format_args!(
            "accepted {} milestone(s) passively (passive acceptance used)",
            accepted.len()
        ))?;
        if accepted.is_empty() {
            return Ok(());
        }
    }
    let rows: Vec<Vec<String>> = accepted
        .iter()
        .map(|a| {
            vec![
                a.milestone_id.to_string(),
                a.project_name.clone(),
                a.milestone_name.clone(),
                a.requested_on.to_string(),
                a.accepted_on.to_string(),
            ]
        })
        .collect();
    crate::scoping::print(
        format,
        &["milestone_id", "project", "milestone", "requested_on", "accepted_on"],
        &rows,
    )
}
