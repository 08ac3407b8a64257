//! The authorization matrix of webhooks: only administrators list, create, change,
//! delete and ping subscriptions, read the delivery log and send a delivery again;
//! everyone else is told there is nothing (404), or refused a create (403). `matrix.rs`
//! counts these rows when it checks every documented route has one.

use psops_core::webhooks::{AttemptOutcome, EventKind, NewSubscription, SubscriptionId, WebhookPolicy};

use crate::matrix_fixture::Org;
use crate::support::{TestApp, api_tests};

#[derive(Clone, Copy, Debug)]
pub enum Target {
    None,
    /// A fresh subscription.
    Webhook,
    /// A delivery already delivered, which may be sent again.
    Delivered,
    /// A delivery waiting for its first try, which may not.
    Waiting,
}
use Target::*;

#[derive(Clone, Copy, Debug)]
pub enum Body {
    None,
    New,
    Patch,
}

/// (method, path, target, body, statuses: admin ops finance practice engagement pm
/// consultant partner-manager partner-consultant leadership)
type Row = (&'static str, &'static str, Target, Body, &'static str);

const HIDDEN: &str = "404 404 404 404 404 404 404 404 404";

fn admin(status: &str) -> &'static str {
    Box::leak(format!("{status} {HIDDEN}").into_boxed_str())
}

pub fn rows() -> Vec<Row> {
    vec![
        ("get", "/api/v1/webhooks", None, Body::None, admin("200")),
        (
            "post",
            "/api/v1/webhooks",
            None,
            Body::New,
            "201 403 403 403 403 403 403 403 403 403",
        ),
        ("get", "/api/v1/webhooks/{id}", Webhook, Body::None, admin("200")),
        ("patch", "/api/v1/webhooks/{id}", Webhook, Body::Patch, admin("200")),
        ("delete", "/api/v1/webhooks/{id}", Webhook, Body::None, admin("204")),
        ("post", "/api/v1/webhooks/{id}/ping", Webhook, Body::None, admin("200")),
        ("get", "/api/v1/webhook-deliveries", None, Body::None, admin("200")),
        (
            "get",
            "/api/v1/webhook-deliveries/{id}",
            Delivered,
            Body::None,
            admin("200"),
        ),
        (
            "post",
            "/api/v1/webhook-deliveries/{id}/redeliver",
            Delivered,
            Body::None,
            admin("200"),
        ),
        // Only a delivered or failed delivery is sent again.
        (
            "post",
            "/api/v1/webhook-deliveries/{id}/redeliver",
            Waiting,
            Body::None,
            admin("409"),
        ),
    ]
}

async fn webhook(app: &TestApp) -> SubscriptionId {
    let new = NewSubscription {
        url: "https://hooks.matrix.example/in".into(),
        description: Option::None,
        events: vec![EventKind::InvoiceIssued],
        active: true,
    };
    let ctx = psops_core::store::WriteCtx::trusted();
    app.store
        .create_webhook(&ctx, &new)
        .await
        .expect("webhook")
        .subscription
        .id
}

async fn target(app: &TestApp, t: Target) -> String {
    let s = app.store.as_ref();
    let ctx = psops_core::store::WriteCtx::trusted();
    match t {
        None => String::new(),
        Webhook => webhook(app).await.to_string(),
        Waiting => {
            let id = webhook(app).await;
            s.ping_webhook(&ctx, id).await.expect("ping").id.to_string()
        }
        Delivered => {
            let id = webhook(app).await;
            let ping = s.ping_webhook(&ctx, id).await.expect("ping");
            let later = time::OffsetDateTime::now_utc() + time::Duration::seconds(1);
            // Every waiting delivery is claimed: earlier cells' pings stay in flight.
            for d in s.claim_webhook_deliveries("matrix", later, 500).await.expect("claim") {
                if d.delivery.id == ping.id {
                    let ok = AttemptOutcome {
                        status_code: Some(200),
                        ..AttemptOutcome::default()
                    };
                    let policy = WebhookPolicy::default();
                    s.record_webhook_attempt(ping.id, "matrix", &ok, later, &policy)
                        .await
                        .expect("record");
                }
            }
            ping.id.to_string()
        }
    }
}

fn body(b: Body) -> Option<serde_json::Value> {
    match b {
        Body::None => Option::None,
        Body::New => Some(serde_json::json!({"url": "https://hooks.matrix.example/new", "events": ["sow_signed"]})),
        Body::Patch => Some(serde_json::json!({"description": "changed"})),
    }
}

async fn every_webhook_route_for_every_role(app: TestApp) {
    let org = Org::build(app.store.as_ref()).await;
    let mut failures = Vec::new();
    for (method, path, t, b, expected) in rows() {
        let expected = crate::matrix_fixture::statuses(method, path, expected);
        for (role, want) in expected.iter().enumerate() {
            let url = path.replace("{id}", &target(&app, t).await);
            let json = body(b);
            let r = crate::matrix_fixture::call(&app, &org, role, method, &url, json.as_ref()).await;
            crate::matrix_fixture::differs(&mut failures, (method, path), t, role, *want, &r);
        }
    }
    crate::matrix_fixture::assert_cells(&failures);
}

api_tests!(every_webhook_route_for_every_role);
