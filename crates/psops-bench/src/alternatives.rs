//! The same answer by the alternatives psops is measured against: a plain SQL `GROUP BY`
//! over the raw `time_entries` on SQLite (`sqlite3`) and PostgreSQL (`psql`), and DuckDB
//! over the entries exported to Parquet. Each answer is checked against psops's, row by
//! row; a difference stops the bench, since a fast wrong answer measures nothing.

use std::fs::File;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};

use crate::backend::Backend;
use crate::tools::{run_with_input, tail};
use crate::utilization::{Answer, Quarter};

/// Worked and billable minutes per person in a quarter, straight from the entries. The
/// same text runs on SQLite, PostgreSQL and DuckDB; `source` is the table to read.
pub fn per_person_sql(source: &str, q: &Quarter) -> String {
    format!(
        "SELECT person_id, SUM(minutes) AS worked, SUM(CASE WHEN billable THEN minutes ELSE 0 END) AS billable \
         FROM {source} WHERE entry_date BETWEEN '{}' AND '{}' GROUP BY person_id ORDER BY person_id",
        q.start, q.end
    )
}

pub fn answer_from_rows(rows: &[Vec<String>]) -> Result<Answer> {
    let mut out = Answer::new();
    for r in rows {
        let [id, worked, billable] = r.as_slice() else {
            bail!("expected person_id, worked, billable; got {r:?}")
        };
        let num = |s: &String| {
            s.trim()
                .parse::<i64>()
                .with_context(|| format!("not a number: {s:?} in {r:?}"))
        };
        out.insert(num(id)?, (num(worked)?, num(billable)?));
    }
    Ok(out)
}

/// Fails, naming the first differences, unless `other` equals psops's answer.
pub fn check(label: &str, psops: &Answer, other: &Answer) -> Result<()> {
    if psops == other {
        return Ok(());
    }
    let mut diffs = Vec::new();
    for id in psops.keys().chain(other.keys()) {
        let (a, b) = (psops.get(id), other.get(id));
        if a != b && !diffs.iter().any(|(i, _, _)| i == id) {
            diffs.push((*id, a.copied(), b.copied()));
        }
    }
    let shown: Vec<String> = diffs
        .iter()
        .take(5)
        .map(|(id, a, b)| format!("person {id}: psops {a:?}, {label} {b:?} (worked, billable minutes)"))
        .collect();
    bail!(
        "{label} and psops disagree on {} of {} people:\n  {}",
        diffs.len(),
        psops.len().max(other.len()),
        shown.join("\n  ")
    )
}

/// The plain SQL `GROUP BY` on a backend: its answer and the engine's time of each timed
/// run (one warm-up run first).
pub fn plain_sql(backend: &Backend, q: &Quarter, repeats: u32) -> Result<(Answer, Vec<Duration>)> {
    let (rows, mut times) = backend.timed(&per_person_sql("time_entries", q), repeats + 1)?;
    times.remove(0);
    Ok((answer_from_rows(&rows)?, times))
}

/// DuckDB's figures: the answer, each timed query, and the one-off CSV → Parquet load.
pub struct DuckDbRun {
    pub answer: Answer,
    pub times: Vec<Duration>,
    pub export: Duration,
    pub load: Duration,
    pub rows: u64,
}

/// Exports every entry with the backend's own client (`sqlite3 -csv`, `psql COPY`), has
/// DuckDB turn the CSV into Parquet, then times the query over the Parquet file.
pub fn duckdb(python: &Path, b: &Backend, work: &Path, parquet: &Path, q: &Quarter, repeats: u32) -> Result<DuckDbRun> {
    let csv = work.join("entries.csv");
    let start = Instant::now();
    let file = File::create(&csv).with_context(|| format!("cannot create {}", csv.display()))?;
    let mut cmd = match b {
        Backend::Sqlite { path } => {
            let mut c = Command::new("sqlite3");
            c.args(["-csv", "-header", "-bail"]).arg(path).arg(
                "SELECT id, person_id, project_id, category, entry_date, minutes, billable, status FROM time_entries",
            );
            c
        }
        Backend::Postgres { .. } => {
            let mut c = Command::new("psql");
            c.args([&b.url(), "-v", "ON_ERROR_STOP=1", "-c"]).arg(
                "COPY (SELECT id, person_id, project_id, category, entry_date, minutes, \
                 CASE WHEN billable THEN 1 ELSE 0 END AS billable, status FROM time_entries) \
                 TO STDOUT WITH (FORMAT csv, HEADER)",
            );
            c
        }
    };
    let out = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::from(file))
        .stderr(Stdio::piped())
        .output()
        .context("cannot run the database client to export the entries")?;
    if !out.status.success() {
        bail!("{} could not export the entries: {}", b.label(), tail(&out.stderr));
    }
    let export = start.elapsed();
    let script = work.join("duckdb_query.py");
    std::fs::write(&script, DUCKDB_SCRIPT).with_context(|| format!("cannot write {}", script.display()))?;
    let source = format!("read_parquet('{}')", parquet.display());
    let out = run_with_input(
        Command::new(python)
            .arg(&script)
            .arg(&csv)
            .arg(parquet)
            .arg((repeats + 1).to_string()),
        &per_person_sql(&source, q),
        "the DuckDB query script",
    )?;
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).context("the DuckDB script printed no JSON")?;
    let secs = |x: &serde_json::Value| x.as_f64().map(Duration::from_secs_f64);
    let mut times: Vec<Duration> = v
        .get("times_s")
        .and_then(serde_json::Value::as_array)
        .context("no times from DuckDB")?
        .iter()
        .filter_map(secs)
        .collect();
    if times.len() != repeats as usize + 1 {
        bail!("DuckDB timed {} runs, expected {}", times.len(), repeats + 1);
    }
    times.remove(0);
    let rows: Vec<Vec<String>> = v
        .get("rows")
        .and_then(serde_json::Value::as_array)
        .context("no rows from DuckDB")?
        .iter()
        .map(|r| {
            r.as_array()
                .map(|cells| cells.iter().map(|c| c.to_string()).collect())
                .unwrap_or_default()
        })
        .collect();
    let _ = std::fs::remove_file(&csv);
    Ok(DuckDbRun {
        answer: answer_from_rows(&rows)?,
        times,
        export,
        load: v.get("load_s").and_then(secs).context("no load time from DuckDB")?,
        rows: v.get("entries").and_then(serde_json::Value::as_u64).unwrap_or_default(),
    })
}

/// Loads the CSV into Parquet once (timed apart), then runs the query from stdin the
/// given number of times, printing JSON. Dates become DATE and billable a BOOLEAN, as in
/// the databases, so the one query text fits all three engines.
const DUCKDB_SCRIPT: &str = r#"import json, sys, time
import duckdb

csv_path, parquet_path, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
query = sys.stdin.read()
con = duckdb.connect()
t = time.perf_counter()
con.execute(
    "COPY (SELECT id, person_id, project_id, category, CAST(entry_date AS DATE) AS entry_date, minutes, "
    "CAST(billable AS INTEGER) = 1 AS billable, status FROM read_csv(?, header = true)) "
    "TO '" + parquet_path.replace("'", "''") + "' (FORMAT PARQUET)",
    [csv_path],
)
load = time.perf_counter() - t
entries = con.execute("SELECT COUNT(*) FROM read_parquet(?)", [parquet_path]).fetchone()[0]
times = []
rows = []
for _ in range(runs):
    t = time.perf_counter()
    rows = con.execute(query).fetchall()
    times.append(time.perf_counter() - t)
print(json.dumps({"load_s": load, "times_s": times, "entries": entries,
                  "rows": [[int(c) for c in r] for r in rows]}))
"#;

#[cfg(test)]
mod tests {
    use super::*;

    fn quarter() -> Quarter {
        Quarter {
            name: "FY2027-Q1".into(),
            start: "2026-02-01".into(),
            end: "2026-04-30".into(),
        }
    }

    #[test]
    fn the_query_names_the_quarter() {
        let sql = per_person_sql("time_entries", &quarter());
        assert!(sql.contains("BETWEEN '2026-02-01' AND '2026-04-30'"), "{sql}");
        assert!(sql.contains("GROUP BY person_id"));
    }

    #[test]
    fn rows_become_an_answer_and_differences_are_named() {
        let rows = vec![
            vec!["1".to_string(), "60".into(), "30".into()],
            vec!["2".into(), "90".into(), "0".into()],
        ];
        let a = answer_from_rows(&rows).expect("reads");
        assert_eq!(a, Answer::from([(1, (60, 30)), (2, (90, 0))]));
        check("SQL", &a, &a).expect("equal");
        let mut b = a.clone();
        b.insert(2, (75, 0));
        b.insert(5, (15, 15));
        let err = format!("{}", check("SQL", &a, &b).unwrap_err());
        assert!(err.contains("disagree on 2 of 3 people"), "{err}");
        assert!(
            err.contains("person 2: psops Some((90, 0)), SQL Some((75, 0))"),
            "{err}"
        );
        assert!(answer_from_rows(&[vec!["1".into(), "x".into(), "0".into()]]).is_err());
        assert!(answer_from_rows(&[vec!["1".into()]]).is_err());
    }

    #[test]
    fn sqlite_answers_the_query() {
        if crate::tools::which("sqlite3").is_none() {
            return;
        }
        let dir = std::env::temp_dir().join(format!("psops-bench-alt-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let b = Backend::Sqlite { path: dir.join("t.db") };
        b.rows("CREATE TABLE time_entries (person_id INTEGER, entry_date TEXT, minutes INTEGER, billable BOOLEAN)")
            .expect("table");
        b.rows(
            "INSERT INTO time_entries VALUES (1, '2026-02-03', 60, 1), (1, '2026-02-04', 30, 0), \
             (2, '2026-05-01', 45, 1)",
        )
        .expect("rows");
        let (answer, times) = plain_sql(&b, &quarter(), 2).expect("runs");
        assert_eq!(answer, Answer::from([(1, (90, 60))]));
        assert_eq!(times.len(), 2);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
