//! psops-bench: the benchmark suite. It orchestrates, it builds
//! nothing: it loads the demo organisation with the release `psops` binary on SQLite and
//! PostgreSQL, serves it, and measures psops against plain SQL (`sqlite3`, `psql`), DuckDB
//! (Python, in a virtual environment it makes) and `sqlite3 .import`, with `wrk` for load;
//! then it writes `BENCHMARKS.md` with every figure beside its goal.
#![forbid(unsafe_code)]

mod alternatives;
mod args;
mod backend;
mod http;
mod import;
mod load;
mod machine;
mod measure;
mod pages;
mod report;
mod run;
mod server;
mod session;
mod soak;
mod staffing;
mod stats;
mod tools;
mod utilization;

use std::process::ExitCode;

use clap::Parser as _;

fn main() -> ExitCode {
    let args = args::Args::parse();
    match run::run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("psops-bench: error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
