//! Milestone acceptance through the API: the request queues its notice and answers the
//! passive-acceptance date; a sign-off completes the milestone and is final; evidence
//! files go up as they are and come back with their type and name; a file over 2 MiB is
//! refused whole; the OpenAPI document gives the exact schemas.

use axum::body::Body;
use axum::http::{Method, Request, header};
use serde_json::json;

use crate::matrix_acceptance_fixture as af;
use crate::matrix_fixture::Org;
use crate::support::{TestApp, api_tests};

async fn a_milestone_is_requested_signed_off_and_keeps_its_evidence(app: TestApp) {
    let org = Org::build(app.store.as_ref()).await;
    let s = app.store.as_ref();
    let contact = af::contact(s, &org).await;
    let m = af::milestone(s, &org).await;
    let base = format!("/api/v1/milestones/{m}");

    let r = app.get(&format!("{base}/acceptance")).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["acceptance"]["state"], "not_requested");
    let version = r.header("etag").unwrap_or_default().to_string();

    let r = app
        .call(
            Method::POST,
            &format!("{base}/acceptance/request"),
            Some(&json!({"contact_id": contact})),
            &[("if-match", &version)],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["acceptance"]["state"], "requested");
    assert!(r.body["acceptance"]["passive_on"].is_string(), "{}", r.text);
    assert_eq!(r.body["acceptance"]["requests_sent"], 1);
    // The old version is stale now.
    let stale = app
        .call(
            Method::POST,
            &format!("{base}/acceptance/request"),
            Some(&json!({"contact_id": contact})),
            &[("if-match", &version)],
        )
        .await;
    assert_eq!(stale.status, 412, "{}", stale.text);

    // A contact of another account is refused, naming the field and the rule.
    let r = app
        .post(
            &format!("{base}/acceptance/request"),
            &json!({"contact_id": org.contact_y}),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert_eq!(r.body["errors"][0]["field"], "contact_id");
    assert_eq!(r.body["errors"][0]["rule"], "account_mismatch");
    // Passive acceptance is never recorded by hand.
    let r = app
        .post(
            &format!("{base}/acceptance"),
            &json!({"accepted_by": "Casey", "method": "passive"}),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert_eq!(r.body["errors"][0]["rule"], "one_of");

    // A file goes up as it is.
    let pdf = b"%PDF-1.4\n signed by Casey".to_vec();
    let req = Request::builder()
        .method(Method::POST)
        .uri(format!("{base}/evidence/file?file_name=signed.pdf"))
        .header(header::AUTHORIZATION, format!("Bearer {}", app.token))
        .header(header::CONTENT_TYPE, "application/pdf")
        .body(Body::from(pdf.clone()))
        .expect("request");
    let r = app.send(req).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["size_bytes"], pdf.len());
    let location = r.header("location").unwrap_or_default().to_string();
    let down = app.get(&location).await;
    assert_eq!(down.status, 200);
    assert_eq!(down.header("content-type"), Some("application/pdf"));
    assert_eq!(
        down.header("content-disposition"),
        Some("attachment; filename=\"signed.pdf\"")
    );
    assert_eq!(down.text.as_bytes(), &pdf[..]);

    // Over 2 MiB: refused, nothing kept.
    let req = Request::builder()
        .method(Method::POST)
        .uri(format!("{base}/evidence/file?file_name=big.pdf"))
        .header(header::AUTHORIZATION, format!("Bearer {}", app.token))
        .header(header::CONTENT_TYPE, "application/pdf")
        .body(Body::from(vec![0u8; 2 * 1024 * 1024 + 1]))
        .expect("request");
    assert_eq!(app.send(req).await.status, 413);

    let r = app
        .post(
            &format!("{base}/acceptance"),
            &json!({"accepted_by": "Casey Customer", "method": "email_reply",
                "evidence": {"url": "https://mail.example/thread/42", "note": "the reply"}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["acceptance"]["state"], "accepted");
    assert_eq!(r.body["acceptance"]["method"], "email_reply");
    assert_eq!(r.body["status"], "completed");
    assert_eq!(r.body["evidence"].as_array().map(Vec::len), Some(2));

    let again = app
        .post(&format!("{base}/acceptance/request"), &json!({"contact_id": contact}))
        .await;
    assert_eq!(again.status, 409, "{}", again.text);
    assert_eq!(again.body["errors"][0]["rule"], "already_accepted");

    // The document gives the exact schemas.
    let doc = serde_json::to_value(psops_web::openapi()).unwrap_or_default();
    let schemas = &doc["components"]["schemas"];
    for name in [
        "MilestoneAcceptance",
        "Acceptance",
        "Evidence",
        "SignOffBody",
        "AcceptanceRequestBody",
    ] {
        assert!(schemas[name].is_object(), "{name} is not in the document");
    }
    let upload = &doc["paths"]["/api/v1/milestones/{id}/evidence/file"]["post"];
    let text = format!(
        "{} {} {}",
        upload["summary"], upload["description"], upload["requestBody"]
    );
    assert!(text.contains("2 MiB") && text.contains("2,097,152"), "{text}");
}

api_tests!(a_milestone_is_requested_signed_off_and_keeps_its_evidence);
