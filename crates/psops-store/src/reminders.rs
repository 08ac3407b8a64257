//! Reminders in SQL: one row each, audited, read back newest first.

use psops_core::audit::AuditAction;
use psops_core::people::PersonId;
use psops_core::record::Entity;
use psops_core::reporting::{Reminder, week_from_key, week_key};
use psops_core::scope::{ListKind, ListScope};
use psops_core::store::WriteCtx;
use psops_core::timesheet::IsoWeek;
use psops_core::{Error, Result};

use crate::db::{Pools, Row, now, sql};

const COLUMNS: &str = "id, person_id, week_key, message, sent_by, sent_at, mailed";

fn read(r: &Row) -> Result<Reminder> {
    let key: i64 = r.get("week_key")?;
    Ok(Reminder {
        id: r.id("id")?,
        person_id: r.id("person_id")?,
        week: week_from_key(key).ok_or_else(|| Error::internal(format!("stored week {key} is not a week")))?,
        message: r.get("message")?,
        sent_by: r.opt_id("sent_by")?,
        sent_at: r.get("sent_at")?,
        mailed: r.get("mailed")?,
    })
}

/// One reminder to each person, all of them or none (an unknown person refuses the lot).
pub async fn remind(
    pools: &Pools,
    ctx: &WriteCtx,
    people: &[PersonId],
    week: IsoWeek,
    message: &str,
) -> Result<Vec<Reminder>> {
    Reminder::check(message)?;
    let mut tx = pools.begin().await?;
    let mut sent = Vec::with_capacity(people.len());
    for &person in people {
        let exists = sql("SELECT id FROM people WHERE id = $1").bind(person);
        if tx.optional(exists).await?.is_none() {
            return Err(Error::invalid(
                "person_id",
                psops_core::rule::Rule::UnknownPerson,
                format!("there is no person {person}"),
            ));
        }
        let q = sql(format!(
            "INSERT INTO reminders (person_id, week_key, message, sent_by, sent_at, mailed) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING {COLUMNS}"
        ))
        .bind(person)
        .bind(week_key(week))
        .bind(message.trim())
        .bind(ctx.user_id)
        .bind(now())
        .bind(false);
        let reminder = read(&tx.one(q).await?)?;
        crate::audit::record(
            &mut tx,
            ctx,
            Entity::Reminder,
            reminder.id.get(),
            AuditAction::Create,
            None,
            Some(&reminder),
        )
        .await?;
        sent.push(reminder);
    }
    tx.commit().await?;
    Ok(sent)
}

/// Reminders newest first: one person's or everyone's, of the people `scope` lets the
/// reader see (as figures: a manager sees their reports'), at most `limit`.
pub async fn list(pools: &Pools, person: Option<PersonId>, scope: &ListScope, limit: u32) -> Result<Vec<Reminder>> {
    let mut q = sql(format!("SELECT {COLUMNS} FROM reminders WHERE 1 = 1"));
    crate::common::eq(&mut q, "person_id", person);
    if *scope != ListScope::All {
        q.push(" AND person_id IN (SELECT id FROM people WHERE 1 = 1");
        crate::common::scope(&mut q, scope, ListKind::Figures);
        q.push(")");
    }
    q.push(" ORDER BY id DESC LIMIT ").push_bind(i64::from(limit));
    pools.all(q).await?.iter().map(read).collect()
}
