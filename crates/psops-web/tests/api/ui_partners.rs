//! The partner page, signed in through the real sign-in: ops ticks and unticks the
//! onboarding checklist (access before paperwork refused on the page, nothing written),
//! and a move the checklist does not allow is told; the page lists contacts and the
//! consultants with their vetting and what each lacks; a partner's manager sees their
//! own partner without the buttons, and no partner sees another; forms without the CSRF
//! token are refused.

use psops_core::auth::Role;
use psops_core::partners::{PartnerFields, PartnerType};
use psops_core::store::{Created, Records as _, WriteCtx};

use crate::matrix_fixture::Org;
use crate::support::{TestApp, api_tests};
use crate::ui_browser::html;
use crate::ui_browser::{Browser, web_user};

async fn ops_keeps_the_checklist_and_partners_see_only_their_own(app: TestApp) {
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
    web_user(
        store,
        "pia@org.example",
        vec![Role::PartnerConsultant],
        Some(org.b_person),
    )
    .await;
    let ops = Browser::sign_in(&app, "olga@org.example").await;
    let manager = Browser::sign_in(&app, "mia@org.example").await;
    let other = Browser::sign_in(&app, "pia@org.example").await;
    let fresh = PartnerFields {
        name: "Partner C".into(),
        partner_type: PartnerType::Direct,
        region: None,
        notes: None,
        training_since: None,
    };
    let c = match store.create(&WriteCtx::trusted(), fresh).await.expect("partner") {
        Created::New(p) => p.id,
        Created::Replayed(_) => panic!("replayed"),
    };
    let b = format!("/partners/{c}");
    let a = format!("/partners/{}", org.partner_a);

    // Partner C is a direct prospect: its checklist, open.
    let page = ops.get(&app, &b).await.expect(200);
    let text = html(&page);
    assert!(text.contains("id=\"onboarding\""), "{text}");
    assert!(text.contains("Partner agreement") && !text.contains("Subcontracting agreement"));
    assert!(text.contains("id=\"tick-system_access\""));
    assert!(text.contains("id=\"move-onboarding\""));

    // Access before the paperwork: refused on the page, nothing ticked.
    let r = ops
        .post(&app, &format!("{b}/onboarding/tick"), &[("item", "system_access")])
        .await
        .expect(422);
    assert!(html(&r).contains("waits until the paperwork is done"), "{}", r.text);
    let r = ops
        .post(
            &app,
            &format!("{b}/onboarding/tick"),
            &[("item", "partner_agreement"), ("done_on", "2026-02-03")],
        )
        .await
        .expect(303);
    assert_eq!(r.header("location"), Some(format!("{b}?done=ticked").as_str()));
    let text = html(&ops.get(&app, &b).await.expect(200));
    assert!(
        text.contains("2026-02-03") && text.contains("id=\"untick-partner_agreement\""),
        "{text}"
    );
    // Active from prospect is not a move the page offers, nor one the store takes.
    let r = ops
        .post(&app, &format!("{b}/onboarding/move"), &[("to", "active")])
        .await
        .expect(422);
    assert!(html(&r).contains("cannot move from prospect to active"), "{}", r.text);
    ops.post(
        &app,
        &format!("{b}/onboarding/untick"),
        &[("item", "partner_agreement")],
    )
    .await
    .expect(303);

    // Partner A: its consultants with their vetting; its manager sees it, without buttons.
    let text = html(&manager.get(&app, &a).await.expect(200));
    assert!(text.contains("id=\"vetting\"") && text.contains("Vetted"), "{text}");
    assert!(
        !text.contains("id=\"tick-") && !text.contains("id=\"untick-"),
        "no checklist buttons"
    );
    assert!(
        text.contains("Add a contact"),
        "the partner's manager keeps its contacts"
    );
    assert!(text.contains("Add a skill") && !text.contains("Record a review"));
    // A consultant's own page: skills, certifications and vetting with the reviews.
    let text = html(
        &manager
            .get(&app, &format!("/people/{}", org.people[8]))
            .await
            .expect(200),
    );
    assert!(
        text.contains("id=\"vetting-state\"") && text.contains("Vetted"),
        "{text}"
    );
    assert!(
        text.contains("id=\"vetting-reviews\"") && text.contains("Soft skills video"),
        "{text}"
    );
    assert!(text.contains("Add a skill") && !text.contains("Record a review"));
    manager.get(&app, &b).await.expect(404);
    manager
        .get(&app, &format!("/partners/{}", org.partner_b))
        .await
        .expect(404);
    other.get(&app, &a).await.expect(404);
    manager
        .post(&app, &format!("{a}/onboarding/untick"), &[("item", "buddy")])
        .await
        .expect(403);

    // No CSRF token, no change.
    let r = ops
        .post_bare(&app, &format!("{b}/onboarding/tick"), &[("item", "partner_agreement")])
        .await;
    assert_eq!(r.status.as_u16(), 403, "{}", r.text);
}

api_tests!(ops_keeps_the_checklist_and_partners_see_only_their_own);
