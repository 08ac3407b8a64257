//! Training service partners over HTTP: the company's keepers read every enrolled
//! partner's compliance with the terms it is held to; a partner's manager reads only
//! their own organisation's, and is answered 404 for another's; a partner not enrolled
//! is not found; a bad day is refused naming `as_of`.

use psops_core::Id;
use psops_core::partners::PartnerPatch;
use psops_core::store::{Store, WriteCtx};
use time::macros::date;

use crate::matrix_fixture::{Org, call};
use crate::support::{TestApp, api_tests};

/// Enrols a partner as a training service partner from 15 January 2026.
pub async fn enrol(store: &dyn Store, partner: i64) {
    let patch = PartnerPatch {
        training_since: Some(Some(date!(2026 - 01 - 15))),
        ..Default::default()
    };
    let _: psops_core::partners::Partner = store
        .update(&WriteCtx::trusted(), Id::new(partner), None, patch)
        .await
        .expect("enrol");
}

async fn a_partner_manager_reads_only_their_own_training_compliance(app: TestApp) {
    let org = Org::build(app.store.as_ref()).await;
    enrol(app.store.as_ref(), org.partner_a).await;
    enrol(app.store.as_ref(), org.partner_b).await;
    let (admin, manager) = (0, 7);

    let all = call(
        &app,
        &org,
        admin,
        "get",
        "/api/v1/training-partners?as_of=2026-03-01",
        None,
    )
    .await;
    assert_eq!(all.status.as_u16(), 200, "{}", all.text);
    assert_eq!(all.body["as_of"], "2026-03-01");
    assert_eq!(all.body["terms"]["min_trainers"], 2);
    let ids: Vec<i64> = all.body["partners"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p["partner_id"].as_i64())
        .collect();
    assert_eq!(ids.len(), 2, "{}", all.text);
    let a = all.body["partners"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| p["partner_id"] == org.partner_a)
        .cloned()
        .unwrap_or_default();
    // No trainer yet, within the ramp-up that ends 30 September.
    assert_eq!(a["status"], "ramping_up", "{a}");
    assert_eq!(a["ramp_ends_on"], "2026-09-30");
    assert_eq!(
        a["checks"][0]["missing"],
        "2 more certified trainers (has 0 of 2) by 2026-09-30"
    );

    let own = call(&app, &org, manager, "get", "/api/v1/training-partners", None).await;
    assert_eq!(own.status.as_u16(), 200, "{}", own.text);
    let seen: Vec<i64> = own.body["partners"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p["partner_id"].as_i64())
        .collect();
    assert_eq!(seen, [org.partner_a]);
    let other = format!("/api/v1/training-partners/{}", org.partner_b);
    assert_eq!(
        call(&app, &org, manager, "get", &other, None).await.status.as_u16(),
        404
    );
    let mine = format!("/api/v1/training-partners/{}", org.partner_a);
    let r = call(&app, &org, manager, "get", &mine, None).await;
    assert_eq!(r.body["partner_id"], org.partner_a, "{}", r.text);

    // A partner that never enrolled is not a training partner.
    let left = PartnerPatch {
        training_since: Some(None),
        ..Default::default()
    };
    let _: psops_core::partners::Partner = app
        .store
        .update(&WriteCtx::trusted(), Id::new(org.partner_b), None, left)
        .await
        .expect("leave");
    assert_eq!(call(&app, &org, admin, "get", &other, None).await.status.as_u16(), 404);

    let bad = call(
        &app,
        &org,
        admin,
        "get",
        "/api/v1/training-partners?as_of=2026-02-30",
        None,
    )
    .await;
    assert_eq!(bad.status.as_u16(), 422, "{}", bad.text);
    assert!(bad.text.contains("as_of"), "{}", bad.text);
}

api_tests!(a_partner_manager_reads_only_their_own_training_compliance);
