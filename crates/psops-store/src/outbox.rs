//! The notification outbox in SQL. Every notification is written in the transaction of
//! the change that caused it; delivery reads the outbox afterwards.

use async_trait::async_trait;
use psops_core::audit::AuditAction;
use psops_core::code::Code;
use psops_core::notify::{
    CLAIM_TIMEOUT, Notice, NoticeStatus, Notification, NotificationFilter, NotificationId, NotificationScope,
    NotificationSort, NotificationStore, RetryPolicy,
};
use psops_core::page::{Page, PageRequest};
use psops_core::record::Entity;
use psops_core::rule::Rule;
use psops_core::sort::{Direction, Numbered, Sorted};
use psops_core::store::WriteCtx;
use psops_core::{Error, Result};
use time::OffsetDateTime;

use crate::Db;
use crate::db::{Pools, Row, Sql, Tx, now, sql};

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

const COLUMNS: &str = "id, kind, to_email, to_name, subject, body, project_id, about, status, attempts, \
                       last_error, next_try_at, created_at, sent_at, claimed_by";

fn read(r: &Row) -> Result<Notification> {
    Ok(Notification {
        id: r.id("id")?,
        kind: r.code("kind")?,
        to_email: r.get("to_email")?,
        to_name: r.get("to_name")?,
        subject: r.get("subject")?,
        body: r.get("body")?,
        project_id: r.opt_id("project_id")?,
        about: r.get("about")?,
        status: r.code("status")?,
        attempts: r.get("attempts")?,
        last_error: r.get("last_error")?,
        next_try_at: r.get("next_try_at")?,
        created_at: r.get("created_at")?,
        sent_at: r.get("sent_at")?,
        claimed_by: r.get("claimed_by")?,
    })
}

/// The notification outbox as [`crate::claims`] claims it.
const OUTBOX: crate::claims::Outbox = crate::claims::Outbox {
    table: "notifications",
    also: "",
    columns: COLUMNS,
    timeout: CLAIM_TIMEOUT,
};

/// The longest error text kept: enough for an SMTP server's reply.
const ERROR_CHARS: usize = 1000;

async fn claim(pools: &Pools, node: &str, now: OffsetDateTime, limit: u32) -> Result<Vec<Notification>> {
    let rows = crate::claims::claim(pools, &OUTBOX, node, now, limit).await?;
    rows.iter().map(read).collect()
}

/// Ends `node`'s claim with `set`; false when the node no longer holds the message.
async fn finish(pools: &Pools, id: NotificationId, node: &str, set: &str, now: OffsetDateTime) -> Result<bool> {
    let mut tx = pools.begin().await?;
    let q = sql(format!(
        "UPDATE notifications SET {set}, next_try_at = NULL WHERE id = $2 AND status = 'sending' AND claimed_by = $3"
    ))
    .bind(now)
    .bind(id)
    .bind(node);
    let changed = tx.execute(q).await? == 1;
    tx.commit().await?;
    Ok(changed)
}

async fn failed(
    pools: &Pools,
    id: NotificationId,
    node: &str,
    error: &str,
    now: OffsetDateTime,
    policy: &RetryPolicy,
) -> Result<Option<Notification>> {
    let mut tx = pools.begin().await?;
    let held = sql(format!(
        "SELECT attempts FROM notifications WHERE id = $1 AND status = 'sending' AND claimed_by = $2{}",
        tx.for_update()
    ))
    .bind(id)
    .bind(node);
    let Some(row) = tx.optional(held).await? else {
        return Ok(None);
    };
    let attempts: i64 = row.get("attempts")?;
    let (status, next) = match policy.wait_after(attempts) {
        Some(wait) => (NoticeStatus::Queued, Some(now + wait)),
        None => (NoticeStatus::Failed, None),
    };
    let error: String = error.chars().take(ERROR_CHARS).collect();
    let q = sql(format!(
        "UPDATE notifications SET status = $1, next_try_at = $2, last_error = $3 WHERE id = $4 RETURNING {COLUMNS}"
    ))
    .bind(status.code())
    .bind(next)
    .bind(error)
    .bind(id);
    let after = read(&tx.one(q).await?)?;
    tx.commit().await?;
    Ok(Some(after))
}

fn filtered(q: &mut Sql, filter: &NotificationFilter, scope: NotificationScope) {
    crate::common::eq(q, "kind", filter.kind.map(|k| k.code()));
    crate::common::eq(q, "status", filter.status.map(|s| s.code()));
    crate::common::eq(q, "project_id", filter.project_id);
    match scope {
        NotificationScope::All => {}
        NotificationScope::ManagedBy(person) => {
            q.push(" AND project_id IN (SELECT id FROM projects WHERE project_manager_id = ")
                .push_bind(person)
                .push(")");
        }
        NotificationScope::Nothing => {
            q.push(" AND 1 = 0");
        }
    }
}

fn order_by(key: NotificationSort) -> &'static str {
    match key {
        NotificationSort::Created => "id",
        NotificationSort::Kind => "kind",
        NotificationSort::Status => "status",
        NotificationSort::Recipient => "to_name",
        NotificationSort::Subject => "subject",
        NotificationSort::Attempts => "attempts",
    }
}

async fn page_sorted(
    pools: &Pools,
    filter: &NotificationFilter,
    scope: NotificationScope,
    at: &Sorted<NotificationSort>,
) -> Result<Numbered<Notification>> {
    let mut count = sql("SELECT COUNT(*) AS n FROM notifications WHERE 1 = 1");
    filtered(&mut count, filter, scope);
    let total: i64 = pools.one(count).await?.get("n")?;
    let mut q = sql(format!("SELECT {COLUMNS} FROM notifications WHERE 1 = 1"));
    filtered(&mut q, filter, scope);
    let dir = match at.direction {
        Direction::Asc => "ASC",
        Direction::Desc => "DESC",
    };
    q.push(&format!(
        " ORDER BY {} {dir}, id {dir} LIMIT {} OFFSET {}",
        order_by(at.key),
        at.size,
        at.offset()
    ));
    let items = pools.all(q).await?.iter().map(read).collect::<Result<Vec<_>>>()?;
    Ok(Numbered {
        items,
        total: u64::try_from(total).unwrap_or(0),
    })
}

async fn newest(
    pools: &Pools,
    filter: &NotificationFilter,
    scope: NotificationScope,
    page: PageRequest,
) -> Result<Page<Notification>> {
    let mut q = sql(format!("SELECT {COLUMNS} FROM notifications WHERE 1 = 1"));
    filtered(&mut q, filter, scope);
    if let Some(after) = page.after {
        q.push(" AND id < ").push_bind(after);
    }
    q.push(" ORDER BY id DESC LIMIT ").push_bind(i64::from(page.limit) + 1);
    let rows = pools.all(q).await?.iter().map(read).collect::<Result<Vec<_>>>()?;
    Ok(Page::from_rows(rows, page.limit, |n| n.id.get()))
}

async fn one(pools: &Pools, id: NotificationId) -> Result<Option<Notification>> {
    let q = sql(format!("SELECT {COLUMNS} FROM notifications WHERE id = $1")).bind(id);
    pools.optional(q).await?.as_ref().map(read).transpose()
}

async fn resend(pools: &Pools, ctx: &WriteCtx, id: NotificationId, now: OffsetDateTime) -> Result<Notification> {
    let mut tx = pools.begin().await?;
    let q = sql(format!(
        "SELECT {COLUMNS} FROM notifications WHERE id = $1{}",
        tx.for_update()
    ))
    .bind(id);
    let before = match tx.optional(q).await? {
        Some(row) => read(&row)?,
        None => return Err(Error::not_found(Entity::Notification, id)),
    };
    if !matches!(before.status, NoticeStatus::Failed | NoticeStatus::Kept) {
        return Err(Error::conflict(
            "status",
            Rule::InvalidTransition,
            format!(
                "only a failed or kept notification is sent again; this one is {}",
                before.status.code()
            ),
        ));
    }
    let q = sql(format!(
        "UPDATE notifications SET status = $1, attempts = 0, next_try_at = $2, last_error = NULL, \
         claimed_by = NULL, claimed_at = NULL WHERE id = $3 RETURNING {COLUMNS}"
    ))
    .bind(NoticeStatus::Queued.code())
    .bind(now)
    .bind(id);
    let after = read(&tx.one(q).await?)?;
    crate::audit::record(
        &mut tx,
        ctx,
        Entity::Notification,
        id.get(),
        AuditAction::Update,
        Some(&before),
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

#[async_trait]
impl NotificationStore for Db {
    async fn queue_notification(&self, notice: &Notice) -> Result<NotificationId> {
        let mut tx = self.pools.begin().await?;
        let id = queue(&mut tx, notice).await?;
        tx.commit().await?;
        Ok(NotificationId::new(id))
    }

    async fn claim_notifications(&self, node: &str, now: OffsetDateTime, limit: u32) -> Result<Vec<Notification>> {
        claim(&self.pools, node, now, limit).await
    }

    async fn mark_sent(&self, id: NotificationId, node: &str, now: OffsetDateTime) -> Result<bool> {
        finish(
            &self.pools,
            id,
            node,
            "status = 'sent', sent_at = $1, last_error = NULL",
            now,
        )
        .await
    }

    async fn mark_kept(&self, id: NotificationId, node: &str, now: OffsetDateTime) -> Result<bool> {
        // Keeping is no try at mailing: the claim's count is given back.
        let set = "status = 'kept', attempts = attempts - 1, claimed_at = $1";
        finish(&self.pools, id, node, set, now).await
    }

    async fn mark_failed(
        &self,
        id: NotificationId,
        node: &str,
        error: &str,
        now: OffsetDateTime,
        policy: &RetryPolicy,
    ) -> Result<Option<Notification>> {
        failed(&self.pools, id, node, error, now, policy).await
    }

    async fn notifications_page(
        &self,
        filter: &NotificationFilter,
        scope: NotificationScope,
        sort: &Sorted<NotificationSort>,
    ) -> Result<Numbered<Notification>> {
        page_sorted(&self.pools, filter, scope, sort).await
    }

    async fn notifications(
        &self,
        filter: &NotificationFilter,
        scope: NotificationScope,
        page: PageRequest,
    ) -> Result<Page<Notification>> {
        newest(&self.pools, filter, scope, page).await
    }

    async fn notification(&self, id: NotificationId) -> Result<Option<Notification>> {
        one(&self.pools, id).await
    }

    async fn resend_notification(
        &self,
        ctx: &WriteCtx,
        id: NotificationId,
        now: OffsetDateTime,
    ) -> Result<Notification> {
        resend(&self.pools, ctx, id, now).await
    }
}
