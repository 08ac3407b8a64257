//! Hostile sizes and slowness at every write (issue 22): each POST, PUT and PATCH of the
//! served OpenAPI document is sent a body one byte over the limit that route allows, and
//! must refuse it with `413` and a problem (never a 5xx, never accepted); every page
//! that takes a post likewise refuses an over-limit form.

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{Method, Request, header};
use psops_web::BODY_LIMIT;
use serde_json::Value;

use crate::support::{TestApp, api_tests};

/// The import takes 50 MiB of rows; acceptance evidence files their own limit.
const IMPORT_LIMIT: usize = 50 * 1024 * 1024;

fn limit_for(path: &str) -> usize {
    match path {
        "/api/v1/imports/time" => IMPORT_LIMIT,
        "/api/v1/milestones/{id}/evidence/file" => psops_core::delivery::acceptance::EVIDENCE_MAX_BYTES,
        _ => BODY_LIMIT,
    }
}

/// Every operation of the document: (method, path with ids and required query parameters
/// filled, declared request body, path template).
fn operations(doc: &Value) -> Vec<(Method, String, Value, String)> {
    let mut out = Vec::new();
    for (path, ops) in doc["paths"].as_object().into_iter().flatten() {
        for (method, op) in ops.as_object().into_iter().flatten() {
            let Ok(method) = method.to_uppercase().parse::<Method>() else {
                continue;
            };
            let mut filled = path.clone();
            while let Some(start) = filled.find('{') {
                let end = filled[start..].find('}').map_or(filled.len(), |e| start + e + 1);
                let name = &filled[start + 1..end - 1];
                let value = match name {
                    "month" => "2026-01",
                    "action" | "token" | "name" | "kind" | "code" => "x",
                    _ => "1",
                };
                filled.replace_range(start..end, value);
            }
            // Required query parameters are given where a body is taken, so the body is
            // what is refused (the evidence file names itself in `file_name`).
            let takes_body = !op["requestBody"].is_null();
            let query: Vec<String> = op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|p| takes_body && p["in"] == "query" && p["required"] == true)
                .filter_map(|p| p["name"].as_str())
                .map(|name| format!("{name}=x"))
                .collect();
            if !query.is_empty() {
                filled = format!("{filled}?{}", query.join("&"));
            }
            out.push((method, filled, op["requestBody"].clone(), path.clone()));
        }
    }
    out
}

/// The first media type the body is declared as, JSON when none is.
fn media_type(body: &Value) -> String {
    body["content"]
        .as_object()
        .and_then(|c| c.keys().next().cloned())
        .unwrap_or_else(|| "application/json".into())
}

/// `n` bytes that would be a JSON object if they were not too many.
fn filler(n: usize) -> Bytes {
    let mut b = Vec::with_capacity(n);
    b.extend_from_slice(b"{\"name\":\"");
    b.resize(n - 2, b'a');
    b.extend_from_slice(b"\"}");
    Bytes::from(b)
}

fn is_problem(r: &crate::support::Resp, status: u16) -> bool {
    r.header("content-type") == Some("application/problem+json") && r.body["status"] == status
}

async fn every_write_refuses_a_body_over_its_limit(app: TestApp) {
    let doc = app.get("/api/v1/openapi.json").await.expect(200).body;
    let (mut refused, mut without_body) = (0, Vec::new());
    let bodies: std::collections::HashMap<usize, Bytes> = [
        BODY_LIMIT,
        IMPORT_LIMIT,
        limit_for("/api/v1/milestones/{id}/evidence/file"),
    ]
    .into_iter()
    .map(|n| (n, filler(n + 1)))
    .collect();
    for (method, path, body, template) in operations(&doc) {
        if !matches!(method, Method::POST | Method::PUT | Method::PATCH) {
            continue;
        }
        if body.is_null() {
            // Nothing reads the body of an operation that takes none: it is never buffered.
            // Nor is it sent: it would act (`POST /tokens/1/revoke` revokes the caller's
            // own token, and every later request would be a 401).
            without_body.push(format!("{method} {template}"));
            continue;
        }
        let req = Request::builder()
            .method(method.clone())
            .uri(&path)
            .header(header::AUTHORIZATION, format!("Bearer {}", app.token))
            .header(header::CONTENT_TYPE, media_type(&body))
            .header("if-match", "\"1\"")
            .body(Body::from(bodies[&limit_for(&template)].clone()))
            .expect("request");
        let r = app
            .send_within(req, Duration::from_secs(10))
            .await
            .unwrap_or_else(|| panic!("{method} {path} did not answer"));
        assert!(r.status.as_u16() < 500, "{method} {path}: {} {}", r.status, r.text);
        assert!(
            is_problem(&r, 413),
            "{method} {path} took {} bytes: {} {}",
            limit_for(&template) + 1,
            r.status,
            r.text
        );
        refused += 1;
    }
    assert!(refused > 60, "only {refused} writes take a body");
    eprintln!(
        "{refused} writes refused an over-limit body; {} take none: {without_body:?}",
        without_body.len()
    );
}

/// Every page route that takes a post, read from the UI's router source: (path, posts).
fn page_posts() -> Vec<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/ui");
    let mut out = Vec::new();
    for file in ["mod.rs", "edit/mod.rs"] {
        let text = std::fs::read_to_string(format!("{dir}/{file}")).expect("the UI router source");
        for route in text.split(".route(").skip(1) {
            let Some(path) = route.split('"').nth(1) else {
                continue;
            };
            if route.contains("post(") && path.starts_with('/') {
                out.push(path.to_string());
            }
        }
    }
    out
}

async fn every_page_form_refuses_a_body_over_its_limit(app: TestApp) {
    crate::ui_browser::web_user(
        app.store.as_ref(),
        "limits@example.com",
        vec![psops_core::auth::Role::Admin],
        None,
    )
    .await;
    let me = crate::ui_browser::Browser::sign_in(&app, "limits@example.com").await;
    let posts = page_posts();
    assert!(posts.len() > 50, "only {} page posts found", posts.len());
    let milestone_limit = psops_core::delivery::acceptance::EVIDENCE_MAX_BYTES / 3 * 4 + 64 * 1024;
    let (mut refused, mut before_body) = (0, Vec::new());
    for template in &posts {
        let limit = if template.contains("/milestones/") {
            milestone_limit
        } else {
            BODY_LIMIT
        };
        let mut path = template.clone();
        for (name, value) in [("{month}", "2026-01"), ("{action}", "approve"), ("{token}", "x")] {
            path = path.replace(name, value);
        }
        while let Some(start) = path.find('{') {
            let end = path[start..].find('}').map_or(path.len(), |e| start + e + 1);
            path.replace_range(start..end, "1");
        }
        let prefix = format!("csrf={}&note=", me.csrf);
        let body = format!("{prefix}{}", "a".repeat(limit + 1 - prefix.len()));
        let req = Request::builder()
            .method(Method::POST)
            .uri(&path)
            .header(header::COOKIE, &me.cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("sec-fetch-site", "same-origin")
            .body(Body::from(body))
            .expect("request");
        let r = app
            .send_within(req, Duration::from_secs(10))
            .await
            .unwrap_or_else(|| panic!("POST {path} did not answer"));
        let status = r.status.as_u16();
        assert!(status < 500, "POST {path}: {status} {}", r.text);
        assert!(
            !(200..400).contains(&status),
            "POST {path} accepted {} bytes: {status}",
            limit + 1
        );
        if status == 413 {
            refused += 1;
        } else {
            // A path whose id or action is refused before the form is read.
            before_body.push(format!("{path} {status}"));
        }
    }
    assert!(
        refused * 2 > posts.len(),
        "{refused} of {} refused with 413: {before_body:?}",
        posts.len()
    );
    eprintln!("{refused} page posts refused an over-limit form; refused earlier: {before_body:?}");
}

api_tests!(
    every_write_refuses_a_body_over_its_limit,
    every_page_form_refuses_a_body_over_its_limit
);
