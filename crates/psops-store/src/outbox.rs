//! The notification outbox in SQL. Every notification is written in the transaction of
//! the change that caused it; delivery reads the outbox afterwards.

use psops_core::Result;
use psops_core::code::Code;
use psops_core::notify::{Notice, NoticeStatus};

use crate::db::{Tx, now, sql};

/// Writes a notification to the outbox, waiting to be mailed, in the caller's
/// transaction; answers its id.
pub async fn queue(tx: &mut Tx, notice: &Notice) -> Result<i64> {
    notice.validate()?;
    let at = now();
    let q = sql(
        "INSERT INTO notifications (kind, to_email, to_name, subject, body, project_id, about, status, \
         attempts, next_try_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $10) RETURNING id",
    )
    .bind(notice.kind.code())
    .bind(notice.to_email.trim())
    .bind(notice.to_name.trim())
    .bind(notice.subject.trim())
    .bind(notice.body.as_str())
    .bind(notice.project_id)
    .bind(notice.about.clone())
    .bind(NoticeStatus::Queued.code())
    .bind(at)
    .bind(at);
    tx.one(q).await?.get("id")
}
