//! `psops backup FILE` and `psops restore FILE`: a consistent online backup of the whole
//! database in psops's portable format while `psops serve` goes on running, and its
//! restore into an empty database of either backend (SQLite → PostgreSQL is how an
//! organisation moves to a server). A progress bar on a terminal, nothing in scripts;
//! the summary line goes to stdout, or to stderr when the backup itself goes to stdout.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context as _;
use clap::Args;
use psops_store::Db;
use psops_store::backup::{Summary, Tick};

use crate::cli::DbArgs;
use crate::config::{self, redact};
use crate::progress::Progress;

#[derive(Debug, Args)]
pub struct BackupArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// The file to write (replaced whole once the backup is complete); `-` writes the
    /// backup to stdout, e.g. to compress it on the way.
    pub file: String,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// A file `psops backup` wrote; `-` reads it from stdin.
    pub file: String,
}

/// Bytes buffered between the database and the file.
const BUFFER: usize = 1 << 20;

fn tick(progress: &Progress) -> Tick {
    let p = progress.clone();
    Arc::new(move |done, total| p.set_of(done, total))
}

fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

/// The file a `sqlite://` URL names, when it names one.
fn sqlite_file(url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
}

pub async fn backup(a: BackupArgs) -> anyhow::Result<()> {
    let url = &a.db.database_url;
    if let Some(path) = sqlite_file(url)
        && !path.exists()
    {
        anyhow::bail!("database {}: no such file, so nothing to back up", path.display());
    }
    // Not migrated: a backup reads the database as it is, beside a running server.
    let db = config::connect(url).await?;
    let started = Instant::now();
    let done = if a.file == "-" {
        to_stdout(&db).await
    } else {
        to_file(&db, Path::new(&a.file)).await
    };
    db.close().await;
    let summary = done.with_context(|| format!("backing up {}", redact(url)))?;
    let line = format!(
        "backed up {} rows of {} tables to {} ({}, sha256 {}) in {:.1} s",
        summary.header.rows(),
        summary.header.tables.len(),
        if a.file == "-" { "stdout" } else { &a.file },
        megabytes(summary.bytes),
        summary.sha256,
        started.elapsed().as_secs_f64()
    );
    if a.file == "-" {
        eprintln!("{line}");
        Ok(())
    } else {
        crate::stdout_line(line)
    }
}

async fn to_stdout(db: &Db) -> anyhow::Result<Summary> {
    let progress = Progress::bar("backing up", "rows");
    let out = BufWriter::with_capacity(BUFFER, std::io::stdout());
    let taken = db.backup(out, tick(&progress)).await;
    progress.finish();
    let (mut out, summary) = taken?;
    out.flush().context("writing the backup to stdout")?;
    Ok(summary)
}

/// Writes beside the file and renames it into place once complete, so a backup cut
/// short never replaces a good one or passes for one.
async fn to_file(db: &Db, path: &Path) -> anyhow::Result<Summary> {
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    // Readable by its owner only: a backup holds password and token hashes, sessions and
    // webhook secrets, as the database does.
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options
        .open(&partial)
        .with_context(|| format!("cannot create {}", partial.display()))?;
    let progress = Progress::bar("backing up", "rows");
    let taken = db.backup(BufWriter::with_capacity(BUFFER, file), tick(&progress)).await;
    progress.finish();
    let finished = taken.map_err(anyhow::Error::from).and_then(|(out, summary)| {
        let file = out.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        std::fs::rename(&partial, path)?;
        Ok(summary)
    });
    if finished.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    finished.with_context(|| format!("writing {}", path.display()))
}

pub async fn restore(a: RestoreArgs) -> anyhow::Result<()> {
    let url = &a.db.database_url;
    let mut input: Box<dyn BufRead + Send> = if a.file == "-" {
        Box::new(BufReader::with_capacity(BUFFER, std::io::stdin()))
    } else {
        let path = Path::new(&a.file);
        // The header is checked before the database is touched, so a wrong file makes
        // no database.
        let mut head = BufReader::new(File::open(path).with_context(|| format!("cannot open {}", path.display()))?);
        let header = psops_store::backup::read_header(&mut head).with_context(|| path.display().to_string())?;
        let ours = Db::backup_migration();
        if header.migration != ours {
            anyhow::bail!(
                "{}: the backup was taken at schema migration {} (psops {}) and this psops {} is at migration \
                 {ours}: restore it with the psops that took it, then upgrade",
                path.display(),
                header.migration,
                header.psops_version,
                env!("CARGO_PKG_VERSION")
            );
        }
        let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
        Box::new(BufReader::with_capacity(BUFFER, file))
    };
    // Not `open_db`: that gives a new database the handbook's catalog, and a restore
    // wants it empty. The restore migrates it itself.
    let db = config::connect(url).await?;
    let started = Instant::now();
    let progress = Progress::bar("restoring", "rows");
    let restored = db.restore(&mut *input, tick(&progress)).await;
    progress.finish();
    db.close().await;
    let summary = restored.with_context(|| format!("restoring {} into {}", a.file, redact(url)))?;
    crate::stdout_line(format_args!(
        "restored {} rows of {} tables from {} (taken {} on {} by psops {}, migration {}) in {:.1} s",
        summary.header.rows(),
        summary.header.tables.len(),
        if a.file == "-" { "stdin" } else { &a.file },
        summary.header.taken_at,
        summary.header.backend,
        summary.header.psops_version,
        summary.header.migration,
        started.elapsed().as_secs_f64()
    ))
}

#[cfg(test)]
mod tests {
    use super::sqlite_file;

    #[test]
    fn sqlite_urls_name_their_file() {
        assert_eq!(sqlite_file("sqlite://psops.db"), Some("psops.db".into()));
        assert_eq!(
            sqlite_file("sqlite:///var/lib/psops.db?mode=rwc"),
            Some("/var/lib/psops.db".into())
        );
        assert_eq!(sqlite_file("sqlite::memory:"), None);
        assert_eq!(sqlite_file("postgres://db/psops"), None);
    }
}
