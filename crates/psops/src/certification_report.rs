//! `psops report certifications` (pass rates by certification) and `psops report
//! expiring-certificates --days 90` (certificates in force that expire soon), as an
//! aligned table, CSV or JSON — the figures of `/api/v1/certification-report`.

use clap::Args;
use psops_core::certifications::reports::LearnerScope;
use psops_core::store::prelude::*;
use time::{Duration, OffsetDateTime};

use crate::cli::DbArgs;
use crate::config;
use crate::report::{ReportFormat, emit};

#[derive(Debug, Args)]
pub struct CertificationArgs {
    #[command(flatten)]
    pub db: DbArgs,
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,
}

#[derive(Debug, Args)]
pub struct ExpiringArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// How many days ahead to look (1–730).
    #[arg(long, default_value_t = 90, value_parser = clap::value_parser!(i64).range(1..=730))]
    pub days: i64,
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,
}

const FIGURE_HEADERS: [&str; 10] = [
    "code",
    "certification",
    "attempts",
    "written_passed",
    "labs_graded",
    "passed",
    "written_pass_rate",
    "lab_pass_rate",
    "pass_rate",
    "certificates_in_force",
];

const EXPIRING_HEADERS: [&str; 4] = ["expires_on", "holder", "certification", "number"];

fn pct(v: Option<i64>) -> String {
    v.map(|p| format!("{p}%")).unwrap_or_default()
}

pub async fn figures(a: CertificationArgs) -> anyhow::Result<()> {
    let db = config::open_db(&a.db.database_url).await?;
    let today = OffsetDateTime::now_utc().date();
    let found = db.certification_figures(&LearnerScope::All, today).await;
    db.close().await;
    let figures = found?;
    let rows = figures
        .iter()
        .map(|f| {
            vec![
                f.code.clone(),
                f.name.clone(),
                f.attempts.to_string(),
                f.written_passed.to_string(),
                f.labs_graded.to_string(),
                f.passed.to_string(),
                pct(f.written_pass_rate),
                pct(f.lab_pass_rate),
                pct(f.pass_rate),
                f.active_certificates.to_string(),
            ]
        })
        .collect();
    let columns: &[usize] = &[1, 2, 6, 7, 8, 9];
    emit(
        a.format,
        &FIGURE_HEADERS,
        columns,
        rows,
        serde_json::to_value(&figures)?,
    )
}

pub async fn expiring(a: ExpiringArgs) -> anyhow::Result<()> {
    let db = config::open_db(&a.db.database_url).await?;
    let today = OffsetDateTime::now_utc().date();
    let found = db
        .expiring_certificates(today, today + Duration::days(a.days), &LearnerScope::All)
        .await;
    db.close().await;
    let soon = found?;
    let rows = soon
        .iter()
        .map(|e| {
            vec![
                e.expires_on.to_string(),
                e.holder.clone(),
                e.certification.clone(),
                e.number.clone(),
            ]
        })
        .collect();
    emit(
        a.format,
        &EXPIRING_HEADERS,
        &[0, 1, 2, 3],
        rows,
        serde_json::to_value(&soon)?,
    )
}
