//! The demo's milestone acceptance: running and finished fixed-fee projects bill by
//! milestone, so a sample of them gets three milestones over its dates (the demo
//! project manager's own first). Each delivered milestone's acceptance request went to a
//! contact of the account a day or two after it was due; customers signed most, replied
//! "accepted" by e-mail to many, and let the notice run out on the rest, which the real
//! sweep then accepts passively. The last ones delivered still await acceptance with
//! their passive-acceptance dates; the future ones are not requested yet. Signed
//! sign-offs keep a link to the signed document, some e-mail replies a link to the thread.
//! Every write goes through the store's acceptance calls, so the audit trail is real.
//! Deterministic from the seed; a few dozen projects at most, whatever the size.

use time::{Date, Duration};

use psops_core::accounts::{Contact, ContactFilter};
use psops_core::auth::{Role, UserId};
use psops_core::delivery::acceptance::{AcceptanceMethod, AcceptanceRequest, NewEvidence, SignOff};
use psops_core::every;
use psops_core::plan::{Milestone, MilestoneFields, MilestoneStatus};
use psops_core::projects::{BillingType, Project, ProjectFilter, ProjectStatus};
use psops_core::store::{Records, Store, WriteCtx};
use psops_core::{Currency, Money, Result};

use crate::DemoOrg;
use crate::rng::Rng;
use crate::scoping::created;

const NAMES: [&str; 3] = [
    "Discovery and design signed off",
    "Build complete",
    "Go-live and hand-over",
];

/// How many projects get milestones: a handful at the smallest size, at most 40.
fn sample(people: usize) -> usize {
    (6 + people / 150).min(40)
}

/// The milestones' due dates over a project's life: a third, two thirds and its end.
fn dues(start: Date, end: Date) -> [Date; 3] {
    let span = (end - start).whole_days().max(21);
    [1, 2, 3].map(|k| start + Duration::days(span * k / 3))
}

/// Adds the milestones and their acceptance to the sample of projects.
pub(crate) async fn add(store: &dyn Store, ctx: &WriteCtx, org: &DemoOrg, users: &[(Role, UserId)]) -> Result<()> {
    let today = org.spec().end;
    let mut rng = Rng::derive(org.spec().seed, 0xACCE);
    let pm_person = org
        .users()
        .iter()
        .find(|u| u.role == Role::ProjectManager)
        .map(|u| u.person_id);
    let pm_user = users.iter().find(|(r, _)| *r == Role::ProjectManager).map(|(_, u)| *u);
    let mut projects: Vec<Project> = Vec::new();
    for status in [ProjectStatus::Active, ProjectStatus::Closed, ProjectStatus::Completed] {
        let filter = ProjectFilter {
            status: Some(status),
            billing_type: Some(BillingType::FixedFee),
            ..Default::default()
        };
        let found: Vec<Project> = every!(store, filter);
        projects.extend(
            found
                .into_iter()
                .filter(|p| p.fields.account_id.is_some() && p.fields.start_date.is_some_and(|s| s < today)),
        );
    }
    // The demo project manager's projects first, so their Milestones tab has work on it.
    projects.sort_by_key(|p| (p.fields.project_manager_id.map(|m| m.get()) != pm_person, p.id.get()));
    projects.truncate(sample(org.spec().people));
    for p in &projects {
        let mine = pm_person.is_some() && p.fields.project_manager_id.map(|m| m.get()) == pm_person;
        let writer = match (mine, pm_user) {
            (true, Some(u)) => crate::catalog::as_user(u),
            _ => ctx.clone(),
        };
        project(store, &writer, p, today, &mut rng).await?;
    }
    // Notices that ran out: accepted passively by the sweep, as `psops serve` would have.
    store.sweep_acceptance(ctx, today).await?;
    Ok(())
}

async fn project(store: &dyn Store, ctx: &WriteCtx, p: &Project, today: Date, rng: &mut Rng) -> Result<()> {
    let Some(account) = p.fields.account_id else {
        return Ok(());
    };
    let contacts: Vec<Contact> = every!(
        store,
        ContactFilter {
            account_id: account,
            archived: None,
        }
    );
    let Some(contact) = contacts.iter().find(|c| c.fields.email.is_some()) else {
        return Ok(());
    };
    let start = p.fields.start_date.unwrap_or(today);
    let end = p.fields.end_date.unwrap_or(start + Duration::days(120));
    let total = p
        .fields
        .budget
        .filter(|b| b.amount_minor > 0)
        .unwrap_or(Money::new(rng.between(60, 240) * 100_000, Currency::USD));
    let domain = contact
        .fields
        .email
        .as_deref()
        .and_then(|e| e.split('@').nth(1))
        .unwrap_or("customer.example")
        .to_string();
    let dues = dues(start, end);
    // On a running project the milestone delivered last went out for acceptance in the
    // last few days and waits for the customer.
    let pending = (p.fields.status == ProjectStatus::Active)
        .then(|| {
            dues.iter()
                .rposition(|d| *d <= today && (today - *d).whole_days() <= 45)
        })
        .flatten();
    let mut given = 0;
    for (i, (name, due)) in NAMES.iter().zip(dues).enumerate() {
        let amount = if i == 2 {
            total.amount_minor - given
        } else {
            total.amount_minor / 3
        };
        given += amount;
        let m: Milestone = created(
            store
                .create(
                    ctx,
                    MilestoneFields {
                        project_id: p.id,
                        name: (*name).into(),
                        due_date: Some(due),
                        amount: Some(Money::new(amount, total.currency)),
                        status: MilestoneStatus::Open,
                    },
                )
                .await?,
        )?;
        // Delivered by its due date, the request going out a day or two later.
        let sent = if pending == Some(i) {
            due.max(today - Duration::days(rng.between(0, 3)))
        } else {
            due + Duration::days(rng.between(0, 2))
        };
        if sent > today {
            continue;
        }
        let request = AcceptanceRequest {
            contact_id: contact.id,
            today: sent,
        };
        store.request_acceptance(ctx, m.id, None, request).await?;
        if pending == Some(i) {
            continue;
        }
        let roll = rng.below(100);
        let (method, after, evidence) = if roll < 45 {
            let link = rng.chance(80).then(|| NewEvidence::Link {
                url: format!("https://sign.{domain}/envelopes/{}-{}", p.id, m.id),
                note: Some("Signed sign-off sheet".into()),
            });
            (AcceptanceMethod::Signature, rng.between(1, 4), link)
        } else if roll < 75 {
            let link = rng.chance(50).then(|| NewEvidence::Link {
                url: format!("https://mail.{domain}/threads/acceptance-{}", m.id),
                note: Some("The customer's reply".into()),
            });
            (AcceptanceMethod::EmailReply, rng.between(0, 3), link)
        } else {
            // No answer: the notice runs out and the sweep accepts it.
            continue;
        };
        let on = sent + Duration::days(after);
        if on > today {
            continue;
        }
        let sign = SignOff {
            accepted_by: contact.fields.name.clone(),
            method,
            accepted_on: Some(on),
            note: None,
            evidence,
            today,
        };
        store.record_acceptance(ctx, m.id, None, sign).await?;
    }
    Ok(())
}
