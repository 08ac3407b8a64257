//! The authorization matrix of the forecast: the organisation's money, read by
//! administrators, finance, practice managers and leadership; a snapshot kept by
//! administrators and finance (a create the caller may not make is a 403 for everyone,
//! as every create is); everyone else, partners included, finds nothing to read there.
//! `matrix.rs` counts these rows when it checks every documented route has one.

use serde_json::{Value, json};

use crate::matrix_fixture::{Org, ROLES};
use crate::support::{TestApp, api_tests};

type Row = (&'static str, &'static str, Option<Value>, &'static str);

const READ: &str = "200 404 200 200 404 404 404 404 404 200";

pub fn rows() -> Vec<Row> {
    vec![
        ("get", "/api/v1/forecast", None, READ),
        ("get", "/api/v1/forecast/snapshots", None, READ),
        (
            "post",
            "/api/v1/forecast/snapshots",
            Some(json!({"months": 2})),
            "201 403 201 403 403 403 403 403 403 403",
        ),
        ("get", "/api/v1/forecast/accuracy", None, READ),
    ]
}

async fn every_forecast_route_for_every_role(app: TestApp) {
    let org = Org::build(app.store.as_ref()).await;
    let mut failures = Vec::new();
    for (method, path, body, expected) in rows() {
        let expected = crate::matrix_fixture::statuses(method, path, expected);
        for (role, want) in expected.iter().enumerate() {
            let r = crate::matrix_fixture::call(&app, &org, role, method, path, body.as_ref()).await;
            if r.status.as_u16() != *want {
                failures.push(format!(
                    "{method} {path} as {:?}: want {want}, got {} {}",
                    ROLES[role], r.status, r.text
                ));
            }
        }
    }
    crate::matrix_fixture::assert_cells(&failures);
}

api_tests!(every_forecast_route_for_every_role);
