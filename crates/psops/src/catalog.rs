//! `psops catalog import|export`: the catalog as one YAML file (see
//! `docs/catalog-file.md`). An import checks every entry first and writes nothing if any
//! breaks a rule — the errors print as a table (entry, field, rule, message) and the exit
//! code is 1 — then creates what is new and changes what differs; importing the same file
//! again changes nothing.

use std::io::Write as _;
use std::path::PathBuf;

use anyhow::Context as _;
use clap::{Args, Subcommand};
use psops_core::catalog::file;

use crate::admin::cli_ctx;
use crate::cli::DbArgs;
use crate::{config, stdout_line, table};

#[derive(Debug, Subcommand)]
pub enum CatalogCommand {
    /// Create or update offerings, SKUs, prices and bundles from a catalog file.
    Import(ImportArgs),
    /// Write the catalog as a YAML file (stdout by default).
    Export(ExportArgs),
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// The catalog file (YAML).
    pub file: PathBuf,
    /// Check every entry and say what would be created; write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Write here instead of stdout.
    #[arg(long)]
    pub output: Option<PathBuf>,
}

pub async fn run(cmd: CatalogCommand) -> anyhow::Result<()> {
    match cmd {
        CatalogCommand::Import(a) => import(a).await,
        CatalogCommand::Export(a) => export(a).await,
    }
}

async fn import(a: ImportArgs) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(&a.file).with_context(|| format!("reading {}", a.file.display()))?;
    let parsed = match file::parse(&text) {
        Ok(f) => f,
        Err(errors) => return fail(&errors),
    };
    let db = config::open_db(&a.db.database_url).await?;
    let report = file::apply(&db, &cli_ctx(), &parsed, a.dry_run).await;
    db.close().await;
    let report = report?;
    if !report.errors.is_empty() {
        return fail(&report.errors);
    }
    if a.dry_run {
        stdout_line(format_args!(
            "catalog: {} records would be created; nothing written (dry run)",
            report.created
        ))
    } else {
        stdout_line(format_args!(
            "catalog: {} created, {} updated, {} unchanged",
            report.created, report.updated, report.unchanged
        ))
    }
}

fn fail(errors: &[file::FileError]) -> anyhow::Result<()> {
    let rows: Vec<Vec<String>> = errors
        .iter()
        .map(|e| {
            let (entry, field) = e.field.rsplit_once('.').unwrap_or((e.field.as_str(), ""));
            vec![
                entry.to_string(),
                field.to_string(),
                e.rule.to_string(),
                e.message.clone(),
            ]
        })
        .collect();
    table::print(&["ENTRY", "FIELD", "RULE", "MESSAGE"], &rows)?;
    anyhow::bail!("{} errors in the catalog file; nothing was imported", errors.len())
}

async fn export(a: ExportArgs) -> anyhow::Result<()> {
    let db = config::open_db(&a.db.database_url).await?;
    let f = file::export(&db).await;
    db.close().await;
    let text = file::print(&f?);
    match a.output {
        Some(path) => std::fs::write(&path, text).with_context(|| format!("writing {}", path.display())),
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())
                .and_then(|()| out.flush())
                .map_err(|e| anyhow::anyhow!("cannot write to stdout: {e}"))
        }
    }
}
