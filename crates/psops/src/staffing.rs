//! `psops staffing optimize`: the batch staffing plan for the open requests starting in
//! a window — each line with its person, fit and reasons, the requests left open and
//! why, and the figures (hard fill, hours filled, distance from target before and after,
//! the optimizer's bound) — then, unless `--dry-run`, every line booked (soft requests
//! held, hard ones made assignments) in one transaction.

use std::time::Duration;

use clap::{Args, Subcommand};
use psops_core::Minutes;
use psops_core::code::Code;
use psops_core::staffing::planner::{Proposal, Window};
use psops_core::staffing::store::{Accept, Pick};
use psops_core::store::prelude::*;
use time::{Date, OffsetDateTime};

use crate::admin::cli_ctx;
use crate::cli::DbArgs;
use crate::report::{ReportFormat, emit};
use crate::{config, stdout_line};

#[derive(Debug, Args)]
pub struct OptimizeArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Plan the requests starting from this day (YYYY-MM-DD); today when absent.
    #[arg(long, value_parser = parse_day)]
    pub from: Option<Date>,
    /// …to this day; 13 weeks after --from when absent (at most a year after it).
    #[arg(long, value_parser = parse_day)]
    pub to: Option<Date>,
    /// Print the plan and book nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// The optimizer's time budget in milliseconds.
    #[arg(long, default_value_t = 1_000, value_parser = clap::value_parser!(u64).range(100..=60_000))]
    pub millis: u64,
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,
}

fn parse_day(s: &str) -> Result<Date, String> {
    psops_core::dates::parse_date("date", s).map_err(|e| e.to_string())
}

#[derive(Debug, Subcommand)]
pub enum StaffingCommand {
    /// Plan every open, unstaffed request starting in the window together, and book the
    /// plan (or, with --dry-run, only print it).
    Optimize(OptimizeArgs),
}

const HEADERS: [&str; 11] = [
    "request_id",
    "project",
    "role",
    "booking",
    "priority",
    "start",
    "hours",
    "person",
    "fit",
    "effect",
    "why",
];

fn figures(p: &Proposal) -> String {
    let f = &p.figures;
    format!(
        "{} requests ({} hard): {} filled, hard fill {:.1} %, {} filled; mean distance from target {:.1} % → {:.1} %; \
         objective {} of at most {} (gap {:.2} %, {:.1} % of the value part{}), {} ms",
        f.requests,
        f.hard_requests,
        f.filled,
        f.hard_fill_bp as f64 / 100.0,
        Minutes(f.minutes_filled).hours_text(),
        f.mean_distance_before_bp as f64 / 100.0,
        f.mean_distance_after_bp as f64 / 100.0,
        f.objective,
        f.bound,
        f.gap * 100.0,
        f.value_gap * 100.0,
        if f.optimal { ", optimal" } else { "" },
        f.millis
    )
}

pub async fn run(cmd: StaffingCommand) -> anyhow::Result<()> {
    let StaffingCommand::Optimize(a) = cmd;
    let today = OffsetDateTime::now_utc().date();
    let from = a.from.unwrap_or(today);
    let window = Window {
        from,
        to: a.to.unwrap_or(from + time::Duration::weeks(13)),
    };
    let db = config::open_db(&a.db.database_url).await?;
    let done = optimize(&db, window, today, &a).await;
    db.close().await;
    done
}

async fn optimize(db: &psops_store::Db, window: Window, today: Date, a: &OptimizeArgs) -> anyhow::Result<()> {
    let working = crate::progress::Progress::step("planning");
    let plan = db.plan(window, today, Duration::from_millis(a.millis)).await;
    working.finish();
    let plan = plan?;
    let mut rows: Vec<Vec<String>> = plan
        .lines
        .iter()
        .map(|l| {
            vec![
                l.request_id.to_string(),
                l.project_name.clone(),
                l.role.code().to_string(),
                l.booking.code().to_string(),
                l.priority.to_string(),
                l.start_date.to_string(),
                Minutes(l.minutes).hours_text(),
                match &l.partner_name {
                    Some(p) => format!("{} ({p})", l.name),
                    None => l.name.clone(),
                },
                format!("{:.2}", l.score_milli as f64 / 1_000.0),
                l.effect.clone(),
                l.why.clone(),
            ]
        })
        .collect();
    rows.extend(plan.unfilled.iter().map(|u| {
        vec![
            u.request_id.to_string(),
            u.project_name.clone(),
            u.role.code().to_string(),
            u.booking.code().to_string(),
            u.priority.to_string(),
            u.start_date.to_string(),
            String::new(),
            "(left open)".into(),
            String::new(),
            String::new(),
            u.reason.clone(),
        ]
    }));
    let json = serde_json::to_value(&plan)?;
    if a.format == ReportFormat::Table {
        stdout_line(figures(&plan))?;
    }
    emit(a.format, &HEADERS, &[0, 1, 2, 3, 5, 6, 7, 8, 9, 10], rows, json)?;
    if a.dry_run || plan.lines.is_empty() {
        if a.format == ReportFormat::Table {
            stdout_line(if a.dry_run {
                "dry run: nothing booked"
            } else {
                "nothing to book"
            })?;
        }
        return Ok(());
    }
    let picks = plan
        .lines
        .iter()
        .map(|l| Pick {
            request_id: l.request_id,
            person_id: l.person_id,
        })
        .collect();
    let booked = db.accept(&cli_ctx(), &Accept { picks }).await?;
    let hard = booked.iter().filter(|b| b.assignment_id.is_some()).count();
    // Machine formats keep stdout to the plan alone; the count goes to stderr.
    let line = format!(
        "booked {} request(s): {hard} hard (assignments made), {} soft (held)",
        booked.len(),
        booked.len() - hard
    );
    match a.format {
        ReportFormat::Table => stdout_line(line),
        _ => {
            eprintln!("{line}");
            Ok(())
        }
    }
}
