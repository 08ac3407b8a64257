//! `psops report revenue|margin`: recognised revenue, and revenue, cost and margin
//! against the target, by month, quarter, project, offering, offering type, category,
//! account, manager, region or basis — as an aligned table, CSV or JSON, the same cells
//! the API's CSV has.

use clap::Args;
use psops_core::finance::Month;
use psops_core::finance::margin::{MARGIN_HEADERS, MarginBy, margin_cells};
use psops_core::store::prelude::*;
use time::OffsetDateTime;

use crate::cli::DbArgs;
use crate::config;
use crate::report::{ReportFormat, emit};

#[derive(Debug, Args)]
pub struct MoneyArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// The first month (YYYY-MM); the first of this fiscal year when absent.
    #[arg(long)]
    pub from: Option<String>,
    /// The last month (YYYY-MM); this month when absent.
    #[arg(long)]
    pub to: Option<String>,
    /// What the rows are: month, quarter, project, offering, offering_type, category,
    /// account, manager, region or basis. Revenue defaults to month, margin to project.
    #[arg(long)]
    pub by: Option<String>,
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,
}

/// Which report: revenue alone, or revenue, cost and margin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    Revenue,
    Margin,
}

pub async fn run(a: MoneyArgs, which: Which) -> anyhow::Result<()> {
    let db = config::open_db(&a.db.database_url).await?;
    let found = report(&db, &a, which).await;
    db.close().await;
    let report = found?;
    let c = report.currency;
    let mut rows: Vec<Vec<String>> = report
        .rows
        .iter()
        .map(|r| margin_cells(&r.key, &r.label, &r.figures, r.vs_target_bp, c))
        .collect();
    let total = &report.total;
    rows.push(margin_cells(
        "total",
        "Total",
        total,
        total.margin_bp.map(|m| m - report.target_bp),
        c,
    ));
    let columns: &[usize] = match which {
        Which::Revenue => &[1, 2, 7],
        Which::Margin => &[1, 2, 3, 4, 5, 6],
    };
    emit(a.format, &MARGIN_HEADERS, columns, rows, serde_json::to_value(&report)?)
}

async fn report(
    db: &psops_store::Db,
    a: &MoneyArgs,
    which: Which,
) -> anyhow::Result<psops_core::finance::margin::MarginReport> {
    let today = OffsetDateTime::now_utc().date();
    let fiscal = db.settings().await?.fiscal_calendar();
    let from = match &a.from {
        Some(t) => Month::parse(t, "from")?,
        None => Month::of(fiscal.year_range(fiscal.year_of(today)).start),
    };
    let to = match &a.to {
        Some(t) => Month::parse(t, "to")?,
        None => Month::of(today),
    };
    let by: MarginBy = match &a.by {
        Some(b) => b.parse().map_err(|_| {
            anyhow::anyhow!(
                "--by must be one of month, quarter, project, offering, offering_type, category, account, manager, region, basis"
            )
        })?,
        None if which == Which::Revenue => MarginBy::Month,
        None => MarginBy::Project,
    };
    Ok(db.margin_report(from, to, by).await?)
}
