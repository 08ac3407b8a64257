//! Every documented GET route that needs no path parameter, called by an administrator
//! over a small organisation with time, rates and money on record: each JSON answer must
//! match the schema the OpenAPI document gives it, so a client generated from the
//! document reads every answer.

use axum::http::Method;
use serde_json::Value;

use crate::schema_check::Checker;
use crate::support::{TestApp, api_tests};
use crate::ui_browser::{SmallOrg, log};

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
    let doc = app.get("/api/v1/openapi.json").await.expect(200).body;
    let checker = Checker::new(&doc);
    let mut failures = Vec::new();
    let mut checked = 0;
    let project = org.project.to_string();
    let paths: Vec<(String, Value)> = doc["paths"]
        .as_object()
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    // A route under `/x/{id}` is called on the first record `/x` lists (the
    // organisation's project for projects); routes with other parameters are left out.
    let mut first_ids = std::collections::HashMap::new();
    first_ids.insert("/api/v1/projects".to_string(), project.clone());
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
        for e in checker.check(schema, &r.body) {
            failures.push(format!("GET {url}: {e}"));
        }
    }
    assert!(checked >= 40, "only {checked} routes answered");
    assert!(
        failures.is_empty(),
        "{} differences:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

api_tests!(every_answer_matches_its_documented_schema);
