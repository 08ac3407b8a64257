//! The authorization matrix: every `/api/v1` route, for every role, against an object of
//! the caller's own and one of someone else's, with the status each cell must have.
//! A route in the OpenAPI document without a row here fails the test.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::matrix_fixture::{self as fx, Org};
use crate::support::{TestApp, api_tests};

/// What a cell's `{id}` is.
#[derive(Clone, Copy, Debug)]
enum Target {
    None,
    Person(bool),
    Partner(bool),
    Account(bool),
    Contact(bool),
    Project(bool),
    Assignment(bool),
    Entry(bool),
    User(bool),
    Token(bool),
}
use Target::*;
const OWN: bool = true;
const OTHER: bool = false;

#[derive(Clone, Copy, Debug)]
enum Body {
    None,
    Empty,
    NewPerson,
    NewPartner,
    NewAccount,
    NewContact,
    NewProject,
    NewAssignment,
    NewEntry,
    NewUser,
    NewToken,
}

/// (method, path, target, body, expected status per role:
///  admin ops finance practice engagement pm consultant partner-manager partner-consultant leadership)
type Row = (&'static str, &'static str, Target, Body, &'static str);

const ALL_200: &str = "200 200 200 200 200 200 200 200 200 200";
const STAFF_200_PARTNERS_404: &str = "200 200 200 200 200 200 200 404 404 200";

#[rustfmt::skip]
const ROWS: &[Row] = &[
    ("get", "/healthz", None, Body::None, ALL_200),
    ("get", "/readyz", None, Body::None, ALL_200),
    // Open while no metrics token is configured, as in these tests (see metrics.rs).
    ("get", "/metrics", None, Body::None, ALL_200),
    ("get", "/api/v1/openapi.json", None, Body::None, ALL_200),
    ("get", "/api/v1/me", None, Body::None, ALL_200),
    ("get", "/api/v1/settings", None, Body::None, ALL_200),
    ("patch", "/api/v1/settings", None, Body::Empty, "200 200 403 403 403 403 403 403 403 403"),
    ("get", "/api/v1/fiscal/quarter", None, Body::None, ALL_200),
    // people
    ("get", "/api/v1/people", None, Body::None, ALL_200),
    ("post", "/api/v1/people", None, Body::NewPerson, "201 201 403 403 403 403 403 403 403 403"),
    ("get", "/api/v1/people/{id}", Person(OWN), Body::None, ALL_200),
    ("get", "/api/v1/people/{id}", Person(OTHER), Body::None, STAFF_200_PARTNERS_404),
    ("patch", "/api/v1/people/{id}", Person(OWN), Body::Empty, "200 200 403 403 403 403 403 403 403 403"),
    ("patch", "/api/v1/people/{id}", Person(OTHER), Body::Empty, "200 200 403 403 403 403 403 404 404 403"),
    // partners
    ("get", "/api/v1/partners", None, Body::None, ALL_200),
    ("post", "/api/v1/partners", None, Body::NewPartner, "201 201 403 403 403 403 403 403 403 403"),
    ("get", "/api/v1/partners/{id}", Partner(OWN), Body::None, ALL_200),
    ("get", "/api/v1/partners/{id}", Partner(OTHER), Body::None, STAFF_200_PARTNERS_404),
    ("patch", "/api/v1/partners/{id}", Partner(OWN), Body::Empty, "200 200 403 403 403 403 403 403 403 403"),
    ("patch", "/api/v1/partners/{id}", Partner(OTHER), Body::Empty, "200 200 403 403 403 403 403 404 404 403"),
    // accounts and contacts
    ("get", "/api/v1/accounts", None, Body::None, ALL_200),
    ("post", "/api/v1/accounts", None, Body::NewAccount, "201 201 403 403 201 403 403 403 403 403"),
    ("get", "/api/v1/accounts/{id}", Account(OWN), Body::None, ALL_200),
    ("get", "/api/v1/accounts/{id}", Account(OTHER), Body::None, STAFF_200_PARTNERS_404),
    ("patch", "/api/v1/accounts/{id}", Account(OWN), Body::Empty, "200 200 403 403 200 403 403 403 403 403"),
    ("patch", "/api/v1/accounts/{id}", Account(OTHER), Body::Empty, "200 200 403 403 200 403 403 404 404 403"),
    ("get", "/api/v1/accounts/{id}/contacts", Account(OWN), Body::None, ALL_200),
    ("get", "/api/v1/accounts/{id}/contacts", Account(OTHER), Body::None, STAFF_200_PARTNERS_404),
    ("post", "/api/v1/accounts/{id}/contacts", Account(OWN), Body::NewContact, "201 201 403 403 201 403 403 403 403 403"),
    ("post", "/api/v1/accounts/{id}/contacts", Account(OTHER), Body::NewContact, "201 201 403 403 201 403 403 404 404 403"),
    ("get", "/api/v1/contacts/{id}", Contact(OWN), Body::None, ALL_200),
    ("get", "/api/v1/contacts/{id}", Contact(OTHER), Body::None, STAFF_200_PARTNERS_404),
    ("patch", "/api/v1/contacts/{id}", Contact(OWN), Body::Empty, "200 200 403 403 200 403 403 403 403 403"),
    ("patch", "/api/v1/contacts/{id}", Contact(OTHER), Body::Empty, "200 200 403 403 200 403 403 404 404 403"),
    // projects
    ("get", "/api/v1/projects", None, Body::None, ALL_200),
    ("post", "/api/v1/projects", None, Body::NewProject, "201 201 403 403 201 403 403 403 403 403"),
    ("get", "/api/v1/projects/{id}", Project(OWN), Body::None, ALL_200),
    ("get", "/api/v1/projects/{id}", Project(OTHER), Body::None, "200 200 200 200 200 404 404 404 404 200"),
    ("patch", "/api/v1/projects/{id}", Project(OWN), Body::Empty, "200 200 403 403 403 200 403 403 403 403"),
    ("patch", "/api/v1/projects/{id}", Project(OTHER), Body::Empty, "200 200 403 403 403 404 404 404 404 403"),
    ("get", "/api/v1/projects/{id}/moves", Project(OWN), Body::None, ALL_200),
    // the portfolio: those who oversee delivery and project managers (their own projects)
    ("get", "/api/v1/portfolio", None, Body::None, "200 200 200 200 200 200 404 404 404 200"),
    ("get", "/api/v1/projects/{id}/moves", Project(OTHER), Body::None, "200 200 200 200 200 404 404 404 404 200"),
    // assignments
    ("get", "/api/v1/assignments", None, Body::None, ALL_200),
    ("post", "/api/v1/assignments", None, Body::NewAssignment, "201 201 403 403 403 201 403 403 403 403"),
    ("get", "/api/v1/assignments/{id}", Assignment(OWN), Body::None, ALL_200),
    ("get", "/api/v1/assignments/{id}", Assignment(OTHER), Body::None, "200 200 200 200 200 404 404 404 404 200"),
    ("patch", "/api/v1/assignments/{id}", Assignment(OWN), Body::Empty, "200 200 403 403 403 200 403 403 403 403"),
    ("patch", "/api/v1/assignments/{id}", Assignment(OTHER), Body::Empty, "200 200 403 403 403 404 404 404 404 403"),
    // time entries
    ("get", "/api/v1/time-entries", None, Body::None, ALL_200),
    ("post", "/api/v1/time-entries", None, Body::NewEntry, "201 201 201 201 201 201 201 201 201 201"),
    ("get", "/api/v1/time-entries/{id}", Entry(OWN), Body::None, ALL_200),
    ("get", "/api/v1/time-entries/{id}", Entry(OTHER), Body::None, "200 200 200 404 404 404 404 404 404 404"),
    ("patch", "/api/v1/time-entries/{id}", Entry(OWN), Body::Empty, ALL_200),
    // Ops read and approve everyone's time; only an administrator changes someone else's.
    ("patch", "/api/v1/time-entries/{id}", Entry(OTHER), Body::Empty, "200 403 403 404 404 404 404 404 404 404"),
    ("delete", "/api/v1/time-entries/{id}", Entry(OWN), Body::None, "204 204 204 204 204 204 204 204 204 204"),
    ("delete", "/api/v1/time-entries/{id}", Entry(OTHER), Body::None, "204 403 403 404 404 404 404 404 404 404"),
    // users, tokens, audit
    ("get", "/api/v1/users", None, Body::None, "200 404 404 404 404 404 404 404 404 404"),
    ("post", "/api/v1/users", None, Body::NewUser, "201 403 403 403 403 403 403 403 403 403"),
    ("get", "/api/v1/users/{id}", User(OWN), Body::None, "200 404 404 404 404 404 404 404 404 404"),
    ("get", "/api/v1/users/{id}", User(OTHER), Body::None, "200 404 404 404 404 404 404 404 404 404"),
    ("patch", "/api/v1/users/{id}", User(OTHER), Body::Empty, "200 404 404 404 404 404 404 404 404 404"),
    ("get", "/api/v1/tokens", None, Body::None, ALL_200),
    ("post", "/api/v1/tokens", None, Body::NewToken, "201 201 201 201 201 201 201 201 201 201"),
    ("post", "/api/v1/tokens/{id}/revoke", Token(OWN), Body::None, ALL_200),
    ("post", "/api/v1/tokens/{id}/revoke", Token(OTHER), Body::None, "200 404 404 404 404 404 404 404 404 404"),
    ("get", "/api/v1/audit", None, Body::None, "200 200 404 404 404 404 404 404 404 404"),
    // imports, exports, calendar feeds
    ("post", "/api/v1/imports/time", None, Body::Empty, "422 422 403 403 403 403 403 403 403 403"),
    ("get", "/api/v1/exports/time", None, Body::None, ALL_200),
    ("post", "/api/v1/people/{id}/feed-token", Person(OWN), Body::None, ALL_200),
    ("post", "/api/v1/people/{id}/feed-token", Person(OTHER), Body::None, "200 200 403 403 403 403 403 404 404 403"),
    // Archiving last: each archive is undone by the row after it.
    ("post", "/api/v1/people/{id}/archive", Person(OWN), Body::None, "200 200 403 403 403 403 403 403 403 403"),
    ("post", "/api/v1/people/{id}/unarchive", Person(OWN), Body::None, "200 200 403 403 403 403 403 403 403 403"),
    ("post", "/api/v1/people/{id}/archive", Person(OTHER), Body::None, "200 200 403 403 403 403 403 404 404 403"),
    ("post", "/api/v1/people/{id}/unarchive", Person(OTHER), Body::None, "200 200 403 403 403 403 403 404 404 403"),
    ("post", "/api/v1/partners/{id}/archive", Partner(OTHER), Body::None, "200 200 403 403 403 403 403 404 404 403"),
    ("post", "/api/v1/partners/{id}/unarchive", Partner(OTHER), Body::None, "200 200 403 403 403 403 403 404 404 403"),
    ("post", "/api/v1/accounts/{id}/archive", Account(OWN), Body::None, "200 200 403 403 200 403 403 403 403 403"),
    ("post", "/api/v1/accounts/{id}/unarchive", Account(OWN), Body::None, "200 200 403 403 200 403 403 403 403 403"),
    ("post", "/api/v1/contacts/{id}/archive", Contact(OTHER), Body::None, "200 200 403 403 200 403 403 404 404 403"),
    ("post", "/api/v1/contacts/{id}/unarchive", Contact(OTHER), Body::None, "200 200 403 403 200 403 403 404 404 403"),
    ("post", "/api/v1/projects/{id}/archive", Project(OWN), Body::None, "200 200 403 403 403 200 403 403 403 403"),
    ("post", "/api/v1/projects/{id}/unarchive", Project(OWN), Body::None, "200 200 403 403 403 200 403 403 403 403"),
    ("post", "/api/v1/assignments/{id}/archive", Assignment(OTHER), Body::None, "200 200 403 403 403 404 404 404 404 403"),
    ("post", "/api/v1/assignments/{id}/unarchive", Assignment(OTHER), Body::None, "200 200 403 403 403 404 404 404 404 403"),
];

async fn target(app: &TestApp, org: &Org, t: Target, role: usize) -> String {
    let s = app.store.as_ref();
    let id = match t {
        None => return String::new(),
        Person(own) => {
            if own {
                org.people[role]
            } else {
                org.b_person
            }
        }
        Partner(own) => {
            if own {
                org.partner_a
            } else {
                org.partner_b
            }
        }
        Account(own) => {
            if own {
                org.own_account(role)
            } else {
                org.account_z
            }
        }
        Contact(own) => {
            if own {
                org.own_contact(role)
            } else {
                org.contact_z
            }
        }
        Project(own) => {
            if own {
                org.own_project(role)
            } else {
                org.pb
            }
        }
        Assignment(own) if own => fx::assignment(s, org.people[role], org.own_project(role)).await,
        Assignment(_) => fx::assignment(s, org.b_person, org.pb).await,
        Entry(own) if own => fx::entry(s, org.people[role], org.own_project(role)).await,
        Entry(_) => fx::entry(s, org.b_person, org.pb).await,
        User(own) => {
            if own {
                org.users[role]
            } else {
                org.b_user
            }
        }
        Token(own) => fx::token(s, if own { org.users[role] } else { org.b_user }).await.0,
    };
    id.to_string()
}

fn body(b: Body, org: &Org, role: usize) -> Option<Value> {
    let n = fx::next();
    Some(match b {
        Body::None => return Option::None,
        Body::Empty => json!({}),
        Body::NewPerson => json!({"name": "New", "email": format!("new{n}@matrix.example"), "function": "engineer",
            "region": "EMEA", "employment_start": "2025-01-01"}),
        Body::NewPartner => json!({"name": format!("Partner {n}"), "partner_type": "direct"}),
        Body::NewAccount => json!({"name": format!("Account {n}")}),
        Body::NewContact => json!({"name": "Someone"}),
        Body::NewProject => json!({"name": format!("Project {n}"), "account_id": org.account_x,
            "project_type": "consulting", "billing_type": "time_and_materials"}),
        Body::NewAssignment => json!({"person_id": org.people[role], "project_id": org.own_project(role),
            "role": "engineer", "start_date": "2026-02-02", "end_date": "2026-03-02", "minutes_per_week": 600}),
        Body::NewEntry => json!({"person_id": org.people[role], "project_id": org.own_project(role),
            "date": psops_core::dates::format_date(fx::fresh_date()), "minutes": 60}),
        Body::NewUser => json!({"email": format!("u{n}@matrix.example"), "name": "U", "roles": ["consultant"]}),
        Body::NewToken => json!({"name": format!("t{n}")}),
    })
}

async fn every_route_for_every_role(app: TestApp) {
    let org = Org::build(app.store.as_ref()).await;
    let mut failures = Vec::new();
    for (method, path, t, b, expected) in ROWS {
        let expected = crate::matrix_fixture::statuses(method, path, expected);
        for (role, want) in expected.iter().enumerate() {
            let url = path.replace("{id}", &target(&app, &org, *t, role).await);
            let r = crate::matrix_fixture::call(&app, &org, role, method, &url, body(*b, &org, role).as_ref()).await;
            crate::matrix_fixture::differs(&mut failures, (method, path), t, role, *want, &r);
        }
    }
    crate::matrix_fixture::assert_cells(&failures);

    // A route without a row fails here, and a row without a route.
    let doc = serde_json::to_value(psops_web::openapi()).unwrap_or_default();
    let mut documented = BTreeSet::new();
    for (path, ops) in doc["paths"].as_object().into_iter().flatten() {
        for method in ops.as_object().into_iter().flatten().map(|(m, _)| m) {
            documented.insert((method.clone(), path.clone()));
        }
    }
    let covered: BTreeSet<_> = ROWS
        .iter()
        .map(|(m, p, ..)| (m.to_string(), p.to_string()))
        .chain(
            crate::matrix_time::ROWS
                .iter()
                .map(|(m, p, ..)| (m.to_string(), p.to_string())),
        )
        .chain(listed().into_iter().map(|(m, p)| (m.to_string(), p.to_string())))
        .collect();
    let missing: Vec<_> = documented.difference(&covered).collect();
    let stale: Vec<_> = covered.difference(&documented).collect();
    assert!(missing.is_empty(), "routes without a matrix row: {missing:?}");
    assert!(stale.is_empty(), "matrix rows for routes that do not exist: {stale:?}");
}

/// The routes each area's own matrix lists, as (method, path).
pub fn listed() -> Vec<(&'static str, &'static str)> {
    fn of<R>(rows: Vec<R>, route: fn(&R) -> (&'static str, &'static str)) -> Vec<(&'static str, &'static str)> {
        rows.iter().map(route).collect()
    }
    [
        of(crate::matrix_catalog::rows(), |r| (r.0, r.1)),
        of(crate::matrix_scoping::rows(), |r| (r.0, r.1)),
        of(crate::matrix_acceptance::rows(), |r| (r.0, r.1)),
        of(crate::matrix_escalations::rows(), |r| (r.0, r.1)),
        of(crate::matrix_health::rows(), |r| (r.0, r.1)),
        of(crate::matrix_closure_csat::rows(), |r| (r.0, r.1)),
        of(crate::matrix_notifications::rows(), |r| (r.0, r.1)),
        of(crate::matrix_finance::rows(), |r| (r.0, r.1)),
        of(crate::matrix_invoices::rows(), |r| (r.0, r.1)),
        of(crate::matrix_ledger::rows(), |r| (r.0, r.1)),
        of(crate::matrix_education::rows(), |r| (r.0, r.1)),
        of(crate::matrix_classes::rows(), |r| (r.0, r.1)),
        of(crate::matrix_certifications::rows(), |r| (r.0, r.1)),
        of(crate::matrix_forecast::rows(), |r| (r.0, r.1)),
        of(crate::matrix_partnering::rows(), |r| (r.0, r.1)),
        of(crate::matrix_partner_funds::rows(), |r| (r.0, r.1)),
        of(crate::matrix_partner_invoices::rows(), |r| (r.0, r.1)),
        of(crate::matrix_webhooks::rows(), |r| (r.0, r.1)),
    ]
    .concat()
}

api_tests!(every_route_for_every_role);
