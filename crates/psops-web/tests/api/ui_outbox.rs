//! The outbox page: every notification newest first with its delivery status, tries and
//! last error, filtered by kind and status and sorted by a column; administrators and ops
//! send a failed or kept one again, a project manager reads their projects' only, and
//! everyone else finds no such page.

use psops_core::Id;
use psops_core::auth::Role;
use psops_core::notify::{Notice, NoticeKind, NoticeStatus, RetryPolicy};
use psops_core::store::Store;

use crate::matrix_fixture::Org;
use crate::support::{TestApp, api_tests};
use crate::ui_browser::{Browser, web_user};

const PM: usize = 5;

async fn queue(s: &dyn Store, subject: &str, kind: NoticeKind, project: Option<i64>) -> i64 {
    let notice = Notice {
        kind,
        to_email: "customer@outbox.example".into(),
        to_name: "Casey Customer".into(),
        subject: subject.into(),
        body: "Hello.".into(),
        project_id: project.map(Id::new),
        about: Some("milestone:7".into()),
    };
    s.queue_notification(&notice).await.expect("queue").get()
}

async fn outbox_lists_filters_and_sends_again(app: TestApp) {
    let s = app.store.as_ref();
    let org = Org::build(s).await;
    let kept = queue(s, "Accept milestone one", NoticeKind::AcceptanceRequest, Some(org.p1)).await;
    let failed = queue(s, "Survey for project B", NoticeKind::Survey, Some(org.pb)).await;
    let later = time::OffsetDateTime::now_utc() + time::Duration::seconds(1);
    let one_try = RetryPolicy {
        max_attempts: 1,
        ..RetryPolicy::default()
    };
    for n in s.claim_notifications("test", later, 10).await.unwrap() {
        if n.id.get() == kept {
            s.mark_kept(n.id, "test", later).await.unwrap();
        } else {
            s.mark_failed(n.id, "test", "550 no such mailbox", later, &one_try)
                .await
                .unwrap();
        }
    }
    let waiting = queue(s, "Escalation news", NoticeKind::EscalationUpdate, Some(org.p1)).await;

    web_user(s, "ops@outbox.example", vec![Role::Ops], None).await;
    let ops = Browser::sign_in(&app, "ops@outbox.example").await;
    let page = ops.get(&app, "/admin/outbox").await.expect(200);
    let at = |id: i64| page.text.find(&format!("id=\"notification-{id}\"")).expect("listed");
    assert!(at(waiting) < at(failed) && at(failed) < at(kept), "newest first");
    assert!(page.text.contains("550 no such mailbox"), "the last error shows");
    assert!(page.text.contains("status-kept") && page.text.contains("status-failed"));
    assert_eq!(
        page.text.matches(">Send again</button>").count(),
        2,
        "failed and kept only"
    );

    let only = ops.get(&app, "/admin/outbox?status=failed").await.expect(200);
    assert!(only.text.contains("Survey for project B") && !only.text.contains("Accept milestone one"));
    let kind = ops.get(&app, "/admin/outbox?kind=escalation_update").await.expect(200);
    assert!(kind.text.contains("Escalation news") && !kind.text.contains("Survey for project B"));
    let bad = ops.get(&app, "/admin/outbox?kind=fax").await.expect(200);
    assert!(
        bad.text.contains("kind must be one of"),
        "a bad filter is told: {}",
        bad.text
    );
    let sorted = ops.get(&app, "/admin/outbox?sort=attempts&dir=desc").await.expect(200);
    assert!(sorted.text.contains("aria-sort=\"descending\""));

    let sent = ops
        .post(
            &app,
            &format!("/admin/outbox/{kept}/resend"),
            &[("view", "status=kept")],
        )
        .await
        .expect(303);
    let back = sent.header("location").unwrap_or_default();
    assert_eq!(back, format!("/admin/outbox?status=kept&resent={kept}"));
    let n = s.notification(Id::new(kept)).await.unwrap().unwrap();
    assert_eq!(n.status, NoticeStatus::Queued, "it waits to be mailed again");
    let page = ops.get(&app, back).await.expect(200);
    assert!(page.text.contains("waits to be mailed again"));
    let twice = ops.post(&app, &format!("/admin/outbox/{kept}/resend"), &[]).await;
    assert_eq!(twice.status, 409, "a queued one is not sent again");

    // The project manager of P1 reads P1's notifications, and sends none again.
    web_user(s, "pm@outbox.example", vec![Role::ProjectManager], Some(org.people[PM])).await;
    let pm = Browser::sign_in(&app, "pm@outbox.example").await;
    let theirs = pm.get(&app, "/admin/outbox").await.expect(200);
    assert!(theirs.text.contains("Accept milestone one") && theirs.text.contains("Escalation news"));
    assert!(!theirs.text.contains("Survey for project B"), "not another project's");
    assert!(!theirs.text.contains("Send again"));
    let refused = pm.post(&app, &format!("/admin/outbox/{failed}/resend"), &[]).await;
    assert_eq!(refused.status, 404, "another project's notification is not found");
    let refused = pm.post(&app, &format!("/admin/outbox/{waiting}/resend"), &[]).await;
    assert_eq!(refused.status, 403, "their own project's is read, not sent again");

    web_user(s, "fin@outbox.example", vec![Role::Finance], None).await;
    let finance = Browser::sign_in(&app, "fin@outbox.example").await;
    assert_eq!(finance.get(&app, "/admin/outbox").await.status, 404);
}

api_tests!(outbox_lists_filters_and_sends_again);
