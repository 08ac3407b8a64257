//! The whole run: check and install the tools, measure each backend, then the import and the
//! staffing optimizer against HiGHS, and write the report with the side-by-side tables of
//! figures measured in this one run.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};
use time::OffsetDateTime;

use crate::args::{Args, BackendKind, Paths};
use crate::backend::Backend;
use crate::import;
use crate::machine;
use crate::measure::{self, Sides};
use crate::pages;
use crate::report::{Report, SideBySide, Verdict};
use crate::staffing;
use crate::stats::{ms, per_second, ratio, thousands, times};
use crate::tools;

/// Issue 7: the full run finishes within this on the two-core machine.
const FULL_RUN_LIMIT: Duration = Duration::from_secs(30 * 60);

pub fn run(args: Args) -> Result<()> {
    let began = Instant::now();
    let paths = args.paths()?;
    std::fs::create_dir_all(&paths.work).with_context(|| format!("cannot create {}", paths.work.display()))?;
    if args.staffing_only {
        return staffing_only(&args, &paths, began);
    }

    let psops_version = tools::ensure_psops(&paths.psops)?;
    tools::ensure_apt("sqlite3", "sqlite3")?;
    tools::ensure_apt("wrk", "wrk")?;
    let (python, duckdb_version) = tools::ensure_duckdb(&paths.venv)?;
    let mut report = Report {
        date: now()?,
        machine: Some(machine::describe()),
        command: args.command_line(),
        ..Report::default()
    };
    report.tools = vec![
        ("psops".to_string(), psops_version),
        (
            "sqlite3".to_string(),
            word(&tools::version_of("sqlite3", &["--version"]), 0),
        ),
        ("DuckDB (Python)".to_string(), duckdb_version),
        ("wrk".to_string(), word(&tools::version_of("wrk", &["--version"]), 1)),
    ];

    let mut sides = Sides::default();
    for &kind in &args.backends {
        let backend = match prepare(kind, &args, &paths.work)? {
            Ok(b) => b,
            Err(reason) => {
                eprintln!("psops-bench: skipping {}: {reason}", kind.label());
                report.notes.push(format!("{} was skipped: {reason}", kind.label()));
                continue;
            }
        };
        if kind == BackendKind::Postgres {
            let version = backend
                .value("SHOW server_version")
                .unwrap_or_else(|e| format!("unknown ({e})"));
            report.tools.push((
                "PostgreSQL".to_string(),
                format!("server {version}, {}", tools::version_of("psql", &["--version"])),
            ));
        }
        let measured = measure::backend(&args, &paths, &backend, &python, &mut report, &mut sides);
        // The databases are large at full size; nothing needs them once measured.
        let dropped = backend.drop_database();
        measured.with_context(|| format!("measuring {}", kind.label()))?;
        dropped?;
    }
    if report.figures.iter().any(|f| f.area == "Soak") {
        report.notes.push(crate::soak::NOTE.to_string());
    }
    side_by_side(&mut report, &sides);
    if args.backends.contains(&BackendKind::Sqlite) {
        measure::say("SQLite", "pages at the demo's own size");
        pages::demo_size(&args, &paths, &mut report)?;
    }

    measure::say(
        "SQLite",
        &format!("import of {} Harvest rows", thousands(args.import_rows.into())),
    );
    let imp = import::run_import(&paths.psops, &paths.work, args.import_rows)?;
    import_figures(&mut report, &imp);

    staffing::run(&args, &paths, &mut report).context("measuring the staffing optimizer")?;

    let whole = began.elapsed();
    let value = format!("{:.1} min", whole.as_secs_f64() / 60.0);
    let full = args.people >= 5000 && args.years >= 4;
    let (goal, verdict) = if full {
        (
            "< 30 min at 5,000 people and 4 years",
            Verdict::of(whole <= FULL_RUN_LIMIT),
        )
    } else {
        ("(the 30-minute goal is for the full size)", Verdict::Info)
    };
    report.figure("Run", "the whole bench run", "—", value, goal, verdict);
    report.notes.push(
        "Times through HTTP are measured by the bench's own keep-alive client on loopback, from the \
         request's first byte to the response's last: server time plus a loopback round trip. \
         Plain SQL times are the engines' own (`.timer on`, `\\timing on`), DuckDB's are `time.perf_counter()` \
         around the query; each is the median of the timed runs after one warm-up run."
            .to_string(),
    );
    report.notes.push(
        "The bench signs in as its own user: an administrator who is also the demo's project manager. \
         So the API and the utilization page cover the whole organisation, the week view is that \
         project manager's week, and the approvals page lists every week waiting in the organisation, \
         as operations sees it — the heaviest view of each page."
            .to_string(),
    );
    write(&paths.output, &report.render())?;
    eprintln!(
        "psops-bench: wrote {} ({:.1} min)",
        paths.output.display(),
        whole.as_secs_f64() / 60.0
    );
    Ok(())
}

/// `--staffing-only`: the staffing optimizer against HiGHS and nothing else.
fn staffing_only(args: &Args, paths: &Paths, began: Instant) -> Result<()> {
    let mut report = Report {
        date: now()?,
        machine: Some(machine::describe()),
        command: args.command_line(),
        ..Report::default()
    };
    staffing::run(args, paths, &mut report).context("measuring the staffing optimizer")?;
    write(&paths.output, &report.render())?;
    eprintln!(
        "psops-bench: wrote {} ({:.1} s)",
        paths.output.display(),
        began.elapsed().as_secs_f64()
    );
    Ok(())
}

fn now() -> Result<String> {
    OffsetDateTime::now_utc()
        .format(&time::macros::format_description!(
            "[year]-[month]-[day] [hour]:[minute] UTC"
        ))
        .context("cannot format the date")
}

/// A fresh database of `kind`, or why it cannot be had (PostgreSQL only).
fn prepare(kind: BackendKind, args: &Args, work: &Path) -> Result<Result<Backend, String>> {
    if kind == BackendKind::Postgres
        && tools::which("psql").is_none()
        && let Err(e) = tools::ensure_apt("psql", "postgresql-client")
    {
        return Ok(Err(format!("psql is missing ({e:#})")));
    }
    Backend::fresh(kind, work, &args.postgres)
}

fn side_by_side(report: &mut Report, sides: &Sides) {
    let Some(q) = &sides.quarter else { return };
    let backends: Vec<BackendKind> = sides.psops.iter().map(|(k, _, _)| *k).collect();
    let mut header = vec!["engine".to_string(), "reads".to_string(), "time".to_string()];
    header.extend(backends.iter().map(|k| format!("× psops on {}", k.label())));
    let ratios = |t: Duration| -> Vec<String> { sides.psops.iter().map(|(_, p50, _)| times(ratio(t, *p50))).collect() };
    let mut rows = Vec::new();
    for (kind, by_person, by_function) in &sides.psops {
        let mut row = vec![
            "psops, HTTP, by person (p50)".to_string(),
            format!("{} rollups", kind.label()),
            ms(*by_person),
        ];
        row.extend(ratios(*by_person));
        rows.push(row);
        let mut row = vec![
            "psops, HTTP, by function (p50)".to_string(),
            format!("{} rollups", kind.label()),
            ms(*by_function),
        ];
        row.extend(ratios(*by_function));
        rows.push(row);
    }
    for (engine, reads, t) in &sides.alternatives {
        let mut row = vec![engine.clone(), reads.clone(), ms(*t)];
        row.extend(ratios(*t));
        rows.push(row);
    }
    report.tables.push(SideBySide {
        title: format!(
            "Side by side: utilization per person for {} ({} – {})",
            q.name, q.start, q.end
        ),
        header,
        rows,
    });
}

fn import_figures(report: &mut Report, imp: &import::ImportRun) {
    let rows = f64::from(imp.rows);
    let psops_rate = rows / imp.psops.as_secs_f64();
    let floor_rate = rows / imp.floor.as_secs_f64();
    let slower = ratio(imp.psops, imp.floor);
    report.step(format!(
        "psops import time --format harvest --create-missing --database-url sqlite://target/bench/import.db \
         harvest.csv   ({} rows, {:.0} MB, written by the bench in {:.1} s)",
        thousands(imp.rows.into()),
        imp.file_bytes as f64 / 1e6,
        imp.generate.as_secs_f64()
    ));
    report.step("sqlite3 import-floor.db '.mode csv' '.import harvest.csv harvest'".to_string());
    report.figure(
        "Import",
        &format!(
            "{} Harvest rows through `psops import time`",
            thousands(imp.rows.into())
        ),
        "SQLite",
        format!("{} ({:.1} s)", per_second(psops_rate), imp.psops.as_secs_f64()),
        "≥ 250,000 rows/s",
        Verdict::of(psops_rate >= 250_000.0),
    );
    report.figure(
        "Import",
        "psops against `sqlite3 .import` (the floor)",
        "SQLite",
        format!(
            "{} slower (floor {} in {:.1} s)",
            times(slower),
            per_second(floor_rate),
            imp.floor.as_secs_f64()
        ),
        "within 2×",
        Verdict::of(slower <= 2.0),
    );
    report.tables.push(SideBySide {
        title: format!("Side by side: importing {} Harvest rows", thousands(imp.rows.into())),
        header: vec![
            "importer".into(),
            "what it does".into(),
            "time".into(),
            "rows/s".into(),
            "× the floor".into(),
        ],
        rows: vec![
            vec![
                "psops import time".into(),
                "parses, matches people and projects (creating them), checks every rule, writes entries, \
                 rollups and audit in one transaction"
                    .into(),
                format!("{:.1} s", imp.psops.as_secs_f64()),
                per_second(psops_rate),
                times(slower),
            ],
            vec![
                "sqlite3 .import".into(),
                "parses CSV into a bare table of text columns".into(),
                format!("{:.1} s", imp.floor.as_secs_f64()),
                per_second(floor_rate),
                times(1.0),
            ],
        ],
    });
}

/// The `n`th word of a version line (`3.40.1 2022-12-28 …` → `3.40.1`), or the whole line.
fn word(line: &str, n: usize) -> String {
    line.split_whitespace().nth(n).unwrap_or(line).to_string()
}

fn write(path: &Path, text: &str) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}
