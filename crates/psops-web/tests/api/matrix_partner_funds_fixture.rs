//! Prime SOWs and work authorizations for the authorization matrix: each partner holds
//! one covering its project for 2026 (so its consultants' time goes in), and every cell
//! gets fresh ones of partner A or partner B.

use psops_core::Id;
use psops_core::partner_funds::{
    PartnerRate, PrimeSow, PrimeSowFields, PrimeSowStatus, WorkAuthorization, WorkAuthorizationFields,
};
use psops_core::people::Function;
use psops_core::store::{Created, Records as _, Store, WriteCtx};
use psops_core::{Currency, Money};
use time::macros::date;

use crate::matrix_fixture::{Org, next};

fn created<T>(c: Created<T>) -> T {
    match c {
        Created::New(v) => v,
        Created::Replayed(_) => panic!("fixture replayed"),
    }
}

fn usd(minor: i64) -> Money {
    Money::new(minor, Currency::USD)
}

fn rates(minor: i64) -> Vec<PartnerRate> {
    [
        Function::PartnerConsultant,
        Function::Engineer,
        Function::ProjectManager,
    ]
    .into_iter()
    .map(|role| PartnerRate { role, rate: usd(minor) })
    .collect()
}

pub fn sow_fields(partner: i64) -> PrimeSowFields {
    PrimeSowFields {
        partner_id: Id::new(partner),
        name: format!("PSOW-{}", next()),
        funds: usd(100_000_000),
        rates: rates(12_000),
        start_date: date!(2026 - 01 - 01),
        end_date: date!(2026 - 12 - 31),
        status: PrimeSowStatus::Active,
        notes: None,
    }
}

pub fn wa_fields(sow: i64, project: i64) -> WorkAuthorizationFields {
    WorkAuthorizationFields {
        prime_sow_id: Id::new(sow),
        project_id: Id::new(project),
        name: format!("WA-{}", next()),
        scope: "Delivery".into(),
        requirements: None,
        background_checks_on: Some(date!(2025 - 12 - 15)),
        rates: rates(10_000),
        billing_terms: None,
        start_date: date!(2026 - 01 - 01),
        end_date: date!(2026 - 12 - 31),
        expenses_allowed: false,
        expenses_cap: None,
        committed: usd(100),
    }
}

pub async fn sow(store: &dyn Store, partner: i64) -> i64 {
    let s: PrimeSow = created(
        store
            .create(&WriteCtx::trusted(), sow_fields(partner))
            .await
            .expect("sow"),
    );
    s.id.get()
}

pub async fn authorization(store: &dyn Store, partner: i64, project: i64) -> i64 {
    let sow = sow(store, partner).await;
    let w: WorkAuthorization = created(
        store
            .create(&WriteCtx::trusted(), wa_fields(sow, project))
            .await
            .expect("work authorization"),
    );
    w.id.get()
}

/// What the matrix's partners hold: an authorization on their own project for 2026.
pub async fn cover(store: &dyn Store, partner_a: i64, pa: i64, partner_b: i64, pb: i64) {
    authorization(store, partner_a, pa).await;
    authorization(store, partner_b, pb).await;
}

/// A fresh record of partner A's (`a`) or partner B's, archived when asked.
pub async fn target(store: &dyn Store, org: &Org, wa: bool, a: bool, archived: bool) -> i64 {
    let (partner, project) = if a {
        (org.partner_a, org.pa)
    } else {
        (org.partner_b, org.pb)
    };
    let ctx = WriteCtx::trusted();
    if wa {
        let id = authorization(store, partner, project).await;
        if archived {
            let _: WorkAuthorization = store.archive(&ctx, Id::new(id), None, true).await.expect("archive");
        }
        id
    } else {
        let id = sow(store, partner).await;
        if archived {
            let _: PrimeSow = store.archive(&ctx, Id::new(id), None, true).await.expect("archive");
        }
        id
    }
}
