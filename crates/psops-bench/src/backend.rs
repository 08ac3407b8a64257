//! The two databases psops runs on, reached by the bench through their own command-line
//! clients: a fresh SQLite file, or a fresh `psops_bench` database created and dropped with
//! `psql`. Queries come back as comma-separated rows, timed by the engine itself
//! (`.timer on`, `\timing on`) so that starting the client is not counted.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context as _, Result, bail};

use crate::args::BackendKind;
use crate::tools::{run, run_with_input, text};

pub const PG_DATABASE: &str = "psops_bench";

#[derive(Debug, Clone)]
pub enum Backend {
    Sqlite { path: PathBuf },
    Postgres { server: String },
}

impl Backend {
    /// A fresh database of `kind`, or (inside `Ok`) the reason PostgreSQL cannot be used.
    pub fn fresh(kind: BackendKind, work: &Path, pg_server: &str) -> Result<Result<Backend, String>> {
        match kind {
            BackendKind::Sqlite => {
                let path = work.join("psops-sqlite.db");
                remove_sqlite(&path)?;
                Ok(Ok(Backend::Sqlite { path }))
            }
            BackendKind::Postgres => {
                let server = pg_server.trim_end_matches('/').to_string();
                let admin = format!("{server}/postgres");
                let probe = Command::new("psql")
                    .args([&admin, "-At", "-c", "SELECT 1"])
                    .env("PGCONNECT_TIMEOUT", "5")
                    .output();
                match probe {
                    Ok(out) if out.status.success() => {}
                    Ok(out) => {
                        return Ok(Err(format!(
                            "PostgreSQL at {server} is not reachable: {}",
                            crate::tools::tail(&out.stderr)
                        )));
                    }
                    Err(e) => return Ok(Err(format!("psql cannot run: {e}"))),
                }
                let b = Backend::Postgres { server };
                b.drop_database()?;
                run(
                    Command::new("psql")
                        .args([&admin, "-q", "-v", "ON_ERROR_STOP=1", "-c"])
                        .arg(format!("CREATE DATABASE {PG_DATABASE}")),
                    "psql CREATE DATABASE",
                )?;
                Ok(Ok(b))
            }
        }
    }

    pub fn kind(&self) -> BackendKind {
        match self {
            Backend::Sqlite { .. } => BackendKind::Sqlite,
            Backend::Postgres { .. } => BackendKind::Postgres,
        }
    }

    pub fn label(&self) -> &'static str {
        self.kind().label()
    }

    /// The URL psops is given.
    pub fn url(&self) -> String {
        match self {
            Backend::Sqlite { path } => format!("sqlite://{}", path.display()),
            Backend::Postgres { server } => format!("{server}/{PG_DATABASE}"),
        }
    }

    /// Drops the bench database (PostgreSQL) or deletes the file (SQLite).
    pub fn drop_database(&self) -> Result<()> {
        match self {
            Backend::Sqlite { path } => remove_sqlite(path),
            Backend::Postgres { server } => {
                run(
                    Command::new("psql")
                        .args([&format!("{server}/postgres"), "-q", "-v", "ON_ERROR_STOP=1", "-c"])
                        .arg(format!("DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)"))
                        .env("PGOPTIONS", "--client-min-messages=warning"),
                    "psql DROP DATABASE",
                )?;
                Ok(())
            }
        }
    }

    /// Runs SQL and returns its rows, each a list of fields (no header).
    pub fn rows(&self, sql: &str) -> Result<Vec<Vec<String>>> {
        let (rows, _) = self.timed(sql, 1)?;
        Ok(rows)
    }

    /// The single value of a one-row, one-column query.
    pub fn value(&self, sql: &str) -> Result<String> {
        let rows = self.rows(sql)?;
        match rows.as_slice() {
            [row] if row.len() == 1 => Ok(row[0].clone()),
            _ => bail!("expected one value from `{sql}`, got {rows:?}"),
        }
    }

    /// Runs a query `runs` times in one client session; its rows (from the last run) and
    /// the engine's time of each run.
    pub fn timed(&self, sql: &str, runs: u32) -> Result<(Vec<Vec<String>>, Vec<Duration>)> {
        let sql = sql.trim().trim_end_matches(';');
        let (script, out) = match self {
            Backend::Sqlite { path } => {
                let script = format!(".timer on\n{}", format!("{sql};\n").repeat(runs as usize));
                let mut cmd = Command::new("sqlite3");
                cmd.args(["-csv", "-bail"]).arg(path);
                (script.clone(), run_with_input(&mut cmd, &script, "sqlite3")?)
            }
            Backend::Postgres { server } => {
                let script = format!("\\timing on\n{}", format!("{sql};\n").repeat(runs as usize));
                let mut cmd = Command::new("psql");
                cmd.args([
                    &format!("{server}/{PG_DATABASE}"),
                    "-At",
                    "-F",
                    ",",
                    "-v",
                    "ON_ERROR_STOP=1",
                ]);
                (script.clone(), run_with_input(&mut cmd, &script, "psql")?)
            }
        };
        let (rows, times) = parse_timed(&text(&out.stdout), runs)
            .with_context(|| format!("cannot read the output of {} for:\n{script}", self.label()))?;
        Ok((rows, times))
    }
}

fn remove_sqlite(path: &Path) -> Result<()> {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let p = PathBuf::from(format!("{}{suffix}", path.display()));
        if p.exists() {
            std::fs::remove_file(&p).with_context(|| format!("cannot remove {}", p.display()))?;
        }
    }
    Ok(())
}

/// Splits client output into the rows of the last run and one time per run. sqlite3
/// prints `Run Time: real 0.123 user … sys …`, psql `Time: 12.345 ms` (with a
/// `(mm:ss.fff)` suffix past a second) and `Timing is on.` first.
fn parse_timed(out: &str, runs: u32) -> Result<(Vec<Vec<String>>, Vec<Duration>)> {
    let mut times = Vec::new();
    let mut rows = Vec::new();
    for line in out.lines() {
        if let Some(rest) = line.strip_prefix("Run Time: real ") {
            let secs: f64 = rest
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .parse()
                .context("bad sqlite3 timer line")?;
            times.push(Duration::from_secs_f64(secs));
        } else if let Some(rest) = line.strip_prefix("Time: ") {
            let ms: f64 = rest
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .parse()
                .context("bad psql timing line")?;
            times.push(Duration::from_secs_f64(ms / 1000.0));
        } else if line == "Timing is on." {
        } else {
            // Rows between two timer lines belong to the run the second one ends.
            if rows.len() < times.len() + 1 {
                rows.resize(times.len() + 1, Vec::new());
            }
            rows[times.len()].push(csv_cells(line)?);
        }
    }
    if times.len() != runs as usize {
        bail!("expected {runs} timings, found {}", times.len());
    }
    let last = rows.get(times.len() - 1).cloned().unwrap_or_default();
    Ok((last, times))
}

/// One line of `sqlite3 -csv` (or `psql -F ,`) output as its cells.
fn csv_cells(line: &str) -> Result<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(line.as_bytes());
    match reader.records().next() {
        Some(record) => Ok(record
            .with_context(|| format!("not a CSV line: {line:?}"))?
            .iter()
            .map(str::to_string)
            .collect()),
        None => Ok(vec![String::new()]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_timer_output_splits_into_rows_and_times() {
        let out = "1,60,30\n2,90,0\nRun Time: real 0.250 user 0.2 sys 0.01\n1,60,30\n2,90,0\nRun Time: real 0.125 user 0.1 sys 0.0\n";
        let (rows, times) = parse_timed(out, 2).expect("parses");
        assert_eq!(rows, vec![vec!["1", "60", "30"], vec!["2", "90", "0"]]);
        assert_eq!(times, vec![Duration::from_millis(250), Duration::from_millis(125)]);
    }

    #[test]
    fn psql_timing_output_splits_into_rows_and_times() {
        let out = "Timing is on.\n7,10,5\nTime: 1234.500 ms (00:01.235)\n";
        let (rows, times) = parse_timed(out, 1).expect("parses");
        assert_eq!(rows, vec![vec!["7", "10", "5"]]);
        assert_eq!(times, vec![Duration::from_micros(1_234_500)]);
    }

    #[test]
    fn a_missing_timing_is_an_error() {
        assert!(parse_timed("1,2\n", 1).is_err());
    }

    #[test]
    fn sqlite_queries_run_through_the_cli() {
        if crate::tools::which("sqlite3").is_none() {
            return;
        }
        let dir = std::env::temp_dir().join(format!("psops-bench-backend-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let b = Backend::Sqlite { path: dir.join("t.db") };
        assert_eq!(b.value("SELECT 40 + 2").expect("runs"), "42");
        let (rows, times) = b.timed("SELECT 1, 'a' UNION ALL SELECT 2, 'b'", 3).expect("runs");
        assert_eq!(rows, vec![vec!["1", "a"], vec!["2", "b"]]);
        assert_eq!(times.len(), 3);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
