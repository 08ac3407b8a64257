//! The authorization matrix of milestone acceptance: the project's manager, ops and
//! administrators send requests, record sign-offs and keep evidence; whoever reads the
//! project (its assigned consultants, finance, practice managers, engagement managers,
//! leadership) reads the acceptance and downloads its evidence; partners see none of a
//! direct customer's project. `matrix.rs` counts these rows when it checks every
//! documented route has one.

use serde_json::{Value, json};

use crate::matrix_acceptance_fixture as af;
use crate::matrix_fixture::{Org, ROLES};
use crate::support::{TestApp, api_tests};

#[derive(Clone, Copy, Debug)]
pub enum Target {
    Milestone,
    WithFile,
}

#[derive(Clone, Copy, Debug)]
pub enum Body {
    None,
    Request,
    SignOff,
    Link,
    File,
}

/// (method, path, target, body, statuses: admin ops finance practice engagement pm
/// consultant partner-manager partner-consultant leadership)
type Row = (&'static str, &'static str, Target, Body, &'static str);

const READ: &str = "200 200 200 200 200 200 200 404 404 200";
const KEEP: &str = "200 200 403 403 403 200 403 404 404 403";
const KEEP_NEW: &str = "201 201 403 403 403 201 403 404 404 403";

pub fn rows() -> Vec<Row> {
    use Target::*;
    vec![
        ("get", "/api/v1/milestones/{id}/acceptance", Milestone, Body::None, READ),
        (
            "post",
            "/api/v1/milestones/{id}/acceptance/request",
            Milestone,
            Body::Request,
            KEEP,
        ),
        (
            "post",
            "/api/v1/milestones/{id}/acceptance",
            Milestone,
            Body::SignOff,
            KEEP,
        ),
        (
            "post",
            "/api/v1/milestones/{id}/evidence",
            Milestone,
            Body::Link,
            KEEP_NEW,
        ),
        (
            "post",
            "/api/v1/milestones/{id}/evidence/file",
            Milestone,
            Body::File,
            KEEP_NEW,
        ),
        (
            "get",
            "/api/v1/milestones/{id}/evidence/{evidence_id}",
            WithFile,
            Body::None,
            READ,
        ),
    ]
}

async fn every_acceptance_route_for_every_role(app: TestApp) {
    let org = Org::build(app.store.as_ref()).await;
    let s = app.store.as_ref();
    let contact = af::contact(s, &org).await;
    let mut failures = Vec::new();
    for (method, path, t, b, expected) in rows() {
        let expected = crate::matrix_fixture::statuses(method, path, expected);
        for (role, want) in expected.iter().enumerate() {
            let (id, evidence) = match t {
                Target::Milestone => (af::milestone(s, &org).await, 0),
                Target::WithFile => af::with_file(s, &org).await,
            };
            let mut url = path
                .replace("{id}", &id.to_string())
                .replace("{evidence_id}", &evidence.to_string());
            let body: Option<Value> = match b {
                Body::None => None,
                Body::Request => Some(json!({"contact_id": contact})),
                Body::SignOff => Some(json!({"accepted_by": "Casey Customer", "method": "signature",
                    "evidence": {"url": "https://docs.example/signed.pdf"}})),
                Body::Link => Some(json!({"url": "https://docs.example/signed.pdf"})),
                Body::File => {
                    url.push_str("?file_name=sign-off.json");
                    Some(json!({"signed": true}))
                }
            };
            let r = crate::matrix_fixture::call(&app, &org, role, method, &url, body.as_ref()).await;
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

api_tests!(every_acceptance_route_for_every_role);
