//! `psops scoping sweep|wins|overdue`: close idle scoping records now (what `serve` does
//! hourly), and the win-rate and service-level reports as tables or CSV.

use clap::{Args, Subcommand, ValueEnum};
use psops_core::code::Code;
use psops_core::people::Person;
use psops_core::scoping::opportunities::OpportunityFilter;
use psops_core::scoping::wins::{WinBy, win_rates};
use psops_core::store::prelude::*;
use time::OffsetDateTime;

use crate::admin::cli_ctx;
use crate::cli::DbArgs;
use crate::{config, stdout_line, table};

#[derive(Debug, Subcommand)]
pub enum ScopingCommand {
    /// Close lost every open scoping record idle for the setting's months (unless its EM
    /// keeps it open); prints what it closed.
    Sweep(DbArgs),
    /// Win rate = closed won ÷ (closed won + closed lost), by quarter, segment or EM.
    Wins(WinsArgs),
    /// The overdue service-level clocks of open scoping records, most overdue first.
    Overdue(OutputArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum By {
    Quarter,
    Segment,
    EngagementManager,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Output {
    Table,
    Csv,
}

#[derive(Debug, Args)]
pub struct OutputArgs {
    #[command(flatten)]
    pub db: DbArgs,
    #[arg(long, value_enum, default_value_t = Output::Table)]
    pub format: Output,
}

#[derive(Debug, Args)]
pub struct WinsArgs {
    #[command(flatten)]
    pub out: OutputArgs,
    #[arg(long, value_enum, default_value_t = By::Quarter)]
    pub by: By,
}

pub async fn run(cmd: ScopingCommand) -> anyhow::Result<()> {
    let url = match &cmd {
        ScopingCommand::Sweep(db) => db.database_url.clone(),
        ScopingCommand::Wins(a) => a.out.db.database_url.clone(),
        ScopingCommand::Overdue(a) => a.db.database_url.clone(),
    };
    let db = config::open_db(&url).await?;
    let done = match cmd {
        ScopingCommand::Sweep(_) => sweep(&db).await,
        ScopingCommand::Wins(a) => wins(&db, a.by, a.out.format).await,
        ScopingCommand::Overdue(a) => overdue(&db, a.format).await,
    };
    db.close().await;
    done
}

async fn sweep(db: &psops_store::Db) -> anyhow::Result<()> {
    let closed = db.sweep_idle(&cli_ctx(), OffsetDateTime::now_utc()).await?;
    let months = db.settings().await?.scoping.idle_months;
    stdout_line(format_args!(
        "closed {} scoping record(s) idle for {months} month(s)",
        closed.len()
    ))?;
    let names = db.names(&closed).await?;
    let rows: Vec<Vec<String>> = closed
        .iter()
        .map(|id| vec![id.to_string(), names.get(&id.get()).cloned().unwrap_or_default()])
        .collect();
    if !rows.is_empty() {
        table::print(&["id", "opportunity"], &rows)?;
    }
    Ok(())
}

pub(crate) fn print(format: Output, headers: &[&str], rows: &[Vec<String>]) -> anyhow::Result<()> {
    match format {
        Output::Table => table::print(headers, rows),
        Output::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(headers)?;
            for r in rows {
                w.write_record(r)?;
            }
            let text = String::from_utf8(w.into_inner()?)?;
            stdout_line(text.trim_end())
        }
    }
}

async fn em_names(db: &psops_store::Db, ids: Vec<i64>) -> anyhow::Result<std::collections::HashMap<i64, String>> {
    let ids: Vec<psops_core::Id<Person>> = ids.into_iter().map(psops_core::Id::new).collect();
    Ok(db.names(&ids).await?.as_ref().clone())
}

async fn wins(db: &psops_store::Db, by: By, format: Output) -> anyhow::Result<()> {
    let by = match by {
        By::Quarter => WinBy::Quarter,
        By::Segment => WinBy::Segment,
        By::EngagementManager => WinBy::EngagementManager,
    };
    let rates = win_rates(&db.win_counts().await?, by);
    let ids = rates.iter().filter_map(|r| r.key.parse::<i64>().ok()).collect();
    let names = em_names(db, ids).await?;
    let rows: Vec<Vec<String>> = rates
        .iter()
        .map(|r| {
            let key = match by {
                WinBy::EngagementManager => r
                    .key
                    .parse::<i64>()
                    .ok()
                    .and_then(|id| names.get(&id).cloned())
                    .unwrap_or_else(|| {
                        if r.key.is_empty() {
                            "(none)".into()
                        } else {
                            r.key.clone()
                        }
                    }),
                _ => r.key.clone(),
            };
            vec![
                key,
                r.won.to_string(),
                r.lost.to_string(),
                psops_core::report_text::percent(r.rate_bp),
            ]
        })
        .collect();
    print(format, &[by.code(), "won", "lost", "win_rate"], &rows)
}

async fn overdue(db: &psops_store::Db, format: Output) -> anyhow::Result<()> {
    let list = db
        .overdue(&OpportunityFilter::default(), OffsetDateTime::now_utc())
        .await?;
    let ids = list
        .iter()
        .filter_map(|o| o.engagement_manager_id.map(|p| p.get()))
        .collect();
    let names = em_names(db, ids).await?;
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|o| {
            vec![
                o.due_at.0.to_string(),
                o.clock.code().to_string(),
                o.state.code().to_string(),
                o.engagement_manager_id
                    .and_then(|p| names.get(&p.get()).cloned())
                    .unwrap_or_default(),
                o.name.clone(),
            ]
        })
        .collect();
    print(
        format,
        &["due_at", "clock", "state", "engagement_manager", "opportunity"],
        &rows,
    )
}
