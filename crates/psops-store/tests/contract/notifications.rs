//! The notification outbox's delivery: each message claimed by exactly one node, tries
//! repeated with a growing wait until they give up, a stopped node's claim taken over,
//! kept when there is no mail transport, sent again by a person; its readers' lists.

use psops_core::audit::AuditFilter;
use psops_core::notify::{
    Notice, NoticeKind, NoticeStatus, NotificationFilter, NotificationId, NotificationScope, NotificationSort,
    RetryPolicy,
};
use psops_core::page::PageRequest;
use psops_core::record::Entity;
use psops_core::rule::Rule;
use psops_core::scope::ListScope;
use psops_core::sort::{Direction, Sorted};
use psops_core::store::prelude::*;
use psops_core::timesheet::IsoWeek;
use psops_core::{Error, Id};
use psops_store::Db;
use psops_store::testing::queue_notice;
use time::{Duration, OffsetDateTime};

use super::fixtures::ctx;
use super::time_fixtures::{managed_project, staff};

crate::stories!(
    each_message_is_claimed_by_one_node,
    failed_tries_wait_longer_then_give_up,
    a_stopped_nodes_claim_is_taken_over,
    kept_without_mail_and_listed_for_its_readers,
    reminders_go_through_the_outbox,
    the_demo_outbox_shows_every_status
);

fn notice(n: usize, project: Option<psops_core::projects::ProjectId>) -> Notice {
    Notice {
        kind: if project.is_some() {
            NoticeKind::AcceptanceRequest
        } else {
            NoticeKind::Survey
        },
        to_email: format!("customer{n}@example.com"),
        to_name: format!("Customer {n}"),
        subject: format!("Message {n}"),
        body: format!("Body of message {n}"),
        project_id: project,
        about: project.map(|p| format!("project:{p}")),
    }
}

/// A moment after every queued message became due.
fn soon() -> OffsetDateTime {
    (OffsetDateTime::now_utc() + Duration::seconds(1))
        .replace_nanosecond(0)
        .expect("whole second")
}

async fn each_message_is_claimed_by_one_node(db: &Db) {
    for n in 0..30 {
        queue_notice(db, &notice(n, None)).await.expect("queue");
    }
    let at = soon();
    let mut a = Vec::new();
    let mut b = Vec::new();
    for _ in 0..4 {
        let (x, y) = tokio::join!(
            db.claim_notifications("node-a", at, 10),
            db.claim_notifications("node-b", at, 10)
        );
        a.extend(x.expect("claim a"));
        b.extend(y.expect("claim b"));
    }
    let mut ids: Vec<i64> = a.iter().chain(&b).map(|n| n.id.get()).collect();
    ids.sort_unstable();
    let claimed = ids.len();
    ids.dedup();
    assert_eq!((claimed, ids.len()), (30, 30), "every message once, none twice");
    assert!(a.iter().all(|n| n.status == NoticeStatus::Sending && n.attempts == 1));
    assert!(a.iter().all(|n| n.claimed_by.as_deref() == Some("node-a")));
    assert!(db.claim_notifications("node-c", at, 10).await.unwrap().is_empty());

    let one = a.first().or(b.first()).expect("claimed").clone();
    let holder = one.claimed_by.clone().unwrap();
    let other = if holder == "node-a" { "node-b" } else { "node-a" };
    assert!(
        !db.mark_sent(one.id, other, at).await.unwrap(),
        "only the holder ends a claim"
    );
    assert!(db.mark_sent(one.id, &holder, at).await.unwrap());
    let sent = db.notification(one.id).await.unwrap().unwrap();
    assert_eq!(sent.status, NoticeStatus::Sent);
    assert!(sent.sent_at.is_some() && sent.next_try_at.is_none());
    assert!(!db.mark_sent(one.id, &holder, at).await.unwrap(), "sent once");
}

async fn failed_tries_wait_longer_then_give_up(db: &Db) {
    let id = NotificationId::new(queue_notice(db, &notice(1, None)).await.unwrap());
    let policy = RetryPolicy {
        max_attempts: 3,
        first_wait: Duration::minutes(1),
        longest_wait: Duration::hours(1),
    };
    let t0 = soon();
    let got = db.claim_notifications("n", t0, 5).await.unwrap();
    assert_eq!(got.len(), 1);
    let after = db
        .mark_failed(id, "n", "421 try later", t0, &policy)
        .await
        .unwrap()
        .expect("held");
    assert_eq!(after.status, NoticeStatus::Queued);
    assert_eq!(after.next_try_at, Some(t0 + Duration::minutes(1)));
    assert_eq!(after.last_error.as_deref(), Some("421 try later"));
    assert!(
        db.claim_notifications("n", t0 + Duration::seconds(30), 5)
            .await
            .unwrap()
            .is_empty(),
        "waits"
    );

    let t1 = t0 + Duration::minutes(1);
    assert_eq!(db.claim_notifications("n", t1, 5).await.unwrap()[0].attempts, 2);
    let after = db.mark_failed(id, "n", "again", t1, &policy).await.unwrap().unwrap();
    assert_eq!(after.next_try_at, Some(t1 + Duration::minutes(2)), "the wait doubles");
    let t2 = t1 + Duration::minutes(2);
    assert_eq!(db.claim_notifications("n", t2, 5).await.unwrap()[0].attempts, 3);
    let after = db.mark_failed(id, "n", "refused", t2, &policy).await.unwrap().unwrap();
    assert_eq!(
        (after.status, after.next_try_at),
        (NoticeStatus::Failed, None),
        "gave up"
    );
    assert!(
        db.claim_notifications("n", t2 + Duration::days(1), 5)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        db.mark_failed(id, "n", "x", t2, &policy).await.unwrap(),
        None,
        "no longer held"
    );

    let again = db.resend_notification(&ctx(), id, t2).await.expect("send again");
    assert_eq!(
        (again.status, again.attempts, again.last_error),
        (NoticeStatus::Queued, 0, None)
    );
    let refused = db.resend_notification(&ctx(), id, t2).await.unwrap_err();
    match refused {
        Error::Conflict(f) => assert_eq!((f.field.as_str(), f.rule), ("status", Rule::InvalidTransition)),
        other => panic!("{other:?}"),
    }
    let missing = db.resend_notification(&ctx(), Id::new(999_999), t2).await.unwrap_err();
    assert!(matches!(missing, Error::NotFound { .. }), "{missing:?}");
    let audit = db
        .list_audit(
            &AuditFilter {
                entity: Some(Entity::Notification.name().into()),
                ..Default::default()
            },
            PageRequest::default(),
        )
        .await
        .unwrap();
    assert_eq!(audit.items.len(), 1, "sending again is audited");
    assert_eq!(
        db.claim_notifications("n", t2, 5).await.unwrap().len(),
        1,
        "and it goes out again"
    );
}

async fn a_stopped_nodes_claim_is_taken_over(db: &Db) {
    let id = NotificationId::new(queue_notice(db, &notice(1, None)).await.unwrap());
    let t0 = soon();
    assert_eq!(db.claim_notifications("stopped", t0, 5).await.unwrap().len(), 1);
    assert!(
        db.claim_notifications("live", t0 + Duration::minutes(5), 5)
            .await
            .unwrap()
            .is_empty(),
        "a fresh claim is left alone"
    );
    let taken = db
        .claim_notifications("live", t0 + Duration::minutes(11), 5)
        .await
        .unwrap();
    assert_eq!(taken.len(), 1);
    assert_eq!((taken[0].attempts, taken[0].claimed_by.as_deref()), (2, Some("live")));
    assert!(
        !db.mark_sent(id, "stopped", t0).await.unwrap(),
        "the stopped node lost it"
    );
    assert!(db.mark_sent(id, "live", t0).await.unwrap());
}

async fn kept_without_mail_and_listed_for_its_readers(db: &Db) {
    let pm = staff(db, "pm@outbox.example", "EMEA", None).await;
    let other_pm = staff(db, "other@outbox.example", "EMEA", None).await;
    let mine = managed_project(db, "Mine", pm.id).await;
    let theirs = managed_project(db, "Theirs", other_pm.id).await;
    for n in 0..3 {
        queue_notice(db, &notice(n, Some(mine.id))).await.unwrap();
    }
    queue_notice(db, &notice(10, Some(theirs.id))).await.unwrap();
    queue_notice(db, &notice(11, None)).await.unwrap();
    let at = soon();
    let claimed = db.claim_notifications("n", at, 10).await.unwrap();
    assert_eq!(claimed.len(), 5);
    let first = claimed[0].id;
    assert!(db.mark_kept(first, "n", at).await.unwrap());
    let kept = db.notification(first).await.unwrap().unwrap();
    assert_eq!(
        (kept.status, kept.attempts),
        (NoticeStatus::Kept, 0),
        "keeping is no try"
    );
    db.mark_failed(claimed[1].id, "n", "boom", at, &RetryPolicy::default())
        .await
        .unwrap();

    let all = NotificationFilter::default();
    let newest = db
        .notifications(&all, NotificationScope::All, PageRequest { after: None, limit: 2 })
        .await
        .unwrap();
    assert_eq!(newest.items.len(), 2);
    assert!(newest.items[0].id.get() > newest.items[1].id.get(), "newest first");
    let cursor = PageRequest::parse(newest.next_cursor.as_deref(), Some(10)).unwrap();
    let rest = db.notifications(&all, NotificationScope::All, cursor).await.unwrap();
    assert_eq!((rest.items.len(), rest.next_cursor), (3, None));
    assert!(rest.items[0].id.get() < newest.items[1].id.get());

    let scoped = db
        .notifications(&all, NotificationScope::ManagedBy(pm.id), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(scoped.items.len(), 3, "a project manager reads their projects' only");
    assert!(scoped.items.iter().all(|n| n.project_id == Some(mine.id)));
    let none = db
        .notifications(&all, NotificationScope::Nothing, PageRequest::default())
        .await
        .unwrap();
    assert!(none.items.is_empty());

    let kept_only = NotificationFilter {
        status: Some(NoticeStatus::Kept),
        ..Default::default()
    };
    let page = db
        .notifications_page(&kept_only, NotificationScope::All, &Sorted::default())
        .await
        .unwrap();
    assert_eq!((page.total, page.items[0].id), (1, first));
    let surveys = NotificationFilter {
        kind: Some(NoticeKind::Survey),
        ..Default::default()
    };
    let page = db
        .notifications_page(&surveys, NotificationScope::All, &Sorted::default())
        .await
        .unwrap();
    assert_eq!(page.total, 1);
    let by_attempts = Sorted {
        key: NotificationSort::Attempts,
        direction: Direction::Desc,
        page: 1,
        size: 2,
    };
    let page = db
        .notifications_page(&all, NotificationScope::All, &by_attempts)
        .await
        .unwrap();
    assert_eq!((page.total, page.items.len()), (5, 2));
    assert!(page.items[0].attempts >= page.items[1].attempts);
}

async fn reminders_go_through_the_outbox(db: &Db) {
    let ada = staff(db, "ada@outbox.example", "EMEA", None).await;
    let week: IsoWeek = "2026-W10".parse().unwrap();
    let sent = db
        .remind(&ctx(), &[ada.id], week, "Please fill in your week.")
        .await
        .unwrap();
    assert!(!sent[0].mailed);
    let queued = db
        .notifications(
            &NotificationFilter::default(),
            NotificationScope::All,
            PageRequest::default(),
        )
        .await
        .unwrap();
    let n = &queued.items[0];
    assert_eq!(n.kind, NoticeKind::TimesheetReminder);
    assert_eq!(
        (n.to_email.as_str(), n.status),
        ("ada@outbox.example", NoticeStatus::Queued)
    );
    assert_eq!(n.body, "Please fill in your week.");
    assert_eq!(n.about, Some(format!("reminder:{}", sent[0].id)));
    let claimed = db.claim_notifications("n", soon(), 5).await.unwrap();
    assert!(db.mark_sent(claimed[0].id, "n", soon()).await.unwrap());
    let read = db.reminders(None, &ListScope::All, 10).await.unwrap();
    assert!(read[0].mailed, "a reminder is mailed when its notification is sent");

    let refused = db
        .remind(&ctx(), &[ada.id, Id::new(999_999)], week, "Again")
        .await
        .unwrap_err();
    assert!(matches!(refused, Error::Invalid(_)));
    let after = db
        .notifications(
            &NotificationFilter::default(),
            NotificationScope::All,
            PageRequest::default(),
        )
        .await
        .unwrap();
    assert_eq!(after.items.len(), 1, "a refused reminder queues nothing");
}

async fn the_demo_outbox_shows_every_status(db: &Db) {
    super::fixtures::apply_handbook(db).await;
    let spec = psops_demo::DemoSpec {
        people: 80,
        seed: 5,
        ..super::fixtures::default_demo_spec()
    };
    super::fixtures::install_demo(db, spec).await;
    // The timesheet reminders: the demo's other parts queue their own notices too.
    let all = NotificationFilter {
        kind: Some(psops_core::notify::NoticeKind::TimesheetReminder),
        ..Default::default()
    };
    let page = |status| NotificationFilter {
        status: Some(status),
        ..all.clone()
    };
    let count = |f: NotificationFilter| async move {
        db.notifications_page(&f, NotificationScope::All, &Sorted::default())
            .await
            .unwrap()
            .total
    };
    let total = count(all.clone()).await;
    let sent = count(page(NoticeStatus::Sent)).await;
    let queued = count(page(NoticeStatus::Queued)).await;
    assert!(
        (8..=40).contains(&total),
        "about one in forty late a week, for eight weeks: {total}"
    );
    assert!(sent * 10 >= total * 7, "most were mailed: {sent} of {total}");
    assert!(queued >= 1, "the current week's wait");
    let reminders = db.reminders(None, &ListScope::All, 500).await.unwrap();
    assert_eq!(reminders.len() as u64, total, "one notification a reminder");
    assert_eq!(
        reminders.iter().filter(|r| r.mailed).count() as u64,
        sent,
        "a reminder is mailed when its notification is sent"
    );
}
