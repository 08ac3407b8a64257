//! `psops report forecast`: the revenue and billable-hours forecast by month — weighted
//! revenue and its upside in the reporting currency, weighted billable hours and their
//! upside — as a table, CSV or JSON (JSON holds the billing-type and offering totals
//! too); and `psops forecast snapshot`, which keeps the forecast as it stands (what
//! `serve` does on the first of each month).

use clap::{Args, Subcommand};
use psops_core::finance::Month;
use psops_core::finance::forecast_store::SNAPSHOT_MONTHS;
use psops_core::store::prelude::*;
use psops_core::{Minutes, Money};
use time::OffsetDateTime;

use crate::admin::cli_ctx;
use crate::cli::DbArgs;
use crate::report::{ReportFormat, emit};
use crate::{config, stdout_line};

#[derive(Debug, Args)]
pub struct ForecastArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// The first month (YYYY-MM); the current month when absent.
    #[arg(long)]
    pub from: Option<String>,
    /// How many months, 1 to 24.
    #[arg(long, default_value_t = SNAPSHOT_MONTHS, value_parser = clap::value_parser!(u32).range(1..=24))]
    pub months: u32,
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,
}

#[derive(Debug, Subcommand)]
pub enum ForecastCommand {
    /// Keep the forecast as it stands now, as a snapshot accuracy is later measured from.
    Snapshot(ForecastArgs),
}

const HEADERS: [&str; 9] = [
    "month",
    "revenue",
    "upside",
    "billable_h",
    "upside_h",
    "currency",
    "revenue_minor",
    "upside_minor",
    "billable_minutes",
];

fn from_of(a: &ForecastArgs) -> anyhow::Result<Month> {
    Ok(match &a.from {
        Some(f) => Month::parse(f, "from")?,
        None => Month::of(OffsetDateTime::now_utc().date()),
    })
}

pub async fn report(a: ForecastArgs) -> anyhow::Result<()> {
    let from = from_of(&a)?;
    let db = config::open_db(&a.db.database_url).await?;
    let f = db.forecast(from, a.months, false).await;
    db.close().await;
    let f = f?;
    let cur = f.reporting_currency;
    let cells: Vec<Vec<String>> = f
        .by_month
        .iter()
        .map(|m| {
            let t = &m.totals;
            vec![
                m.month.to_string(),
                Money::new(t.revenue_minor, cur).written(),
                Money::new(t.upside_minor, cur).written(),
                Minutes(t.billable_minutes).hours_text(),
                Minutes(t.billable_upside_minutes).hours_text(),
                cur.to_string(),
                t.revenue_minor.to_string(),
                t.upside_minor.to_string(),
                t.billable_minutes.to_string(),
            ]
        })
        .collect();
    emit(a.format, &HEADERS, &[0, 1, 2, 3, 4], cells, serde_json::to_value(&f)?)
}

pub async fn run(cmd: ForecastCommand) -> anyhow::Result<()> {
    let ForecastCommand::Snapshot(a) = cmd;
    let from = from_of(&a)?;
    let db = config::open_db(&a.db.database_url).await?;
    let kept = db
        .snapshot_forecast(&cli_ctx(), from, a.months, OffsetDateTime::now_utc())
        .await;
    db.close().await;
    let s = kept?;
    match a.format {
        ReportFormat::Json => stdout_line(serde_json::to_string_pretty(&s)?),
        _ => stdout_line(format_args!(
            "kept forecast snapshot {} ({} months from {}): {} weighted, {} upside, {} billable hours",
            s.id,
            s.months,
            s.from,
            Money::new(s.revenue_minor, s.reporting_currency).written(),
            Money::new(s.upside_minor, s.reporting_currency).written(),
            Minutes(s.billable_minutes).hours_text(),
        )),
    }
}
