//! Installing a demo organisation: its records and time through `BulkStore`, then one
//! user per role, linked to a fitting person, with the password hashes the caller made
//! (hashing and secrets belong to the web layer, not the domain).

use psops_core::Result;
use psops_core::auth::{NewUser, Role};
use psops_core::error::Error;
use psops_core::rule::Rule;
use psops_core::store::{Store, WriteCtx};

use crate::DemoOrg;
use psops_core::bulk::LoadStats;

/// A user the demo makes: a role and the person it signs in as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoUser {
    pub role: Role,
    pub email: String,
    pub name: String,
    pub person_id: i64,
}

/// People per batch: large enough for big statements, small enough to stay in memory.
const PEOPLE_PER_BATCH: usize = 200;

/// Loads `org` into an empty database and creates its users, the i-th with
/// `password_hashes[i]`. `progress` hears the running totals after each batch.
pub async fn install(
    store: &dyn Store,
    ctx: &WriteCtx,
    org: &DemoOrg,
    password_hashes: &[String],
    progress: &(dyn Fn(&LoadStats) + Send + Sync),
) -> Result<LoadStats> {
    if password_hashes.len() != org.users().len() {
        return Err(Error::internal("one password hash is needed per demo user"));
    }
    for user in org.users() {
        if store.user_by_email(&user.email).await?.is_some() {
            return Err(Error::conflict(
                "email",
                Rule::Unique,
                format!("a user with email {} already exists", user.email),
            ));
        }
    }
    let mut batches = org.time_batches(PEOPLE_PER_BATCH);
    let stats = store.bulk_load(org.records(), &mut batches, progress).await?;
    let mut made = Vec::new();
    for (user, hash) in org.users().iter().zip(password_hashes) {
        let roles = match user.role {
            // A project manager also logs time as a consultant does.
            Role::ProjectManager => vec![Role::ProjectManager, Role::Consultant],
            // The partner manager manages their organisation's delivered projects.
            Role::PartnerManager => vec![Role::PartnerManager, Role::ProjectManager],
            role => vec![role],
        };
        let u = store
            .create_user(
                ctx,
                NewUser {
                    email: user.email.clone(),
                    name: user.name.clone(),
                    roles,
                    person_id: Some(psops_core::Id::new(user.person_id)),
                    password_hash: Some(hash.clone()),
                },
            )
            .await?;
        made.push((user.role, u.id));
    }
    // Partner time is costed at the authorised rates once the authorizations are in.
    let planned = org.partner_funds();
    let mut subcontractors: Vec<psops_core::partners::PartnerId> = planned.iter().map(|p| p.sow.partner_id).collect();
    subcontractors.sort();
    subcontractors.dedup();
    crate::partner_funds::add(store, ctx, planned).await?;
    crate::catalog::add(store, ctx, &made, org.spec().end).await?;
    // Scoping prices from the catalog's prices and the rate cards, so it comes last.
    crate::scoping::add(store, ctx, org, &made).await?;
    crate::delivery_acceptance::add(store, ctx, org, &made).await?;
    crate::delivery_escalations::add(store, ctx, org, &made).await?;
    // Delivery: a year of weekly health reports and the RAID log of the active projects.
    crate::delivery_health::add(store, org).await?;
    crate::delivery_csat::add(store, ctx, org).await?;
    crate::delivery_notifications::add(store, ctx, org).await?;
    // Partners onboarded, contacts, consultants vetted, candidates in the pipeline.
    crate::partners::add(store, ctx, org, &made).await?;
    // Their monthly invoices, reconciled against the approved time loaded above.
    crate::partner_invoices::add(store, ctx, org, &made, &subcontractors).await?;
    // Courses, trainers, learners and a year of classes; a private class's roster writes
    // its training record, so the money below earns it.
    crate::education::add(store, ctx, org).await?;
    // Certifications for the courses and learners above, and trainers on their paths.
    crate::certifications::add(store, ctx, org).await?;
    // The staffing backlog: open requests over the coming weeks, some held softly.
    crate::staffing::add(store, ctx, org, &made).await?;
    // Money last: it recognises the time, milestones and classes everything above made.
    crate::finance::add(store, ctx, org).await?;
    // The bulk load analysed the time it wrote; what was written since (the ledger's
    // millions of sources, partner funds, invoices) needs the same before anyone reads.
    store.refresh_statistics().await?;
    Ok(stats)
}
