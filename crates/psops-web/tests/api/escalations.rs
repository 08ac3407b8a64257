//! The escalation API end to end: raising one on a project takes the project's account
//! and manager (the DRI); refusals name the field and the rule; the status moves only as
//! the sequence allows (409 otherwise) under If-Match; closing needs the customer's
//! written agreement; the list filters by status, severity, project and overdue updates;
//! the timeline keeps every update.

use axum::http::Method;
use serde_json::json;

use crate::matrix_fixture::Org;
use crate::support::{TestApp, api_tests};

async fn an_escalation_runs_from_raise_to_close(app: TestApp) {
    let org = Org::build(app.store.as_ref()).await;
    let admin = &org.tokens[0];
    let call = |m: Method, path: String, body: Option<serde_json::Value>, etag: Option<String>| {
        let app = &app;
        async move {
            let headers: Vec<(&str, String)> = etag.into_iter().map(|e| ("if-match", e)).collect();
            let h: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.call_as(admin, m, &path, body.as_ref(), &h).await
        }
    };

    // Refusals name the field and the rule.
    let r = call(
        Method::POST,
        "/api/v1/escalations".into(),
        Some(json!({"project_id": org.p1, "severity": "critical", "title": "Outage", "exit_criteria": ""})),
        None,
    )
    .await;
    r.problem(422, "exit_criteria", "required");
    let r = call(
        Method::POST,
        "/api/v1/escalations".into(),
        Some(json!({"account_id": org.account_x, "severity": "low", "title": "Slow",
            "exit_criteria": "Faster"})),
        None,
    )
    .await;
    r.problem(422, "dri_id", "required");
    let r = call(
        Method::POST,
        "/api/v1/escalations".into(),
        Some(json!({"project_id": org.p1, "severity": "urgent", "title": "Outage", "exit_criteria": "Up"})),
        None,
    )
    .await;
    assert_eq!(r.status.as_u16(), 422, "{}", r.text);

    // Raised on P1: the account and the DRI are the project's.
    let r = call(
        Method::POST,
        "/api/v1/escalations".into(),
        Some(
            json!({"project_id": org.p1, "severity": "critical", "title": "Production outage",
            "exit_criteria": "A week without an outage"}),
        ),
        None,
    )
    .await
    .expect(201);
    let id = r.id();
    assert_eq!(r.body["dri_id"], org.people[5]);
    assert_eq!(r.body["account_id"], org.account_x);
    assert_eq!(r.body["status"], "open");
    assert!(r.body["next_update_due"].is_string());
    let item = format!("/api/v1/escalations/{id}");

    // Moves: closed only by the close; a stale If-Match is refused.
    let r = call(
        Method::POST,
        format!("{item}/move"),
        Some(json!({"to": "closed", "text": "done"})),
        None,
    )
    .await;
    r.problem(422, "status", "invalid_transition");
    let etag = call(Method::GET, item.clone(), None, None).await.expect(200).etag();
    let r = call(
        Method::POST,
        format!("{item}/move"),
        Some(json!({"to": "investigating", "text": "Engineering engaged"})),
        Some(etag.clone()),
    )
    .await
    .expect(200);
    assert_eq!(r.body["status"], "investigating");
    assert!(r.body["investigating_at"].is_string());
    let r = call(
        Method::POST,
        format!("{item}/updates"),
        Some(json!({"text": "stale"})),
        Some(etag),
    )
    .await;
    assert_eq!(r.status.as_u16(), 412, "{}", r.text);

    // Only a resolved escalation closes, and only with the agreement.
    let r = call(Method::POST, format!("{item}/close"), Some(json!({})), None).await;
    r.problem(409, "status", "invalid_transition");
    call(
        Method::POST,
        format!("{item}/move"),
        Some(json!({"to": "resolved", "text": "Patched"})),
        None,
    )
    .await
    .expect(200);
    let r = call(Method::POST, format!("{item}/close"), Some(json!({})), None).await;
    let r = r.problem(422, "agreed_by", "required");
    for field in ["agreed_on", "agreement", "outcome", "sentiment"] {
        assert!(r.text.contains(&format!("\"{field}\"")), "{field}: {}", r.text);
    }
    call(
        Method::PATCH,
        item.clone(),
        Some(json!({"product_at_fault": true, "standup_cadence": "Daily 08:30"})),
        None,
    )
    .await
    .expect(200);
    let agreement = json!({"agreed_by": "Pat Customer, CTO",
        "agreed_on": time::OffsetDateTime::now_utc().date().to_string(),
        "agreement": "https://tickets.example.com/ESC-7", "outcome": "Patched in 4.2",
        "sentiment": "frustrated"});
    let r = call(Method::POST, format!("{item}/close"), Some(agreement.clone()), None).await;
    r.problem(422, "rca", "required");
    let mut with_rca = agreement;
    with_rca["rca"] = json!("https://wiki.example.com/rca/7");
    let r = call(Method::POST, format!("{item}/close"), Some(with_rca), None)
        .await
        .expect(200);
    assert_eq!(r.body["status"], "closed");
    assert_eq!(r.body["closure"]["sentiment"], "frustrated");
    assert!(r.body["closed_at"].is_string());

    // The timeline and the list.
    let t = call(Method::GET, format!("{item}/updates"), None, None)
        .await
        .expect(200);
    let entries = t.body.as_array().cloned().unwrap_or_default();
    assert_eq!(entries.len(), 5, "{}", t.text);
    assert_eq!(entries[4]["to_status"], "closed");
    let list = |q: &str| call(Method::GET, format!("/api/v1/escalations?{q}"), None, None);
    let r = list("status=closed").await.expect(200);
    assert_eq!(r.body["items"].as_array().map(Vec::len), Some(1));
    let r = list(&format!("project_id={}&overdue=true", org.p1)).await.expect(200);
    assert_eq!(r.body["items"].as_array().map(Vec::len), Some(0));
    let r = list("severity=critical&open=true").await.expect(200);
    assert_eq!(r.body["items"].as_array().map(Vec::len), Some(0));
    let r = list("severity=urgent").await.expect(422);
    assert!(r.text.contains("\"severity\""), "{}", r.text);
}

api_tests!(an_escalation_runs_from_raise_to_close);
