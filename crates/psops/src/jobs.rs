//! Scheduled jobs inside `psops serve`. Every few minutes each node asks the database
//! whether a job's period has come round; the run ledger lets exactly one node of all
//! those sharing the database claim it, so the idle sweep runs once an hour however
//! many nodes serve.

use std::sync::Arc;
use std::time::Duration;

use psops_core::store::{Store, WriteCtx};
use time::OffsetDateTime;
use tokio::sync::watch;

/// How often a node checks whether a job is due.
const TICK: Duration = Duration::from_secs(300);
/// How often the idle sweep runs.
const SWEEP_EVERY: time::Duration = time::Duration::hours(1);

/// This node's name in the run ledger: host and process.
pub(crate) fn node() -> String {
    let host = std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "node".into());
    format!("{host}:{}", std::process::id())
}

/// Runs the jobs until `stop` turns true.
pub fn spawn(store: Arc<dyn Store>, mut stop: watch::Receiver<bool>) -> tokio::task::JoinHandle<()> {
    let node = node();
    tokio::spawn(async move {
        loop {
            run_due(store.as_ref(), &node).await;
            tokio::select! {
                _ = tokio::time::sleep(TICK) => {}
                _ = stop.wait_for(|s| *s) => break,
            }
        }
    })
}

/// Runs each job this node claims now. A failure is logged and tried again next period.
pub async fn run_due(store: &dyn Store, node: &str) {
    let now = OffsetDateTime::now_utc();
    match store.claim_run("scoping_sweep", node, SWEEP_EVERY, now).await {
        Ok(true) => match store.sweep_idle(&WriteCtx::trusted(), now).await {
            Ok(closed) => tracing::info!(closed = closed.len(), "idle sweep: closed lost"),
            Err(e) => tracing::error!(error = %e, "idle sweep failed"),
        },
        Ok(false) => {}
        Err(e) => tracing::error!(error = %e, "cannot claim the idle sweep"),
    }
}
