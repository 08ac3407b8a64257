//! Stories about sessions, setup links, sign-in throttling and the facts the
//! authorization policy reads.

use psops_core::assignments::AssignmentFields;
use psops_core::auth::{NewUser, Role};
use psops_core::people::Function;
use psops_core::projects::ProjectPatch;
use psops_core::sessions::{Session, SessionLimits};
use psops_core::store::prelude::*;
use psops_core::{Id, Minutes};
use psops_store::Db;
use time::Duration;
use time::macros::{date, datetime};

use super::fixtures::{ctx, new, person, project};

crate::stories!(
    sessions_live_idle_and_end,
    setup_links_work_once,
    failures_are_counted_per_subject,
    facts_for_the_policy
);

async fn sessions_live_idle_and_end(db: &Db) {
    let user = db
        .create_user(
            &ctx(),
            NewUser {
                email: "s@example.com".into(),
                name: "S".into(),
                roles: vec![Role::Consultant],
                person_id: None,
                password_hash: None,
            },
        )
        .await
        .unwrap();
    let t0 = datetime!(2026-11-25 9:00 UTC);
    let limits = SessionLimits::default();
    let session = |hash: &str| Session {
        id_hash: hash.into(),
        user_id: user.id,
        csrf_token: format!("csrf-{hash}"),
        created_at: t0,
        last_seen_at: t0,
        expires_at: t0 + limits.absolute,
        ended_at: None,
    };
    db.create_session(&session("one")).await.unwrap();
    db.create_session(&session("two")).await.unwrap();
    let (s, u) = db
        .live_session("one", t0 + Duration::hours(2), limits)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((s.csrf_token.as_str(), u.id), ("csrf-one", user.id));
    // Seen two hours in, so still live seven hours later; idle after that.
    assert!(
        db.live_session("one", t0 + Duration::hours(9), limits)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        db.live_session("two", t0 + Duration::hours(9), limits)
            .await
            .unwrap()
            .is_none(),
        "idled out"
    );
    assert!(db.live_session("nope", t0, limits).await.unwrap().is_none());
    db.end_session("one", t0 + Duration::hours(10)).await.unwrap();
    assert!(
        db.live_session("one", t0 + Duration::hours(10), limits)
            .await
            .unwrap()
            .is_none()
    );
    db.create_session(&session("three")).await.unwrap();
    db.create_session(&session("four")).await.unwrap();
    assert_eq!(
        db.end_user_sessions(user.id, t0).await.unwrap(),
        3,
        "two, three and four"
    );
    assert!(db.live_session("three", t0, limits).await.unwrap().is_none());
}

async fn setup_links_work_once(db: &Db) {
    let t0 = datetime!(2026-11-25 9:00 UTC);
    db.create_setup_token("link", t0, t0 + Duration::hours(1))
        .await
        .unwrap();
    db.create_setup_token("old", t0, t0 + Duration::hours(1)).await.unwrap();
    assert!(
        !db.use_setup_token("old", t0 + Duration::hours(2)).await.unwrap(),
        "expired"
    );
    assert!(db.use_setup_token("link", t0).await.unwrap());
    assert!(!db.use_setup_token("link", t0).await.unwrap(), "single use");
    assert!(!db.use_setup_token("unknown", t0).await.unwrap());
}

async fn failures_are_counted_per_subject(db: &Db) {
    let t0 = datetime!(2026-11-25 9:00 UTC);
    for i in 0..3 {
        db.record_sign_in_failure("account:a@example.com", t0 + Duration::minutes(i))
            .await
            .unwrap();
    }
    db.record_sign_in_failure("address:127.0.0.1", t0).await.unwrap();
    assert_eq!(db.sign_in_failures_since("account:a@example.com", t0).await.unwrap(), 3);
    assert_eq!(
        db.sign_in_failures_since("account:a@example.com", t0 + Duration::minutes(1))
            .await
            .unwrap(),
        2
    );
    assert_eq!(db.sign_in_failures_since("address:127.0.0.1", t0).await.unwrap(), 1);
}

async fn facts_for_the_policy(db: &Db) {
    let p = project(db, "Facts").await;
    let pm = person(db, "pm@example.com").await;
    let eng = person(db, "eng@example.com").await;
    let partner = new(db
        .create(
            &ctx(),
            psops_core::partners::PartnerFields {
                name: "Delivery Co".into(),
                partner_type: psops_core::partners::PartnerType::Direct,
                region: None,
                notes: None,
                training_since: None,
            },
        )
        .await
        .unwrap());
    let patch = ProjectPatch {
        project_manager_id: Some(Some(pm.id)),
        partner_delivered: Some(true),
        partner_id: Some(Some(partner.id)),
        ..Default::default()
    };
    db.update(&ctx(), p.id, None, patch).await.unwrap();
    let a = new(db
        .create(
            &ctx(),
            AssignmentFields {
                person_id: eng.id,
                project_id: p.id,
                role: Function::Engineer,
                start_date: date!(2026 - 03 - 01),
                end_date: Some(date!(2026 - 04 - 30)),
                minutes_per_week: Minutes(600),
            },
        )
        .await
        .unwrap());
    let facts = db.project_facts(p.id, Some(eng.id)).await.unwrap();
    assert_eq!(
        (facts.manager_id, facts.partner_id, facts.subject_assigned),
        (Some(pm.id), Some(partner.id), true)
    );
    assert!(!db.project_facts(p.id, Some(pm.id)).await.unwrap().subject_assigned);
    assert!(!db.project_facts(p.id, None).await.unwrap().subject_assigned);
    db.archive(&ctx(), a.id, None, true).await.unwrap();
    assert!(
        !db.project_facts(p.id, Some(eng.id)).await.unwrap().subject_assigned,
        "archived assignments do not count"
    );
    assert!(db.project_facts(Id::new(999), None).await.is_err());
    let account = p.fields.account_id.unwrap();
    assert!(db.partner_delivers_for(partner.id, account).await.unwrap());
    assert!(!db.partner_delivers_for(Id::new(999), account).await.unwrap());
}
