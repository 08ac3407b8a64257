//! Stories about idempotent creates: a retried request returns the first response and
//! writes nothing new.

use psops_core::Id;
use psops_core::page::PageRequest;
use psops_core::people::PersonFilter;
use psops_core::rule::Rule;
use psops_core::store::prelude::*;
use psops_core::store::{Created, IdempotencyKey, WriteCtx};
use psops_store::Db;

use super::fixtures::{broken, person_fields};

crate::stories!(
    a_retry_returns_the_first_response,
    a_key_reused_for_another_request_is_refused,
    keys_belong_to_one_user
);

fn keyed(user: i64, key: &str, fingerprint: &str) -> WriteCtx {
    let mut ctx = WriteCtx::trusted();
    ctx.user_id = Some(Id::new(user));
    ctx.idempotency = Some(IdempotencyKey {
        key: key.into(),
        fingerprint: fingerprint.into(),
    });
    ctx
}

async fn count(db: &Db) -> usize {
    db.list(&PersonFilter::default(), PageRequest::default())
        .await
        .unwrap()
        .items
        .len()
}

async fn a_retry_returns_the_first_response(db: &Db) {
    let ctx = keyed(1, "k-1", "fp-1");
    let first = db.create(&ctx, person_fields("idem@example.com")).await.unwrap();
    let Created::New(p) = &first else {
        panic!("first create is new")
    };
    let again = db.create(&ctx, person_fields("idem@example.com")).await.unwrap();
    let Created::Replayed(body) = &again else {
        panic!("retry is a replay")
    };
    assert_eq!(body, &serde_json::to_value(p).unwrap());
    assert_eq!(first.to_json(), again.to_json());
    assert_eq!(count(db).await, 1);
}

async fn a_key_reused_for_another_request_is_refused(db: &Db) {
    db.create(&keyed(1, "k-2", "fp-a"), person_fields("one@example.com"))
        .await
        .unwrap();
    let err = db
        .create(&keyed(1, "k-2", "fp-b"), person_fields("two@example.com"))
        .await
        .unwrap_err();
    assert_eq!(broken(err), [("Idempotency-Key".into(), Rule::Reused)]);
    assert_eq!(count(db).await, 1);
    // A failed create does not burn the key.
    let mut bad = person_fields("three@example.com");
    bad.name = String::new();
    assert!(db.create(&keyed(1, "k-3", "fp-c"), bad).await.is_err());
    let ok = db
        .create(&keyed(1, "k-3", "fp-c"), person_fields("three@example.com"))
        .await
        .unwrap();
    assert!(matches!(ok, Created::New(_)));
}

async fn keys_belong_to_one_user(db: &Db) {
    db.create(&keyed(1, "shared", "fp-1"), person_fields("u1@example.com"))
        .await
        .unwrap();
    let other = db
        .create(&keyed(2, "shared", "fp-2"), person_fields("u2@example.com"))
        .await
        .unwrap();
    assert!(matches!(other, Created::New(_)));
    assert_eq!(count(db).await, 2);
}
