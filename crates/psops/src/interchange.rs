//! `psops import` and `psops export`: time entries from other tools' exports and out again,
//! and people, accounts and projects from psops CSV. Imports are all or nothing; bad rows
//! print as a table (line, column, value, rule, message) on stdout and exit with code 1,
//! with nothing written. The progress line goes to stderr, and only on a terminal.

use std::fs::File;
use std::io::{BufReader, Write as _};
use std::path::PathBuf;

use anyhow::Context as _;
use clap::{Args, Subcommand, ValueEnum};
use psops_core::imports::records::{self, RecordBatch};
use psops_core::imports::{ImportReport, RowStream, TimeImportOptions};
use psops_core::interchange::mapping::Mapping;
use psops_core::interchange::{DateOrder, Format, Options, RowError};
use psops_core::page::PageRequest;
use psops_core::people::PersonFilter;
use psops_core::projects::ProjectFilter;
use psops_core::rule::Rule;
use psops_core::store::prelude::*;
use psops_core::time_entries::TimeEntryFilter;
use psops_store::Db;

use crate::admin::cli_ctx;
use crate::cli::DbArgs;
use crate::progress::Progress;
use crate::{config, stdout_line, table};

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Import time entries from a Harvest, Toggl, Kimai, Clockify, Kantata or psops export.
    Time(ImportTimeArgs),
    /// Create or update people from people.csv (matched by e-mail).
    People(ImportRecordsArgs),
    /// Create or update accounts from accounts.csv (matched by code, else name).
    Accounts(ImportRecordsArgs),
    /// Create or update projects from projects.csv (matched by code, else name and account).
    Projects(ImportRecordsArgs),
    /// Create or update opportunities from a CRM's CSV export (matched by CRM id), its
    /// columns named by `--map field=Column`.
    Opportunities(ImportOpportunitiesArgs),
}

#[derive(Debug, Args)]
pub struct ImportOpportunitiesArgs {
    #[command(flatten)]
    pub records: ImportRecordsArgs,
    /// Which CRM column a field comes from, e.g. `--map "crm_id=Opportunity ID"`; repeat it.
    /// Fields: crm_id, name, account, segment, currency, sales_owner, stage,
    /// engagement_manager_email, public_sector, close_date, amount, ps_value, edu_value.
    /// A field not mapped is looked for under its own name.
    #[arg(long = "map", value_name = "FIELD=COLUMN")]
    pub map: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImportFormat {
    Auto,
    Harvest,
    Toggl,
    Kimai,
    Clockify,
    Kantata,
    Psops,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DateOrderArg {
    DayFirst,
    MonthFirst,
}

#[derive(Debug, Args)]
pub struct ImportTimeArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// The export's format; `auto` recognises it from the header row.
    #[arg(long, value_enum, default_value_t = ImportFormat::Auto)]
    pub format: ImportFormat,
    /// The export file (CSV, or Kantata's JSON).
    pub file: PathBuf,
    /// Check every row and print the report; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// A CSV `kind,source,target` matching names psops does not know.
    #[arg(long)]
    pub mapping: Option<PathBuf>,
    /// Create the people, accounts and projects the file names and psops lacks.
    #[arg(long)]
    pub create_missing: bool,
    /// How to read dates written `a/b/yyyy` (default: the format's own).
    #[arg(long, value_enum)]
    pub date_order: Option<DateOrderArg>,
}

#[derive(Debug, Args)]
pub struct ImportRecordsArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// The CSV file (see the README for its columns).
    pub file: PathBuf,
    /// Check every row and print the report; write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// Export time entries as CSV, streaming.
    Time(ExportTimeArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Psops,
    Kimai,
    Harvest,
}

#[derive(Debug, Args)]
pub struct ExportTimeArgs {
    #[command(flatten)]
    pub db: DbArgs,
    #[arg(long, value_enum, default_value_t = ExportFormat::Psops)]
    pub format: ExportFormat,
    /// First day, YYYY-MM-DD.
    #[arg(long)]
    pub from: Option<String>,
    /// Last day, YYYY-MM-DD, included.
    #[arg(long)]
    pub to: Option<String>,
    #[arg(long)]
    pub person_email: Option<String>,
    #[arg(long)]
    pub project_code: Option<String>,
    /// Write here instead of stdout.
    #[arg(long)]
    pub output: Option<PathBuf>,
}

pub async fn import(cmd: ImportCommand) -> anyhow::Result<()> {
    let report = match cmd {
        ImportCommand::Time(args) => {
            let db = config::open_db(&args.db.database_url).await?;
            let done = match import_time(&db, &args).await {
                Ok(report) => refreshed(&db, report).await,
                Err(e) => Err(e),
            };
            db.close().await;
            done?
        }
        ImportCommand::People(a) => {
            let parsed = records::read_people(open(&a.file)?).map(RecordBatch::People);
            records(&a, parsed).await?
        }
        ImportCommand::Accounts(a) => {
            let parsed = records::read_accounts(open(&a.file)?).map(RecordBatch::Accounts);
            records(&a, parsed).await?
        }
        ImportCommand::Projects(a) => {
            let parsed = records::read_projects(open(&a.file)?).map(RecordBatch::Projects);
            records(&a, parsed).await?
        }
        ImportCommand::Opportunities(a) => opportunities(&a).await?,
    };
    print_report(&report)
}

fn open(path: &PathBuf) -> anyhow::Result<BufReader<File>> {
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    Ok(BufReader::with_capacity(256 * 1024, file))
}

async fn records(args: &ImportRecordsArgs, parsed: Result<RecordBatch, Vec<RowError>>) -> anyhow::Result<ImportReport> {
    let batch = match parsed {
        Ok(b) => b,
        Err(errors) => {
            let mut report = ImportReport::new(&kind_of(&args.file), None, args.dry_run);
            report.rows_read = errors
                .iter()
                .map(|e| e.line)
                .collect::<std::collections::BTreeSet<_>>()
                .len() as u64;
            let mut by_line: std::collections::BTreeMap<u64, Vec<RowError>> = Default::default();
            for e in errors {
                by_line.entry(e.line).or_default().push(e);
            }
            for (_, e) in by_line {
                report.fail(e);
            }
            return Ok(report);
        }
    };
    let db = config::open_db(&args.db.database_url).await?;
    let done = match db.import_records(&cli_ctx(), batch, args.dry_run).await {
        Ok(report) => refreshed(&db, report).await,
        Err(e) => Err(e.into()),
    };
    db.close().await;
    done
}

/// Rows an import must write before it refreshes the planner statistics.
const REFRESH_AFTER: u64 = 10_000;

/// The report of an import, once the database's planner statistics are refreshed after a
/// large one: it otherwise leaves PostgreSQL planning the new rows as if the tables were
/// as small as before (the demo does the same after its load). A small import is left to
/// autovacuum: the refresh reads the whole database (3.3 s at 1,000 people).
async fn refreshed(db: &Db, report: ImportReport) -> anyhow::Result<ImportReport> {
    if report.written && report.imported + report.updated >= REFRESH_AFTER {
        db.refresh_statistics().await?;
    }
    Ok(report)
}

async fn opportunities(args: &ImportOpportunitiesArgs) -> anyhow::Result<ImportReport> {
    let mut pairs = Vec::new();
    for m in &args.map {
        let (field, column) = m
            .split_once('=')
            .with_context(|| format!("--map {m}: write it as field=Column"))?;
        pairs.push((field, column));
    }
    let mapping = psops_core::scoping::crm::Mapping::parse(pairs).map_err(|e| anyhow::anyhow!("--map: {e}"))?;
    let currency = {
        let db = config::open_db(&args.records.db.database_url).await?;
        let settings = db.settings().await;
        db.close().await;
        settings?.default_currency
    };
    let parsed = psops_core::scoping::crm::read_opportunities(open(&args.records.file)?, &mapping, currency)
        .map(RecordBatch::Opportunities);
    records(&args.records, parsed).await
}

fn kind_of(path: &std::path::Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default()
}

async fn import_time(db: &Db, args: &ImportTimeArgs) -> anyhow::Result<ImportReport> {
    let format = match args.format {
        ImportFormat::Auto => None,
        other => Some(format!("{other:?}").to_lowercase().parse::<Format>()?),
    };
    let mapping = match &args.mapping {
        None => Mapping::default(),
        Some(path) => match Mapping::parse(open(path)?) {
            Ok(m) => m,
            Err(errors) => {
                let mut report = ImportReport::new("mapping", None, args.dry_run);
                report.fail(errors);
                return Ok(report);
            }
        },
    };
    let options = Options {
        date_order: args.date_order.map(|o| match o {
            DateOrderArg::DayFirst => DateOrder::DayFirst,
            DateOrderArg::MonthFirst => DateOrder::MonthFirst,
        }),
        default_currency: Some(db.settings().await?.default_currency),
    };
    let (format, rows) = match psops_core::interchange::open(format, open(&args.file)?, options) {
        Ok(opened) => opened,
        Err(e) => {
            let mut report = ImportReport::new("time", format, args.dry_run);
            report.fail(vec![e]);
            return Ok(report);
        }
    };
    let progress = Progress::count("checking", "rows");
    let shown = progress.clone();
    let rows = RowStream::new(rows).with_progress(move |rows| shown.set(rows));
    let options = TimeImportOptions {
        mapping,
        create_missing: args.create_missing,
        dry_run: args.dry_run,
        source: Some(args.file.display().to_string()),
    };
    let report = db.import_time(&cli_ctx(), format, rows, &options).await;
    progress.finish();
    Ok(report?)
}

/// One cell of the row table: a value on one line, cut to a readable length.
fn cell(v: &str) -> String {
    let one_line = v.replace('\r', "").replace('\n', "\\n");
    match one_line.char_indices().nth(40) {
        Some((i, _)) => format!("{}…", &one_line[..i]),
        None => one_line,
    }
}

fn print_report(r: &ImportReport) -> anyhow::Result<()> {
    let mut summary = format!(
        "{}{}: {} rows read, {} new, {} updated, {} skipped (already there)",
        r.kind,
        r.format.map(|f| format!(" ({f})")).unwrap_or_default(),
        r.rows_read,
        r.imported,
        r.updated,
        r.skipped
    );
    if !r.created.is_empty() {
        summary.push_str(&format!(
            ", created {} people, {} accounts, {} projects, {} assignments",
            r.created_people, r.created_accounts, r.created_projects, r.created_assignments
        ));
    }
    if !r.ok() {
        let rows: Vec<Vec<String>> = r
            .row_errors
            .iter()
            .map(|e| {
                vec![
                    e.line.to_string(),
                    e.column.clone(),
                    cell(&e.value),
                    e.rule.to_string(),
                    e.message.clone(),
                ]
            })
            .collect();
        table::print(&["LINE", "COLUMN", "VALUE", "RULE", "MESSAGE"], &rows)?;
        stdout_line(&summary)?;
        anyhow::bail!(
            "{} of {} rows break rules ({} errors); nothing was imported",
            r.rows_failed,
            r.rows_read,
            r.errors
        );
    }
    stdout_line(&summary)?;
    if r.dry_run {
        stdout_line("dry run: nothing was written")?;
    }
    Ok(())
}

pub async fn export(cmd: ExportCommand) -> anyhow::Result<()> {
    let ExportCommand::Time(args) = cmd;
    let db = config::open_db(&args.db.database_url).await?;
    let done = export_time(&db, &args).await;
    db.close().await;
    done
}

async fn export_time(db: &Db, args: &ExportTimeArgs) -> anyhow::Result<()> {
    let date =
        |name: &str, v: &Option<String>| v.as_deref().map(|d| psops_core::dates::parse_date(name, d)).transpose();
    let mut filter = TimeEntryFilter {
        from: date("from", &args.from)?,
        to: date("to", &args.to)?,
        ..Default::default()
    };
    if let Some(email) = &args.person_email {
        let f = PersonFilter {
            q: Some(email.clone()),
            ..Default::default()
        };
        let people = db
            .list(
                &f,
                PageRequest {
                    after: None,
                    limit: 500,
                },
            )
            .await?;
        let found = people
            .items
            .iter()
            .find(|p| p.fields.email.eq_ignore_ascii_case(email.trim()));
        filter.person_id = Some(found.map(|p| p.id).ok_or_else(|| {
            psops_core::Error::invalid(
                "person_email",
                Rule::Exists,
                format!("no person has the e-mail {email}"),
            )
        })?);
    }
    if let Some(code) = &args.project_code {
        let f = ProjectFilter {
            q: Some(code.clone()),
            ..Default::default()
        };
        let projects = db
            .list(
                &f,
                PageRequest {
                    after: None,
                    limit: 500,
                },
            )
            .await?;
        let found = projects.items.iter().find(|p| {
            p.fields
                .code
                .as_deref()
                .is_some_and(|c| c.eq_ignore_ascii_case(code.trim()))
        });
        filter.project_id = Some(found.map(|p| p.id).ok_or_else(|| {
            psops_core::Error::invalid("project_code", Rule::Exists, format!("no project has the code {code}"))
        })?);
    }
    let format = match args.format {
        ExportFormat::Psops => Format::Psops,
        ExportFormat::Kimai => Format::Kimai,
        ExportFormat::Harvest => Format::Harvest,
    };
    let mut out: Box<dyn std::io::Write> = match &args.output {
        Some(path) => Box::new(std::io::BufWriter::new(
            File::create(path).with_context(|| format!("cannot create {}", path.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    const PAGE: u32 = 5000;
    let (mut after, mut header, mut count) = (None, true, 0u64);
    let progress = Progress::count("exporting", "entries");
    loop {
        let page = db.export_time_page(&filter, after, PAGE).await?;
        let full = page.len() as u32 == PAGE;
        after = page.last().map(|(id, _)| *id);
        count += page.len() as u64;
        progress.set(count);
        let chunk = psops_core::interchange::csv_chunk(format, page.into_iter().map(|(_, r)| r).collect(), header)?;
        out.write_all(&chunk).context("cannot write the export")?;
        header = false;
        if !full || after.is_none() {
            break;
        }
    }
    out.flush().context("cannot write the export")?;
    progress.finish();
    eprintln!("exported {count} time entries ({format})");
    Ok(())
}
