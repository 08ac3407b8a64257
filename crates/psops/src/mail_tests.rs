//! Delivery end to end through a local SMTP sink, on SQLite and (when
//! `PSOPS_TEST_POSTGRES_URL` is set) PostgreSQL.

use std::sync::Arc;

use psops_core::notify::{Notice, NoticeKind, NoticeStatus, NotificationId, NotificationStore, RetryPolicy};
use psops_store::testing::{TestDatabase, queue_notice};
use psops_store::{Db, OpenOptions};

use super::{Delivery, SmtpArgs, SmtpTls, Tally};

#[path = "../tests/cli/smtp_sink.rs"]
mod smtp_sink;
use smtp_sink::{Answer, Sink};

fn smtp(sink: &Sink) -> SmtpArgs {
    SmtpArgs {
        host: Some("127.0.0.1".into()),
        port: Some(sink.port()),
        from: Some("psops <psops@example.com>".into()),
        username: None,
        password: None,
        tls: SmtpTls::None,
        max_attempts: 3,
        retry_seconds: 1,
    }
}

fn delivery(db: &Db, node: &str, smtp: Option<&SmtpArgs>) -> Delivery {
    Delivery {
        store: Arc::new(db.clone()),
        mailer: smtp.map(|s| s.mailer().expect("mailer").expect("configured")),
        policy: smtp.map_or_else(RetryPolicy::default, SmtpArgs::retry_policy),
        node: node.into(),
    }
}

fn notice(n: usize) -> Notice {
    Notice {
        kind: NoticeKind::AcceptanceRequest,
        to_email: format!("customer{n}@example.com"),
        to_name: format!("Customer {n}"),
        subject: format!("Please accept milestone {n}"),
        body: format!("Milestone {n} is delivered.\n.A line that starts with a dot.\nThank you."),
        project_id: None,
        about: Some(format!("milestone:{n}")),
    }
}

async fn status(db: &Db, id: i64) -> psops_core::notify::Notification {
    db.notification(NotificationId::new(id))
        .await
        .expect("read")
        .expect("there")
}

/// Runs `story` on a fresh SQLite database, then on PostgreSQL when configured.
macro_rules! on_both {
    ($story:ident) => {{
        let t = TestDatabase::sqlite();
        let db = t.open().await;
        $story(&db, &t.url).await;
        db.close().await;
        t.destroy().await;
        if let Some(t) = TestDatabase::postgres().await {
            let db = t.open().await;
            $story(&db, &t.url).await;
            db.close().await;
            t.destroy().await;
        }
    }};
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_queued_notification_is_mailed_once() {
    async fn story(db: &Db, _url: &str) {
        let sink = Sink::start(Answer::Accept);
        let id = queue_notice(db, &notice(1)).await.unwrap();
        let d = delivery(db, "node", Some(&smtp(&sink)));
        let t = d.round().await.unwrap();
        assert_eq!(
            t,
            Tally {
                sent: 1,
                ..Tally::default()
            }
        );
        assert_eq!(d.round().await.unwrap(), Tally::default(), "nothing left");
        let got = sink.messages();
        assert_eq!(got.len(), 1, "mailed exactly once");
        let m = &got[0];
        assert_eq!(m.from, "psops@example.com");
        assert_eq!(m.to, ["customer1@example.com"]);
        assert_eq!(
            m.header("To").as_deref(),
            Some("\"Customer 1\" <customer1@example.com>")
        );
        assert_eq!(m.header("Subject").as_deref(), Some("Please accept milestone 1"));
        let body = m.body();
        assert!(
            body.contains("Milestone 1 is delivered.") && body.contains("\n.A line that starts"),
            "{body}"
        );
        let n = status(db, id).await;
        assert_eq!((n.status, n.attempts), (NoticeStatus::Sent, 1));
        assert!(n.sent_at.is_some());
    }
    on_both!(story);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_busy_server_is_tried_again_later_then_given_up() {
    async fn story(db: &Db, _url: &str) {
        let sink = Sink::start(Answer::Busy);
        let id = queue_notice(db, &notice(1)).await.unwrap();
        let d = delivery(db, "node", Some(&smtp(&sink)));
        assert_eq!(d.round().await.unwrap().retrying, 1);
        let n = status(db, id).await;
        assert_eq!((n.status, n.attempts), (NoticeStatus::Queued, 1));
        assert!(
            n.last_error.as_deref().unwrap_or_default().contains("451"),
            "{:?}",
            n.last_error
        );
        assert_eq!(
            d.round().await.unwrap(),
            Tally::default(),
            "not before its wait is over"
        );
        tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
        assert_eq!(d.round().await.unwrap().retrying, 1);
        let n = status(db, id).await;
        let wait = n.next_try_at.unwrap() - time::OffsetDateTime::now_utc();
        assert!(wait > time::Duration::seconds(1), "the second wait is longer: {wait}");
        tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
        assert_eq!(d.round().await.unwrap().failed, 1, "the third try is the last");
        let n = status(db, id).await;
        assert_eq!((n.status, n.attempts, n.next_try_at), (NoticeStatus::Failed, 3, None));
        assert_eq!((sink.tries(), sink.messages().len()), (3, 0));
    }
    on_both!(story);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_recipient_fails_at_once() {
    async fn story(db: &Db, _url: &str) {
        let sink = Sink::start(Answer::Refuse);
        let id = queue_notice(db, &notice(1)).await.unwrap();
        let d = delivery(db, "node", Some(&smtp(&sink)));
        assert_eq!(d.round().await.unwrap().failed, 1);
        let n = status(db, id).await;
        assert_eq!((n.status, n.attempts), (NoticeStatus::Failed, 1));
        assert!(n.last_error.unwrap_or_default().contains("550"));
    }
    on_both!(story);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_smtp_notifications_are_kept() {
    async fn story(db: &Db, _url: &str) {
        let id = queue_notice(db, &notice(1)).await.unwrap();
        let d = delivery(db, "node", None);
        assert_eq!(
            d.round().await.unwrap(),
            Tally {
                kept: 1,
                ..Tally::default()
            }
        );
        let n = status(db, id).await;
        assert_eq!((n.status, n.attempts), (NoticeStatus::Kept, 0));
        assert_eq!(d.round().await.unwrap(), Tally::default(), "kept, not tried again");
    }
    on_both!(story);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_racing_mail_each_message_once() {
    async fn story(db: &Db, url: &str) {
        let sink = Sink::start(Answer::Accept);
        for n in 0..40 {
            queue_notice(db, &notice(n)).await.unwrap();
        }
        // The second node is another connection to the same database, as another
        // `psops serve` would be.
        let other = Db::open(
            url,
            OpenOptions {
                migrate: false,
                max_connections: 4,
            },
        )
        .await
        .unwrap();
        let args = smtp(&sink);
        let (a, b) = (
            delivery(db, "node-a", Some(&args)),
            delivery(&other, "node-b", Some(&args)),
        );
        let (ta, tb) = tokio::join!(a.round(), b.round());
        let (ta, tb) = (ta.unwrap(), tb.unwrap());
        assert_eq!(ta.sent + tb.sent, 40, "{ta:?} {tb:?}");
        let mut subjects: Vec<String> = sink.messages().iter().filter_map(|m| m.header("Subject")).collect();
        assert_eq!(subjects.len(), 40);
        subjects.sort();
        subjects.dedup();
        assert_eq!(subjects.len(), 40, "no message twice");
        other.close().await;
    }
    on_both!(story);
}
