//! What issued invoices hold: the `invoice_locks` rows every write to a time entry or a
//! milestone asks about inside its transaction (after locking the row it changes, so it
//! and an issue that bills the row cannot both go through), and what a draft leaves out.

use std::collections::HashMap;

use psops_core::finance::invoices::Billed;
use psops_core::plan::MilestoneId;
use psops_core::rule::Rule;
use psops_core::timesheet::EntryLock;
use psops_core::{Error, Result};

use crate::common::Exec;
use crate::db::sql;

/// The invoice number holding each of these sources (of one kind), by source id.
pub(crate) async fn holders<E: Exec>(e: &mut E, source: &str, ids: &[i64]) -> Result<HashMap<i64, String>> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(500) {
        let mut q = sql(
            "SELECT l.source_id, i.number FROM invoice_locks l JOIN invoices i ON i.id = l.invoice_id \
             WHERE l.source = $1 AND l.source_id IN (",
        )
        .bind(source);
        for (i, id) in chunk.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            q.push_bind(*id);
        }
        q.push(")");
        for r in e.all(q).await? {
            let number: Option<String> = r.get("number")?;
            out.insert(r.get("source_id")?, number.unwrap_or_default());
        }
    }
    Ok(out)
}

/// The lock each entry is under from invoices (entries on none are left out).
pub(crate) async fn entry_locks<E: Exec>(e: &mut E, ids: &[i64]) -> Result<HashMap<i64, EntryLock>> {
    Ok(holders(e, Billed::TimeEntry(psops_core::Id::new(0)).key().0, ids)
        .await?
        .into_iter()
        .map(|(id, number)| (id, EntryLock::Invoiced(number)))
        .collect())
}

/// Refuses when any of the entries is on an issued invoice.
pub(crate) async fn ensure_entries_open<E: Exec>(e: &mut E, ids: &[i64]) -> Result<()> {
    let locks = entry_locks(e, ids).await?;
    for id in ids {
        if let Some(lock) = locks.get(id) {
            lock.clone().ensure_open()?;
        }
    }
    Ok(())
}

/// Refuses a change to a billed milestone's name, amount, currency or acceptance.
pub(crate) async fn ensure_milestone_open<E: Exec>(e: &mut E, id: MilestoneId, what: &str) -> Result<()> {
    let held = holders(e, "milestone", &[id.get()]).await?;
    match held.get(&id.get()) {
        None => Ok(()),
        Some(number) => Err(Error::conflict(
            what,
            Rule::Invoiced,
            format!(
                "milestone {id} is billed on invoice {number}: its name, amount, currency and acceptance no longer \
                 change — finance must credit {number} first"
            ),
        )),
    }
}

/// Every source of these keys already held by an issued invoice.
pub(crate) async fn held(e: &mut impl Exec, wanted: &[Billed]) -> Result<Vec<Billed>> {
    let mut by: HashMap<&'static str, Vec<i64>> = HashMap::new();
    for b in wanted {
        let (s, id) = b.key();
        by.entry(s).or_default().push(id);
    }
    let mut out = Vec::new();
    for (source, ids) in by {
        for id in holders(e, source, &ids).await?.into_keys() {
            out.extend(Billed::from_key(source, id));
        }
    }
    Ok(out)
}
