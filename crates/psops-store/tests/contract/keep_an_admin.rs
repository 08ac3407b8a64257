//! Stories about the accounts that run psops: the last active administrator cannot be
//! demoted or disabled (two administrators demoting each other at once cannot both
//! succeed), and a token's expiry lies ahead and within ten years — for every interface,
//! since all of them write through the store.

use std::sync::Arc;

use psops_core::auth::{NewApiToken, NewUser, Role, TokenScope, UserPatch};
use psops_core::rule::Rule;
use psops_core::store::prelude::*;
use psops_core::{Error, Id};
use psops_store::Db;
use time::{Duration, OffsetDateTime};

use super::fixtures::ctx;

crate::stories!(
    the_last_administrator_stays,
    concurrent_demotions_leave_an_administrator,
    token_expiry_lies_ahead_and_within_ten_years,
);

async fn admin(db: &Db, email: &str, roles: Vec<Role>) -> psops_core::auth::User {
    let u = NewUser {
        email: email.into(),
        name: email.into(),
        roles,
        person_id: None,
        password_hash: None,
    };
    db.create_user(&ctx(), u).await.expect("user")
}

fn rule(e: Error) -> (String, Rule) {
    match e {
        Error::Conflict(f) => (f.field, f.rule),
        other => panic!("expected a conflict, got {other:?}"),
    }
}

async fn the_last_administrator_stays(db: &Db) {
    let root = admin(db, "root@example.com", vec![Role::Admin]).await;
    admin(db, "ops@example.com", vec![Role::Ops]).await;
    let demote = UserPatch {
        roles: Some(vec![Role::Consultant]),
        ..Default::default()
    };
    let disable = UserPatch {
        disabled: Some(true),
        ..Default::default()
    };
    let err = db.update_user(&ctx(), root.id, demote.clone()).await.unwrap_err();
    assert_eq!(rule(err), ("roles".into(), Rule::LastAdmin));
    let err = db.update_user(&ctx(), root.id, disable.clone()).await.unwrap_err();
    assert_eq!(rule(err), ("disabled".into(), Rule::LastAdmin));
    let partnered = UserPatch {
        roles: Some(vec![Role::Admin, Role::PartnerManager]),
        ..Default::default()
    };
    let err = db.update_user(&ctx(), root.id, partnered).await.unwrap_err();
    assert_eq!(rule(err), ("roles".into(), Rule::LastAdmin));
    let still = db.user(root.id).await.unwrap();
    assert!(still.is_active_admin(), "nothing changed");

    // Renaming the last administrator is fine; with a second one, the first may go.
    let rename = UserPatch {
        name: Some("Root".into()),
        ..Default::default()
    };
    db.update_user(&ctx(), root.id, rename).await.unwrap();
    let second = admin(db, "second@example.com", vec![Role::Admin]).await;
    db.update_user(&ctx(), root.id, demote).await.unwrap();
    let err = db.update_user(&ctx(), second.id, disable).await.unwrap_err();
    assert_eq!(rule(err), ("disabled".into(), Rule::LastAdmin));
}

async fn concurrent_demotions_leave_an_administrator(db: &Db) {
    let a = admin(db, "a@example.com", vec![Role::Admin]).await;
    let b = admin(db, "b@example.com", vec![Role::Admin]).await;
    let store: Arc<dyn Store> = Arc::new(db.clone());
    let demote = |id: Id<psops_core::auth::User>| {
        let s = store.clone();
        tokio::spawn(async move {
            let patch = UserPatch {
                roles: Some(vec![Role::Finance]),
                ..Default::default()
            };
            s.update_user(&ctx(), id, patch).await
        })
    };
    let (ra, rb) = (demote(a.id), demote(b.id));
    let outcomes = [ra.await.unwrap(), rb.await.unwrap()];
    assert_eq!(outcomes.iter().filter(|r| r.is_ok()).count(), 1, "{outcomes:?}");
    let left = [db.user(a.id).await.unwrap(), db.user(b.id).await.unwrap()];
    assert_eq!(left.iter().filter(|u| u.is_active_admin()).count(), 1);
}

async fn token_expiry_lies_ahead_and_within_ten_years(db: &Db) {
    let root = admin(db, "t@example.com", vec![Role::Admin]).await;
    let now = OffsetDateTime::now_utc();
    let token = |n: u8, expires_at| NewApiToken {
        user_id: root.id,
        name: format!("t{n}"),
        scope: TokenScope::Read,
        token_hash: format!("{n}").repeat(64),
        expires_at,
    };
    let broken = |e: Error| match e {
        Error::Invalid(f) => f.into_iter().map(|f| (f.field, f.rule)).collect::<Vec<_>>(),
        other => panic!("{other:?}"),
    };
    let past = time::macros::datetime!(1970-01-01 0:00 UTC);
    let err = db.create_api_token(&ctx(), token(1, Some(past))).await.unwrap_err();
    assert_eq!(broken(err), [("expires_at".into(), Rule::Future)]);
    let far = now + Duration::days(3651);
    let err = db.create_api_token(&ctx(), token(2, Some(far))).await.unwrap_err();
    assert_eq!(broken(err), [("expires_at".into(), Rule::AtMost3650Days)]);
    db.create_api_token(&ctx(), token(3, Some(now + Duration::days(3649))))
        .await
        .unwrap();
    db.create_api_token(&ctx(), token(4, None)).await.unwrap();
    assert_eq!(db.list_api_tokens(root.id).await.unwrap().len(), 2);
}
