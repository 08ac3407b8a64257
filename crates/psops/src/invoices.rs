//! `psops invoices list` (the invoices and credit notes, newest first, filtered by status,
//! kind and dates) and `psops invoices export --from --to [--out FILE]` (issued
//! documents as the CSV an accounting system imports: one row per line).

use clap::{Args, Subcommand};
use psops_core::code::Code;
use psops_core::dates::parse_date;
use psops_core::finance::invoices::{InvoiceFilter, InvoiceKind, InvoiceSort, InvoiceStatus, export_csv};
use psops_core::sort::{Direction, Sorted};
use psops_core::store::prelude::*;

use crate::cli::DbArgs;
use crate::config;
use crate::report::ReportFormat;
use crate::scoping::{Output, print};

#[derive(Debug, Subcommand)]
pub enum InvoicesCommand {
    /// Invoices and credit notes, newest first.
    List(ListArgs),
    /// Issued invoices and credit notes dated FROM to TO as CSV for an accounting system
    /// (ContactName, InvoiceNumber, Reference, InvoiceDate, DueDate, Description, Quantity,
    /// UnitAmount, LineAmount, AccountCode, Currency).
    Export(ExportArgs),
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub db: DbArgs,
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,
    /// draft or issued.
    #[arg(long)]
    pub status: Option<String>,
    /// invoice or credit_note.
    #[arg(long)]
    pub kind: Option<String>,
    /// First invoice date (YYYY-MM-DD).
    #[arg(long)]
    pub from: Option<String>,
    /// Last invoice date (YYYY-MM-DD).
    #[arg(long)]
    pub to: Option<String>,
    /// At most this many, newest first.
    #[arg(long, default_value_t = 500)]
    pub limit: u32,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// First invoice date (YYYY-MM-DD).
    #[arg(long)]
    pub from: String,
    /// Last invoice date (YYYY-MM-DD).
    #[arg(long)]
    pub to: String,
    /// Write to this file instead of standard output.
    #[arg(long)]
    pub out: Option<std::path::PathBuf>,
}

pub async fn run(cmd: InvoicesCommand) -> anyhow::Result<()> {
    match cmd {
        InvoicesCommand::List(a) => {
            let db = config::open_db(&a.db.database_url).await?;
            let done = list(&db, &a).await;
            db.close().await;
            done
        }
        InvoicesCommand::Export(a) => {
            let db = config::open_db(&a.db.database_url).await?;
            let done = export(&db, &a).await;
            db.close().await;
            done
        }
    }
}

async fn list(db: &psops_store::Db, a: &ListArgs) -> anyhow::Result<()> {
    let filter = InvoiceFilter {
        status: a.status.as_deref().map(InvoiceStatus::from_code).transpose()?,
        kind: a.kind.as_deref().map(InvoiceKind::from_code).transpose()?,
        from: a.from.as_deref().map(|d| parse_date("from", d)).transpose()?,
        to: a.to.as_deref().map(|d| parse_date("to", d)).transpose()?,
        ..InvoiceFilter::default()
    };
    let at = Sorted {
        key: InvoiceSort::Date,
        direction: Direction::Desc,
        page: 1,
        size: a.limit.max(1),
    };
    let page = db.invoices_sorted(&filter, at).await?;
    if a.format == ReportFormat::Json {
        return crate::stdout_line(serde_json::to_string_pretty(&page.items)?);
    }
    let rows: Vec<Vec<String>> = page
        .items
        .iter()
        .map(|i| {
            vec![
                i.id.to_string(),
                i.number.clone().unwrap_or_default(),
                i.kind.code().to_string(),
                i.status.code().to_string(),
                i.invoice_date.to_string(),
                i.due_date.to_string(),
                i.project_name.clone(),
                i.account_name.clone().unwrap_or_default(),
                i.total.to_string(),
            ]
        })
        .collect();
    let format = if a.format == ReportFormat::Csv {
        Output::Csv
    } else {
        Output::Table
    };
    print(
        format,
        &[
            "id", "number", "kind", "status", "date", "due", "project", "customer", "total",
        ],
        &rows,
    )
}

async fn export(db: &psops_store::Db, a: &ExportArgs) -> anyhow::Result<()> {
    let (from, to) = (parse_date("from", &a.from)?, parse_date("to", &a.to)?);
    if to < from {
        anyhow::bail!("--to must be on or after --from");
    }
    let text = export_csv(&db.invoices_for_export(from, to).await?)?;
    match &a.out {
        Some(path) => {
            std::fs::write(path, text)?;
            crate::stdout_line(format_args!("wrote {}", path.display()))
        }
        None => {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())?;
            Ok(out.flush()?)
        }
    }
}
