//! `/api/v1/webhooks` and `/api/v1/webhook-deliveries` as an administrator uses them: a
//! URL that is not http(s) is refused naming the field; the secret is answered once, on
//! create; a ping to a disabled subscription is refused, one to an enabled one waits in the
//! delivery log; a waiting delivery is not sent again; every
//! change of a subscription is in the audit log, never with its secret.

use axum::http::Method;
use serde_json::json;

use crate::support::{TestApp, api_tests};

async fn webhooks_are_managed_by_administrators_through_the_api(app: TestApp) {
    app.post(
        "/api/v1/webhooks",
        &json!({"url": "ftp://x.example/in", "events": ["sow_signed"]}),
    )
    .await
    .problem(422, "url", "scheme");
    app.post(
        "/api/v1/webhooks",
        &json!({"url": "https://x.example/in", "events": ["no_such"]}),
    )
    .await
    .expect(422);

    let made = app
        .post(
            "/api/v1/webhooks",
            &json!({"url": "https://hooks.example/psops", "events": ["invoice_issued", "sow_signed"]}),
        )
        .await
        .expect(201);
    let id = made.id();
    assert_eq!(made.header("location"), Some(format!("/api/v1/webhooks/{id}").as_str()));
    let secret = made.body["secret"].as_str().expect("secret").to_string();
    assert!(secret.starts_with("whsec_"));
    assert_eq!(made.body["events"], json!(["sow_signed", "invoice_issued"]));
    assert_eq!(
        (&made.body["active"], &made.body["failures"]),
        (&json!(true), &json!(0))
    );

    let read = app.get(&format!("/api/v1/webhooks/{id}")).await.expect(200);
    assert!(
        read.body.get("secret").is_none() && !read.text.contains(&secret),
        "shown once"
    );
    let list = app.get("/api/v1/webhooks").await.expect(200);
    assert_eq!(list.body["items"].as_array().map(Vec::len), Some(1));
    assert!(!list.text.contains(&secret));

    let changed = app
        .call(
            Method::PATCH,
            &format!("/api/v1/webhooks/{id}"),
            Some(&json!({"events": ["escalation_opened"], "active": false})),
            &[],
        )
        .await
        .expect(200);
    assert_eq!(changed.body["events"], json!(["escalation_opened"]));
    assert_eq!(changed.body["active"], json!(false));
    // A disabled subscription is not sent to: a ping would wait unsent.
    let ping_path = format!("/api/v1/webhooks/{id}/ping");
    app.call(Method::POST, &ping_path, None, &[])
        .await
        .problem(409, "active", "invalid_transition");
    let enabled = Some(json!({"active": true}));
    app.call(Method::PATCH, &format!("/api/v1/webhooks/{id}"), enabled.as_ref(), &[])
        .await
        .expect(200);

    let ping = app.call(Method::POST, &ping_path, None, &[]).await.expect(200);
    assert_eq!(
        (&ping.body["event"], &ping.body["status"]),
        (&json!("ping"), &json!("queued"))
    );
    assert!(ping.body["event_id"].as_str().unwrap_or("").starts_with("evt_"));
    let log = app
        .get(&format!("/api/v1/webhook-deliveries?webhook_id={id}&status=queued"))
        .await
        .expect(200);
    assert_eq!(log.body["items"][0]["id"], ping.body["id"]);
    let one = app
        .get(&format!("/api/v1/webhook-deliveries/{}", ping.id()))
        .await
        .expect(200);
    assert_eq!(one.body["tries"], json!([]));
    app.call(
        Method::POST,
        &format!("/api/v1/webhook-deliveries/{}/redeliver", ping.id()),
        None,
        &[],
    )
    .await
    .problem(409, "status", "invalid_transition");

    app.call(Method::DELETE, &format!("/api/v1/webhooks/{id}"), None, &[])
        .await
        .expect(204);
    app.get(&format!("/api/v1/webhooks/{id}")).await.expect(404);
    app.get(&format!("/api/v1/webhook-deliveries/{}", ping.id()))
        .await
        .expect(404);

    let audit = app.get("/api/v1/audit?entity=webhook_subscription").await.expect(200);
    let mut actions: Vec<&str> = audit.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    actions.sort_unstable();
    assert_eq!(actions, ["create", "delete", "update", "update"]);
    assert!(!audit.text.contains("whsec_"), "no secret in the audit log");
    let pinged = app.get("/api/v1/audit?entity=webhook_delivery").await.expect(200);
    assert_eq!(pinged.body["items"].as_array().map(Vec::len), Some(1), "the ping");
}

api_tests!(webhooks_are_managed_by_administrators_through_the_api);
