//! Training service partners over HTTP: the company's keepers read every enrolled
//! partner's compliance with the terms it is held to; a partner's manager reads only
//! their own organisation's, and is answered 404 for another's; a partner not enrolled
//! is not found; a bad day is refused naming `as_of`.

use psops_core::Id;
use psops_core::partners::PartnerPatch;
use psops_core::store::{Store, WriteCtx};
use time::macros::date;

use psops_core::auth::Role;
use psops_core::partners::Partner;

use crate::matrix_fixture::{Org, call};
use crate::support::{TestApp, api_tests};
use crate::ui_browser::{Browser, table_rows, web_user};
use crate::ui_forms::{saved_id, version_in};

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
    // A day to come is refused: its classes have not happened.
    let tomorrow = time::OffsetDateTime::now_utc().date() + time::Duration::days(1);
    let ahead = format!("/api/v1/training-partners?as_of={tomorrow}");
    let ahead = call(&app, &org, admin, "get", &ahead, None).await;
    assert_eq!(ahead.status.as_u16(), 422, "{}", ahead.text);
    // Before a partner enrolled it is not judged.
    let early = "/api/v1/training-partners?as_of=2026-01-14";
    let before = call(&app, &org, admin, "get", early, None).await;
    assert_eq!(
        before.body["partners"].as_array().map(Vec::len),
        Some(0),
        "{}",
        before.text
    );
}

/// Ops enrols a partner on its edit form and finds it on the training partners page with
/// what it lacks; the partner page links there; a partner's manager sees only their own
/// line; a consultant finds no such page; a bad day is said beside the form.
async fn ops_enrols_a_training_partner_and_reads_its_compliance_page(app: TestApp) {
    let store = app.store.as_ref();
    let org = Org::build(store).await;
    web_user(store, "olga@org.example", vec![Role::Ops], Some(org.people[1])).await;
    web_user(
        store,
        "mia@org.example",
        vec![Role::PartnerManager],
        Some(org.people[7]),
    )
    .await;
    web_user(store, "cody@org.example", vec![Role::Consultant], Some(org.people[6])).await;
    let ops = Browser::sign_in(&app, "olga@org.example").await;

    let path = format!("/partners/{}/edit", org.partner_a);
    let form = ops.get(&app, &path).await.expect(200);
    assert!(form.text.contains("name=\"training_since\""), "{}", form.text);
    let a: Partner = store.get(Id::new(org.partner_a)).await.expect("partner a");
    let v = version_in(&form.text);
    let pairs = [
        ("name", a.fields.name.as_str()),
        ("partner_type", "direct"),
        ("training_since", "2026-01-15"),
        ("version", v.as_str()),
    ];
    saved_id(&ops.post(&app, &path, &pairs).await, "/partners/");
    let a: Partner = store.get(Id::new(org.partner_a)).await.expect("partner a");
    assert_eq!(a.fields.training_since, Some(date!(2026 - 01 - 15)));
    let page = ops.get(&app, &format!("/partners/{}", org.partner_a)).await.expect(200);
    assert!(page.text.contains("id=\"partner-training-link\""), "{}", page.text);

    let list = ops.get(&app, "/partners/training?as_of=2026-03-01").await.expect(200);
    // The first row is the head.
    let rows = table_rows(&list.text, "training-partners")[1..].to_vec();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0][0], a.fields.name);
    assert_eq!(rows[0][1], "Ramping up");
    assert_eq!(rows[0][3], "2026-09-30");
    assert!(
        list.text.contains("Judged on <strong>2026-03-01</strong>"),
        "{}",
        list.text
    );
    assert_eq!(rows[0][4], "0 of 2");
    assert!(
        rows[0][9].contains("2 more certified trainers (has 0 of 2) by 2026-09-30"),
        "{rows:?}"
    );
    let later = ops.get(&app, "/partners/training?as_of=2026-10-01").await.expect(200);
    assert_eq!(table_rows(&later.text, "training-partners")[1][1], "Not compliant");

    let bad = ops.get(&app, "/partners/training?as_of=someday").await.expect(200);
    assert!(bad.text.contains("id=\"as_of-error\""), "{}", bad.text);

    enrol(store, org.partner_b).await;
    let mia = Browser::sign_in(&app, "mia@org.example").await;
    let own = mia.get(&app, "/partners/training").await.expect(200);
    let names: Vec<String> = table_rows(&own.text, "training-partners")
        .into_iter()
        .skip(1)
        .map(|r| r[0].clone())
        .collect();
    assert_eq!(names, [a.fields.name.as_str()]);
    let cody = Browser::sign_in(&app, "cody@org.example").await;
    cody.get(&app, "/partners/training").await.expect(404);
}

api_tests!(
    a_partner_manager_reads_only_their_own_training_compliance,
    ops_enrols_a_training_partner_and_reads_its_compliance_page
);
