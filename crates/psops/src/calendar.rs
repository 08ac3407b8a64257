//! `psops calendar import` and `psops period lock`: the operations and finance chores
//! done from a terminal — a region's holidays from an iCalendar or CSV file, and closing
//! a period so no entry in it changes any more.

use std::path::PathBuf;

use anyhow::Context as _;
use clap::{Args, Subcommand};
use psops_core::Error;
use psops_core::calendars::CalendarFields;
use psops_core::dates::{DateRange, format_date, parse_date};
use psops_core::interchange::holidays::{parse_csv, parse_ics};
use psops_core::rule::Rule;
use psops_core::store::prelude::*;

use crate::cli::DbArgs;
use crate::{config, stdout_line};

#[derive(Debug, Subcommand)]
pub enum CalendarCommand {
    /// Add a region's holidays from a .ics or .csv (date,name[,hours]) file, all or none;
    /// the region's calendar is created when it has none.
    Import(CalendarImportArgs),
}

#[derive(Debug, Args)]
pub struct CalendarImportArgs {
    #[command(flatten)]
    pub db: DbArgs,
    #[arg(long)]
    pub region: String,
    /// The file: its extension (.ics or .csv) says how to read it.
    pub file: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum PeriodCommand {
    /// Lock a period: from now on no time entry dated in it changes for anyone.
    Lock(PeriodLockArgs),
    /// Close a month that has ended: recognise, freeze its ledger lines, lock its time.
    Close(crate::revenue::PeriodCloseArgs),
    /// Reopen a closed month, with the reason.
    Reopen(crate::revenue::PeriodReopenArgs),
    /// The months with their status (open, closed, reopened) and recognised totals.
    List(crate::revenue::PeriodListArgs),
}

#[derive(Debug, Args)]
pub struct PeriodLockArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// First day (YYYY-MM-DD).
    #[arg(long)]
    pub from: String,
    /// Last day, included.
    #[arg(long)]
    pub to: String,
}

pub async fn calendar(cmd: CalendarCommand) -> anyhow::Result<()> {
    let CalendarCommand::Import(a) = cmd;
    let text = std::fs::read_to_string(&a.file).with_context(|| format!("reading {}", a.file.display()))?;
    let ext = a
        .file
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let holidays = match ext.as_str() {
        "ics" => parse_ics(&text)?,
        "csv" => parse_csv(&text)?,
        _ => anyhow::bail!("{}: the file must end in .ics or .csv", a.file.display()),
    };
    let region = a.region.trim().to_string();
    let db = config::open_db(&a.db.database_url).await?;
    let done = async {
        let ctx = crate::admin::cli_ctx();
        let existing = db.list_calendars().await?;
        let calendar = match existing
            .into_iter()
            .find(|c| c.fields.region.eq_ignore_ascii_case(&region))
        {
            Some(c) => c,
            None => {
                let fields = CalendarFields {
                    name: format!("{region} holidays"),
                    region: region.clone(),
                };
                db.create_calendar(&ctx, fields).await?
            }
        };
        let added = db.add_holidays(&ctx, calendar.id, holidays).await?;
        Ok::<_, Error>((calendar, added))
    }
    .await;
    db.close().await;
    let (calendar, added) = done?;
    stdout_line(format_args!(
        "added {} holidays to calendar {} ({})",
        added.len(),
        calendar.id,
        calendar.fields.region
    ))
}

/// `psops period lock`.
pub async fn lock(a: PeriodLockArgs) -> anyhow::Result<()> {
    let range = DateRange::new(parse_date("from", &a.from)?, parse_date("to", &a.to)?)
        .map_err(|_| Error::invalid("to", Rule::AfterStart, "to must be on or after from"))?;
    let db = config::open_db(&a.db.database_url).await?;
    let lock = db.lock_period(&crate::admin::cli_ctx(), range).await;
    db.close().await;
    let lock = lock?;
    stdout_line(format_args!(
        "locked {} to {} (lock {})",
        format_date(lock.range.start),
        format_date(lock.range.end),
        lock.id
    ))
}
