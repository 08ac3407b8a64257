//! Security headers (issue 10, finding 8): every response — pages, API answers, problems,
//! assets, health checks — forbids framing, sniffing and leaking paths, and carries a
//! Content-Security-Policy that allows only psops's own scripts and styles.

use axum::body::Body;
use axum::http::{Method, Request};
use serde_json::json;

use crate::support::{Resp, TestApp, api_tests};

fn assert_headers(what: &str, r: &Resp) {
    let csp = r.header("content-security-policy").unwrap_or_default();
    for part in [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
        "base-uri 'none'",
    ] {
        assert!(csp.contains(part), "{what}: CSP lacks {part}: {csp:?}");
    }
    assert!(
        !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
        "{what}: {csp}"
    );
    assert_eq!(r.header("x-frame-options"), Some("DENY"), "{what}");
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"), "{what}");
    assert_eq!(r.header("referrer-policy"), Some("same-origin"), "{what}");
}

async fn every_response_carries_the_security_headers(app: TestApp) {
    let anonymous = |path: &str| Request::get(path).body(Body::empty()).expect("request");
    for path in [
        "/healthz",
        "/readyz",
        "/sign-in",
        "/survey/0000000000000000000000000000000000000000000000000000000000000000",
        "/training-survey/0000000000000000000000000000000000000000000000000000000000000000",
        "/assets/style.css",
        "/nowhere",
        "/api/v1/people",
    ] {
        let r = app.send(anonymous(path)).await;
        assert_headers(path, &r);
    }
    assert_headers("a list", &app.get("/api/v1/people").await.expect(200));
    assert_headers("a 404 problem", &app.get("/api/v1/people/999999").await.expect(404));
    let bad = app.post("/api/v1/people", &json!({"name": ""})).await;
    assert_headers("a 422 problem", &bad.expect(422));
    let r = app.call(Method::DELETE, "/api/v1/settings", None, &[]).await;
    assert_headers("a 405 problem", &r);
    // Browsers ask for /favicon.ico on every page: an icon, not a 404.
    let icon = app.send(anonymous("/favicon.ico")).await;
    assert_eq!(icon.status, 200);
    assert_eq!(icon.header("content-type"), Some("image/svg+xml"));
    assert!(icon.text.starts_with("<svg"), "{}", icon.text);
    let page = app.send(anonymous("/")).await;
    assert_eq!(page.status, 303, "the home page sends strangers to sign in");
    assert_headers("a redirect", &page);
}

api_tests!(every_response_carries_the_security_headers);
