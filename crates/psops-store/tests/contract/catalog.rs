//! Catalog stories: references and uniqueness of the taxonomy, SKUs and their dated
//! prices, only active priced SKUs quoted, and the new-SKU request's approval chain —
//! in order, each step by its own approver, the last one making a numbered active SKU.

use psops_core::auth::{Role, UserId};
use psops_core::catalog::bundles::BundleFields;
use psops_core::catalog::offerings::{Maturity, OfferingFields, OfferingPatch, OfferingTypeFields};
use psops_core::catalog::requests::{NewSkuRequest, SkuRequestFields, SkuRequestPatch, Step, Verdict};
use psops_core::catalog::skus::{Bound, SkuFields, SkuPatch, SkuPriceFields};
use psops_core::catalog::{Channel, Offering, Sku, SkuRequest, SkuRequestStatus, SkuStatus, Unit};
use psops_core::rule::Rule;
use psops_core::settings::SettingsPatch;
use psops_core::store::prelude::*;
use psops_core::{Currency, Error, Id, Minutes, Money};
use psops_store::Db;
use time::macros::date;

use super::fixtures::{as_user, broken, ctx, new, user};

crate::stories!(
    the_taxonomy_refers_to_what_exists,
    sku_prices_are_dated_and_only_active_priced_skus_are_quoted,
    a_request_goes_through_its_chain_in_order,
    a_rejected_request_is_revised_and_submitted_again,
);

fn usd(minor: i64) -> Money {
    Money::new(minor, Currency::USD)
}

pub async fn offering(db: &Db, name: &str) -> Offering {
    let ty: psops_core::catalog::OfferingType = new(db
        .create(
            &ctx(),
            OfferingTypeFields {
                category: "Consulting".into(),
                name: format!("Type of {name}"),
                description: None,
            },
        )
        .await
        .expect("type"));
    new(db
        .create(
            &ctx(),
            OfferingFields {
                type_id: ty.id,
                name: name.into(),
                maturity: Maturity::Viable,
                description: None,
                kit_links: vec![],
                checklist: vec!["Kick-off".into()],
                effort: vec![],
            },
        )
        .await
        .expect("offering"))
}

pub fn sku_fields(offering: &Offering, code: &str) -> SkuFields {
    SkuFields {
        offering_id: offering.id,
        code: code.into(),
        name: format!("SKU {code}"),
        unit: Unit::FixedPackage,
        block_minutes: None,
        term_months: None,
        currency: Currency::USD,
        seat_limit: None,
        addon_sku_id: None,
        bounds: vec![Bound {
            measure: "projects".into(),
            max: 500,
        }],
        bounds_note: Some("SCM only".into()),
        always_custom: false,
        standard_sow: true,
        te_separate: false,
        channel: Channel::SalesAssisted,
        status: SkuStatus::Active,
    }
}

async fn the_taxonomy_refers_to_what_exists(db: &Db) {
    let o = offering(db, "Migration+").await;
    // The same type name in the same category is taken, whatever its case.
    let again = db
        .create(
            &ctx(),
            OfferingTypeFields {
                category: "consulting".into(),
                name: "TYPE OF MIGRATION+".into(),
                description: None,
            },
        )
        .await
        .unwrap_err();
    assert!(
        matches!(again, Error::Conflict(ref f) if f.rule == Rule::Unique),
        "{again:?}"
    );
    // An offering of a type that does not exist is refused, naming the field.
    let mut f = o.fields.clone();
    f.type_id = Id::new(999);
    f.name = "Other".into();
    assert_eq!(
        broken(db.create(&ctx(), f).await.unwrap_err()),
        [("type_id".to_string(), Rule::Exists)]
    );
    // A SKU's offering, its add-on SKU and its code are checked.
    let sku: Sku = new(db.create(&ctx(), sku_fields(&o, "PS-MIG")).await.expect("sku"));
    assert_eq!(sku.fields.bounds[0].max, 500);
    let dup = db.create(&ctx(), sku_fields(&o, "ps-mig")).await.unwrap_err();
    assert!(matches!(dup, Error::Conflict(ref f) if f.field == "code"), "{dup:?}");
    let mut seat = sku_fields(&o, "EDU-SEAT");
    seat.seat_limit = Some(12);
    seat.addon_sku_id = Some(Id::new(4242));
    assert_eq!(
        broken(db.create(&ctx(), seat).await.unwrap_err()),
        [("addon_sku_id".to_string(), Rule::Exists)]
    );
    let self_addon = SkuPatch {
        seat_limit: Some(Some(12)),
        addon_sku_id: Some(Some(sku.id)),
        ..Default::default()
    };
    assert_eq!(
        broken(db.update(&ctx(), sku.id, None, self_addon).await.unwrap_err()),
        [("addon_sku_id".to_string(), Rule::NotSelf)]
    );
    // Maturity changes are versioned and audited like any change.
    let moved = db
        .update(
            &ctx(),
            o.id,
            Some(1),
            OfferingPatch {
                maturity: Some(Maturity::Complete),
                ..Default::default()
            },
        )
        .await
        .expect("maturity");
    assert_eq!((moved.fields.maturity, moved.meta.version), (Maturity::Complete, 2));
    // A bundle names offerings that exist, and none twice.
    let bundle = BundleFields {
        name: "SMB to SaaS".into(),
        description: None,
        offering_ids: vec![o.id, Id::new(777)],
    };
    assert_eq!(
        broken(db.create(&ctx(), bundle).await.unwrap_err()),
        [("offering_ids[1]".to_string(), Rule::Exists)]
    );
    // An archived offering takes no new SKUs.
    db.archive(&ctx(), o.id, None, true).await.expect("archive");
    assert_eq!(
        broken(db.create(&ctx(), sku_fields(&o, "PS-NEW")).await.unwrap_err()),
        [("offering_id".to_string(), Rule::Archived)]
    );
}

async fn sku_prices_are_dated_and_only_active_priced_skus_are_quoted(db: &Db) {
    let o = offering(db, "Rapid Results").await;
    let sku: Sku = new(db.create(&ctx(), sku_fields(&o, "PS-RR")).await.expect("sku"));
    // Price not set: never invented.
    let unpriced = db.quote_sku(sku.id, date!(2026 - 03 - 01)).await.unwrap_err();
    assert_eq!(broken(unpriced), [("sku_id".to_string(), Rule::PriceNotSet)]);
    for (from, minor) in [(date!(2026 - 01 - 01), 2_500_000), (date!(2026 - 07 - 01), 2_750_000)] {
        let p = SkuPriceFields {
            sku_id: sku.id,
            effective_from: from,
            price: usd(minor),
            note: None,
        };
        let _: psops_core::catalog::SkuPrice = new(db.create(&ctx(), p).await.expect("price"));
    }
    assert_eq!(
        db.quote_sku(sku.id, date!(2026 - 06 - 30)).await.unwrap(),
        usd(2_500_000)
    );
    assert_eq!(
        db.quote_sku(sku.id, date!(2026 - 07 - 01)).await.unwrap(),
        usd(2_750_000)
    );
    assert_eq!(db.sku_prices(sku.id).await.unwrap().len(), 2);
    // Two prices from one day, or a price in another currency, are refused.
    let twice = SkuPriceFields {
        sku_id: sku.id,
        effective_from: date!(2026 - 07 - 01),
        price: usd(1),
        note: None,
    };
    assert!(
        matches!(db.create(&ctx(), twice.clone()).await.unwrap_err(), Error::Conflict(ref f) if f.field == "effective_from")
    );
    let eur = SkuPriceFields {
        effective_from: date!(2027 - 01 - 01),
        price: Money::new(1, "EUR".parse().unwrap()),
        ..twice
    };
    assert_eq!(
        broken(db.create(&ctx(), eur).await.unwrap_err()),
        [("price".to_string(), Rule::Currency)]
    );
    // A retired SKU is not quoted, whatever its price.
    let retire = SkuPatch {
        status: Some(SkuStatus::Retired),
        ..Default::default()
    };
    db.update(&ctx(), sku.id, None, retire).await.expect("retire");
    assert_eq!(
        broken(db.quote_sku(sku.id, date!(2026 - 08 - 01)).await.unwrap_err()),
        [("sku_id".to_string(), Rule::NotActive)]
    );
}

fn request_fields(o: &Offering) -> SkuRequestFields {
    SkuRequestFields {
        offering_id: o.id,
        name: "Migration assessment".into(),
        unit: Unit::FixedPackage,
        block_minutes: None,
        term_months: None,
        channel: Channel::SalesAssisted,
        list_price: Some(usd(1_500_000)),
        minutes: Minutes(37 * 60 + 30),
        hourly_cost: usd(9_999),
        te_assumption: None,
        assumptions: None,
        specimen_sow: Some("Specimen".into()),
    }
}

/// A chain of three steps, each with its own approver, and a practice manager.
async fn chain(db: &Db) -> (UserId, Vec<UserId>) {
    let drafter = user(db, "pm@example.com", vec![Role::PracticeManager]).await;
    let mut approvers = Vec::new();
    for who in ["finance", "vp", "cfo"] {
        approvers.push(user(db, &format!("{who}@example.com"), vec![Role::Finance]).await);
    }
    let steps = ["Finance review", "VP Customer Success", "CFO, CRO and CEO"]
        .iter()
        .zip(&approvers)
        .map(|(name, u)| Step {
            name: name.to_string(),
            approver: Some(*u),
        })
        .collect();
    let patch = SettingsPatch {
        sku_approval_chain: Some(steps),
        sku_code_prefix: Some("SKU-".into()),
        ..Default::default()
    };
    db.update_settings(&ctx(), patch).await.expect("chain");
    (drafter, approvers)
}

async fn a_request_goes_through_its_chain_in_order(db: &Db) {
    let o = offering(db, "Migration").await;
    // Another SKU already carries the prefix: the new one is numbered after it.
    let _: Sku = new(db.create(&ctx(), sku_fields(&o, "SKU-0041")).await.expect("sku"));
    let (drafter, approvers) = chain(db).await;
    let draft = NewSkuRequest {
        requested_by: Some(drafter),
        fields: request_fields(&o),
    };
    let r: SkuRequest = new(db.create(&as_user(drafter), draft).await.expect("draft"));
    // Delivery cost = 37.5 h × 99.99 = 3,749.625 → 3,749.63: computed, rounded once.
    assert_eq!((r.status, r.delivery_cost), (SkuRequestStatus::Draft, usd(374_963)));
    // Submitting needs the T&E assumption.
    assert_eq!(
        broken(db.submit_sku_request(&as_user(drafter), r.id, None).await.unwrap_err()),
        [("te_assumption".to_string(), Rule::Gate)]
    );
    let fix = SkuRequestPatch {
        te_assumption: Some(Some("Remote; no travel".into())),
        ..Default::default()
    };
    db.update(&as_user(drafter), r.id, None, fix).await.expect("fix");
    let r = db
        .submit_sku_request(&as_user(drafter), r.id, None)
        .await
        .expect("submit");
    assert_eq!((r.status, r.round, r.chain.len()), (SkuRequestStatus::InReview, 1, 3));
    // In review it no longer changes.
    let late = SkuRequestPatch {
        name: Some("Renamed".into()),
        ..Default::default()
    };
    assert!(
        matches!(db.update(&ctx(), r.id, None, late).await.unwrap_err(), Error::Conflict(ref f) if f.rule == Rule::NotDraft)
    );
    // It waits for the first approver only: the CFO cannot go first, the drafter never.
    let waiting = |u: UserId| psops_core::catalog::requests::SkuRequestFilter {
        waiting_for: Some(u),
        ..Default::default()
    };
    assert_eq!(
        db.list(&waiting(approvers[0]), Default::default())
            .await
            .unwrap()
            .items
            .len(),
        1
    );
    assert!(
        db.list(&waiting(approvers[2]), Default::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );
    let early = db
        .decide_sku_request(&as_user(approvers[2]), r.id, None, Verdict::Approve, None)
        .await
        .unwrap_err();
    assert!(
        matches!(early, Error::Forbidden(ref m) if m.contains("'Finance review'")),
        "{early:?}"
    );
    for (i, a) in approvers.iter().enumerate() {
        let r = db
            .decide_sku_request(&as_user(*a), r.id, None, Verdict::Approve, None)
            .await
            .expect("approve");
        let last = i + 1 == approvers.len();
        assert_eq!(r.status == SkuRequestStatus::Approved, last, "step {i}");
        assert_eq!(r.sku_id.is_some(), last);
    }
    let r = db.get(r.id).await.expect("request");
    let sku: Sku = db.get(r.sku_id.expect("sku made")).await.expect("sku");
    assert_eq!(
        (sku.fields.code.as_str(), sku.fields.status),
        ("SKU-0042", SkuStatus::Active)
    );
    assert_eq!(db.sku_prices(sku.id).await.unwrap()[0].fields.price, usd(1_500_000));
    let decisions = db.sku_request_decisions(r.id).await.unwrap();
    let steps: Vec<_> = decisions.iter().map(|d| (d.step, d.decided_by)).collect();
    assert_eq!(steps, [(0, approvers[0]), (1, approvers[1]), (2, approvers[2])]);
    // Decided requests take no more decisions.
    assert!(
        db.decide_sku_request(&as_user(approvers[2]), r.id, None, Verdict::Approve, None)
            .await
            .is_err()
    );
}

async fn a_rejected_request_is_revised_and_submitted_again(db: &Db) {
    let o = offering(db, "Advisory").await;
    let (drafter, approvers) = chain(db).await;
    let mut f = request_fields(&o);
    f.te_assumption = Some("none".into());
    let r: SkuRequest = new(db
        .create(
            &as_user(drafter),
            NewSkuRequest {
                requested_by: Some(drafter),
                fields: f,
            },
        )
        .await
        .expect("draft"));
    db.submit_sku_request(&as_user(drafter), r.id, None)
        .await
        .expect("submit");
    db.decide_sku_request(&as_user(approvers[0]), r.id, None, Verdict::Approve, None)
        .await
        .expect("step 1");
    // A rejection needs a reason.
    let bare = db
        .decide_sku_request(&as_user(approvers[1]), r.id, None, Verdict::Reject, None)
        .await
        .unwrap_err();
    assert_eq!(broken(bare), [("reason".to_string(), Rule::DependsOn)]);
    let r = db
        .decide_sku_request(
            &as_user(approvers[1]),
            r.id,
            Some(3),
            Verdict::Reject,
            Some("Margin too thin".into()),
        )
        .await
        .expect("reject");
    assert_eq!(r.status, SkuRequestStatus::Rejected);
    // A stale version is refused.
    assert!(matches!(
        db.revise_sku_request(&as_user(drafter), r.id, Some(1))
            .await
            .unwrap_err(),
        Error::PreconditionFailed { .. }
    ));
    let r = db
        .revise_sku_request(&as_user(drafter), r.id, None)
        .await
        .expect("revise");
    assert_eq!(r.status, SkuRequestStatus::Draft);
    let r = db
        .submit_sku_request(&as_user(drafter), r.id, None)
        .await
        .expect("again");
    // The new round starts from the first step; the old decisions stay as history.
    assert_eq!((r.round, r.status), (2, SkuRequestStatus::InReview));
    let decisions = db.sku_request_decisions(r.id).await.unwrap();
    assert_eq!(decisions.len(), 2);
    assert_eq!(r.steps(&decisions)[0].decision, None);
    assert!(r.steps(&decisions)[0].waiting);
    assert_eq!(decisions[1].reason.as_deref(), Some("Margin too thin"));
}
