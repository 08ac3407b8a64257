//! `psops report education [--from --to] [--by quarter|trainer]`: the education report
//! of `/api/v1/education-report` — per calendar quarter classes, seats offered and filled,
//! fill rate, learners attending and training revenue (with the total), or per trainer
//! classes, class days, utilization and training CSAT — as an aligned table, CSV or JSON
//! (the whole report, both tables).

use clap::{Args, ValueEnum};
use psops_core::Money;
use psops_core::dates::parse_date;
use psops_core::education::report::{EducationReport, QuarterFigures, TrainerScope, check_range, default_from};
use psops_core::store::prelude::*;
use time::OffsetDateTime;

use crate::cli::DbArgs;
use crate::config;
use crate::report::{ReportFormat, emit};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum By {
    /// One row per calendar quarter, then the total.
    Quarter,
    /// One row per trainer with a class in the range.
    Trainer,
}

#[derive(Debug, Args)]
pub struct EducationArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// The first day (YYYY-MM-DD); the first day of the calendar quarter three before
    /// `--to`'s when absent.
    #[arg(long)]
    pub from: Option<String>,
    /// The last day, included (YYYY-MM-DD); today when absent. At most 8 calendar
    /// quarters from `--from`.
    #[arg(long)]
    pub to: Option<String>,
    /// Which table the table and CSV formats print; JSON holds both.
    #[arg(long, value_enum, default_value_t = By::Quarter)]
    pub by: By,
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,
}

const QUARTER_HEADERS: [&str; 9] = [
    "quarter",
    "start",
    "end",
    "classes",
    "seats_offered",
    "seats_filled",
    "fill_rate",
    "learners_attending",
    "revenue",
];

const TRAINER_HEADERS: [&str; 10] = [
    "trainer",
    "partner",
    "classes",
    "class_days",
    "class_hours",
    "capacity_hours",
    "utilization",
    "surveys_counted",
    "surveys_own_organisation",
    "csat",
];

fn pct(v: Option<i64>) -> String {
    v.map(|p| format!("{p}%")).unwrap_or_default()
}

fn quarter_cells(q: &QuarterFigures, r: &EducationReport) -> Vec<String> {
    vec![
        q.quarter.clone(),
        q.start.to_string(),
        q.end.to_string(),
        q.classes.to_string(),
        q.seats_offered.to_string(),
        q.seats_filled.to_string(),
        pct(q.fill_rate),
        q.learners_attending.to_string(),
        Money::new(q.revenue_minor, r.currency).to_string(),
    ]
}

fn trainer_rows(r: &EducationReport) -> Vec<Vec<String>> {
    r.trainers
        .iter()
        .map(|t| {
            vec![
                t.name.clone(),
                t.partner.clone().unwrap_or_default(),
                t.classes.to_string(),
                t.class_days.to_string(),
                psops_core::Minutes(t.class_minutes).hours_text(),
                psops_core::Minutes(t.capacity_minutes).hours_text(),
                pct(t.utilization),
                t.surveys_answered.to_string(),
                t.surveys_excluded.to_string(),
                pct(t.csat),
            ]
        })
        .collect()
}

pub async fn run(a: EducationArgs) -> anyhow::Result<()> {
    let to = match &a.to {
        Some(t) => parse_date("to", t)?,
        None => OffsetDateTime::now_utc().date(),
    };
    let from = match &a.from {
        Some(f) => parse_date("from", f)?,
        None => default_from(to),
    };
    let range = check_range(from, to)?;
    let db = config::open_db(&a.db.database_url).await?;
    let found = db.education_report(range, TrainerScope::All).await;
    db.close().await;
    let report = found?;
    let json = serde_json::to_value(&report)?;
    match a.by {
        By::Quarter => {
            let rows = report
                .quarters
                .iter()
                .chain([&report.total])
                .map(|q| quarter_cells(q, &report))
                .collect();
            emit(a.format, &QUARTER_HEADERS, &[0, 3, 4, 5, 6, 7, 8], rows, json)
        }
        By::Trainer => emit(
            a.format,
            &TRAINER_HEADERS,
            &[0, 1, 2, 3, 6, 7, 9],
            trainer_rows(&report),
            json,
        ),
    }
}
