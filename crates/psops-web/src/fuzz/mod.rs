//! Fuzz targets for what a browser sends before anything else is checked: the cookie
//! header (session and pre-session cookies) and the CSRF tokens of forms. As property
//! tests, bounded for CI; for a long run set `PSOPS_FUZZ_CASES`:
//!
//! ```text
//! PSOPS_FUZZ_CASES=200000 cargo test -p psops-web --lib fuzz
//! ```

use proptest::test_runner::Config;

mod cookies;
mod csrf;

/// Cases per target when `PSOPS_FUZZ_CASES` is unset: a few seconds in a debug build.
const DEFAULT_CASES: u32 = 1024;

/// The one place the case count is read.
pub(crate) fn config() -> Config {
    let cases = std::env::var("PSOPS_FUZZ_CASES")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(DEFAULT_CASES);
    Config {
        cases,
        max_shrink_iters: 2048,
        failure_persistence: None,
        ..Config::default()
    }
}
