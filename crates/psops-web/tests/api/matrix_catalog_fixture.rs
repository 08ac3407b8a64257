//! The catalog and rates the authorization matrix acts on: a chain whose steps finance,
//! the engagement manager and leadership decide, and fresh records for every cell.

use psops_core::Id;
use psops_core::catalog::offerings::{Maturity, OfferingFields, OfferingTypeFields};
use psops_core::catalog::requests::{NewSkuRequest, SkuRequestFields, Step, Verdict};
use psops_core::catalog::skus::{SkuFields, SkuPriceFields};
use psops_core::catalog::{Channel, SkuStatus, Unit};
use psops_core::people::Function;
use psops_core::policy::{Action, Subject, grant};
use psops_core::rates::cards::{CostRateFields, ProjectRateFields, RoleRateFields};
use psops_core::rates::fx::FxRateFields;
use psops_core::rates::{Rate, RateKind};
use psops_core::settings::SettingsPatch;
use psops_core::store::{Created, Records as _, Store, WriteCtx};
use psops_core::{Currency, Minutes, Money};
use time::Duration;
use time::macros::date;

use crate::matrix_fixture::{Org, next};

fn ctx() -> WriteCtx {
    WriteCtx::trusted()
}

fn made<T>(c: Created<T>) -> T {
    match c {
        Created::New(v) => v,
        Created::Replayed(_) => panic!("fixture replayed"),
    }
}

/// A write as a user, the way a signed-in request makes one.
fn as_user(u: i64) -> WriteCtx {
    let me = Subject {
        user_id: Id::new(u),
        roles: vec![],
        person_id: None,
        partner_id: None,
        read_only: false,
    };
    WriteCtx::granted(grant(&me, Action::Read, None).expect("grant"), Id::new(u), None)
}

fn usd(minor: i64) -> Money {
    Money::new(minor, Currency::USD)
}

/// A day of its own for every call, so one-day rate periods never meet.
pub fn day() -> time::Date {
    date!(2030 - 01 - 01) + Duration::days(next())
}

/// The roles' columns: 2 finance, 3 practice manager, 4 engagement manager, 9 leadership.
pub const FINANCE: usize = 2;
pub const PRACTICE: usize = 3;
pub const ENGAGEMENT: usize = 4;
pub const LEADERSHIP: usize = 9;

/// The approval chain: finance, then the engagement manager, then leadership.
pub async fn chain(store: &dyn Store, org: &Org) {
    let steps = [
        ("Finance review", FINANCE),
        ("VP Customer Success", ENGAGEMENT),
        ("CFO", LEADERSHIP),
    ]
    .into_iter()
    .map(|(name, role)| Step {
        name: name.into(),
        approver: Some(Id::new(org.users[role])),
    })
    .collect();
    let patch = SettingsPatch {
        sku_approval_chain: Some(steps),
        ..Default::default()
    };
    store.update_settings(&ctx(), patch).await.expect("chain");
}

pub async fn offering_type(store: &dyn Store) -> i64 {
    let f = OfferingTypeFields {
        category: "Consulting".into(),
        name: format!("Type {}", next()),
        description: None,
    };
    let t: psops_core::catalog::OfferingType = made(store.create(&ctx(), f).await.expect("type"));
    t.id.get()
}

pub async fn offering(store: &dyn Store) -> i64 {
    let f = OfferingFields {
        type_id: Id::new(offering_type(store).await),
        name: format!("Offering {}", next()),
        maturity: Maturity::Viable,
        description: None,
        kit_links: vec![],
        checklist: vec![],
        effort: vec![],
    };
    let o: psops_core::catalog::Offering = made(store.create(&ctx(), f).await.expect("offering"));
    o.id.get()
}

/// An active SKU with a price in force since before 2020.
pub async fn sku(store: &dyn Store) -> i64 {
    let f = SkuFields {
        offering_id: Id::new(offering(store).await),
        code: format!("MX-{}", next()),
        name: "Matrix SKU".into(),
        unit: Unit::FixedPackage,
        block_minutes: None,
        term_months: None,
        currency: Currency::USD,
        seat_limit: None,
        addon_sku_id: None,
        bounds: vec![],
        bounds_note: None,
        always_custom: false,
        standard_sow: true,
        te_separate: false,
        channel: Channel::SalesAssisted,
        status: SkuStatus::Active,
    };
    let s: psops_core::catalog::Sku = made(store.create(&ctx(), f).await.expect("sku"));
    price(store, s.id.get()).await;
    s.id.get()
}

/// A price in force today whatever the counter stands at: from a day of its own before
/// 2020 (a counter past a few thousand once put it in the future: "price not set").
pub async fn price(store: &dyn Store, sku: i64) -> i64 {
    let f = SkuPriceFields {
        sku_id: Id::new(sku),
        effective_from: date!(2000 - 01 - 01) + Duration::days(next() % 7_000),
        price: usd(100_000),
        note: None,
    };
    let p: psops_core::catalog::SkuPrice = made(store.create(&ctx(), f).await.expect("price"));
    p.id.get()
}

pub async fn bundle(store: &dyn Store) -> i64 {
    let f = psops_core::catalog::bundles::BundleFields {
        name: format!("Bundle {}", next()),
        description: None,
        offering_ids: vec![Id::new(offering(store).await)],
    };
    let b: psops_core::catalog::Bundle = made(store.create(&ctx(), f).await.expect("bundle"));
    b.id.get()
}

pub fn role_rate_fields(kind: RateKind) -> RoleRateFields {
    let d = day();
    RoleRateFields {
        kind,
        role: Function::Engineer,
        region: "EMEA".into(),
        rate: usd(20_000),
        effective_from: d,
        effective_to: Some(d),
    }
}

pub async fn role_rate(store: &dyn Store, kind: RateKind) -> i64 {
    let r: psops_core::rates::RoleRate = made(store.create(&ctx(), role_rate_fields(kind)).await.expect("rate"));
    r.id.get()
}

pub fn project_rate_fields(project: i64) -> ProjectRateFields {
    let d = day();
    ProjectRateFields {
        project_id: Id::new(project),
        role: Function::Engineer,
        rate: usd(22_000),
        effective_from: d,
        effective_to: Some(d),
    }
}

pub async fn project_rate(store: &dyn Store, project: i64) -> i64 {
    let r: psops_core::rates::ProjectRate = made(
        store
            .create(&ctx(), project_rate_fields(project))
            .await
            .expect("project rate"),
    );
    r.id.get()
}

pub fn cost_rate_fields(person: i64) -> CostRateFields {
    let d = day();
    CostRateFields {
        person_id: Id::new(person),
        rate: usd(9_000),
        effective_from: d,
        effective_to: Some(d),
    }
}

pub async fn cost_rate(store: &dyn Store, person: i64) -> i64 {
    let r: psops_core::rates::CostRate = made(store.create(&ctx(), cost_rate_fields(person)).await.expect("cost"));
    r.id.get()
}

pub fn fx_fields() -> FxRateFields {
    FxRateFields {
        currency: "EUR".parse().expect("EUR"),
        quote: Currency::USD,
        date: day(),
        rate: Rate::parse("1.08", "rate").expect("rate"),
    }
}

pub async fn fx(store: &dyn Store) -> i64 {
    let r: psops_core::rates::FxRate = made(store.create(&ctx(), fx_fields()).await.expect("fx"));
    r.id.get()
}

pub async fn request_fields(store: &dyn Store) -> SkuRequestFields {
    SkuRequestFields {
        offering_id: Id::new(offering(store).await),
        name: format!("Request {}", next()),
        unit: Unit::FixedPackage,
        block_minutes: None,
        term_months: None,
        channel: Channel::SalesAssisted,
        list_price: Some(usd(500_000)),
        minutes: Minutes(40 * 60),
        hourly_cost: usd(10_000),
        te_assumption: Some("Remote".into()),
        assumptions: None,
        specimen_sow: Some("Specimen".into()),
    }
}

/// Where a fresh request of the practice manager's stands.
#[derive(Clone, Copy, Debug)]
pub enum Stage {
    Draft,
    /// Submitted: finance decides the first step.
    AtFinance,
    /// Finance approved: the engagement manager decides the second.
    AtEngagement,
    Rejected,
}

pub async fn request(store: &dyn Store, org: &Org, stage: Stage) -> i64 {
    let drafter = org.users[PRACTICE];
    let new = NewSkuRequest {
        requested_by: Some(Id::new(drafter)),
        fields: request_fields(store).await,
    };
    let r: psops_core::catalog::SkuRequest = made(store.create(&as_user(drafter), new).await.expect("request"));
    if matches!(stage, Stage::Draft) {
        return r.id.get();
    }
    store
        .submit_sku_request(&as_user(drafter), r.id, None)
        .await
        .expect("submit");
    let finance = as_user(org.users[FINANCE]);
    match stage {
        Stage::AtEngagement => {
            store
                .decide_sku_request(&finance, r.id, None, Verdict::Approve, None)
                .await
                .expect("approve");
        }
        Stage::Rejected => {
            store
                .decide_sku_request(&finance, r.id, None, Verdict::Reject, Some("Too thin".into()))
                .await
                .expect("reject");
        }
        _ => {}
    }
    r.id.get()
}
