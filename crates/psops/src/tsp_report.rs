//! `psops report training-partners [--as-of DAY]`: each training service partner's
//! compliance with the programme's terms and what it is missing, as an aligned table, CSV
//! or JSON — the figures of `/api/v1/training-partners`.

use clap::Args;
use psops_core::education::tsp::{TspStatus, TspTerm};
use psops_core::store::prelude::*;
use time::OffsetDateTime;

use crate::cli::DbArgs;
use crate::config;
use crate::report::{ReportFormat, emit};

#[derive(Debug, Args)]
pub struct TspArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// The day compliance is judged on (YYYY-MM-DD); today when absent.
    #[arg(long)]
    pub as_of: Option<String>,
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,
}

const HEADERS: [&str; 10] = [
    "partner",
    "status",
    "enrolled_on",
    "ramp_ends_on",
    "trainers",
    "courses",
    "csat",
    "classes",
    "late",
    "missing",
];

pub async fn run(a: TspArgs) -> anyhow::Result<()> {
    let as_of = match a.as_of.as_deref() {
        Some(text) => psops_core::dates::parse_date("as_of", text)?,
        None => OffsetDateTime::now_utc().date(),
    };
    let db = config::open_db(&a.db.database_url).await?;
    let found = async {
        let settings = db.settings().await?;
        db.tsp_compliance(&settings.training_partners, &settings.fiscal_calendar(), as_of, None)
            .await
    }
    .await;
    db.close().await;
    let partners = found?;
    let rows = partners
        .iter()
        .map(|c| {
            let of = |term| {
                c.checks
                    .iter()
                    .find(|k| k.term == term)
                    .and_then(|k| k.actual.map(|v| (v, k.required)))
            };
            let count = |term| of(term).map(|(v, need)| format!("{v}/{need}")).unwrap_or_default();
            vec![
                c.partner.clone(),
                match c.status {
                    TspStatus::Compliant => "compliant",
                    TspStatus::RampingUp => "ramping up",
                    TspStatus::NotCompliant => "not compliant",
                }
                .to_string(),
                c.enrolled_on.to_string(),
                c.ramp_ends_on.to_string(),
                count(TspTerm::Trainers),
                count(TspTerm::Courses),
                of(TspTerm::Csat).map(|(v, _)| format!("{v}%")).unwrap_or_default(),
                c.delivered.to_string(),
                c.late_classes.len().to_string(),
                c.missing().join("; "),
            ]
        })
        .collect();
    emit(
        a.format,
        &HEADERS,
        &[0, 1, 4, 5, 6, 7, 8, 9],
        rows,
        serde_json::to_value(&partners)?,
    )
}
