//! The authorization matrix of weekly health reports and the RAID log: every route ×
//! role against fresh records of project P1. Records of a project are read with it (its
//! manager, assigned consultants, ops, admins, finance, practice and engagement managers,
//! leadership; partners only their organisation's projects) and kept by its manager, ops
//! and administrators. The overdue list, latest RAG and escalated items answer everyone
//! for the projects they may see. `matrix.rs` counts these rows.

use serde_json::{Value, json};

use crate::matrix_fixture::Org;
use crate::matrix_health_fixture as hf;
use crate::support::{TestApp, api_tests};

#[derive(Clone, Copy, Debug)]
pub enum Target {
    None,
    Report,
    Raid,
}

#[derive(Clone, Copy, Debug)]
pub enum Body {
    None,
    Empty,
    Report,
    Raid,
}

/// (method, path, target, body, statuses: admin ops finance practice engagement pm
/// consultant partner-manager partner-consultant leadership)
type Row = (&'static str, &'static str, Target, Body, &'static str);

const ALL_200: &str = "200 200 200 200 200 200 200 200 200 200";
const ALL_422: &str = "422 422 422 422 422 422 422 422 422 422";
const READ: &str = "200 200 200 200 200 200 200 404 404 200";
const CREATE: &str = "201 201 403 403 403 201 403 403 403 403";
const CHANGE: &str = "200 200 403 403 403 200 403 404 404 403";

pub fn rows() -> Vec<Row> {
    vec![
        // Listed by project: without one, refused.
        ("get", "/api/v1/health-reports", Target::None, Body::None, ALL_422),
        ("post", "/api/v1/health-reports", Target::None, Body::Report, CREATE),
        ("get", "/api/v1/health-reports/{id}", Target::Report, Body::None, READ),
        (
            "patch",
            "/api/v1/health-reports/{id}",
            Target::Report,
            Body::Empty,
            CHANGE,
        ),
        (
            "get",
            "/api/v1/health-reports/overdue",
            Target::None,
            Body::None,
            ALL_200,
        ),
        (
            "get",
            "/api/v1/health-reports/latest",
            Target::None,
            Body::None,
            ALL_200,
        ),
        ("get", "/api/v1/raid-items", Target::None, Body::None, ALL_422),
        ("post", "/api/v1/raid-items", Target::None, Body::Raid, CREATE),
        ("get", "/api/v1/raid-items/{id}", Target::Raid, Body::None, READ),
        ("patch", "/api/v1/raid-items/{id}", Target::Raid, Body::Empty, CHANGE),
        (
            "post",
            "/api/v1/raid-items/{id}/archive",
            Target::Raid,
            Body::None,
            CHANGE,
        ),
        (
            "post",
            "/api/v1/raid-items/{id}/unarchive",
            Target::Raid,
            Body::None,
            CHANGE,
        ),
        ("get", "/api/v1/raid-items/escalated", Target::None, Body::None, ALL_200),
    ]
}

async fn every_health_route_for_every_role(app: TestApp) {
    let org = Org::build(app.store.as_ref()).await;
    let s = app.store.as_ref();
    let pm = org.people[5];
    let mut failures = Vec::new();
    for (method, path, t, b, expected) in rows() {
        let expected = crate::matrix_fixture::statuses(method, path, expected);
        for (role, want) in expected.iter().enumerate() {
            let id = match t {
                Target::None => String::new(),
                Target::Report => hf::report(s, org.p1, pm).await.to_string(),
                Target::Raid => hf::raid(s, org.p1).await.to_string(),
            };
            let url = path.replace("{id}", &id);
            let body: Option<Value> = match b {
                Body::None => None,
                Body::Empty => Some(json!({})),
                Body::Report => Some(serde_json::to_value(hf::report_fields(org.p1, pm)).unwrap_or_default()),
                Body::Raid => Some(serde_json::to_value(hf::raid_fields(org.p1)).unwrap_or_default()),
            };
            let r = crate::matrix_fixture::call(&app, &org, role, method, &url, body.as_ref()).await;
            crate::matrix_fixture::differs(&mut failures, (method, path), t, role, *want, &r);
        }
    }
    crate::matrix_fixture::assert_cells(&failures);
}

api_tests!(every_health_route_for_every_role);
