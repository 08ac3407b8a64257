//! The demo's outbox: timesheet reminders over the last weeks, as ops sends them from the
//! compliance report to the few people who are late, each queued as a notification in
//! the same transaction (the real `remind` call). All but the current week's have gone
//! out — most mailed, a handful bounced for good (a mailbox that no longer exists) and
//! one waiting for its next try after the server said "try later" — so the outbox page
//! shows every status a running organisation sees. The current week's wait to be mailed,
//! or are kept in the outbox if the demo is served without an SMTP server.

use psops_core::Id;
use psops_core::Result;
use psops_core::notify::RetryPolicy;
use psops_core::people::PersonId;
use psops_core::reporting::Reminder;
use psops_core::store::{Store, WriteCtx};
use psops_core::timesheet::IsoWeek;
use time::{Duration, OffsetDateTime};

use crate::DemoOrg;
use crate::rng::Rng;

/// Weeks of reminders, ending with the current week.
const WEEKS: i64 = 8;
/// People reminded a week: about one in forty is late, a few at least, and never so many
/// that a large organisation's demo spends long on them.
const LATE_PER_FORTY: usize = 1;
const MAX_A_WEEK: usize = 40;
/// The node name the demo's deliveries are recorded under.
const NODE: &str = "demo";

pub(crate) async fn add(store: &dyn Store, ctx: &WriteCtx, org: &DemoOrg) -> Result<()> {
    let mut rng = Rng::derive(org.spec().seed, 171);
    let today = org.spec().end;
    let people: Vec<PersonId> = org
        .records()
        .people
        .iter()
        .filter(|p| p.fields.employment_end.is_none_or(|end| end >= today))
        .map(|p| Id::new(p.id))
        .collect();
    if people.is_empty() {
        return Ok(());
    }
    let per_week = (people.len() * LATE_PER_FORTY / 40).clamp(2, MAX_A_WEEK);
    let current = IsoWeek::of(today);
    for back in (0..WEEKS).rev() {
        let week = IsoWeek::of(today - Duration::weeks(back));
        let mut late: Vec<PersonId> = (0..per_week).map(|_| *rng.pick(&people)).collect();
        late.sort_unstable();
        late.dedup();
        let due = week.monday() + Duration::days(4);
        let message = Reminder::message_for(week, due);
        store.remind(ctx, &late, week, &message).await?;
        if week == current {
            break;
        }
        deliver(store, &mut rng).await?;
    }
    Ok(())
}

/// Delivers what waits, as a node with a mail server would have.
async fn deliver(store: &dyn Store, rng: &mut Rng) -> Result<()> {
    let now = OffsetDateTime::now_utc() + Duration::seconds(1);
    let gave_up = RetryPolicy {
        max_attempts: 1,
        ..RetryPolicy::default()
    };
    for n in store.claim_notifications(NODE, now, 500).await? {
        let roll = rng.below(100);
        if roll < 2 {
            let error = format!("550 5.1.1 <{}>: mailbox unavailable", n.to_email);
            store.mark_failed(n.id, NODE, &error, now, &gave_up).await?;
        } else if roll < 3 {
            let error = "451 4.3.0 temporary server error, try again later";
            store
                .mark_failed(n.id, NODE, error, now, &RetryPolicy::default())
                .await?;
        } else {
            store.mark_sent(n.id, NODE, now).await?;
        }
    }
    Ok(())
}
