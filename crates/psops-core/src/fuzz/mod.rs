//! Fuzz targets as property tests: every parser of outside input — time imports, holiday
//! files, durations, iCalendar, the catalog file, the mapping file — fed arbitrary bytes and
//! valid documents then broken ([`mutate`]). None may panic; every refusal names its line
//! or field; what can be written and read back reads back the same.
//!
//! Property tests rather than `cargo fuzz`, so they run on the stable toolchain in every
//! `cargo test`. The case count is bounded for CI; for a long run set `PSOPS_FUZZ_CASES`:
//!
//! ```text
//! PSOPS_FUZZ_CASES=200000 cargo test -p psops-core --lib fuzz
//! ```

use proptest::test_runner::Config;

mod catalog;
mod durations;
mod holidays;
mod ical;
mod imports;
mod mapping;
mod mutate;
mod roundtrip;

/// Cases per target when `PSOPS_FUZZ_CASES` is unset: keeps all of the crate's targets
/// to about ten seconds in a debug build.
const DEFAULT_CASES: u32 = 256;

/// The one place the case count is read.
fn cases() -> u32 {
    std::env::var("PSOPS_FUZZ_CASES")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(DEFAULT_CASES)
}

/// Every target's configuration. Shrinking is bounded too: a found failure is reported
/// within seconds, not after minutes of minimising.
pub(crate) fn config() -> Config {
    Config {
        cases: cases(),
        max_shrink_iters: 2048,
        failure_persistence: None,
        ..Config::default()
    }
}
