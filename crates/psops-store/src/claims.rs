//! Claiming outbox rows for delivery, shared by the notification outbox and webhook
//! deliveries: a row waits (`queued`) until its `next_try_at`, and a node takes it by a
//! conditional update to `sending` with its name and the time in `claimed_by` and
//! `claimed_at`, counting a try. A claim older than the outbox's timeout belongs to a
//! node that stopped, and the row may be claimed again.

use psops_core::Result;
use time::OffsetDateTime;

use crate::db::{Pools, Row, sql};

/// A table of claimable rows: `status`, `next_try_at`, `attempts`, `claimed_by` and
/// `claimed_at` columns.
pub(crate) struct Outbox {
    pub table: &'static str,
    /// A further condition every claimed row meets (`""` for none), e.g. that its
    /// subscription is active.
    pub also: &'static str,
    /// The columns a claim answers.
    pub columns: &'static str,
    /// How long a claim holds.
    pub timeout: time::Duration,
}

/// What a node may claim at `now`: waiting rows whose next try has come, and rows another
/// node has held past the claim timeout. `$1` is now, `$2` the stale claim's cutoff.
const CLAIMABLE: &str = "((status = 'queued' AND next_try_at <= $1) OR (status = 'sending' AND claimed_at <= $2))";

/// Claims up to `limit` rows due at `now` for `node`, oldest first; each claim counts a
/// try. Of several nodes claiming at once, exactly one gets each row.
pub(crate) async fn claim(pools: &Pools, o: &Outbox, node: &str, now: OffsetDateTime, limit: u32) -> Result<Vec<Row>> {
    let stale = now - o.timeout;
    let due = sql(format!(
        "SELECT id FROM {} WHERE {CLAIMABLE}{} ORDER BY id LIMIT $3",
        o.table, o.also
    ))
    .bind(now)
    .bind(stale)
    .bind(i64::from(limit));
    let ids: Vec<i64> = pools
        .all(due)
        .await?
        .iter()
        .map(|r| r.get("id"))
        .collect::<Result<_>>()?;
    let mut claimed = Vec::with_capacity(ids.len());
    for id in ids {
        // The conditional update is the claim: PostgreSQL re-checks the condition once a
        // competing node's update of the row commits, so only one of them changes it.
        let mut tx = pools.begin().await?;
        let q = sql(format!(
            "UPDATE {} SET status = 'sending', claimed_by = $3, claimed_at = $1, \
             attempts = attempts + 1 WHERE id = $4 AND {CLAIMABLE}{} RETURNING {}",
            o.table, o.also, o.columns
        ))
        .bind(now)
        .bind(stale)
        .bind(node)
        .bind(id);
        let row = tx.optional(q).await?;
        tx.commit().await?;
        claimed.extend(row);
    }
    Ok(claimed)
}
