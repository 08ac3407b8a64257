//! Reminders in SQL: one row each, audited, read back newest first. Each is also queued
//! in the notification outbox, in the same transaction, to be mailed to the person.

use psops_core::audit::AuditAction;
use psops_core::notify::{Notice, NoticeKind};
use psops_core::people::PersonId;
use psops_core::record::Entity;
use psops_core::reporting::{Reminder, week_from_key, week_key};
use psops_core::scope::{ListKind, ListScope};
use psops_core::store::WriteCtx;
use psops_core::timesheet::IsoWeek;
use psops_core::{Error, Result};

use crate::db::{Pools, Row, now, sql};

/// `mailed` is whether the notification that carries the reminder was sent: reminders
/// go out through the notification outbox (older rows, from before it, keep their own).
const COLUMNS: &str = "id, person_id, week_key, message, sent_by, sent_at, \
                       CASE WHEN notification_id IS NULL THEN mailed ELSE EXISTS (SELECT 1 FROM notifications n \
                       WHERE n.id = reminders.notification_id AND n.status = 'sent') END AS mailed";

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
        let exists = sql("SELECT name, email FROM people WHERE id = $1").bind(person);
        let Some(to) = tx.optional(exists).await? else {
            return Err(Error::invalid(
                "person_id",
                psops_core::rule::Rule::UnknownPerson,
                format!("there is no person {person}"),
            ));
        };
        let notice = Notice {
            kind: NoticeKind::TimesheetReminder,
            to_email: to.get("email")?,
            to_name: to.get("name")?,
            subject: format!("Your timesheet for {week}"),
            body: message.trim().to_string(),
            project_id: None,
            about: None,
        };
        let notification = crate::outbox::queue(&mut tx, &notice).await?;
        let q = sql(
            "INSERT INTO reminders (person_id, week_key, message, sent_by, sent_at, mailed, notification_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(person)
        .bind(week_key(week))
        .bind(message.trim())
        .bind(ctx.user_id)
        .bind(now())
        .bind(false)
        .bind(notification);
        let id: i64 = tx.one(q).await?.get("id")?;
        let about = sql("UPDATE notifications SET about = $1 WHERE id = $2")
            .bind(format!("reminder:{id}"))
            .bind(notification);
        tx.execute(about).await?;
        let q = sql(format!("SELECT {COLUMNS} FROM reminders WHERE id = $1")).bind(id);
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
