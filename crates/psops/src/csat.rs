//! `psops report csat`: CSAT by fiscal quarter, offering, project manager, region or
//! partner — surveys sent, answered and satisfied (4 or 5), CSAT % (satisfied ÷
//! answered; "-" without answers, never 0 %) and the response rate (answered ÷ sent).

use clap::{Args, ValueEnum};
use psops_core::delivery::surveys::{CsatBy, percent};
use psops_core::store::prelude::*;
use serde_json::json;

use crate::cli::DbArgs;
use crate::config;
use crate::report::{ReportFormat, emit};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum By {
    Quarter,
    Offering,
    Pm,
    Region,
    Partner,
}

#[derive(Debug, Args)]
pub struct CsatArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// What the rows are: fiscal quarters (newest first), offerings, project managers,
    /// account regions, or partners (partner-delivered projects only).
    #[arg(long, value_enum, default_value_t = By::Quarter)]
    pub by: By,
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,
}

const HEADERS: [&str; 8] = [
    "group",
    "sent",
    "answered",
    "satisfied",
    "csat",
    "response rate",
    "csat_bp",
    "response_rate_bp",
];

pub async fn run(a: CsatArgs) -> anyhow::Result<()> {
    let by = match a.by {
        By::Quarter => CsatBy::Quarter,
        By::Offering => CsatBy::Offering,
        By::Pm => CsatBy::Pm,
        By::Region => CsatBy::Region,
        By::Partner => CsatBy::Partner,
    };
    let db = config::open_db(&a.db.database_url).await?;
    let rows = db.csat_report(by).await;
    db.close().await;
    let rows = rows?;
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                r.group.clone(),
                r.tally.sent.to_string(),
                r.tally.answered.to_string(),
                r.tally.satisfied.to_string(),
                percent(r.csat_bp).replace('—', ""),
                percent(r.response_rate_bp).replace('—', ""),
                r.csat_bp.map(|b| b.to_string()).unwrap_or_default(),
                r.response_rate_bp.map(|b| b.to_string()).unwrap_or_default(),
            ]
        })
        .collect();
    let doc = json!({"by": by, "rows": rows});
    emit(a.format, &HEADERS, &[0, 1, 2, 3, 4, 5], cells, doc)
}
