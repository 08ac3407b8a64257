//! The import benchmark: a Harvest detailed time report the bench writes itself, imported
//! with `psops import time --format harvest --create-missing` into a fresh SQLite database,
//! against `sqlite3`'s `.import` of the same file into a bare table — the floor, since it
//! parses CSV and writes rows without checking anything.

use std::fs::File;
use std::io::{BufWriter, Write as _};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};
use time::{Date, Month, Weekday};

use crate::backend::Backend;
use crate::tools::{run, run_with_input, timed};

pub const HARVEST_HEADER: &str = "Date,Client,Project,Project Code,Task,Notes,Hours,Billable?,Invoiced?,Approved?,\
First Name,Last Name,Roles,Employee?,Billable Rate,Billable Amount,Cost Rate,Cost Amount,Currency,External Reference URL";

/// People the generated file names; each works two entries a weekday.
const PEOPLE: usize = 1000;
const ENTRIES_PER_DAY: usize = 2;
const CLIENTS: usize = 40;
const PROJECTS_PER_CLIENT: usize = 3;

/// Writes `rows` rows of a Harvest export: dated from 2022-01-03 on, weekdays only, every
/// row a distinct entry (its note carries the row number) that psops's rules accept —
/// billable customer time, or non-billable time with a note.
pub fn write_harvest(path: &Path, rows: u32) -> Result<()> {
    let file = File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    let mut w = BufWriter::with_capacity(1 << 20, file);
    let err = |e: std::io::Error| anyhow::anyhow!("cannot write {}: {e}", path.display());
    writeln!(w, "{HARVEST_HEADER}").map_err(err)?;
    let mut day = Date::from_calendar_date(2022, Month::January, 3).context("bad start date")?;
    let mut written = 0u32;
    'days: loop {
        while matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday) {
            day = day.next_day().context("ran out of dates")?;
        }
        for person in 0..PEOPLE {
            for slot in 0..ENTRIES_PER_DAY {
                if written == rows {
                    break 'days;
                }
                write_row(&mut w, day, person, slot, written).map_err(err)?;
                written += 1;
            }
        }
        day = day.next_day().context("ran out of dates")?;
    }
    w.flush().map_err(err)
}

fn write_row(w: &mut impl std::io::Write, day: Date, person: usize, slot: usize, n: u32) -> std::io::Result<()> {
    let client = (person + slot) % CLIENTS;
    let project = (person / CLIENTS + slot) % PROJECTS_PER_CLIENT;
    let billable = n % 5 != 4;
    let (hours, rate) = if slot == 0 { ("4.5", 180) } else { ("3.25", 180) };
    let minutes = if slot == 0 { 270 } else { 195 };
    let amount = |r: i64| format!("{}.{:02}", r * minutes / 60, (r * minutes * 100 / 60) % 100);
    let (bill_rate, bill_amount) = if billable {
        (rate.to_string(), amount(rate))
    } else {
        ("0".into(), "0.00".into())
    };
    writeln!(
        w,
        "{day},Client {client:02},\"Client {client:02}, project {project}\",C{client:02}-P{project},{task},\
         \"{note} #{n}\",{hours},{yes_no},No,Yes,Ada,Bench-{person:04},Consultant,Yes,{bill_rate},{bill_amount},\
         90,{cost},USD,",
        task = if billable { "Delivery" } else { "Internal review" },
        note = if billable {
            "Implementation work"
        } else {
            "Non-billable rework, agreed with the PM"
        },
        yes_no = if billable { "Yes" } else { "No" },
        cost = amount(90),
    )
}

/// The import's figures.
pub struct ImportRun {
    pub rows: u32,
    pub psops: Duration,
    pub floor: Duration,
    pub generate: Duration,
    pub file_bytes: u64,
}

pub fn run_import(psops: &Path, work: &Path, rows: u32) -> Result<ImportRun> {
    let csv = work.join("harvest.csv");
    let start = Instant::now();
    write_harvest(&csv, rows)?;
    let generate = start.elapsed();
    let file_bytes = std::fs::metadata(&csv).map(|m| m.len()).unwrap_or_default();

    let db = Backend::Sqlite {
        path: work.join("import.db"),
    };
    db.drop_database()?;
    let url = db.url();
    // An empty, migrated database, so the timed import measures the import alone.
    run(
        Command::new(psops).args(["migrate", "--log", "warn", "--database-url", &url]),
        "psops migrate",
    )?;
    let (_, took) = timed(
        Command::new(psops)
            .args(["import", "time", "--format", "harvest", "--create-missing"])
            .args(["--log", "warn", "--database-url", &url])
            .arg(&csv),
        "psops import time",
    )?;
    let imported: u64 = db.value("SELECT COUNT(*) FROM time_entries")?.parse()?;
    if imported != u64::from(rows) {
        bail!(
            "psops import time wrote {imported} entries of the {rows} rows in {}",
            csv.display()
        );
    }
    db.drop_database()?;

    let floor_db = Backend::Sqlite {
        path: work.join("import-floor.db"),
    };
    floor_db.drop_database()?;
    let Backend::Sqlite { path: floor_path } = &floor_db else {
        bail!("the floor database is SQLite")
    };
    let script = format!(
        ".mode csv\n.import '{}' harvest\n",
        csv.display().to_string().replace('\'', "''")
    );
    let start = Instant::now();
    run_with_input(
        Command::new("sqlite3").arg("-bail").arg(floor_path),
        &script,
        "sqlite3 .import",
    )?;
    let floor = start.elapsed();
    let loaded: u64 = floor_db.value("SELECT COUNT(*) FROM harvest")?.parse()?;
    if loaded != u64::from(rows) {
        bail!(
            "sqlite3 .import loaded {loaded} of the {rows} rows in {}",
            csv.display()
        );
    }
    floor_db.drop_database()?;
    let _ = std::fs::remove_file(&csv);
    Ok(ImportRun {
        rows,
        psops: took,
        floor,
        generate,
        file_bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_has_the_header_and_distinct_rows_on_weekdays() {
        let dir = std::env::temp_dir().join(format!("psops-bench-import-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("h.csv");
        write_harvest(&path, 2500).expect("writes");
        let text = std::fs::read_to_string(&path).expect("reads");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2501);
        assert_eq!(lines[0], HARVEST_HEADER);
        assert!(
            lines[1].starts_with("2022-01-03,Client 00,\"Client 00, project 0\",C00-P0,"),
            "{}",
            lines[1]
        );
        // 2,000 rows fill Monday; the rest fall on Tuesday.
        assert!(lines[2001].starts_with("2022-01-04,"), "{}", lines[2001]);
        let distinct: std::collections::HashSet<&&str> = lines.iter().collect();
        assert_eq!(distinct.len(), lines.len());
        assert!(lines[1].contains(",4.5,Yes,No,Yes,Ada,Bench-0000,"), "{}", lines[1]);
        assert!(lines[1].contains(",180,810.00,90,405.00,USD,"), "{}", lines[1]);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
