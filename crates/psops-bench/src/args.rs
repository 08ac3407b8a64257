//! The command line of the benchmark: how big an organisation, how many requests, which
//! backends, and where the tools and the report live.

use std::path::{Path, PathBuf};

use clap::{Parser, ValueEnum};

/// Benchmarks psops against plain SQL, DuckDB and `sqlite3 .import` on the same data and
/// writes BENCHMARKS.md. Needs the release binary: `cargo build --release -p psops`.
#[derive(Debug, Clone, Parser)]
#[command(name = "psops-bench", version, about)]
pub struct Args {
    /// People in the demo organisation (`psops demo --people`).
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u32).range(12..=100_000))]
    pub people: u32,
    /// Years of time in the demo organisation (`psops demo --years`).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=10))]
    pub years: u32,
    /// Seed of the demo generator.
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// Timed utilization requests per grouping, after the warm-up (issue 7 asks for ≥ 50).
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub requests: u32,
    /// Timed requests per page.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub page_requests: u32,
    /// Timed runs of each plain-SQL and DuckDB query, after one warm-up run.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub repeats: u32,
    /// Harvest rows generated for the import benchmark.
    #[arg(long, default_value_t = 1_000_000, value_parser = clap::value_parser!(u32).range(100..=50_000_000))]
    pub import_rows: u32,
    /// Seconds of each `wrk` run.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=3600))]
    pub wrk_seconds: u32,
    /// Seconds of the soak: a mixed load of creates and week reads on each backend, with the
    /// server's memory sampled every second.
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u32).range(1..=86_400))]
    pub soak_seconds: u32,
    /// Open connections of each `wrk` run (two threads share them).
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(2..=1000))]
    pub connections: u32,
    /// Backends to measure; PostgreSQL is skipped with a note when it is not reachable.
    #[arg(long, value_enum, value_delimiter = ',', default_values_t = [BackendKind::Sqlite, BackendKind::Postgres])]
    pub backends: Vec<BackendKind>,
    /// A PostgreSQL server URL without a database; the bench creates and drops `psops_bench` on it.
    #[arg(
        long,
        env = "PSOPS_BENCH_POSTGRES",
        default_value = "postgres://postgres@127.0.0.1:5432"
    )]
    pub postgres: String,
    /// The psops binary to measure [default: target/release/psops of this workspace].
    #[arg(long)]
    pub psops: Option<PathBuf>,
    /// Where databases, generated files and logs go [default: target/bench].
    #[arg(long)]
    pub work_dir: Option<PathBuf>,
    /// The Python virtual environment holding DuckDB [default: target/bench-venv].
    #[arg(long)]
    pub venv: Option<PathBuf>,
    /// The report to write [default: BENCHMARKS.md at the workspace root; with
    /// --staffing-only, target/bench/BENCHMARKS-staffing.md].
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// People in the generated staffing-optimizer instance [default: 1,000 when --people is at
    /// least 1,000, else 100].
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub staffing_people: Option<u32>,
    /// Open requests in the staffing-optimizer instance [default: twice --staffing-people].
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=200_000))]
    pub staffing_requests: Option<u32>,
    /// Weeks of the staffing-optimizer instance's horizon.
    #[arg(long, default_value_t = 26, value_parser = clap::value_parser!(u32).range(1..=104))]
    pub staffing_weeks: u32,
    /// Time limit of HiGHS on the staffing instance's MIP, in seconds (its LP relaxation gets
    /// the same) [default: 60 at 1,000 people or more, else 10].
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=36_000))]
    pub highs_seconds: Option<u32>,
    /// Run only the staffing-optimizer section (no psops binary, backends or import needed).
    #[arg(long)]
    pub staffing_only: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BackendKind {
    Sqlite,
    Postgres,
}

impl BackendKind {
    pub fn label(self) -> &'static str {
        match self {
            BackendKind::Sqlite => "SQLite",
            BackendKind::Postgres => "PostgreSQL",
        }
    }
}

/// The size of the staffing-optimizer instance and HiGHS's time limit, defaults resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StaffingSize {
    pub people: u32,
    pub requests: u32,
    pub weeks: u32,
    pub highs_seconds: u32,
}

/// The paths the run uses, defaults resolved against the workspace root.
#[derive(Debug, Clone)]
pub struct Paths {
    pub psops: PathBuf,
    pub work: PathBuf,
    pub venv: PathBuf,
    pub output: PathBuf,
}

impl Args {
    pub fn paths(&self) -> anyhow::Result<Paths> {
        let cwd = std::env::current_dir().map_err(|e| anyhow::anyhow!("cannot read the current directory: {e}"))?;
        let root = workspace_root().unwrap_or_else(|| cwd.clone());
        let pick = |given: &Option<PathBuf>, default: &str| match given {
            Some(p) if p.is_absolute() => p.clone(),
            Some(p) => cwd.join(p),
            None => root.join(default),
        };
        Ok(Paths {
            psops: pick(&self.psops, "target/release/psops"),
            work: pick(&self.work_dir, "target/bench"),
            venv: pick(&self.venv, "target/bench-venv"),
            output: pick(
                &self.output,
                if self.staffing_only {
                    "target/bench/BENCHMARKS-staffing.md"
                } else {
                    "BENCHMARKS.md"
                },
            ),
        })
    }

    /// The staffing instance: 1,000 people × 2,000 requests × 26 weeks for full-size runs,
    /// 100 × 200 × 26 for small ones (`--people` under 1,000), unless given.
    pub fn staffing(&self) -> StaffingSize {
        let large = self.people >= 1000;
        let people = self.staffing_people.unwrap_or(if large { 1000 } else { 100 });
        StaffingSize {
            people,
            requests: self.staffing_requests.unwrap_or(people.saturating_mul(2)),
            weeks: self.staffing_weeks,
            highs_seconds: self.highs_seconds.unwrap_or(if people >= 1000 { 60 } else { 10 }),
        }
    }

    /// The command line that reproduces this run, for the report.
    pub fn command_line(&self) -> String {
        let mut words = vec![
            "cargo run --release -p psops-bench --".to_string(),
            format!("--people {}", self.people),
            format!("--years {}", self.years),
        ];
        let defaults = Args::parse_from(["psops-bench"]);
        let mut extra = |name: &str, value: u64, default: u64| {
            if value != default {
                words.push(format!("--{name} {value}"));
            }
        };
        extra("seed", self.seed, defaults.seed);
        extra("requests", self.requests.into(), defaults.requests.into());
        extra(
            "page-requests",
            self.page_requests.into(),
            defaults.page_requests.into(),
        );
        extra("repeats", self.repeats.into(), defaults.repeats.into());
        extra("import-rows", self.import_rows.into(), defaults.import_rows.into());
        extra("wrk-seconds", self.wrk_seconds.into(), defaults.wrk_seconds.into());
        extra("soak-seconds", self.soak_seconds.into(), defaults.soak_seconds.into());
        extra("connections", self.connections.into(), defaults.connections.into());
        if self.backends != defaults.backends {
            let names: Vec<&str> = self
                .backends
                .iter()
                .map(|b| match b {
                    BackendKind::Sqlite => "sqlite",
                    BackendKind::Postgres => "postgres",
                })
                .collect();
            words.push(format!("--backends {}", names.join(",")));
        }
        let mut given = |name: &str, value: Option<u32>| {
            if let Some(v) = value {
                words.push(format!("--{name} {v}"));
            }
        };
        given("staffing-people", self.staffing_people);
        given("staffing-requests", self.staffing_requests);
        given("highs-seconds", self.highs_seconds);
        if self.staffing_weeks != defaults.staffing_weeks {
            words.push(format!("--staffing-weeks {}", self.staffing_weeks));
        }
        if self.staffing_only {
            words.push("--staffing-only".to_string());
        }
        if let Some(psops) = &self.psops {
            words.push(format!("--psops {}", psops.display()));
        }
        if let Some(out) = &self.output {
            words.push(format!("--output {}", out.display()));
        }
        words.join(" ")
    }
}

/// The workspace this crate was built in, when it is still there.
fn workspace_root() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).ancestors().nth(2)?;
    root.join("Cargo.toml").is_file().then(|| root.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_small_and_both_backends() {
        let a = Args::parse_from(["psops-bench"]);
        assert_eq!((a.people, a.years, a.requests), (60, 1, 50));
        assert_eq!(a.backends, [BackendKind::Sqlite, BackendKind::Postgres]);
        assert_eq!(
            a.command_line(),
            "cargo run --release -p psops-bench -- --people 60 --years 1"
        );
    }

    #[test]
    fn the_command_line_repeats_what_differs_from_the_defaults() {
        let a = Args::parse_from([
            "psops-bench",
            "--people",
            "50",
            "--requests",
            "20",
            "--backends",
            "sqlite",
            "--soak-seconds",
            "4",
        ]);
        assert_eq!(
            a.command_line(),
            "cargo run --release -p psops-bench -- --people 50 --years 1 --requests 20 --soak-seconds 4 \
             --backends sqlite"
        );
        assert_eq!(Args::parse_from(["psops-bench"]).soak_seconds, 60);
        assert!(Args::try_parse_from(["psops-bench", "--soak-seconds", "0"]).is_err());
    }

    #[test]
    fn the_staffing_instance_follows_the_run_size() {
        let small = Args::parse_from(["psops-bench", "--people", "50"]).staffing();
        assert_eq!(
            (small.people, small.requests, small.weeks, small.highs_seconds),
            (100, 200, 26, 10)
        );
        let full = Args::parse_from(["psops-bench", "--people", "5000", "--years", "4"]).staffing();
        assert_eq!(
            (full.people, full.requests, full.weeks, full.highs_seconds),
            (1000, 2000, 26, 60)
        );
        let a = Args::parse_from([
            "psops-bench",
            "--staffing-only",
            "--staffing-people",
            "1000",
            "--highs-seconds",
            "30",
        ]);
        let given = a.staffing();
        assert_eq!((given.people, given.requests, given.highs_seconds), (1000, 2000, 30));
        assert_eq!(
            a.command_line(),
            "cargo run --release -p psops-bench -- --people 60 --years 1 --staffing-people 1000 \
             --highs-seconds 30 --staffing-only"
        );
        assert!(
            a.paths()
                .unwrap()
                .output
                .ends_with("target/bench/BENCHMARKS-staffing.md")
        );
    }

    #[test]
    fn bad_sizes_are_refused() {
        assert!(Args::try_parse_from(["psops-bench", "--people", "3"]).is_err());
        assert!(Args::try_parse_from(["psops-bench", "--years", "0"]).is_err());
        assert!(Args::try_parse_from(["psops-bench", "--backends", "mysql"]).is_err());
    }
}
