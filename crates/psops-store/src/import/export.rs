//! The time export, read a page at a time in id order (so a caller streams any range in
//! constant memory), and the hashed secrets of the calendar feeds.

use psops_core::Result;
use psops_core::interchange::ExportRow;
use psops_core::people::{Person, PersonId};
use psops_core::record::Entity;
use psops_core::store::WriteCtx;
use psops_core::time_entries::{TimeEntryFilter, TimeEntryId};
use psops_core::{Error, Minutes};

use crate::db::{Pools, now, sql};
use crate::record::table;
use crate::time_entries::where_filter;

pub(crate) async fn page(
    pools: &Pools,
    filter: &TimeEntryFilter,
    after: Option<TimeEntryId>,
    limit: u32,
) -> Result<Vec<(TimeEntryId, ExportRow)>> {
    // The filters read the entries table alone, as the list does; names are joined after.
    let mut q = sql(
        "SELECT e.id, e.entry_date, e.minutes, e.billable, e.note, e.category, e.source_key, \
         p.name AS person_name, p.email AS person_email, pr.name AS project_name, pr.code AS project_code, \
         a.name AS account_name, a.code AS account_code FROM (SELECT * FROM time_entries WHERE 1=1",
    );
    where_filter(&mut q, filter);
    if let Some(after) = after {
        q.push(" AND id > ").push_bind(after);
    }
    q.push(&format!(
        " ORDER BY id LIMIT {}) e JOIN people p ON p.id = e.person_id \
         LEFT JOIN projects pr ON pr.id = e.project_id LEFT JOIN accounts a ON a.id = pr.account_id ORDER BY e.id",
        limit.clamp(1, 10_000)
    ));
    let rows = pools.all(q).await?;
    rows.iter()
        .map(|r| {
            let id: TimeEntryId = r.id("id")?;
            let row = ExportRow {
                date: r.get("entry_date")?,
                person_name: r.get("person_name")?,
                person_email: r.get("person_email")?,
                account: r.get("account_name")?,
                account_code: r.get("account_code")?,
                project: r.get("project_name")?,
                project_code: r.get("project_code")?,
                category: r.opt_code("category")?,
                task: None,
                minutes: Minutes(r.get("minutes")?),
                billable: r.get("billable")?,
                note: r.get("note")?,
                bill_rate: None,
                cost_rate: None,
                source_key: r.get("source_key")?,
            };
            Ok((id, row))
        })
        .collect()
}

pub(crate) async fn set_feed_token(pools: &Pools, ctx: &WriteCtx, person: PersonId, token_hash: &str) -> Result<()> {
    let mut tx = pools.begin().await?;
    let lock = tx.for_update();
    table::<Person>().get(&mut tx, person.get(), lock).await?;
    let q = sql(
        "INSERT INTO feed_tokens (person_id, token_hash, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (person_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at",
    )
    .bind(person)
    .bind(token_hash)
    .bind(now());
    tx.execute(q).await?;
    // The audit says that the secret changed, never what it is.
    let after = serde_json::json!({ "person_id": person.get(), "reset": true });
    let action = psops_core::audit::AuditAction::Update;
    crate::audit::record(
        &mut tx,
        ctx,
        Entity::FeedToken,
        person.get(),
        action,
        None,
        Some(&after),
    )
    .await?;
    tx.commit().await
}

pub(crate) async fn person_by_feed_token(pools: &Pools, token_hash: &str) -> Result<Option<Person>> {
    let q = sql("SELECT person_id FROM feed_tokens WHERE token_hash = $1").bind(token_hash);
    let Some(row) = pools.optional(q).await? else {
        return Ok(None);
    };
    match table::<Person>().get(&mut &*pools, row.get("person_id")?, "").await {
        Ok(p) => Ok(Some(p)),
        Err(Error::NotFound { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}
