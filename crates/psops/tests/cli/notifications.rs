//! `psops notifications send|list` end to end: with no SMTP server configured what waits
//! is kept in the outbox; with one, each waiting notification is mailed once through a
//! local SMTP sink; a half-made SMTP setting is refused before anything is touched.

use psops_core::notify::{Notice, NoticeKind, NotificationStore as _};

use crate::smtp_sink::{Answer, Sink};
use crate::support::{TestDb, run};

/// Queues notifications straight in the outbox, as the changes that cause them do.
fn queue(db: &TestDb, subjects: &[&str]) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let options = psops_store::OpenOptions {
            migrate: false,
            max_connections: 2,
        };
        let store = psops_store::Db::open(&db.url, options).await.expect("open");
        for subject in subjects {
            let notice = Notice {
                kind: NoticeKind::Survey,
                to_email: "casey@customer.example".into(),
                to_name: "Casey Customer".into(),
                subject: (*subject).into(),
                body: "How did we do?".into(),
                project_id: None,
                about: None,
            };
            store.queue_notification(&notice).await.expect("queue");
        }
        store.close().await;
    });
}

fn notifications_story(db: &TestDb) {
    run(db, &["migrate"], None).assert_ok();
    queue(db, &["First survey", "Second survey"]);
    let kept = run(db, &["notifications", "send"], None);
    kept.assert_ok();
    assert_eq!(kept.stdout.trim(), "sent 0, kept 2, to try again 0, failed 0");
    let list = run(db, &["notifications", "list", "--format", "json"], None);
    list.assert_ok();
    let items: serde_json::Value = serde_json::from_str(&list.stdout).expect("json");
    let statuses: Vec<&str> = items
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|n| n["status"].as_str())
        .collect();
    assert_eq!(statuses, ["kept", "kept"]);
    assert_eq!(items[0]["subject"], "Second survey", "newest first");

    let refused = run(db, &["notifications", "send", "--smtp-host", "127.0.0.1"], None);
    assert_eq!(refused.code, Some(1));
    assert!(refused.stderr.contains("--smtp-from"), "{}", refused.stderr);

    queue(db, &["Third survey"]);
    let sink = Sink::start(Answer::Accept);
    let port = sink.port().to_string();
    let smtp = [
        "--smtp-host",
        "127.0.0.1",
        "--smtp-port",
        port.as_str(),
        "--smtp-tls",
        "none",
        "--smtp-from",
        "psops <psops@example.com>",
    ];
    let send = |extra: &[&str]| {
        let mut args = vec!["notifications", "send"];
        args.extend(extra);
        run(db, &args, None)
    };
    let sent = send(&smtp);
    sent.assert_ok();
    assert_eq!(sent.stdout.trim(), "sent 1, kept 0, to try again 0, failed 0");
    let again = send(&smtp);
    assert_eq!(again.stdout.trim(), "sent 0, kept 0, to try again 0, failed 0");
    let mail = sink.messages();
    assert_eq!(mail.len(), 1, "mailed once");
    assert_eq!(mail[0].header("Subject").as_deref(), Some("Third survey"));
    assert_eq!(mail[0].to, ["casey@customer.example"]);

    let table = run(db, &["notifications", "list", "--status", "sent"], None);
    table.assert_ok();
    assert!(table.stdout.starts_with("ID"), "{}", table.stdout);
    assert!(table.stdout.contains("Third survey") && !table.stdout.contains("First survey"));
    let bad = run(db, &["notifications", "list", "--status", "lost"], None);
    assert_eq!(bad.code, Some(1));
    assert!(bad.stderr.contains("status must be one of"), "{}", bad.stderr);
}

#[test]
fn notifications_on_sqlite() {
    notifications_story(&TestDb::sqlite());
}

#[test]
fn notifications_on_postgres() {
    let Some(db) = TestDb::postgres() else {
        eprintln!("PSOPS_TEST_POSTGRES_URL is not set: skipping the PostgreSQL run");
        return;
    };
    notifications_story(&db);
}
