//! `psops report capacity|utilization|compliance|portfolio` (and csat, revenue, margin,
//! forecast, partners): the handbook table,
//! utilization, timesheet compliance and the delivery portfolio as an aligned table, CSV
//! or JSON — hours with two decimals, percentages with one, the same cells the API's CSV
//! has — and `psops verify`, which recomputes the rollups from the raw entries and exits
//! 1 on any difference.

use clap::{Args, Subcommand, ValueEnum};
use psops_core::code::Code;
use psops_core::dates::{DateRange, parse_date};
use psops_core::fiscal::FiscalQuarter;
use psops_core::partners::Partner;
use psops_core::people::Person;
use psops_core::report_text::{
    COMPLIANCE_HEADERS, HANDBOOK_HEADERS, UTILIZATION_HEADERS, compliance_cells, handbook_cells, utilization_cells,
};
use psops_core::reporting::UtilizationFilter;
use psops_core::rule::Rule;
use psops_core::store::prelude::*;
use psops_core::timesheet::IsoWeek;
use psops_core::utilization::GroupBy;
use psops_core::{Error, Id};
use serde_json::json;
use time::OffsetDateTime;

use crate::cli::DbArgs;
use crate::progress::Progress;
use crate::{config, stdout_line, table};

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// The handbook's capacity table for the base policy, or the policy one person has on a day.
    Capacity(CapacityArgs),
    /// Utilization, billable utilization, billable mix and target attainment.
    Utilization(UtilizationArgs),
    /// Who has not submitted, or not been approved, by a week's due day.
    Compliance(ComplianceArgs),
    /// The delivery portfolio: RAG counts, overdue health reports, escalations, milestones
    /// awaiting acceptance and CSAT this quarter against last (JSON holds every list).
    Portfolio(PortfolioArgs),
    /// CSAT % and response rate by quarter, offering, PM, region or partner.
    Csat(crate::csat::CsatArgs),
    /// Recognised revenue by month (or quarter, project, offering, category …).
    Revenue(crate::money::MoneyArgs),
    /// Revenue, cost and gross margin against the target, by project (or month, offering …).
    Margin(crate::money::MoneyArgs),
    /// Revenue and billable-hours forecast by month, weighted by booking kind, upside apart.
    Forecast(crate::forecast::ForecastArgs),
    /// Per partner: approved hours, revenue, partner cost, margin, CSAT, funds left and
    /// the vetting pipeline, with the totals.
    Partners(crate::partner_report::PartnerReportArgs),
    /// Per certification: attempts, written, lab and overall pass rates, certificates in force.
    Certifications(crate::certification_report::CertificationArgs),
    /// Certificates in force that expire in the next `--days` (90), soonest first.
    ExpiringCertificates(crate::certification_report::ExpiringArgs),
    /// Per calendar quarter: classes, seats offered and filled, learners attending and
    /// training revenue; or per trainer: classes, class days, utilization and training CSAT.
    Education(crate::education_report::EducationArgs),
    /// Each training service partner's compliance (trainers, courses, CSAT, late
    /// rosters and surveys) on a day, with what it is missing.
    TrainingPartners(crate::tsp_report::TspArgs),
}

#[derive(Debug, Args)]
pub struct PortfolioArgs {
    #[command(flatten)]
    pub db: DbArgs,
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// Aligned columns (also `text`).
    #[value(alias = "text")]
    Table,
    /// A header row, then one row per line.
    Csv,
    /// One JSON document.
    Json,
}

#[derive(Debug, Args)]
pub struct CapacityArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Show the policy this person has (the base plus overrides).
    #[arg(long)]
    pub person_id: Option<i64>,
    /// The day the policy holds on (YYYY-MM-DD); today when absent.
    #[arg(long)]
    pub on: Option<String>,
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,
}

#[derive(Debug, Args)]
pub struct UtilizationArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// A fiscal quarter such as FY2027-Q1.
    #[arg(long, conflicts_with_all = ["from", "to"], required_unless_present = "from")]
    pub quarter: Option<String>,
    /// First day (YYYY-MM-DD).
    #[arg(long, requires = "to")]
    pub from: Option<String>,
    /// Last day, included.
    #[arg(long, requires = "from")]
    pub to: Option<String>,
    /// person, function, region, manager or partner.
    #[arg(long, default_value = "person")]
    pub group_by: String,
    #[arg(long)]
    pub person_id: Option<i64>,
    /// A function code, e.g. engineer.
    #[arg(long)]
    pub function: Option<String>,
    #[arg(long)]
    pub region: Option<String>,
    #[arg(long)]
    pub manager_id: Option<i64>,
    #[arg(long)]
    pub partner_id: Option<i64>,
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,
}

#[derive(Debug, Args)]
pub struct ComplianceArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// An ISO week such as 2026-W48; the current one when absent.
    #[arg(long)]
    pub week: Option<String>,
    /// The day lateness is judged on (YYYY-MM-DD); today when absent.
    #[arg(long)]
    pub as_of: Option<String>,
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,
}

pub async fn run(cmd: ReportCommand) -> anyhow::Result<()> {
    match cmd {
        ReportCommand::Capacity(a) => capacity(a).await,
        ReportCommand::Utilization(a) => utilization(a).await,
        ReportCommand::Compliance(a) => compliance(a).await,
        ReportCommand::Portfolio(a) => portfolio(a).await,
        ReportCommand::Csat(a) => crate::csat::run(a).await,
        ReportCommand::Revenue(a) => crate::money::run(a, crate::money::Which::Revenue).await,
        ReportCommand::Margin(a) => crate::money::run(a, crate::money::Which::Margin).await,
        ReportCommand::Forecast(a) => crate::forecast::report(a).await,
        ReportCommand::Partners(a) => crate::partner_report::run(a).await,
        ReportCommand::Certifications(a) => crate::certification_report::figures(a).await,
        ReportCommand::ExpiringCertificates(a) => crate::certification_report::expiring(a).await,
        ReportCommand::Education(a) => crate::education_report::run(a).await,
        ReportCommand::TrainingPartners(a) => crate::tsp_report::run(a).await,
    }
}

fn today() -> time::Date {
    OffsetDateTime::now_utc().date()
}

/// Writes rows as the format asks; `json` is the document for `--format json`.
pub(crate) fn emit(
    format: ReportFormat,
    headers: &[&str],
    table_cols: &[usize],
    rows: Vec<Vec<String>>,
    json: serde_json::Value,
) -> anyhow::Result<()> {
    match format {
        ReportFormat::Json => stdout_line(serde_json::to_string_pretty(&json)?),
        ReportFormat::Csv => {
            let text = psops_core::csv_writer::document(psops_core::csv_writer::LineEnd::Lf, headers, &rows)?;
            stdout_line(text.trim_end())
        }
        ReportFormat::Table => {
            let heads: Vec<String> = table_cols.iter().map(|i| headers[*i].to_uppercase()).collect();
            let heads: Vec<&str> = heads.iter().map(String::as_str).collect();
            let cells: Vec<Vec<String>> = rows
                .iter()
                .map(|r| {
                    table_cols
                        .iter()
                        .map(|i| match r[*i].as_str() {
                            "" => "-".to_string(),
                            v => v.to_string(),
                        })
                        .collect()
                })
                .collect();
            table::print(&heads, &cells)
        }
    }
}

async fn capacity(a: CapacityArgs) -> anyhow::Result<()> {
    let on =
        a.on.as_deref()
            .map(|d| parse_date("on", d))
            .transpose()?
            .unwrap_or_else(today);
    let db = config::open_db(&a.db.database_url).await?;
    let policy = match a.person_id {
        Some(id) => db.resolved_rules(Id::new(id), on).await,
        None => db.capacity_rules().await,
    };
    db.close().await;
    let policy = policy?;
    let rows = policy.handbook_table();
    let cells: Vec<Vec<String>> = rows.iter().map(handbook_cells).collect();
    let doc =
        json!({"person_id": a.person_id, "on": psops_core::dates::format_date(on), "policy": policy, "rows": rows});
    emit(a.format, &HANDBOOK_HEADERS, &[0, 1, 2], cells, doc)
}

async fn utilization(a: UtilizationArgs) -> anyhow::Result<()> {
    let group_by = GroupBy::from_code(a.group_by.trim())?;
    let function = a
        .function
        .as_deref()
        .map(|f| psops_core::people::Function::from_code(f.trim()))
        .transpose()?;
    let db = config::open_db(&a.db.database_url).await?;
    let done = async {
        let range = match (&a.quarter, &a.from, &a.to) {
            (Some(q), _, _) => db
                .settings()
                .await?
                .fiscal_calendar()
                .quarter_range_checked(q.parse::<FiscalQuarter>()?, "quarter")?,
            (None, Some(f), Some(t)) => DateRange::new(parse_date("from", f)?, parse_date("to", t)?)
                .map_err(|_| Error::invalid("to", Rule::AfterStart, "to must be on or after from"))?,
            _ => {
                return Err(Error::invalid(
                    "quarter",
                    Rule::Required,
                    "give --quarter, or --from and --to",
                ));
            }
        };
        let filter = UtilizationFilter {
            person_id: a.person_id.map(Id::new),
            function,
            region: a.region.clone(),
            manager_id: a.manager_id.map(Id::new),
            partner_id: a.partner_id.map(Id::new),
            scope: Default::default(),
        };
        let report = db.utilization(range, group_by, &filter).await?;
        let mut names = Vec::with_capacity(report.rows.len());
        for r in &report.rows {
            let name = match (group_by, r.key.parse::<i64>()) {
                (GroupBy::Person | GroupBy::Manager, Ok(id)) => {
                    db.get(Id::<Person>::new(id)).await.map(|p| p.fields.name)?
                }
                (GroupBy::Partner, Ok(id)) => db.get(Id::<Partner>::new(id)).await.map(|p| p.fields.name)?,
                (GroupBy::Function | GroupBy::Region, _) => r.key.clone(),
                _ => String::new(),
            };
            names.push(name);
        }
        Ok::<_, Error>((range, report, names))
    }
    .await;
    db.close().await;
    let (range, report, names) = done?;
    let mut cells: Vec<Vec<String>> = report
        .rows
        .iter()
        .zip(&names)
        .map(|(r, n)| utilization_cells(&r.key, n, &r.row))
        .collect();
    cells.push(utilization_cells("total", "Total", &report.total));
    let rows: Vec<_> = report
        .rows
        .iter()
        .zip(&names)
        .map(|(r, n)| json!({"key": r.key, "name": n, "figures": r.row}))
        .collect();
    let doc = json!({"group_by": group_by, "range": range, "rows": rows, "total": report.total});
    emit(
        a.format,
        &UTILIZATION_HEADERS,
        &[0, 1, 2, 4, 5, 6, 7, 8, 11, 13, 14],
        cells,
        doc,
    )
}

async fn compliance(a: ComplianceArgs) -> anyhow::Result<()> {
    let week = a
        .week
        .as_deref()
        .map(str::parse::<IsoWeek>)
        .transpose()?
        .unwrap_or_else(|| IsoWeek::of(today()));
    let as_of = a
        .as_of
        .as_deref()
        .map(|d| parse_date("as_of", d))
        .transpose()?
        .unwrap_or_else(today);
    let db = config::open_db(&a.db.database_url).await?;
    let report = db.compliance(week, as_of).await;
    db.close().await;
    let report = report?;
    let cells: Vec<Vec<String>> = report.rows.iter().map(compliance_cells).collect();
    emit(
        a.format,
        &COMPLIANCE_HEADERS,
        &[0, 1, 3, 4, 5],
        cells,
        serde_json::to_value(&report)?,
    )
}

/// `psops report portfolio`: every project and escalation, as psops itself reads them.
async fn portfolio(a: PortfolioArgs) -> anyhow::Result<()> {
    use psops_core::delivery::portfolio::{PortfolioScope, figures};
    let db = config::open_db(&a.db.database_url).await?;
    let scope = PortfolioScope {
        projects: psops_core::scope::ListScope::All,
        escalations: psops_core::delivery::escalations::EscalationScope::All,
    };
    let found = db.portfolio(&scope, OffsetDateTime::now_utc()).await;
    db.close().await;
    let found = found?;
    let rows: Vec<Vec<String>> = figures(&found).into_iter().map(|(f, v)| vec![f, v]).collect();
    emit(
        a.format,
        &["figure", "value"],
        &[0, 1],
        rows,
        serde_json::to_value(&found)?,
    )
}

/// `psops verify`: every rollup row against the raw entries.
pub async fn verify(args: DbArgs) -> anyhow::Result<()> {
    let db = config::open_db(&args.database_url).await?;
    let progress = Progress::step("checking every rollup against the time entries");
    let found = db.verify_rollups().await;
    progress.finish();
    let progress = Progress::step(
        "checking the ledger against its sources and closed months, invoices against their lines and numbers",
    );
    let ledger = db.verify_ledger().await;
    progress.finish();
    db.close().await;
    let (found, ledger) = (found?, ledger?);
    if !ledger.is_empty() {
        let rows: Vec<Vec<String>> = ledger
            .iter()
            .map(|d| {
                vec![
                    d.check.clone(),
                    d.subject.clone(),
                    d.expected.to_string(),
                    d.stored.to_string(),
                ]
            })
            .collect();
        table::print(&["LEDGER CHECK", "SUBJECT", "EXPECTED", "STORED"], &rows)?;
    }
    if found.is_empty() && ledger.is_empty() {
        return stdout_line("rollups match the time entries; the ledger adds up");
    }
    if found.is_empty() {
        anyhow::bail!("{} ledger figures do not add up", ledger.len())
    }
    let rows: Vec<Vec<String>> = found
        .iter()
        .map(|d| {
            vec![
                d.rollup.clone(),
                d.person_id.to_string(),
                d.key.to_string(),
                d.project_id.to_string(),
                d.category.clone(),
                format!("{}/{}", d.expected.minutes, d.expected.billable_minutes),
                format!("{}/{}", d.stored.minutes, d.stored.billable_minutes),
            ]
        })
        .collect();
    table::print(
        &["ROLLUP", "PERSON", "KEY", "PROJECT", "CATEGORY", "EXPECTED", "STORED"],
        &rows,
    )?;
    anyhow::bail!(
        "{} rollup rows differ from the time entries; {} ledger figures do not add up",
        found.len(),
        ledger.len()
    )
}
