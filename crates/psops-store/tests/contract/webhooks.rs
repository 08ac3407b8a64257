//! Webhooks: events written in the transaction of the change (none for a change that
//! rolled back), fanned out to the subscriptions that want them, each try claimed by
//! one node, failures backing off until they give up and disabling a subscription that
//! keeps failing, redelivery and pings, every change of a subscription audited without
//! its secret.

use psops_core::Error;
use psops_core::audit::{AuditAction, AuditFilter};
use psops_core::notify::RetryPolicy;
use psops_core::page::PageRequest;
use psops_core::record::Entity;
use psops_core::rule::Rule;
use psops_core::store::prelude::*;
use psops_core::timesheet::IsoWeek;
use psops_core::webhooks::{
    AttemptOutcome, DeliveryFilter, DeliveryStatus, EventKind, NewSubscription, Payload, SubscriptionPatch,
    WebhookPolicy,
};
use psops_store::Db;
use psops_store::testing::{emit_webhook, webhook_body};
use serde_json::json;
use time::macros::date;
use time::{Duration, OffsetDateTime};

use super::fixtures::ctx;
use super::time_fixtures::{as_person, log, managed_project, on_project, staff};

crate::stories!(
    webhook_events_are_kept_only_when_their_change_commits,
    webhook_write_paths_queue_their_events,
    webhook_approvals_and_escalations_queue_their_events,
    webhook_deliveries_are_claimed_by_one_node,
    webhook_failures_back_off_give_up_and_disable,
    webhook_redelivery_ping_and_audit
);

fn subscription(url: &str, events: Vec<EventKind>) -> NewSubscription {
    NewSubscription {
        url: url.into(),
        description: Some("receiver".into()),
        events,
        active: true,
    }
}

/// A moment after every queued delivery became due.
fn soon() -> OffsetDateTime {
    (OffsetDateTime::now_utc() + Duration::seconds(1))
        .replace_nanosecond(0)
        .expect("whole second")
}

fn answered(status: u16) -> AttemptOutcome {
    AttemptOutcome {
        status_code: Some(status),
        response_body: Some(format!("status {status}")),
        duration: std::time::Duration::from_millis(12),
        error: None,
    }
}

async fn all_deliveries(db: &Db) -> Vec<psops_core::webhooks::Delivery> {
    let page = PageRequest {
        after: None,
        limit: 500,
    };
    db.webhook_deliveries(&DeliveryFilter::default(), page)
        .await
        .unwrap()
        .items
}

async fn webhook_events_are_kept_only_when_their_change_commits(db: &Db) {
    let a = db
        .create_webhook(
            &ctx(),
            &subscription("https://a.example/hook", vec![EventKind::InvoiceIssued]),
        )
        .await
        .unwrap();
    let b = db
        .create_webhook(
            &ctx(),
            &subscription(
                "http://b.example/in",
                vec![EventKind::InvoiceIssued, EventKind::SowSigned],
            ),
        )
        .await
        .unwrap();
    assert!(a.secret.starts_with("whsec_") && a.secret != b.secret);

    emit_webhook(db, EventKind::InvoiceIssued, &json!({"n": 1}), false)
        .await
        .unwrap();
    assert!(
        all_deliveries(db).await.is_empty(),
        "a rolled-back change sends nothing"
    );

    emit_webhook(db, EventKind::InvoiceIssued, &json!({"n": 2}), true)
        .await
        .unwrap();
    emit_webhook(db, EventKind::SowSigned, &json!({"n": 3}), true)
        .await
        .unwrap();
    emit_webhook(db, EventKind::MilestoneAccepted, &json!({"n": 4}), true)
        .await
        .unwrap();
    let got = all_deliveries(db).await;
    let mut seen: Vec<_> = got.iter().map(|d| (d.subscription_id, d.event)).collect();
    seen.sort_by_key(|(s, e)| (s.get(), *e));
    assert_eq!(
        seen,
        [
            (a.subscription.id, EventKind::InvoiceIssued),
            (b.subscription.id, EventKind::SowSigned),
            (b.subscription.id, EventKind::InvoiceIssued),
        ],
        "each subscription gets the kinds it asked for, nothing else"
    );
    assert!(
        got.iter()
            .all(|d| d.status == DeliveryStatus::Queued && d.attempts == 0)
    );
    // One event, one idempotency id, whichever subscription it goes to.
    let invoice: Vec<_> = got.iter().filter(|d| d.event == EventKind::InvoiceIssued).collect();
    assert_eq!(invoice[0].event_id, invoice[1].event_id);
    let body: Payload = serde_json::from_str(&webhook_body(db, invoice[0].id).await.unwrap()).unwrap();
    assert_eq!(
        (body.id.as_str(), body.event, &body.data),
        (invoice[0].event_id.as_str(), EventKind::InvoiceIssued, &json!({"n": 2}))
    );

    // A disabled subscription gets no new deliveries.
    let off = SubscriptionPatch {
        active: Some(false),
        ..SubscriptionPatch::default()
    };
    db.update_webhook(&ctx(), b.subscription.id, &off).await.unwrap();
    emit_webhook(db, EventKind::SowSigned, &json!({"n": 5}), true)
        .await
        .unwrap();
    assert_eq!(all_deliveries(db).await.len(), 3);
}

async fn webhook_write_paths_queue_their_events(db: &Db) {
    let hook = db
        .create_webhook(
            &ctx(),
            &subscription(
                "https://hooks.example/psops",
                vec![
                    EventKind::TimeEntryCreated,
                    EventKind::TimeEntryUpdated,
                    EventKind::TimeEntryDeleted,
                    EventKind::TimesheetSubmitted,
                    EventKind::TimesheetRejected,
                ],
            ),
        )
        .await
        .unwrap();
    let pm = staff(db, "pm@example.com", "EMEA", None).await;
    let me = staff(db, "me@example.com", "EMEA", Some(pm.id)).await;
    let p = managed_project(db, "Hooks", pm.id).await;
    let entry = log(db, on_project(me.id, &p, date!(2026 - 03 - 02), 240)).await;
    let gone = log(db, on_project(me.id, &p, date!(2026 - 03 - 03), 60)).await;
    let patch = psops_core::time_entries::TimeEntryPatch {
        minutes: Some(psops_core::Minutes(300)),
        ..Default::default()
    };
    db.update_time_entry(&ctx(), entry.id, None, patch).await.unwrap();
    db.delete_time_entry(&ctx(), gone.id, None).await.unwrap();
    let week: IsoWeek = "2026-W10".parse().unwrap();
    db.submit_week(&ctx(), as_person(&me), me.id, week).await.unwrap();
    // A refused step writes no event.
    let err = db.submit_week(&ctx(), as_person(&me), me.id, week).await.unwrap_err();
    assert!(matches!(err, Error::Conflict(_) | Error::Invalid(_)), "{err}");
    db.reject_week(&ctx(), as_person(&pm), me.id, week, Some(p.id), "wrong task")
        .await
        .unwrap();

    let mut got = all_deliveries(db).await;
    got.reverse();
    let kinds: Vec<_> = got.iter().map(|d| d.event).collect();
    assert_eq!(
        kinds,
        [
            EventKind::TimeEntryCreated,
            EventKind::TimeEntryCreated,
            EventKind::TimeEntryUpdated,
            EventKind::TimeEntryDeleted,
            EventKind::TimesheetSubmitted,
            EventKind::TimesheetRejected,
        ]
    );
    assert!(got.iter().all(|d| d.subscription_id == hook.subscription.id));
    let payload = |i: usize| {
        let id = got[i].id;
        async move { serde_json::from_str::<Payload>(&webhook_body(db, id).await.unwrap()).unwrap() }
    };
    assert_eq!(payload(2).await.data["minutes"], json!(300), "the entry as it is now");
    assert_eq!(payload(3).await.data["id"], json!(gone.id.get()), "the entry as it was");
    let submitted = payload(4).await.data;
    assert_eq!(
        (&submitted["person_id"], &submitted["week"]),
        (&json!(me.id.get()), &json!("2026-W10"))
    );
    assert_eq!(submitted["entries"].as_array().map(Vec::len), Some(1));
    assert_eq!(payload(5).await.data["reason"], json!("wrong task"));
}

async fn webhook_deliveries_are_claimed_by_one_node(db: &Db) {
    db.create_webhook(&ctx(), &subscription("https://a.example/", vec![EventKind::SowSigned]))
        .await
        .unwrap();
    for n in 0..30 {
        emit_webhook(db, EventKind::SowSigned, &json!({ "n": n }), true)
            .await
            .unwrap();
    }
    let at = soon();
    let mut a = Vec::new();
    let mut b = Vec::new();
    for _ in 0..4 {
        let (x, y) = tokio::join!(
            db.claim_webhook_deliveries("node-a", at, 10),
            db.claim_webhook_deliveries("node-b", at, 10)
        );
        a.extend(x.expect("claim a"));
        b.extend(y.expect("claim b"));
    }
    let mut ids: Vec<i64> = a.iter().chain(&b).map(|d| d.delivery.id.get()).collect();
    ids.sort_unstable();
    let claimed = ids.len();
    ids.dedup();
    assert_eq!((claimed, ids.len()), (30, 30), "every delivery once, none twice");
    let one = a.first().or(b.first()).expect("claimed").clone();
    assert_eq!(one.delivery.status, DeliveryStatus::Sending);
    assert_eq!(one.url, "https://a.example/");
    assert!(one.secret.starts_with("whsec_") && one.body.contains(&one.delivery.event_id));
    assert!(db.claim_webhook_deliveries("node-c", at, 10).await.unwrap().is_empty());

    // Only the holder ends its claim; a stopped node's claim is taken over.
    let holder = one.delivery.claimed_by.clone().unwrap();
    let other = if holder == "node-a" { "node-b" } else { "node-a" };
    let policy = WebhookPolicy::default();
    assert_eq!(
        db.record_webhook_attempt(one.delivery.id, other, &answered(200), at, &policy)
            .await
            .unwrap(),
        None
    );
    let later = at + psops_core::webhooks::CLAIM_TIMEOUT;
    let taken = db.claim_webhook_deliveries("node-c", later, 50).await.unwrap();
    assert_eq!(taken.len(), 30, "claims older than the timeout are taken over");
    assert!(taken.iter().all(|d| d.delivery.attempts == 2));
    let done = db
        .record_webhook_attempt(one.delivery.id, "node-c", &answered(204), later, &policy)
        .await
        .unwrap()
        .expect("held");
    assert_eq!(
        (done.status, done.last_status, done.delivered_at),
        (DeliveryStatus::Delivered, Some(204), Some(later))
    );
}

async fn webhook_failures_back_off_give_up_and_disable(db: &Db) {
    let hook = db
        .create_webhook(
            &ctx(),
            &subscription("https://down.example/", vec![EventKind::InvoiceIssued]),
        )
        .await
        .unwrap();
    let id = hook.subscription.id;
    let policy = WebhookPolicy {
        retry: RetryPolicy {
            max_attempts: 3,
            first_wait: Duration::minutes(1),
            longest_wait: Duration::hours(1),
        },
        disable_after: 4,
    };
    emit_webhook(db, EventKind::InvoiceIssued, &json!({"n": 1}), true)
        .await
        .unwrap();
    let t0 = soon();
    let d = db
        .claim_webhook_deliveries("n", t0, 5)
        .await
        .unwrap()
        .remove(0)
        .delivery;
    let after = db
        .record_webhook_attempt(d.id, "n", &answered(500), t0, &policy)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (after.status, after.next_try_at, after.last_status),
        (DeliveryStatus::Queued, Some(t0 + Duration::minutes(1)), Some(500))
    );
    assert_eq!(after.last_error.as_deref(), Some("the receiver answered 500"));
    assert!(
        db.claim_webhook_deliveries("n", t0 + Duration::seconds(30), 5)
            .await
            .unwrap()
            .is_empty(),
        "waits"
    );
    let t1 = t0 + Duration::minutes(1);
    assert_eq!(
        db.claim_webhook_deliveries("n", t1, 5).await.unwrap()[0]
            .delivery
            .attempts,
        2
    );
    let timeout = AttemptOutcome {
        error: Some("timed out after 10 s".into()),
        duration: std::time::Duration::from_secs(10),
        ..AttemptOutcome::default()
    };
    let after = db
        .record_webhook_attempt(d.id, "n", &timeout, t1, &policy)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.next_try_at, Some(t1 + Duration::minutes(2)), "the wait doubles");
    let t2 = t1 + Duration::minutes(2);
    db.claim_webhook_deliveries("n", t2, 5).await.unwrap();
    let after = db
        .record_webhook_attempt(d.id, "n", &answered(503), t2, &policy)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (after.status, after.next_try_at),
        (DeliveryStatus::Failed, None),
        "gave up"
    );
    assert!(
        db.claim_webhook_deliveries("n", t2 + Duration::days(1), 5)
            .await
            .unwrap()
            .is_empty()
    );

    // The log keeps every try with its answer.
    let log = db.webhook_attempts(d.id).await.unwrap();
    let codes: Vec<_> = log.iter().map(|a| (a.status_code, a.error.is_some())).collect();
    assert_eq!(codes, [(Some(500), true), (None, true), (Some(503), true)]);
    assert_eq!(log[0].response_body.as_deref(), Some("status 500"));
    assert_eq!(log[1].duration_ms, 10_000);
    assert_eq!(db.webhook(id).await.unwrap().unwrap().failures, 3);

    // One failure more in a row disables the subscription; its waiting deliveries stay.
    emit_webhook(db, EventKind::InvoiceIssued, &json!({"n": 2}), true)
        .await
        .unwrap();
    let t3 = t2 + Duration::minutes(1);
    let d2 = db
        .claim_webhook_deliveries("n", t3, 5)
        .await
        .unwrap()
        .remove(0)
        .delivery;
    db.record_webhook_attempt(d2.id, "n", &answered(500), t3, &policy)
        .await
        .unwrap();
    let off = db.webhook(id).await.unwrap().unwrap();
    assert!(!off.active);
    assert_eq!(
        off.disabled_reason.as_deref(),
        Some("disabled after 4 failed tries in a row")
    );
    assert!(
        db.claim_webhook_deliveries("n", t3 + Duration::hours(1), 5)
            .await
            .unwrap()
            .is_empty(),
        "a disabled subscription's deliveries are not sent"
    );
    emit_webhook(db, EventKind::InvoiceIssued, &json!({"n": 3}), true)
        .await
        .unwrap();
    assert_eq!(all_deliveries(db).await.len(), 2, "nor does it get new ones");
    // Nor is a ping or a redelivery queued for it, where it would wait unsent.
    let refused = db.ping_webhook(&ctx(), id).await.unwrap_err();
    assert!(
        matches!(&refused, psops_core::Error::Conflict(f) if f.field == "active"),
        "{refused:?}"
    );
    assert_eq!(all_deliveries(db).await.len(), 2);

    // Enabled again, it counts afresh and its waiting delivery goes out.
    let on = SubscriptionPatch {
        active: Some(true),
        ..SubscriptionPatch::default()
    };
    let back = db.update_webhook(&ctx(), id, &on).await.unwrap();
    assert_eq!((back.active, back.failures, back.disabled_reason), (true, 0, None));
    let again = db
        .claim_webhook_deliveries("n", t3 + Duration::hours(1), 5)
        .await
        .unwrap();
    assert_eq!(again.len(), 1);
    db.record_webhook_attempt(again[0].delivery.id, "n", &answered(200), t3, &policy)
        .await
        .unwrap();
    assert_eq!(
        db.webhook(id).await.unwrap().unwrap().failures,
        0,
        "a success counts afresh"
    );
}

async fn webhook_redelivery_ping_and_audit(db: &Db) {
    let hook = db
        .create_webhook(
            &ctx(),
            &subscription("https://a.example/", vec![EventKind::EscalationOpened]),
        )
        .await
        .unwrap();
    let id = hook.subscription.id;
    let ping = db.ping_webhook(&ctx(), id).await.unwrap();
    assert_eq!((ping.event, ping.status), (EventKind::Ping, DeliveryStatus::Queued));
    let body: Payload = serde_json::from_str(&webhook_body(db, ping.id).await.unwrap()).unwrap();
    assert_eq!(body.data["subscription_id"], json!(id.get()));

    let err = db.redeliver_webhook(&ctx(), ping.id, soon()).await.unwrap_err();
    assert!(
        matches!(&err, Error::Conflict(f) if f.rule == Rule::InvalidTransition),
        "a waiting delivery is not sent again: {err}"
    );
    let t0 = soon();
    db.claim_webhook_deliveries("n", t0, 5).await.unwrap();
    db.record_webhook_attempt(ping.id, "n", &answered(200), t0, &WebhookPolicy::default())
        .await
        .unwrap();
    let again = db.redeliver_webhook(&ctx(), ping.id, t0).await.unwrap();
    assert_eq!(
        (again.status, again.attempts, again.event_id.as_str()),
        (DeliveryStatus::Queued, 0, ping.event_id.as_str()),
        "the same event, with its id, goes out again"
    );
    assert_eq!(db.claim_webhook_deliveries("n", t0, 5).await.unwrap().len(), 1);
    assert_eq!(
        db.webhook_attempts(ping.id).await.unwrap().len(),
        1,
        "the log keeps the first try"
    );
    let missing = psops_core::webhooks::DeliveryId::new(999_999);
    assert!(matches!(
        db.redeliver_webhook(&ctx(), missing, t0).await.unwrap_err(),
        Error::NotFound { .. }
    ));

    let patch = SubscriptionPatch {
        url: Some("https://b.example/new".into()),
        description: Some(String::new()),
        events: Some(vec![EventKind::EscalationUpdated, EventKind::EscalationOpened]),
        active: None,
    };
    let changed = db.update_webhook(&ctx(), id, &patch).await.unwrap();
    assert_eq!(changed.url, "https://b.example/new");
    assert_eq!(changed.description, None);
    assert_eq!(
        changed.events,
        [EventKind::EscalationOpened, EventKind::EscalationUpdated]
    );
    let bad = SubscriptionPatch {
        url: Some("ftp://x".into()),
        ..SubscriptionPatch::default()
    };
    assert!(matches!(
        db.update_webhook(&ctx(), id, &bad).await.unwrap_err(),
        Error::Invalid(_)
    ));
    db.delete_webhook(&ctx(), id).await.unwrap();
    assert!(db.webhook(id).await.unwrap().is_none());
    assert!(all_deliveries(db).await.is_empty(), "its deliveries go with it");
    assert!(matches!(
        db.delete_webhook(&ctx(), id).await.unwrap_err(),
        Error::NotFound { .. }
    ));

    let audit = |entity: Entity| async move {
        let filter = AuditFilter {
            entity: Some(entity.name().into()),
            ..Default::default()
        };
        db.list_audit(&filter, PageRequest::default()).await.unwrap().items
    };
    let mut subs = audit(Entity::WebhookSubscription).await;
    subs.sort_by_key(|e| e.id);
    let actions: Vec<_> = subs.iter().map(|e| e.action).collect();
    assert_eq!(actions, [AuditAction::Create, AuditAction::Update, AuditAction::Delete]);
    for e in &subs {
        let text = format!("{:?}{:?}", e.before, e.after);
        assert!(
            !text.contains(&hook.secret) && !text.contains("whsec_"),
            "no secret in the audit log"
        );
    }
    assert_eq!(
        audit(Entity::WebhookDelivery).await.len(),
        2,
        "the ping and the redelivery"
    );
}

async fn webhook_approvals_and_escalations_queue_their_events(db: &Db) {
    use psops_core::delivery::escalations::{EscalationFields, EscalationNote, NewEscalation, Severity};
    let kinds = vec![
        EventKind::TimesheetApproved,
        EventKind::EscalationOpened,
        EventKind::EscalationUpdated,
    ];
    db.create_webhook(&ctx(), &subscription("https://hooks.example/ops", kinds))
        .await
        .unwrap();
    let pm = staff(db, "pm@example.com", "EMEA", None).await;
    let me = staff(db, "me@example.com", "EMEA", Some(pm.id)).await;
    let p = managed_project(db, "Ops", pm.id).await;
    log(db, on_project(me.id, &p, date!(2026 - 03 - 02), 240)).await;
    let week: IsoWeek = "2026-W10".parse().unwrap();
    db.submit_week(&ctx(), as_person(&me), me.id, week).await.unwrap();
    db.approve_week(&ctx(), as_person(&pm), me.id, week, Some(p.id))
        .await
        .unwrap();

    let fields = EscalationFields {
        account_id: None,
        project_id: Some(p.id),
        severity: Severity::High,
        title: "Go-live blocked".into(),
        description: None,
        dri_id: None,
        exit_criteria: "Orders load for a day".into(),
        standup_cadence: None,
        product_at_fault: false,
    };
    let new = NewEscalation {
        raised_by: None,
        fields,
    };
    let at = OffsetDateTime::now_utc();
    let e = match db.raise_escalation(&ctx(), new, at).await.unwrap() {
        psops_core::store::Created::New(e) => e,
        psops_core::store::Created::Replayed(_) => panic!("replayed"),
    };
    let note = EscalationNote {
        text: "Vendor patch applied".into(),
    };
    db.add_escalation_update(&ctx(), e.id, None, note, at + Duration::minutes(5))
        .await
        .unwrap();

    let mut got = all_deliveries(db).await;
    got.reverse();
    let kinds: Vec<_> = got.iter().map(|d| d.event).collect();
    assert_eq!(
        kinds,
        [
            EventKind::TimesheetApproved,
            EventKind::EscalationOpened,
            EventKind::EscalationUpdated
        ]
    );
    let approved: Payload = serde_json::from_str(&webhook_body(db, got[0].id).await.unwrap()).unwrap();
    assert_eq!(approved.data["project_id"], json!(p.id.get()));
    assert_eq!(approved.data["entries"][0]["status"], json!("approved"));
    let opened: Payload = serde_json::from_str(&webhook_body(db, got[1].id).await.unwrap()).unwrap();
    assert_eq!(opened.data["id"], json!(e.id.get()));
}
