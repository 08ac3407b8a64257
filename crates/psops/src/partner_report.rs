//! `psops report partners`: per partner over a span of months — approved hours, revenue,
//! partner cost, margin, CSAT, funds left and the vetting pipeline, with the totals —
//! as an aligned table, CSV or JSON (the API's `/api/v1/reports/partners` document).

use clap::Args;
use psops_core::finance::Month;
use psops_core::partnering::report::{PARTNER_HEADERS, partner_cells};
use psops_core::store::prelude::*;
use time::OffsetDateTime;

use crate::cli::DbArgs;
use crate::config;
use crate::report::{ReportFormat, emit};

#[derive(Debug, Args)]
pub struct PartnerReportArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// The first month (YYYY-MM); the first of this fiscal year when absent.
    #[arg(long)]
    pub from: Option<String>,
    /// The last month (YYYY-MM); this month when absent.
    #[arg(long)]
    pub to: Option<String>,
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,
}

pub async fn run(a: PartnerReportArgs) -> anyhow::Result<()> {
    let db = config::open_db(&a.db.database_url).await?;
    let found = report(&db, &a).await;
    db.close().await;
    let report = found?;
    let c = report.currency;
    let mut rows: Vec<Vec<String>> = report.rows.iter().map(|r| partner_cells(r, c)).collect();
    rows.push(partner_cells(&report.total, c));
    // The table: partner, hours, revenue, cost, margin, margin %, CSAT, funds, vetted.
    let columns: &[usize] = &[1, 2, 4, 6, 7, 8, 9, 11, 12];
    emit(
        a.format,
        &PARTNER_HEADERS,
        columns,
        rows,
        serde_json::to_value(&report)?,
    )
}

async fn report(
    db: &psops_store::Db,
    a: &PartnerReportArgs,
) -> anyhow::Result<psops_core::partnering::report::PartnerReport> {
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
    Ok(db.partner_report(from, to, today).await?)
}
