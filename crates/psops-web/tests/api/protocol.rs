//! The HTTP contract around the records: authentication, idempotent creates, If-Match
//! forms, problem+json for every bad request, request ids, health checks and the
//! OpenAPI document.

use axum::body::Body;
use axum::http::{Method, Request, header};
use serde_json::{Value, json};

use crate::support::{TestApp, api_tests};

fn partner(name: &str) -> Value {
    json!({"name": name, "partner_type": "direct"})
}

async fn partner_count(app: &TestApp) -> usize {
    let (items, _) = app.list_all("/api/v1/partners", 500).await;
    items.len()
}

async fn idempotent_creates(app: TestApp) {
    let key = [("idempotency-key", "4f1c-create-partner")];
    let body = partner("Acme Delivery");
    let first = app
        .call(Method::POST, "/api/v1/partners", Some(&body), &key)
        .await
        .expect(201);
    assert!(first.header("idempotent-replayed").is_none());
    let count = partner_count(&app).await;

    let again = app
        .call(Method::POST, "/api/v1/partners", Some(&body), &key)
        .await
        .expect(201);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.body, first.body);
    assert_eq!(again.header("location"), first.header("location"));
    assert_eq!(again.etag(), first.etag());
    assert_eq!(partner_count(&app).await, count);

    app.call(Method::POST, "/api/v1/partners", Some(&partner("Other")), &key)
        .await
        .problem(422, "Idempotency-Key", "reused");
    assert_eq!(partner_count(&app).await, count);

    let fresh = [("idempotency-key", "another-key")];
    app.call(Method::POST, "/api/v1/partners", Some(&partner("Other")), &fresh)
        .await
        .expect(201);
    assert_eq!(partner_count(&app).await, count + 1);
}

fn bare(method: Method, path: &str, auth: Option<&str>) -> Request<Body> {
    let mut req = Request::builder().method(method).uri(path);
    if let Some(a) = auth {
        req = req.header(header::AUTHORIZATION, a);
    }
    req.header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(partner("Read Only Ltd").to_string()))
        .unwrap_or_default()
}

async fn tokens_are_required(app: TestApp) {
    for auth in [None, Some("Bearer psops_not_a_token"), Some("Basic YTpi")] {
        let r = app
            .send(bare(Method::GET, "/api/v1/people", auth))
            .await
            .problem(401, "", "");
        assert_eq!(r.body["type"], "urn:psops:problem:unauthorized");
        assert!(r.header("www-authenticate").unwrap_or("").starts_with("Bearer"));
    }
    let read = format!("Bearer {}", app.read_token);
    app.send(bare(Method::GET, "/api/v1/partners", Some(&read)))
        .await
        .expect(200);
    app.send(bare(Method::POST, "/api/v1/partners", Some(&read)))
        .await
        .problem(403, "", "");
    assert_eq!(partner_count(&app).await, 0);

    let me = app.get("/api/v1/me").await.expect(200);
    assert_eq!(me.body["user"]["email"], "admin@example.com");
    assert_eq!(me.body["scope"], "read_write");
}

async fn if_match_forms(app: TestApp) {
    let p = app.create("/api/v1/partners", partner("Etag Ltd")).await;
    let url = format!("/api/v1/partners/{}", p["id"]);
    let weak = format!("W/\"{}\"", p["version"]);
    let r = app.patch(&url, &json!({"notes": "a"}), &weak).await.expect(200);
    app.patch(&url, &json!({"notes": "b"}), "*").await.expect(200);
    app.patch(&url, &json!({"notes": "c"}), &r.etag())
        .await
        .problem(412, "", "");
    for garbage in ["3", "\"three\"", "W/x"] {
        app.patch(&url, &json!({"notes": "d"}), garbage)
            .await
            .problem(400, "If-Match", "etag");
    }
    let r = app.get(&url).await.expect(200);
    assert_eq!(r.body["notes"], "b");
}

async fn bad_paths_are_problems(app: TestApp) {
    let missing = app.get("/api/v1/people/999999").await.problem(404, "", "");
    assert_eq!(missing.body["type"], "urn:psops:problem:not-found");
    app.get("/api/v1/people/abc").await.problem(404, "", "");
    app.get("/api/v1/nothing-here").await.problem(404, "", "");
    // Outside the API, a person gets a page.
    let page = app.get("/elsewhere").await.expect(404);
    assert!(
        page.header("content-type").unwrap_or("").starts_with("text/html"),
        "{}",
        page.text
    );
    app.patch("/api/v1/time-entries/999999", &json!({"minutes": 30}), "*")
        .await
        .problem(404, "", "");
    let r = app
        .call(Method::DELETE, "/api/v1/people", None, &[])
        .await
        .problem(405, "", "");
    assert!(r.header("allow").is_some());
}

async fn bad_bodies_are_problems(app: TestApp) {
    let send = |body: String, content_type: &'static str| {
        let req = Request::builder()
            .method(Method::POST)
            .uri("/api/v1/partners")
            .header(header::AUTHORIZATION, format!("Bearer {}", app.token))
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body))
            .unwrap_or_default();
        app.send(req)
    };
    send("{\"name\": ".into(), "application/json")
        .await
        .problem(400, "body", "json_syntax");
    send(
        "{\"name\":\"A\",\"partner_type\":\"direct\",\"colour\":1}".into(),
        "application/json",
    )
    .await
    .problem(422, "colour", "unknown_field");
    send("{\"name\":\"A\"}".into(), "application/json")
        .await
        .problem(422, "partner_type", "required");
    send(
        "{\"name\":\"A\",\"partner_type\":\"friend\"}".into(),
        "application/json",
    )
    .await
    .problem(422, "partner_type", "one_of");
    send(
        "{\"name\":7,\"partner_type\":\"direct\"}".into(),
        "application/json; charset=utf-8",
    )
    .await
    .problem(422, "name", "type");
    send("name=A".into(), "application/x-www-form-urlencoded")
        .await
        .problem(415, "content-type", "json");
    let huge = format!("{{\"name\":\"{}\"}}", "x".repeat(psops_web::BODY_LIMIT + 1));
    send(huge, "application/json").await.problem(413, "", "");
    assert_eq!(partner_count(&app).await, 0);
}

async fn bad_queries_are_problems(app: TestApp) {
    let cases = [
        ("/api/v1/people?function=wizard", "function", "one_of"),
        ("/api/v1/projects?status=dreaming", "status", "one_of"),
        ("/api/v1/projects?from=2026-13-01", "from", "date"),
        ("/api/v1/time-entries?billable=perhaps", "billable", "boolean"),
        ("/api/v1/time-entries?person_id=ada", "person_id", "id"),
        ("/api/v1/partners?cursor=garbage", "cursor", "cursor"),
        ("/api/v1/partners?limit=0", "limit", "range"),
        ("/api/v1/partners?limit=ten", "limit", "range"),
        ("/api/v1/partners?colour=red", "colour", "unknown_parameter"),
        ("/api/v1/fiscal/quarter?date=tomorrow", "date", "date"),
    ];
    for (url, field, rule) in cases {
        app.get(url).await.problem(422, field, rule);
    }
}

async fn request_ids(app: TestApp) {
    let req = Request::builder()
        .uri("/api/v1/people")
        .header("x-request-id", "trace-42")
        .body(Body::empty())
        .unwrap_or_default();
    let r = app.send(req).await.problem(401, "", "");
    assert_eq!(r.header("x-request-id"), Some("trace-42"));
    assert_eq!(r.body["request_id"], "trace-42");
    let r = app.get("/api/v1/people").await.expect(200);
    let id = r.header("x-request-id").unwrap_or("");
    assert_eq!(id.len(), 32);
    assert!(id.bytes().all(|b| b.is_ascii_hexdigit()));
}

async fn health_checks(app: TestApp) {
    for path in ["/healthz", "/readyz"] {
        let r = app.send(bare(Method::GET, path, None)).await.expect(200);
        assert_eq!(r.body, json!({"status": "ok"}));
    }
}

async fn fiscal_quarters(app: TestApp) {
    let r = app.get("/api/v1/fiscal/quarter?date=2027-01-15").await.expect(200);
    assert_eq!(
        r.body,
        json!({"name": "FY2027-Q1", "start": "2027-01-01", "end": "2027-03-31"})
    );
    app.patch("/api/v1/settings", &json!({"fiscal_year_start_month": 2}), "*")
        .await
        .expect(200);
    let r = app.get("/api/v1/fiscal/quarter?date=2026-02-01").await.expect(200);
    assert_eq!(
        r.body,
        json!({"name": "FY2027-Q1", "start": "2026-02-01", "end": "2026-04-30"})
    );
    let today = app.get("/api/v1/fiscal/quarter").await.expect(200);
    assert!(today.body["name"].as_str().unwrap_or("").starts_with("FY"));
}

/// Every route of the API, as (method, path).
const ROUTES: &[(&str, &str)] = &[
    ("get", "/healthz"),
    ("get", "/readyz"),
    ("get", "/metrics"),
    ("get", "/api/v1/openapi.json"),
    ("get", "/api/v1/me"),
    ("get", "/api/v1/settings"),
    ("patch", "/api/v1/settings"),
    ("get", "/api/v1/fiscal/quarter"),
    ("get", "/api/v1/people"),
    ("post", "/api/v1/people"),
    ("get", "/api/v1/people/{id}"),
    ("patch", "/api/v1/people/{id}"),
    ("post", "/api/v1/people/{id}/archive"),
    ("post", "/api/v1/people/{id}/unarchive"),
    ("get", "/api/v1/partners"),
    ("post", "/api/v1/partners"),
    ("get", "/api/v1/partners/{id}"),
    ("patch", "/api/v1/partners/{id}"),
    ("post", "/api/v1/partners/{id}/archive"),
    ("post", "/api/v1/partners/{id}/unarchive"),
    ("get", "/api/v1/accounts"),
    ("post", "/api/v1/accounts"),
    ("get", "/api/v1/accounts/{id}"),
    ("patch", "/api/v1/accounts/{id}"),
    ("post", "/api/v1/accounts/{id}/archive"),
    ("post", "/api/v1/accounts/{id}/unarchive"),
    ("get", "/api/v1/accounts/{id}/contacts"),
    ("post", "/api/v1/accounts/{id}/contacts"),
    ("get", "/api/v1/contacts/{id}"),
    ("patch", "/api/v1/contacts/{id}"),
    ("post", "/api/v1/contacts/{id}/archive"),
    ("post", "/api/v1/contacts/{id}/unarchive"),
    ("get", "/api/v1/projects"),
    ("post", "/api/v1/projects"),
    ("get", "/api/v1/projects/{id}"),
    ("patch", "/api/v1/projects/{id}"),
    ("post", "/api/v1/projects/{id}/archive"),
    ("post", "/api/v1/projects/{id}/unarchive"),
    ("get", "/api/v1/projects/{id}/moves"),
    ("get", "/api/v1/portfolio"),
    ("get", "/api/v1/assignments"),
    ("post", "/api/v1/assignments"),
    ("get", "/api/v1/assignments/{id}"),
    ("patch", "/api/v1/assignments/{id}"),
    ("post", "/api/v1/assignments/{id}/archive"),
    ("post", "/api/v1/assignments/{id}/unarchive"),
    ("get", "/api/v1/time-entries"),
    ("post", "/api/v1/time-entries"),
    ("get", "/api/v1/time-entries/{id}"),
    ("patch", "/api/v1/time-entries/{id}"),
    ("delete", "/api/v1/time-entries/{id}"),
    ("get", "/api/v1/users"),
    ("post", "/api/v1/users"),
    ("get", "/api/v1/users/{id}"),
    ("patch", "/api/v1/users/{id}"),
    ("get", "/api/v1/tokens"),
    ("post", "/api/v1/tokens"),
    ("post", "/api/v1/tokens/{id}/revoke"),
    ("get", "/api/v1/audit"),
    ("post", "/api/v1/imports/time"),
    ("get", "/api/v1/exports/time"),
    ("post", "/api/v1/people/{id}/feed-token"),
    // capacity, calendars, time off, timesheets, reports
    ("get", "/api/v1/capacity/policy"),
    ("put", "/api/v1/capacity/policy"),
    ("get", "/api/v1/capacity/overrides"),
    ("post", "/api/v1/capacity/overrides"),
    ("delete", "/api/v1/capacity/overrides/{id}"),
    ("get", "/api/v1/capacity/handbook"),
    ("get", "/api/v1/people/{id}/capacity"),
    ("get", "/api/v1/people/{id}/bookings"),
    ("get", "/api/v1/calendars"),
    ("post", "/api/v1/calendars"),
    ("get", "/api/v1/calendars/{id}"),
    ("put", "/api/v1/calendars/{id}"),
    ("delete", "/api/v1/calendars/{id}"),
    ("get", "/api/v1/calendars/{id}/holidays"),
    ("post", "/api/v1/calendars/{id}/holidays"),
    ("post", "/api/v1/calendars/{id}/holidays/import"),
    ("put", "/api/v1/holidays/{id}"),
    ("delete", "/api/v1/holidays/{id}"),
    ("get", "/api/v1/time-off"),
    ("post", "/api/v1/time-off"),
    ("get", "/api/v1/time-off/{id}"),
    ("delete", "/api/v1/time-off/{id}"),
    ("post", "/api/v1/time-off/{id}/approve"),
    ("post", "/api/v1/time-off/{id}/reject"),
    ("get", "/api/v1/timesheets/{person_id}/{week}"),
    ("post", "/api/v1/timesheets/{person_id}/{week}/submit"),
    ("post", "/api/v1/timesheets/{person_id}/{week}/withdraw"),
    ("post", "/api/v1/timesheets/{person_id}/{week}/approve"),
    ("post", "/api/v1/timesheets/{person_id}/{week}/reject"),
    ("post", "/api/v1/time-entries/reopen"),
    ("get", "/api/v1/locked-periods"),
    ("post", "/api/v1/locked-periods"),
    ("get", "/api/v1/reports/utilization"),
    ("get", "/api/v1/reports/capacity"),
    ("get", "/api/v1/reports/compliance"),
    ("get", "/api/v1/reminders"),
    ("post", "/api/v1/reminders"),
];

/// Every `$ref` in a JSON document.
fn refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                match (k.as_str(), v.as_str()) {
                    ("$ref", Some(r)) => out.push(r.to_string()),
                    _ => refs(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| refs(i, out)),
        _ => {}
    }
}

async fn openapi_lists_every_route(app: TestApp) {
    let r = app
        .send(bare(Method::GET, "/api/v1/openapi.json", None))
        .await
        .expect(200);
    let doc = r.body;
    assert_eq!(doc, serde_json::to_value(psops_web::openapi()).unwrap_or_default());
    assert!(doc["openapi"].as_str().unwrap_or("").starts_with("3.1"));
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    assert!(doc["components"]["schemas"]["Problem"].is_object());
    let mut found = Vec::new();
    refs(&doc, &mut found);
    for r in found {
        let name = r.trim_start_matches("#/components/schemas/");
        assert!(doc["components"]["schemas"][name].is_object(), "dangling {r}");
    }
    // Types of one name overwrite each other's schema: every step decision takes
    // `decision`, a timesheet decision `project_id`.
    let body_schema = |method: &str, path: &str| {
        let r = doc["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            .as_str()
            .unwrap_or_default()
            .trim_start_matches("#/components/schemas/")
            .to_string();
        doc["components"]["schemas"][r.as_str()]["properties"].clone()
    };
    for path in [
        "/api/v1/sku-requests/{id}/decide",
        "/api/v1/sows/{id}/decide",
        "/api/v1/changes/{id}/decide",
        "/api/v1/estimates/{id}/ta-decision",
    ] {
        assert!(
            body_schema("post", path)["decision"].is_object(),
            "{path}: its body's schema"
        );
    }
    assert!(body_schema("post", "/api/v1/timesheets/{person_id}/{week}/approve")["project_id"].is_object());
    // The catalog's and rates' routes are listed once, in their matrix.
    let mut routes: Vec<(&str, &str)> = ROUTES.to_vec();
    for (method, path) in crate::matrix::listed() {
        if !routes.contains(&(method, path)) {
            routes.push((method, path));
        }
    }
    let mut documented = 0;
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for method in ["get", "post", "patch", "put", "delete"] {
            if item.get(method).is_some() {
                documented += 1;
                assert!(routes.contains(&(method, path.as_str())), "{method} {path} untested");
            }
        }
    }
    assert_eq!(documented, routes.len());
    for (method, path) in routes {
        let op = &doc["paths"][path][method];
        assert!(op.is_object(), "{method} {path} is not documented");
        let responses = op["responses"].as_object().cloned().unwrap_or_default();
        assert!(!responses.is_empty(), "{method} {path} has no responses");
        for (status, response) in responses {
            assert!(
                response["description"].is_string(),
                "{method} {path} {status}: no description"
            );
        }
        // The router serves the route: no 405 and no "no such path".
        let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap_or(Method::GET);
        let r = app.call(method.clone(), &path.replace("{id}", "1"), None, &[]).await;
        let detail = r.body["detail"].as_str().unwrap_or("");
        assert!(
            r.status != 405 && !detail.starts_with("no such path"),
            "{method} {path} is not routed: {}",
            r.text
        );
    }
}

api_tests!(
    idempotent_creates,
    tokens_are_required,
    if_match_forms,
    bad_paths_are_problems,
    bad_bodies_are_problems,
    bad_queries_are_problems,
    request_ids,
    health_checks,
    fiscal_quarters,
    openapi_lists_every_route
);
