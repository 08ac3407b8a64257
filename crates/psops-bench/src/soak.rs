//! The soak: a bounded mixed load on the server the other figures were measured on — one
//! entry create to every four week reads, driven by wrk for `--soak-seconds` — with the
//! server's resident memory (VmRSS) read from /proc every second while it runs. It must
//! end with no failed request and memory flat.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context as _, Result};

use crate::args::BackendKind;
use crate::load::{self, Load};
use crate::report::{Report, Verdict};
use crate::stats::{ms, per_second, thousands};

const MB: f64 = 1024.0 * 1024.0;

/// Memory is flat when the highest sample of the last quarter of the soak is at most this
/// share above the highest of the first quarter …
const FLAT_SHARE: f64 = 1.10;
/// … plus this much, for an allocator's arenas settling and a cache filling to its cap.
const FLAT_SLACK_MB: f64 = 5.0;

/// Explains, once per report, what the soak's rows mean.
pub const NOTE: &str = "The soak drives wrk with one `POST /api/v1/time-entries` to every four \
    `GET /api/v1/timesheets/{person}/{week}` for `--soak-seconds`. wrk is closed-loop — a fixed \
    request rate needs wrk2, which is not packaged — so the soak runs as fast as psops answers, and \
    its rate goal is the mixed rate at which both the week-read and the create goal hold \
    (SQLite 1 / (0.8 / 20,000 + 0.2 / 5,000) = 12,500/s; PostgreSQL 1 / (0.8 / 8,000 + 0.2 / 2,500) \
    ≈ 5,556/s). Memory is VmRSS of psops serve read from /proc every second; it is flat when the \
    highest sample of the last quarter of the soak is at most 10 % + 5 MB above the highest of the \
    first quarter.";

/// The mixed request rate at which both throughput goals hold, per backend.
fn goal_rate(kind: BackendKind) -> (f64, &'static str) {
    match kind {
        BackendKind::Sqlite => (12_500.0, "≥ 12,500/s (SQLite)"),
        BackendKind::Postgres => (5_556.0, "≥ 5,556/s (PostgreSQL)"),
    }
}

/// Runs the soak against the server `pid` serves and adds its rows to the report.
pub fn run(
    load: &Load<'_>,
    days: &[String],
    weeks: &[String],
    pid: u32,
    kind: BackendKind,
    report: &mut Report,
) -> Result<()> {
    let label = kind.label();
    let samples: Arc<Mutex<Vec<u64>>> = Arc::default();
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (samples, done) = (samples.clone(), done.clone());
        std::thread::spawn(move || -> Result<()> {
            while !done.load(Ordering::Relaxed) {
                let rss = vm_rss(pid)?;
                samples.lock().map_err(|_| anyhow::anyhow!("poisoned"))?.push(rss);
                // A sleep in small steps, so the sampler stops soon after wrk does.
                for _ in 0..10 {
                    if done.load(Ordering::Relaxed) {
                        break;
                    }
                    std::thread::sleep(Duration::from_millis(100));
                }
            }
            Ok(())
        })
    };
    let ran = load::mixed(load, days, weeks);
    done.store(true, Ordering::Relaxed);
    let sampled = sampler
        .join()
        .map_err(|_| anyhow::anyhow!("the memory sampler panicked"))?;
    let (wrk, failure) = ran?;
    sampled.context("sampling the server's memory")?;
    // One last sample, after the load: memory the load left behind counts too.
    let mut samples = std::mem::take(&mut *samples.lock().map_err(|_| anyhow::anyhow!("poisoned"))?);
    samples.push(vm_rss(pid)?);

    report.step(format!(
        "wrk -t2 -c{} -d{}s --latency -s target/bench/wrk-soak.lua   ({} people; 1 POST \
         /api/v1/time-entries to 4 GET /api/v1/timesheets/{{person}}/{{week}}; VmRSS read each second)",
        load.connections,
        load.seconds,
        load.people.len()
    ));
    let (rate, goal) = goal_rate(kind);
    report.figure(
        "Soak",
        &format!(
            "{} s mixed load, 1 create : 4 week reads, rate (p50 / p99)",
            load.seconds
        ),
        label,
        format!(
            "{} ({} / {}; {} requests)",
            per_second(wrk.per_second),
            ms(wrk.p50),
            ms(wrk.p99),
            thousands(wrk.requests)
        ),
        goal,
        Verdict::of(wrk.per_second >= rate),
    );
    report.figure(
        "Soak",
        "failed requests (non-2xx answers and socket errors)",
        label,
        format!("{} of {}", thousands(wrk.failed), thousands(wrk.requests)),
        "0",
        Verdict::of(wrk.failed == 0),
    );
    if !failure.is_empty() {
        report
            .notes
            .push(format!("The soak on {label} failed requests; the first: {failure}"));
    }
    let (first, last) = quarters(&samples);
    report.figure(
        "Soak",
        &format!(
            "VmRSS of psops serve, highest in the first → last quarter ({} samples)",
            samples.len()
        ),
        label,
        format!("{:.1} MB → {:.1} MB", first as f64 / MB, last as f64 / MB),
        "flat: last ≤ first × 1.1 + 5 MB",
        Verdict::of(flat(first, last)),
    );
    Ok(())
}

/// The highest sample of the first quarter and of the last (a quarter is at least one).
fn quarters(samples: &[u64]) -> (u64, u64) {
    let q = (samples.len() / 4).max(1).min(samples.len());
    let high = |s: &[u64]| s.iter().copied().max().unwrap_or(0);
    (high(&samples[..q]), high(&samples[samples.len() - q..]))
}

fn flat(first: u64, last: u64) -> bool {
    last as f64 <= first as f64 * FLAT_SHARE + FLAT_SLACK_MB * MB
}

fn vm_rss(pid: u32) -> Result<u64> {
    let path = format!("/proc/{pid}/status");
    let status = std::fs::read_to_string(&path).with_context(|| format!("cannot read {path}"))?;
    parse_vm_rss(&status).with_context(|| format!("no VmRSS line in {path}"))
}

fn parse_vm_rss(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resident_memory_is_read_from_the_status_file() {
        let status = "Name:\tpsops\nVmHWM:\t   51200 kB\nVmRSS:\t   40000 kB\n";
        assert_eq!(parse_vm_rss(status), Some(40000 * 1024));
        assert_eq!(parse_vm_rss("Name:\tx\n"), None);
        assert!(vm_rss(std::process::id()).expect("this process's own") > 0);
    }

    #[test]
    fn memory_is_judged_by_the_first_and_last_quarters() {
        let mb = |n: u64| n * 1024 * 1024;
        let steady = [mb(100), mb(104), mb(101), mb(103), mb(102), mb(104), mb(103), mb(105)];
        assert_eq!(quarters(&steady), (mb(104), mb(105)));
        assert!(flat(mb(104), mb(105)));
        // Within 10 % + 5 MB: 100 → 115 is flat, 100 → 116 is not.
        assert!(flat(mb(100), mb(115)));
        assert!(!flat(mb(100), mb(116)));
        let growing: Vec<u64> = (0..20).map(|i| mb(100 + 3 * i)).collect();
        let (first, last) = quarters(&growing);
        assert!(!flat(first, last), "{first} → {last}");
        assert_eq!(quarters(&[mb(7)]), (mb(7), mb(7)));
        assert_eq!(quarters(&[]), (0, 0));
    }
}
