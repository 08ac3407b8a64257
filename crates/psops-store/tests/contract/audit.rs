//! Stories about the audit log: every change through the store leaves an entry with who,
//! when, which request and the values before and after — and nothing can alter the log.

use psops_core::audit::{AuditAction, AuditFilter};
use psops_core::page::PageRequest;
use psops_core::people::PersonPatch;
use psops_core::settings::SettingsPatch;
use psops_core::store::WriteCtx;
use psops_core::store::prelude::*;
use psops_core::time_entries::NewTimeEntry;
use psops_core::{Id, Minutes};
use psops_store::Db;
use sqlx::Connection;
use time::macros::date;

use super::fixtures::{new, person_fields, project};

crate::stories!(every_change_is_audited, the_log_cannot_be_changed);

fn as_user(user: i64, request: &str) -> WriteCtx {
    let mut ctx = WriteCtx::trusted();
    ctx.user_id = Some(Id::new(user));
    ctx.request_id = Some(request.into());
    ctx
}

async fn every_change_is_audited(db: &Db) {
    let ctx = as_user(7, "req-1");
    let p = new(db.create(&ctx, person_fields("audit@example.com")).await.unwrap());
    let patch = PersonPatch {
        region: Some("APAC".into()),
        ..Default::default()
    };
    db.update(&as_user(8, "req-2"), p.id, None, patch).await.unwrap();
    db.archive(&ctx, p.id, None, true).await.unwrap();
    db.archive(&ctx, p.id, None, false).await.unwrap();
    // A refused write leaves no entry.
    let bad = PersonPatch {
        name: Some(String::new()),
        ..Default::default()
    };
    assert!(db.update(&ctx, p.id, None, bad).await.is_err());

    let filter = AuditFilter {
        entity: Some("person".into()),
        entity_id: Some(p.id.get()),
        ..Default::default()
    };
    let log = db.list_audit(&filter, PageRequest::default()).await.unwrap().items;
    let actions: Vec<_> = log.iter().map(|e| e.action).collect();
    assert_eq!(
        actions,
        [
            AuditAction::Create,
            AuditAction::Update,
            AuditAction::Archive,
            AuditAction::Unarchive
        ]
    );
    assert_eq!(log[0].user_id, Some(Id::new(7)));
    assert_eq!(log[0].request_id.as_deref(), Some("req-1"));
    assert!(log[0].before.is_none());
    assert_eq!(log[0].after.as_ref().unwrap()["email"], "audit@example.com");
    assert_eq!(log[1].user_id, Some(Id::new(8)));
    assert_eq!(log[1].before.as_ref().unwrap()["region"], "EMEA");
    assert_eq!(log[1].after.as_ref().unwrap()["region"], "APAC");

    let proj = project(db, "Audited").await;
    super::fixtures::assign(db, p.id, &proj).await;
    let entry = NewTimeEntry {
        person_id: p.id,
        project_id: Some(proj.id),
        category: None,
        date: date!(2026 - 03 - 02),
        minutes: Minutes(60),
        billable: None,
        note: None,
    };
    let e = new(db.create_time_entry(&ctx, entry).await.unwrap());
    db.delete_time_entry(&ctx, e.id, None).await.unwrap();
    let filter = AuditFilter {
        entity: Some("time_entry".into()),
        ..Default::default()
    };
    let log = db.list_audit(&filter, PageRequest::default()).await.unwrap().items;
    assert_eq!(
        log.iter().map(|e| e.action).collect::<Vec<_>>(),
        [AuditAction::Create, AuditAction::Delete]
    );
    assert_eq!(log[1].before.as_ref().unwrap()["minutes"], 60);
    assert!(log[1].after.is_none());

    db.update_settings(
        &ctx,
        SettingsPatch {
            rounding_step_minutes: Some(30),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let filter = AuditFilter {
        entity: Some("settings".into()),
        ..Default::default()
    };
    let log = db.list_audit(&filter, PageRequest::default()).await.unwrap().items;
    assert_eq!(log[0].after.as_ref().unwrap()["rounding_step_minutes"], 30);

    let by_user = AuditFilter {
        user_id: Some(Id::new(8)),
        ..Default::default()
    };
    assert_eq!(
        db.list_audit(&by_user, PageRequest::default())
            .await
            .unwrap()
            .items
            .len(),
        1
    );
    let today = time::OffsetDateTime::now_utc().date();
    let none_tomorrow = AuditFilter {
        from: today.next_day(),
        ..Default::default()
    };
    assert!(
        db.list_audit(&none_tomorrow, PageRequest::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );
}

async fn the_log_cannot_be_changed(db: &Db) {
    new(db
        .create(&as_user(1, "r"), person_fields("keep@example.com"))
        .await
        .unwrap());
    for statement in ["UPDATE audit_log SET entity = 'forged'", "DELETE FROM audit_log"] {
        let refused = match db.kind() {
            psops_store::Backend::Sqlite => {
                let url = db_url(db);
                let path = url.trim_start_matches("sqlite://");
                let c = rusqlite::Connection::open(path).unwrap();
                c.execute_batch(statement).is_err()
            }
            psops_store::Backend::Postgres => {
                let mut c = sqlx::PgConnection::connect(&db_url(db)).await.unwrap();
                sqlx::raw_sql(statement).execute(&mut c).await.is_err()
            }
        };
        assert!(refused, "{statement} must be refused");
    }
    let log = db
        .list_audit(&AuditFilter::default(), PageRequest::default())
        .await
        .unwrap()
        .items;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].entity, "person");
}

fn db_url(db: &Db) -> String {
    db.url().to_string()
}
