//! The whole OpenAPI surface at its edges (issue 10): every operation the document lists,
//! with each date, week, quarter and number parameter set to the earliest and latest
//! value psops accepts and to one past each, as an administrator, a consultant and a
//! partner manager. Every answer comes within a second and none is a 5xx; a date one past
//! the bounds is never accepted.

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Method, Request, header};
use serde_json::Value;

use crate::matrix_fixture::Org;
use crate::support::{TestApp, api_tests};

/// A parameter's values: (accepted, one past the bounds).
fn edges(name: &str, schema: &Value) -> Option<(Vec<String>, Vec<String>)> {
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    if schema["format"] == "date" {
        return Some((
            s(&["1900-01-01", "2200-12-31"]),
            s(&["1899-12-31", "2201-01-01", "9999-12-31"]),
        ));
    }
    match name {
        "week" => return Some((s(&["1900-W01", "2200-W52"]), s(&["1899-W52", "2201-W01", "9999-W52"]))),
        "quarter" => {
            return Some((
                s(&["FY1900-Q1", "FY2200-Q4"]),
                s(&["FY1899-Q4", "FY2201-Q2", "FY9999-Q4"]),
            ));
        }
        "limit" => return Some((s(&["1", "500"]), s(&["0", "501", "4294967295"]))),
        _ => {}
    }
    if schema["type"] == "integer" || schema["type"] == "number" {
        let min = i64::MIN.to_string();
        let max = i64::MAX.to_string();
        return Some((vec!["1".into(), "0".into(), "-1".into(), max, min], Vec::new()));
    }
    None
}

/// A value that makes a required or paired parameter sensible while another is varied.
fn default_for(name: &str, varied: &str, varied_value: &str) -> Option<String> {
    Some(match name {
        "id" | "person_id" => "1".into(),
        "week" => "2026-W10".into(),
        // The widest range: the varied end against the other bound.
        "from" if varied == "to" => "1900-01-01".into(),
        "to" if varied == "from" => {
            if varied_value > "2200-12-31" {
                varied_value.into()
            } else {
                "2200-12-31".into()
            }
        }
        _ => return None,
    })
}

struct Operation {
    method: Method,
    path: String,
    params: Vec<(String, String, Value)>,
}

fn operations(doc: &Value) -> Vec<Operation> {
    let mut out = Vec::new();
    for (path, ops) in doc["paths"].as_object().into_iter().flatten() {
        for (method, op) in ops.as_object().into_iter().flatten() {
            let Ok(method) = method.to_uppercase().parse::<Method>() else {
                continue;
            };
            let params = op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|p| p["in"] != "header")
                .map(|p| {
                    (
                        p["name"].as_str().unwrap_or_default().to_string(),
                        p["in"].as_str().unwrap_or_default().to_string(),
                        p["schema"].clone(),
                    )
                })
                .collect();
            out.push(Operation {
                method,
                path: path.clone(),
                params,
            });
        }
    }
    out
}

/// The request path with `varied` set to `value` and the others at their defaults.
fn url(op: &Operation, varied: &str, value: &str) -> String {
    let mut path = op.path.clone();
    let mut query = Vec::new();
    for (name, place, _) in &op.params {
        let v = if name == varied {
            Some(value.to_string())
        } else {
            default_for(name, varied, value)
        };
        match (place.as_str(), v) {
            ("path", Some(v)) => path = path.replace(&format!("{{{name}}}"), &v),
            ("query", Some(v)) => query.push((name.clone(), v)),
            _ => {}
        }
    }
    if query.is_empty() {
        path
    } else {
        format!("{path}?{}", serde_urlencoded::to_string(&query).unwrap_or_default())
    }
}

async fn the_whole_surface_answers_within_a_second_at_its_edges(app: TestApp) {
    let org = Org::build(app.store.as_ref()).await;
    let doc = app.get("/api/v1/openapi.json").await.expect(200).body;
    let ops = operations(&doc);
    assert!(ops.len() > 90, "{} operations", ops.len());
    let callers = [app.token.clone(), org.tokens[6].clone(), org.tokens[7].clone()];
    let (mut sent, mut slowest) = (0, (Duration::ZERO, String::new()));
    let mut varied_dates = 0;
    for op in &ops {
        for (name, _, schema) in &op.params {
            let Some((accepted, past)) = edges(name, schema) else {
                continue;
            };
            if past.iter().any(|v| v.contains('-')) {
                varied_dates += 1;
            }
            let values = accepted
                .iter()
                .map(|v| (v, false))
                .chain(past.iter().map(|v| (v, true)));
            for (value, outside) in values {
                let path = url(op, name, value);
                for token in &callers {
                    let mut req = Request::builder()
                        .method(op.method.clone())
                        .uri(&path)
                        .header(header::AUTHORIZATION, format!("Bearer {token}"));
                    let body = if matches!(op.method, Method::POST | Method::PUT | Method::PATCH) {
                        req = req.header(header::CONTENT_TYPE, "application/json");
                        Body::from("{}")
                    } else {
                        Body::empty()
                    };
                    let started = Instant::now();
                    let r = app
                        .send_within(req.body(body).expect("request"), Duration::from_secs(1))
                        .await
                        .unwrap_or_else(|| panic!("{} {path} did not answer within a second", op.method));
                    let took = started.elapsed();
                    sent += 1;
                    if took > slowest.0 {
                        slowest = (took, format!("{} {path}", op.method));
                    }
                    assert!(r.status.as_u16() < 500, "{} {path}: {} {}", op.method, r.status, r.text);
                    let dated = schema["format"] == "date" || name == "week" || name == "quarter";
                    if outside && dated {
                        assert!(
                            !r.status.is_success(),
                            "{} {path} accepted a date outside the bounds: {}",
                            op.method,
                            r.text
                        );
                    }
                }
            }
        }
    }
    assert!(varied_dates >= 15, "only {varied_dates} date parameters varied");
    // The document says where dates end.
    assert!(
        doc["info"]["description"]
            .as_str()
            .unwrap_or_default()
            .contains("2200-12-31")
    );
    for (path, ops) in doc["paths"].as_object().into_iter().flatten() {
        for p in ops
            .as_object()
            .into_iter()
            .flatten()
            .flat_map(|(_, op)| op["parameters"].as_array().into_iter().flatten())
        {
            if p["schema"]["format"] == "date" || p["name"] == "week" || p["name"] == "quarter" {
                let d = p["description"].as_str().unwrap_or_default();
                assert!(d.contains("2200"), "{path} {}: {d:?}", p["name"]);
            }
        }
    }
    eprintln!("{sent} requests at the edges; slowest {:?}: {}", slowest.0, slowest.1);
}

api_tests!(the_whole_surface_answers_within_a_second_at_its_edges);
