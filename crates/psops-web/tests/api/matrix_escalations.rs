//! The authorization matrix of the escalation routes: every role against fresh
//! escalations, with the exact status the policy gives. A project's escalations are read
//! with the project; an account's by the company's staff and by the managers of a partner
//! delivering for it (not its consultants); each is kept by its DRI, the project's
//! manager, ops and administrators; leadership reads all and keeps none. `matrix.rs`
//! counts these rows when it checks every documented route has one.

use serde_json::{Value, json};

use crate::matrix_escalations_fixture::{self as ef, On};
use crate::matrix_fixture::Org;
use crate::support::{TestApp, api_tests};

#[derive(Clone, Copy, Debug)]
pub enum Target {
    None,
    On(On),
}

#[derive(Clone, Copy, Debug)]
pub enum Body {
    None,
    Empty,
    Raise,
    Note,
    Move,
    Close,
}

/// (method, path, target, body, statuses: admin ops finance practice engagement pm
/// consultant partner-manager partner-consultant leadership)
type Row = (&'static str, &'static str, Target, Body, &'static str);

const ALL_200: &str = "200 200 200 200 200 200 200 200 200 200";
/// P1's escalation: read with the project.
const P1_READ: &str = "200 200 200 200 200 200 200 404 404 200";
/// Kept by ops, administrators and P1's manager (its DRI).
const P1_KEEP: &str = "200 200 403 403 403 200 403 404 404 403";
/// Account Y's escalation: the company's staff and partner A's manager read it.
const Y_READ: &str = "200 200 200 200 200 200 200 200 404 200";
/// Kept by ops, administrators and its DRI, the engagement manager.
const Y_KEEP: &str = "200 200 403 403 200 403 403 403 404 403";
/// PA's escalation: those who oversee delivery and partner A's people.
const PA_READ: &str = "200 200 200 200 200 404 404 200 200 200";

pub fn rows() -> Vec<Row> {
    use Target::On as T;
    let p1 = T(On::P1);
    let y = T(On::AccountY);
    let pa = T(On::Pa);
    vec![
        ("get", "/api/v1/escalations", Target::None, Body::None, ALL_200),
        (
            "post",
            "/api/v1/escalations",
            Target::None,
            Body::Raise,
            "201 201 403 403 403 201 403 403 403 403",
        ),
        ("get", "/api/v1/escalations/{id}", p1, Body::None, P1_READ),
        ("get", "/api/v1/escalations/{id}", y, Body::None, Y_READ),
        ("get", "/api/v1/escalations/{id}", pa, Body::None, PA_READ),
        ("patch", "/api/v1/escalations/{id}", p1, Body::Empty, P1_KEEP),
        ("patch", "/api/v1/escalations/{id}", y, Body::Empty, Y_KEEP),
        ("get", "/api/v1/escalations/{id}/updates", p1, Body::None, P1_READ),
        ("post", "/api/v1/escalations/{id}/updates", p1, Body::Note, P1_KEEP),
        ("post", "/api/v1/escalations/{id}/updates", y, Body::Note, Y_KEEP),
        ("post", "/api/v1/escalations/{id}/move", p1, Body::Move, P1_KEEP),
        (
            "post",
            "/api/v1/escalations/{id}/close",
            T(On::P1Resolved),
            Body::Close,
            P1_KEEP,
        ),
    ]
}

fn body(b: Body, org: &Org) -> Option<Value> {
    Some(match b {
        Body::None => return None,
        Body::Empty => json!({}),
        Body::Raise => serde_json::to_value(ef::fields(Some(org.p1), None, None)).unwrap_or_default(),
        Body::Note => json!({"text": "Spoke to the customer's IT lead"}),
        Body::Move => json!({"to": "investigating", "text": "Engineering engaged"}),
        Body::Close => json!({
            "agreed_by": "Pat Customer, CTO",
            "agreed_on": time::OffsetDateTime::now_utc().date().to_string(),
            "agreement": "E-mail of today: 'we agree this is resolved'",
            "outcome": "Sync fixed",
            "sentiment": "engaged"
        }),
    })
}

async fn every_escalation_route_for_every_role(app: TestApp) {
    let org = Org::build(app.store.as_ref()).await;
    let mut failures = Vec::new();
    for (method, path, t, b, expected) in rows() {
        let expected = crate::matrix_fixture::statuses(method, path, expected);
        for (role, want) in expected.iter().enumerate() {
            let id = match t {
                Target::None => String::new(),
                Target::On(on) => ef::escalation(app.store.as_ref(), &org, on).await.to_string(),
            };
            let url = path.replace("{id}", &id);
            let body = body(b, &org);
            let r = crate::matrix_fixture::call(&app, &org, role, method, &url, body.as_ref()).await;
            crate::matrix_fixture::differs(&mut failures, (method, path), t, role, *want, &r);
        }
    }
    crate::matrix_fixture::assert_cells(&failures);
}

api_tests!(every_escalation_route_for_every_role);
