//! Structured logs on stderr: readable lines for people, JSON for log collectors. Stdout
//! stays free for what scripts capture (token secrets, the listening address).

use std::io::IsTerminal as _;

use anyhow::Context as _;
use tracing_subscriber::EnvFilter;

use crate::cli::LogFormat;

/// Installs the global subscriber. `filter` uses the env-filter syntax, e.g. `info` or
/// `warn,psops_web=debug`; a malformed filter is an error rather than silence.
pub fn init(filter: &str, format: LogFormat) -> anyhow::Result<()> {
    let filter = EnvFilter::builder()
        .parse(filter)
        .with_context(|| format!("PSOPS_LOG: cannot parse log filter {filter:?}"))?;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let installed = match format {
        LogFormat::Json => builder.json().with_current_span(true).with_span_list(false).try_init(),
        LogFormat::Compact => builder.compact().with_ansi(std::io::stderr().is_terminal()).try_init(),
    };
    installed.map_err(|e| anyhow::anyhow!("cannot install the logger: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_filters_are_refused() {
        let err = init("psops=loud", LogFormat::Compact).expect_err("bad filter");
        assert!(format!("{err:#}").contains("PSOPS_LOG"));
    }
}
