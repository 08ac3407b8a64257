//! `psops webhooks` end to end against a receiver the test starts: a subscription made
//! on the command line prints its secret once; a delivery the receiver refuses with a
//! 500 is tried again after the wait and then delivered; both tries carry the same
//! idempotency id and a signature that verifies with the secret; the log shows both.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use psops_core::webhooks::{Payload, TOLERANCE, verify};

use crate::support::{TestDb, run};

/// One request the receiver got: its headers (names lowercased) and body.
#[derive(Debug, Clone)]
pub(crate) struct Received {
    headers: Vec<(String, String)>,
    body: String,
}

impl Received {
    pub(crate) fn header(&self, name: &str) -> &str {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map_or("", |(_, v)| v.as_str())
    }
}

/// A tiny HTTP receiver on loopback answering each request with the next status of its
/// script (the last one repeating), keeping what it got.
pub(crate) struct Receiver {
    pub(crate) port: u16,
    got: Arc<Mutex<Vec<Received>>>,
}

impl Receiver {
    pub(crate) fn start(script: &'static [u16]) -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the receiver");
        let port = listener.local_addr().expect("address").port();
        let got = Arc::new(Mutex::new(Vec::new()));
        let kept = got.clone();
        std::thread::spawn(move || {
            for (n, conn) in listener.incoming().enumerate() {
                let Ok(mut conn) = conn else { continue };
                let mut reader = BufReader::new(conn.try_clone().expect("clone the stream"));
                let mut line = String::new();
                reader.read_line(&mut line).expect("request line");
                let mut headers = Vec::new();
                loop {
                    line.clear();
                    reader.read_line(&mut line).expect("header");
                    let l = line.trim_end();
                    if l.is_empty() {
                        break;
                    }
                    if let Some((k, v)) = l.split_once(':') {
                        headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
                    }
                }
                let length: usize = headers
                    .iter()
                    .find(|(k, _)| k == "content-length")
                    .and_then(|(_, v)| v.parse().ok())
                    .unwrap_or(0);
                let mut body = vec![0; length];
                reader.read_exact(&mut body).expect("body");
                kept.lock().unwrap().push(Received {
                    headers,
                    body: String::from_utf8(body).expect("utf-8 body"),
                });
                let status = script[n.min(script.len() - 1)];
                let text = format!("answer {}", n + 1);
                let _ = write!(
                    conn,
                    "HTTP/1.1 {status} X\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
                    text.len()
                );
            }
        });
        Receiver { port, got }
    }

    pub(crate) fn received(&self) -> Vec<Received> {
        self.got.lock().unwrap().clone()
    }
}

fn webhooks_story(db: &TestDb) {
    run(db, &["migrate"], None).assert_ok();
    let refused = run(
        db,
        &["webhooks", "add", "--url", "ftp://example.com/in", "--event", "ping"],
        None,
    );
    assert_eq!(refused.code, Some(1));
    assert!(refused.stderr.contains("url"), "{}", refused.stderr);

    let receiver = Receiver::start(&[500, 200]);
    let url = format!("http://127.0.0.1:{}/hook", receiver.port);
    let added = run(
        db,
        &[
            "webhooks",
            "add",
            "--url",
            &url,
            "--event",
            "invoice_issued",
            "--event",
            "sow_signed",
        ],
        None,
    );
    added.assert_ok();
    let secret = added.stdout.trim().to_string();
    assert!(secret.starts_with("whsec_"), "{}", added.stdout);
    let listed = run(db, &["webhooks", "list", "--format", "json"], None);
    listed.assert_ok();
    assert!(!listed.stdout.contains(&secret), "the secret is shown once");
    let subs: serde_json::Value = serde_json::from_str(&listed.stdout).expect("json");
    let id = subs[0]["id"].as_i64().expect("id").to_string();
    assert_eq!(subs[0]["events"], serde_json::json!(["sow_signed", "invoice_issued"]));

    run(db, &["webhooks", "ping", &id], None).assert_ok();
    let deliver = [
        "webhooks",
        "deliver",
        "--webhook-retry-seconds",
        "1",
        "--webhook-timeout",
        "5",
    ];
    let first = run(db, &deliver, None);
    first.assert_ok();
    assert_eq!(first.stdout.trim(), "delivered 0, to try again 1, failed 0");
    let early = run(db, &deliver, None);
    assert_eq!(early.stdout.trim(), "delivered 0, to try again 0, failed 0", "it waits");
    std::thread::sleep(std::time::Duration::from_millis(1200));
    let second = run(db, &deliver, None);
    second.assert_ok();
    assert_eq!(second.stdout.trim(), "delivered 1, to try again 0, failed 0");

    let got = receiver.received();
    assert_eq!(got.len(), 2, "a refused try, then the delivered one");
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let mut ids = Vec::new();
    for r in &got {
        let signature = r.header("Psops-Signature");
        assert_eq!(
            verify(&secret, signature, r.body.as_bytes(), now, TOLERANCE),
            Ok(()),
            "{signature}"
        );
        assert!(verify("whsec_wrong", signature, r.body.as_bytes(), now, TOLERANCE).is_err());
        assert_eq!(r.header("Content-Type"), "application/json");
        let payload: Payload = serde_json::from_str(&r.body).expect("payload");
        assert_eq!(payload.event, psops_core::webhooks::EventKind::Ping);
        assert_eq!(r.header("Psops-Event"), "ping");
        assert_eq!(r.header("Psops-Event-Id"), payload.id);
        assert_eq!(payload.data["subscription_id"].to_string(), id);
        ids.push(payload.id);
    }
    assert!(ids[0].starts_with("evt_"));
    assert_eq!(
        ids[0], ids[1],
        "one event, one idempotency id, however often it is sent"
    );

    let log = run(db, &["webhooks", "log", "--format", "json"], None);
    log.assert_ok();
    let log: serde_json::Value = serde_json::from_str(&log.stdout).expect("json");
    assert_eq!(log[0]["status"], "delivered");
    assert_eq!(log[0]["attempts"], 2);
    assert_eq!(log[0]["event_id"], ids[0].as_str());
    let tries: Vec<(i64, &str)> = log[0]["tries"]
        .as_array()
        .expect("tries")
        .iter()
        .map(|t| {
            (
                t["status_code"].as_i64().unwrap_or(0),
                t["response_body"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(tries, [(500, "answer 1"), (200, "answer 2")]);
    let table = run(db, &["webhooks", "log"], None);
    assert!(table.stdout.contains("delivered"), "{}", table.stdout);
}

#[test]
fn webhooks_on_sqlite() {
    webhooks_story(&TestDb::sqlite());
}

#[test]
fn webhooks_on_postgres() {
    let Some(db) = TestDb::postgres() else {
        eprintln!("PSOPS_TEST_POSTGRES_URL is not set: skipping the PostgreSQL run");
        return;
    };
    webhooks_story(&db);
}
