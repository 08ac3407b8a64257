//! `psops revenue recognise` and `psops period close | reopen | list`: finance's month-end
//! from a terminal — recognise revenue and cost into the open months (printing what
//! could not be priced), close a month, reopen one with a reason, list the months.

use clap::{Args, Subcommand};
use psops_core::code::Code;
use psops_core::dates::{format_date, parse_date};
use psops_core::finance::Month;
use psops_core::store::prelude::*;
use time::OffsetDateTime;

use crate::calendar::PeriodCommand;
use crate::cli::DbArgs;
use crate::report::{ReportFormat, emit};
use crate::{config, stdout_line};

#[derive(Debug, Subcommand)]
pub enum RevenueCommand {
    /// Recognise revenue and cost into the open months; prints the totals and every
    /// piece of work that could not be priced.
    Recognise(RecogniseArgs),
}

#[derive(Debug, Args)]
pub struct RecogniseArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// The last day recognised (YYYY-MM-DD); today when absent.
    #[arg(long)]
    pub through: Option<String>,
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,
}

#[derive(Debug, Args)]
pub struct PeriodCloseArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// The month, YYYY-MM.
    pub month: String,
    /// Close every month from `month` through this one (YYYY-MM) at once, with one
    /// recognition run — for an organisation that brings in past years.
    #[arg(long)]
    pub through: Option<String>,
}

#[derive(Debug, Args)]
pub struct PeriodReopenArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// The month, YYYY-MM.
    pub month: String,
    /// Why the closed month is reopened (required, at most 500 characters).
    #[arg(long)]
    pub reason: String,
}

#[derive(Debug, Args)]
pub struct PeriodListArgs {
    #[command(flatten)]
    pub db: DbArgs,
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,
}

fn money(m: Option<psops_core::Money>) -> String {
    m.map(|m| format!("{} {}", m.written(), m.currency)).unwrap_or_default()
}

fn today() -> time::Date {
    OffsetDateTime::now_utc().date()
}

pub async fn run(cmd: RevenueCommand) -> anyhow::Result<()> {
    let RevenueCommand::Recognise(a) = cmd;
    let through = match &a.through {
        Some(d) => parse_date("through", d)?,
        None => today(),
    };
    let db = config::open_db(&a.db.database_url).await?;
    let s = db.recognise(&crate::admin::cli_ctx(), through).await;
    db.close().await;
    let s = s?;
    if a.format == ReportFormat::Json {
        return stdout_line(serde_json::to_string_pretty(&s)?);
    }
    stdout_line(format_args!(
        "recognised through {}: {} lines over {} months, revenue {} {}, cost {} {}, {} problems",
        format_date(s.through),
        s.lines,
        s.months.len(),
        s.revenue.written(),
        s.revenue.currency,
        s.cost.written(),
        s.cost.currency,
        s.problems.len()
    ))?;
    for r in &s.at_risk {
        stdout_line(format_args!(
            "at risk (SOW not signed): project {} {} {}",
            r.project_id,
            r.amount.written(),
            r.amount.currency
        ))?;
    }
    if s.problems.is_empty() {
        return Ok(());
    }
    let rows: Vec<Vec<String>> = s
        .problems
        .iter()
        .map(|p| {
            vec![
                p.problem.code().to_string(),
                p.project_id.to_string(),
                p.entry_id.map(|e| e.to_string()).unwrap_or_default(),
                p.person_id.map(|e| e.to_string()).unwrap_or_default(),
                p.date.map(format_date).unwrap_or_default(),
                p.role.map(|r| r.code().to_string()).unwrap_or_default(),
                p.message.clone(),
            ]
        })
        .collect();
    let headers = ["problem", "project", "entry", "person", "date", "role", "message"];
    emit(
        a.format,
        &headers,
        &[0, 1, 2, 3, 4, 5, 6],
        rows,
        serde_json::Value::Null,
    )
}

/// The finance parts of `psops period`: close, reopen, list (`lock` is the calendar's).
pub async fn period(cmd: PeriodCommand) -> anyhow::Result<()> {
    match cmd {
        PeriodCommand::Lock(a) => crate::calendar::lock(a).await,
        PeriodCommand::Close(a) => {
            let month = Month::parse(&a.month, "month")?;
            let through = match &a.through {
                Some(t) => Month::parse(t, "through")?,
                None => month,
            };
            if through < month {
                anyhow::bail!("through: {through} is before {month}; give the later month after --through");
            }
            let months: Vec<Month> = month.through(through).collect();
            let db = config::open_db(&a.db.database_url).await?;
            let done = db.close_periods(&crate::admin::cli_ctx(), &months, today()).await;
            db.close().await;
            for p in done? {
                stdout_line(format_args!(
                    "closed {}: revenue {}, cost {}; its time is locked",
                    p.month,
                    money(p.revenue),
                    money(p.cost)
                ))?;
            }
            Ok(())
        }
        PeriodCommand::Reopen(a) => {
            let month = Month::parse(&a.month, "month")?;
            let db = config::open_db(&a.db.database_url).await?;
            let done = db.reopen_period(&crate::admin::cli_ctx(), month, &a.reason).await;
            db.close().await;
            let p = done?;
            stdout_line(format_args!(
                "reopened {}: {}",
                p.month,
                p.reopen_reason.unwrap_or_default()
            ))
        }
        PeriodCommand::List(a) => {
            let db = config::open_db(&a.db.database_url).await?;
            let list = db.periods(today()).await;
            db.close().await;
            let list = list?;
            let ts = |t: Option<OffsetDateTime>| t.map(|t| t.date()).map(format_date).unwrap_or_default();
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|p| {
                    vec![
                        p.month.to_string(),
                        p.status.code().to_string(),
                        p.revenue.map(|m| m.written()).unwrap_or_default(),
                        p.cost.map(|m| m.written()).unwrap_or_default(),
                        p.revenue.map(|m| m.currency.to_string()).unwrap_or_default(),
                        p.closed_by.map(|u| u.to_string()).unwrap_or_default(),
                        ts(p.closed_at),
                        ts(p.reopened_at),
                        p.reopen_reason.clone().unwrap_or_default(),
                    ]
                })
                .collect();
            let headers = [
                "month",
                "status",
                "revenue",
                "cost",
                "currency",
                "closed_by",
                "closed_on",
                "reopened_on",
                "reopen_reason",
            ];
            emit(
                a.format,
                &headers,
                &[0, 1, 2, 3, 4, 6, 7, 8],
                rows,
                serde_json::to_value(&list)?,
            )
        }
    }
}
