//! Every documented GET route that needs no path parameter or only a record's id, called
//! by an administrator over a small organisation with time, rates, money and staffing
//! requests on record — and the staffing writes (booking a request hard and soft,
//! releasing the hold, accepting a plan's pick): each JSON answer must match the schema
//! the OpenAPI document gives it, so a client generated from the document reads every
//! answer.

use axum::http::Method;
use psops_core::Id;
use psops_core::Minutes;
use psops_core::people::Function;
use psops_core::plan::{Booking, ResourceRequest, ResourceRequestFields};
use psops_core::store::prelude::*;
use psops_core::store::{Created, WriteCtx};
use serde_json::{Value, json};
use time::macros::date;

use crate::schema_check::Checker;
use crate::support::{TestApp, api_tests};
use crate::ui_browser::{SmallOrg, log, person};

/// An open engineer's request on the project for March 2026, 20 hours a week.
async fn request(store: &dyn Store, project: i64, booking: Booking) -> i64 {
    let fields = ResourceRequestFields {
        minutes_per_week: Some(Minutes(1_200)),
        priority: 2,
        ..ResourceRequestFields::new(
            Id::new(project),
            Function::Engineer,
            Minutes(4 * 1_200),
            Some(date!(2026 - 03 - 02)),
            Some(date!(2026 - 03 - 27)),
            booking,
        )
    };
    match store.create(&WriteCtx::trusted(), fields).await.expect("request") {
        Created::New(r) => {
            let r: ResourceRequest = r;
            r.id.get()
        }
        Created::Replayed(_) => panic!("fixture replayed"),
    }
}

async fn every_answer_matches_its_documented_schema(app: TestApp) {
    let org = SmallOrg::build(app.store.as_ref()).await;
    log(
        app.store.as_ref(),
        org.ada,
        org.project,
        time::macros::date!(2026 - 03 - 02),
        6,
    )
    .await;
    // Staffing: someone free to book, and requests for them (the first one listed is the
    // one whose suggestions are read).
    let grace = person(app.store.as_ref(), "Grace Hopper", Function::Engineer, None, None).await;
    let hard = request(app.store.as_ref(), org.project, Booking::Hard).await;
    let soft = request(app.store.as_ref(), org.project, Booking::Soft).await;
    let planned = request(app.store.as_ref(), org.project, Booking::Soft).await;
    let doc = app.get("/api/v1/openapi.json").await.expect(200).body;
    let checker = Checker::new(&doc);
    let mut failures = Vec::new();
    let mut checked = 0;
    let mut answered: Vec<String> = Vec::new();
    let project = org.project.to_string();
    let paths: Vec<(String, Value)> = doc["paths"]
        .as_object()
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    // A route under `/x/{id}` is called on the first record `/x` lists (the
    // organisation's project for projects, the first staffing request for requests);
    // routes with other parameters are left out.
    let mut first_ids = std::collections::HashMap::new();
    first_ids.insert("/api/v1/projects".to_string(), project.clone());
    // A request's routes on the open hard request (its suggestions are read before it is
    // booked below).
    first_ids.insert("/api/v1/resource-requests".to_string(), hard.to_string());
    for (path, item) in &paths {
        if item.get("get").is_some() && !path.contains('{') && !first_ids.contains_key(path) {
            let r = app.call(Method::GET, path, None, &[]).await;
            if let Some(id) = r.body["items"][0]["id"].as_i64() {
                first_ids.insert(path.clone(), id.to_string());
            }
        }
    }
    for (path, item) in paths {
        let Some(get) = item.get("get") else { continue };
        let url = match path.split_once("/{id}") {
            Some((base, _)) => match first_ids.get(base) {
                Some(id) => path.replace("{id}", id),
                None => continue,
            },
            None => path.clone(),
        };
        if url.contains('{') {
            continue;
        }
        let schema = &get["responses"]["200"]["content"]["application/json"]["schema"];
        if schema.is_null() {
            continue;
        }
        let r = app.call(Method::GET, &url, None, &[]).await;
        if r.status.as_u16() != 200
            || !r
                .header("content-type")
                .is_some_and(|c| c.starts_with("application/json"))
        {
            continue;
        }
        checked += 1;
        answered.push(path.clone());
        for e in checker.check(schema, &r.body) {
            failures.push(format!("GET {url}: {e}"));
        }
    }
    for path in [
        "/api/v1/resource-requests/{id}/suggestions",
        "/api/v1/people/{id}/bookings",
    ] {
        assert!(answered.iter().any(|p| p == path), "GET {path} was not checked");
    }
    // The staffing writes, each answer against the schema of its 200.
    let writes = [
        (
            "/api/v1/resource-requests/{id}/book",
            format!("/api/v1/resource-requests/{hard}/book"),
            json!({"person_id": grace}),
        ),
        (
            "/api/v1/resource-requests/{id}/book",
            format!("/api/v1/resource-requests/{soft}/book"),
            json!({"person_id": grace, "booking": "soft"}),
        ),
        (
            "/api/v1/resource-requests/{id}/release",
            format!("/api/v1/resource-requests/{soft}/release"),
            json!({}),
        ),
        (
            "/api/v1/staffing/plan/accept",
            "/api/v1/staffing/plan/accept".to_string(),
            json!({"picks": [{"request_id": planned, "person_id": grace}]}),
        ),
    ];
    for (path, url, body) in writes {
        let schema = &doc["paths"][path]["post"]["responses"]["200"]["content"]["application/json"]["schema"];
        assert!(!schema.is_null(), "POST {path} documents no JSON answer");
        let r = app.post(&url, &body).await.expect(200);
        checked += 1;
        for e in checker.check(schema, &r.body) {
            failures.push(format!("POST {url}: {e}"));
        }
    }
    assert!(checked >= 44, "only {checked} routes answered");
    assert!(
        failures.is_empty(),
        "{} differences:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The document says the bounds the server keeps, and a request outside them is refused
/// with a 422 naming the parameter and the rule: paging, ids, dates (malformed, outside
/// 1900–2200, or empty — an empty string is no date, even where the pages' forms read
/// blank as absent), and a capacity policy whose numbers would overflow.
async fn requests_outside_the_document_are_refused_naming_the_field(app: TestApp) {
    let doc = app.get("/api/v1/openapi.json").await.expect(200).body;
    let params = doc["paths"]["/api/v1/assignments"]["get"]["parameters"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let schema = |name: &str| {
        params
            .iter()
            .find(|p| p["name"] == name)
            .map(|p| p["schema"].clone())
            .unwrap_or_default()
    };
    assert_eq!(schema("limit")["minimum"], 1);
    assert_eq!(schema("limit")["maximum"], 500);
    assert_eq!(schema("person_id")["minimum"], 1);
    let date = schema("to")["pattern"].as_str().unwrap_or("").to_string();
    assert!(date.contains("2200") && date.contains("19"), "{date}");
    // Records are one object naming the envelope; no part refuses another's properties.
    let account = &doc["components"]["schemas"]["Account"];
    assert!(account.get("allOf").is_none(), "{account}");
    for name in ["id", "version", "created_at", "updated_at", "archived_at", "name"] {
        assert!(
            account["properties"].get(name).is_some(),
            "Account does not name {name}"
        );
    }
    for (query, field, rule) in [
        ("limit=0", "limit", "range"),
        ("limit=501", "limit", "range"),
        ("limit=ten", "limit", "range"),
        ("person_id=0", "person_id", "id"),
        ("to=2026-02-30", "to", "date"),
        ("to=26-01-01", "to", "date"),
        ("from=1899-12-31", "from", "date_bounds"),
        ("to=", "to", "required"),
        ("archived=", "archived", "required"),
    ] {
        app.get(&format!("/api/v1/assignments?{query}"))
            .await
            .problem(422, field, rule);
    }
    // Routes that read their dates themselves, not through the list's filters.
    app.get("/api/v1/fiscal/quarter?date=")
        .await
        .problem(422, "date", "required");
    app.get("/api/v1/fiscal/quarter?date=2026-13-01")
        .await
        .problem(422, "date", "date");
    app.get("/api/v1/fx-rates?to=").await.problem(422, "to", "required");
    // A free-text parameter may be empty.
    app.get("/api/v1/accounts?q=").await.expect(200);
    // A body is an object: serde would read a patch from an array of its fields.
    let account = app.create("/api/v1/accounts", json!({"name": "Array Co"})).await;
    let url = format!("/api/v1/accounts/{}", account["id"]);
    app.patch(&url, &json!([null, null]), "*")
        .await
        .problem(422, "body", "type");
    app.patch(&url, &json!({"name": "Array Co"}), "").await.expect(200);
    // Far outside their ranges the policy's numbers overflowed while being checked.
    let policy = json!({"weeks_per_year": i64::MAX - 1, "day_minutes": i64::MAX});
    app.call(Method::PUT, "/api/v1/capacity/policy", Some(&policy), &[])
        .await
        .problem(422, "weeks_per_year", "range");
}

api_tests!(
    every_answer_matches_its_documented_schema,
    requests_outside_the_document_are_refused_naming_the_field
);
