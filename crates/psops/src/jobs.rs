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
/// How often the passive-acceptance sweep runs: milestones whose notice ran out are
/// accepted within the hour after midnight (UTC) of the following day.
const ACCEPTANCE_EVERY: time::Duration = time::Duration::hours(1);
/// How often overdue escalation updates are looked for (each DRI is told once per
/// cadence period however often this runs).
const ESCALATIONS_EVERY: time::Duration = time::Duration::hours(1);
/// How often overdue health reports are looked for; each project manager is told once a
/// week at most, however often it runs.
const HEALTH_EVERY: time::Duration = time::Duration::hours(1);
/// How often revenue and cost are recognised through today, so the ledger (and every
/// report that reads it) is at most an hour behind approved time.
const RECOGNITION_EVERY: time::Duration = time::Duration::hours(1);
/// The forecast snapshot's claim is named after its month, so it is claimed once a month
/// (on the first tick of the 1st; later in the month only if every node was down then);
/// the period only has to outlast the month.
const SNAPSHOT_EVERY: time::Duration = time::Duration::days(40);

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

/// Counts a run of `job` this node claimed, and its failure, for `/metrics`.
fn counted<T>(job: &'static str, result: psops_core::Result<T>) -> psops_core::Result<T> {
    metrics::counter!(psops_web::prometheus::JOB_RUNS, "job" => job).increment(1);
    if result.is_err() {
        metrics::counter!(psops_web::prometheus::JOB_FAILURES, "job" => job).increment(1);
    }
    result
}

/// A job whose period could not be claimed (the database did not answer) fails too.
fn claim_failed(job: &'static str, e: &psops_core::Error, what: &str) {
    metrics::counter!(psops_web::prometheus::JOB_FAILURES, "job" => job).increment(1);
    tracing::error!(error = %e, "{what}");
}

/// Runs each job this node claims now. A failure is logged and tried again next period.
pub async fn run_due(store: &dyn Store, node: &str) {
    let now = OffsetDateTime::now_utc();
    match store.claim_run("scoping_sweep", node, SWEEP_EVERY, now).await {
        Ok(true) => match counted("scoping_sweep", store.sweep_idle(&WriteCtx::trusted(), now).await) {
            Ok(closed) => tracing::info!(closed = closed.len(), "idle sweep: closed lost"),
            Err(e) => tracing::error!(error = %e, "idle sweep failed"),
        },
        Ok(false) => {}
        Err(e) => claim_failed("scoping_sweep", &e, "cannot claim the idle sweep"),
    }
    match store.claim_run("acceptance_sweep", node, ACCEPTANCE_EVERY, now).await {
        Ok(true) => match counted(
            "acceptance_sweep",
            store.sweep_acceptance(&WriteCtx::trusted(), now.date()).await,
        ) {
            Ok(accepted) => tracing::info!(accepted = accepted.len(), "acceptance sweep: passive acceptance used"),
            Err(e) => tracing::error!(error = %e, "acceptance sweep failed"),
        },
        Ok(false) => {}
        Err(e) => claim_failed("acceptance_sweep", &e, "cannot claim the acceptance sweep"),
    }
    match store
        .claim_run("escalations_overdue", node, ESCALATIONS_EVERY, now)
        .await
    {
        Ok(true) => {
            let mut ctx = WriteCtx::trusted();
            ctx.via = Some("job:escalations_overdue".into());
            let scope = psops_core::delivery::escalations::EscalationScope::All;
            match counted(
                "escalations_overdue",
                store.overdue_escalations(&ctx, scope, now, true).await,
            ) {
                Ok(found) => tracing::info!(
                    overdue = found.len(),
                    notified = found.iter().filter(|o| o.notified).count(),
                    "overdue escalation updates"
                ),
                Err(e) => tracing::error!(error = %e, "overdue escalations failed"),
            }
        }
        Ok(false) => {}
        Err(e) => claim_failed("escalations_overdue", &e, "cannot claim the overdue escalations"),
    }
    match store.claim_run("health_overdue", node, HEALTH_EVERY, now).await {
        Ok(true) => match counted(
            "health_overdue",
            store.notify_overdue_health(&WriteCtx::trusted(), now).await,
        ) {
            Ok(told) => tracing::info!(told, "overdue health reports: managers notified"),
            Err(e) => tracing::error!(error = %e, "overdue health notices failed"),
        },
        Ok(false) => {}
        Err(e) => claim_failed("health_overdue", &e, "cannot claim the overdue health notices"),
    }
    match store.claim_run("recognition", node, RECOGNITION_EVERY, now).await {
        Ok(true) => {
            let mut ctx = WriteCtx::trusted();
            ctx.via = Some("job:recognition".into());
            match counted("recognition", store.recognise(&ctx, now.date()).await) {
                Ok(s) => tracing::info!(
                    lines = s.lines,
                    revenue_minor = s.revenue.amount_minor,
                    cost_minor = s.cost.amount_minor,
                    problems = s.problems.len(),
                    "revenue and cost recognised"
                ),
                Err(e) => tracing::error!(error = %e, "recognition failed"),
            }
        }
        Ok(false) => {}
        Err(e) => claim_failed("recognition", &e, "cannot claim the recognition run"),
    }
    keep_forecast_snapshot(store, node, now).await;
}

/// Keeps the month's forecast snapshot — this month and the eleven after it — the first
/// time a node claims the month; accuracy measures each month against it.
pub async fn keep_forecast_snapshot(store: &dyn Store, node: &str, now: OffsetDateTime) {
    let month = psops_core::finance::Month::of(now.date());
    let job = format!("forecast_snapshot:{month}");
    match store.claim_run(&job, node, SNAPSHOT_EVERY, now).await {
        Ok(true) => {
            let mut ctx = WriteCtx::trusted();
            ctx.via = Some("job:forecast_snapshot".into());
            let months = psops_core::finance::forecast_store::SNAPSHOT_MONTHS;
            match counted(
                "forecast_snapshot",
                store.snapshot_forecast(&ctx, month, months, now).await,
            ) {
                Ok(s) => tracing::info!(snapshot = s.id, lines = s.lines, "forecast snapshot kept"),
                Err(e) => tracing::error!(error = %e, "forecast snapshot failed"),
            }
        }
        Ok(false) => {}
        Err(e) => claim_failed("forecast_snapshot", &e, "cannot claim the forecast snapshot"),
    }
}

#[cfg(test)]
mod tests {
    use psops_core::page::PageRequest;
    use psops_core::store::prelude::*;
    use time::Duration;
    use time::macros::datetime;

    use super::keep_forecast_snapshot;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn nodes_keep_one_forecast_snapshot_a_month() {
        let t = psops_store::testing::TestDatabase::sqlite();
        let db = t.open().await;
        let first = datetime!(2026-12-01 00:03 UTC);
        keep_forecast_snapshot(&db, "a:1", first).await;
        keep_forecast_snapshot(&db, "b:2", first + Duration::minutes(5)).await;
        keep_forecast_snapshot(&db, "a:1", first + Duration::days(20)).await;
        let kept = db.forecast_snapshots(PageRequest::default()).await.expect("list").items;
        assert_eq!(kept.len(), 1, "one node of two keeps December's");
        assert_eq!((kept[0].from.to_string(), kept[0].months), ("2026-12".into(), 12));
        assert_eq!(kept[0].via.as_deref(), Some("job:forecast_snapshot"));
        keep_forecast_snapshot(&db, "b:2", datetime!(2027-01-01 00:01 UTC)).await;
        let kept = db.forecast_snapshots(PageRequest::default()).await.expect("list").items;
        assert_eq!(kept.len(), 2, "and January's on its first day");
        assert_eq!(kept[0].from.to_string(), "2027-01");
        db.close().await;
        t.destroy().await;
    }
}
