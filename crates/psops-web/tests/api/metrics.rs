//! `GET /metrics` (issue 22): Prometheus text with requests counted by route template,
//! never by raw path; open without a metrics token, and behind one when it is set.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use psops_core::delivery::escalations::{NewEscalation, Severity};
use psops_core::store::WriteCtx;
use psops_web::AppState;
use time::{Duration, OffsetDateTime};
use tower::ServiceExt;

use crate::support::{TestApp, api_tests};

/// The line of `metric` whose labels include every one of `labels` (`name="value"`).
fn line<'a>(text: &'a str, metric: &str, labels: &[&str]) -> Option<&'a str> {
    text.lines().find(|l| {
        l.strip_prefix(metric)
            .is_some_and(|rest| rest.starts_with('{') && labels.iter().all(|want| rest.contains(want)))
    })
}

/// The sample of a Prometheus line: the number after the labels.
fn value(line: &str) -> f64 {
    line.rsplit(' ').next().and_then(|v| v.parse().ok()).unwrap_or(0.0)
}

fn scrape(auth: Option<&str>) -> Request<Body> {
    let mut req = Request::get("/metrics");
    if let Some(auth) = auth {
        req = req.header(header::AUTHORIZATION, auth);
    }
    req.body(Body::empty()).expect("request")
}

async fn without_a_token_metrics_count_routes_by_template(app: TestApp) {
    app.get("/api/v1/people/987654").await.expect(404);
    let anonymous = |path: &str| Request::get(path).body(Body::empty()).expect("request");
    assert_eq!(app.send(anonymous("/no/such/page/424242")).await.status, 404);

    // Open like /healthz: no token, no session.
    let r = app.send(scrape(None)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(
        r.header("content-type").unwrap_or_default().starts_with("text/plain"),
        "{:?}",
        r.header("content-type")
    );
    let text = &r.text;
    let counted = line(
        text,
        "psops_http_requests_total",
        &[r#"route="/api/v1/people/{id}""#, r#"method="GET""#, r#"status="404""#],
    )
    .unwrap_or_else(|| panic!("no count of GET /api/v1/people/{{id}} 404 in:\n{text}"));
    assert!(value(counted) >= 1.0, "{counted}");
    assert!(
        line(
            text,
            "psops_http_requests_total",
            &[r#"route="unmatched""#, r#"status="404""#]
        )
        .is_some(),
        "paths no route matches are counted as one: {text}"
    );
    assert!(
        !text.contains("987654") && !text.contains("424242"),
        "raw paths must never be labels"
    );
    // Latency: a histogram from half a millisecond to ten seconds, by route and method.
    for le in ["0.0005", "10", "+Inf"] {
        let bucket = format!(r#"le="{le}""#);
        assert!(
            line(
                text,
                "psops_http_request_duration_seconds_bucket",
                &[r#"route="/api/v1/people/{id}""#, r#"method="GET""#, &bucket]
            )
            .is_some(),
            "no {le} bucket in:\n{text}"
        );
    }
    assert!(text.contains("# TYPE psops_http_requests_total counter"), "{text}");
    assert!(
        text.contains("# TYPE psops_http_request_duration_seconds histogram"),
        "{text}"
    );
}

async fn a_metrics_token_guards_the_endpoint(app: TestApp) {
    let mut state = AppState::new(app.store.clone());
    state.metrics_token = Some(Arc::from("scrape-secret"));
    let router = psops_web::app(state);
    let call = |auth: Option<&str>| {
        let router = router.clone();
        let req = scrape(auth);
        async move {
            let res = router.oneshot(req).await.expect("infallible");
            let status = res.status();
            let kind = res
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string();
            let bytes = res.into_body().collect().await.expect("body").to_bytes();
            (status, kind, String::from_utf8_lossy(&bytes).to_string())
        }
    };
    let api_token = format!("Bearer {}", app.token);
    for auth in [
        None,
        Some("Bearer wrong"),
        Some("Bearer scrape-secre"),
        Some("Basic scrape-secret"),
        Some(api_token.as_str()),
    ] {
        let (status, kind, body) = call(auth).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{auth:?}: {body}");
        assert!(kind.starts_with("application/problem+json"), "{auth:?}: {kind}");
        let problem: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
        assert_eq!(problem["type"], "urn:psops:problem:unauthorized", "{body}");
        assert_eq!(problem["status"], 401, "{body}");
        assert!(!body.contains("psops_http_requests_total"), "{body}");
    }
    let (status, kind, body) = call(Some("Bearer scrape-secret")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(kind.starts_with("text/plain"), "{kind}");
    assert!(
        body.contains(r#"route="/metrics""#),
        "the refused scrapes are counted: {body}"
    );
    let refused = line(
        &body,
        "psops_http_requests_total",
        &[r#"route="/metrics""#, r#"status="401""#],
    )
    .unwrap_or_else(|| panic!("no count of refused scrapes in:\n{body}"));
    assert!(value(refused) >= 5.0, "{refused}");
}

async fn escalations_open_and_overdue_are_gauges(app: TestApp) {
    let seed = app.seed().await;
    let now = OffsetDateTime::now_utc();
    // One high escalation opened ten days ago is overdue for its update; the others
    // were opened just now.
    for (severity, opened) in [
        (Severity::High, now - Duration::days(10)),
        (Severity::High, now),
        (Severity::Critical, now),
    ] {
        let mut fields = crate::matrix_escalations_fixture::fields(Some(seed.project), None, Some(seed.person));
        fields.severity = severity;
        let new = NewEscalation {
            raised_by: None,
            fields,
        };
        app.store
            .raise_escalation(&WriteCtx::trusted(), new, opened)
            .await
            .expect("escalation");
    }
    let r = app.send(scrape(None)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let gauge = |metric: &str, severity: &str| {
        let label = format!(r#"severity="{severity}""#);
        let l = line(&r.text, metric, &[&label]).unwrap_or_else(|| panic!("no {metric} {label} in:\n{}", r.text));
        value(l)
    };
    assert!(r.text.contains("# TYPE psops_escalations_open gauge"), "{}", r.text);
    assert_eq!(gauge("psops_escalations_open", "high"), 2.0);
    assert_eq!(gauge("psops_escalations_open", "critical"), 1.0);
    assert_eq!(gauge("psops_escalations_open", "low"), 0.0);
    assert_eq!(gauge("psops_escalations_update_overdue", "high"), 1.0);
    assert_eq!(gauge("psops_escalations_update_overdue", "critical"), 0.0);
}

api_tests!(
    without_a_token_metrics_count_routes_by_template,
    a_metrics_token_guards_the_endpoint,
    escalations_open_and_overdue_are_gauges
);
