//! The authorization matrix of the catalog, SKU request and rate routes: every role
//! against fresh records, with the exact status the policy gives. Consultants and
//! partners see no rate; cost is seen by finance, administrators, practice managers and
//! leadership; each step of a SKU request is decided only by its own approver.
//! `matrix.rs` counts these rows when it checks every documented route has one.

use psops_core::rates::RateKind;
use serde_json::{Value, json};

use crate::matrix_catalog_fixture::{self as cf, Stage};
use crate::matrix_fixture::{Org, next};
use crate::support::{TestApp, api_tests};

#[derive(Clone, Copy, Debug)]
pub enum Target {
    None,
    Type,
    Offering,
    Sku,
    Price,
    Bundle,
    Rate(RateKind),
    /// A rate of the caller's own project (`true`) or of partner B's.
    ProjectRate(bool),
    CostRate,
    Fx,
    Request(Stage),
}
use Target::*;

#[derive(Clone, Copy, Debug)]
pub enum Body {
    None,
    Empty,
    Type,
    Offering,
    Sku,
    Price,
    Bundle,
    Rate(RateKind),
    ProjectRate,
    CostRate,
    Fx,
    Request,
    Approve,
}

/// (method, path, target, body, statuses: admin ops finance practice engagement pm
/// consultant partner-manager partner-consultant leadership)
type Row = (&'static str, &'static str, Target, Body, &'static str);

const ALL_200: &str = "200 200 200 200 200 200 200 200 200 200";
const STAFF_200: &str = "200 200 200 200 200 200 200 404 404 200";
const KEEPERS_CREATE: &str = "201 403 403 201 403 403 403 403 403 403";
const KEEPERS_CHANGE: &str = "200 403 403 200 403 403 403 404 404 403";
const BILL_READ: &str = "200 200 200 200 200 404 404 404 404 200";
const COST_READ: &str = "200 404 200 200 404 404 404 404 404 200";
const RATE_CREATE: &str = "201 403 201 403 403 403 403 403 403 403";
const BILL_CHANGE: &str = "200 403 200 403 403 404 404 404 404 403";
const COST_CHANGE: &str = "200 404 200 403 404 404 404 404 404 403";
const OWN_PROJECT_READ: &str = "200 200 200 200 200 200 404 404 404 200";
const OWN_PROJECT_CHANGE: &str = "200 403 200 403 403 403 404 404 404 403";
const FX_CHANGE: &str = "200 403 200 403 403 403 403 404 404 403";
const DRAFT_READ: &str = "200 404 200 200 404 404 404 404 404 200";
const DRAFT_CHANGE: &str = "200 404 403 200 404 404 404 404 404 403";
/// In review, the chain's approvers read it too (the engagement manager decides a step).
const REVIEW_READ: &str = "200 404 200 200 200 404 404 404 404 200";

const BILL: RateKind = RateKind::Bill;
const COST: RateKind = RateKind::StandardCost;

/// The five routes of a plain kind: list, create, read, change, archive, unarchive.
macro_rules! plain {
    ($c:literal, $t:expr, $b:expr, $list:expr, $create:expr, $read:expr, $change:expr) => {
        [
            ("get", $c, None, Body::None, $list),
            ("post", $c, None, $b, $create),
            ("get", concat!($c, "/{id}"), $t, Body::None, $read),
            ("patch", concat!($c, "/{id}"), $t, Body::Empty, $change),
            ("post", concat!($c, "/{id}/archive"), $t, Body::None, $change),
            ("post", concat!($c, "/{id}/unarchive"), $t, Body::None, $change),
        ]
    };
}

pub fn rows() -> Vec<Row> {
    let mut rows: Vec<Row> = Vec::new();
    rows.extend(plain!(
        "/api/v1/offering-types",
        Type,
        Body::Type,
        STAFF_200,
        KEEPERS_CREATE,
        STAFF_200,
        KEEPERS_CHANGE
    ));
    rows.extend(plain!(
        "/api/v1/offerings",
        Offering,
        Body::Offering,
        STAFF_200,
        KEEPERS_CREATE,
        STAFF_200,
        KEEPERS_CHANGE
    ));
    rows.extend(plain!(
        "/api/v1/skus",
        Sku,
        Body::Sku,
        STAFF_200,
        KEEPERS_CREATE,
        STAFF_200,
        KEEPERS_CHANGE
    ));
    rows.extend(plain!(
        "/api/v1/sku-prices",
        Price,
        Body::Price,
        STAFF_200,
        KEEPERS_CREATE,
        STAFF_200,
        KEEPERS_CHANGE
    ));
    rows.extend(plain!(
        "/api/v1/bundles",
        Bundle,
        Body::Bundle,
        STAFF_200,
        KEEPERS_CREATE,
        STAFF_200,
        KEEPERS_CHANGE
    ));
    rows.push(("get", "/api/v1/skus/{id}/quote", Sku, Body::None, STAFF_200));
    rows.extend(plain!(
        "/api/v1/role-rates",
        Rate(BILL),
        Body::Rate(BILL),
        BILL_READ,
        RATE_CREATE,
        BILL_READ,
        BILL_CHANGE
    ));
    rows.extend([
        ("post", "/api/v1/role-rates", None, Body::Rate(COST), RATE_CREATE),
        ("get", "/api/v1/role-rates/{id}", Rate(COST), Body::None, COST_READ),
        ("patch", "/api/v1/role-rates/{id}", Rate(COST), Body::Empty, COST_CHANGE),
    ]);
    rows.extend(plain!(
        "/api/v1/project-rates",
        ProjectRate(true),
        Body::ProjectRate,
        ALL_200,
        RATE_CREATE,
        OWN_PROJECT_READ,
        OWN_PROJECT_CHANGE
    ));
    rows.extend([
        (
            "get",
            "/api/v1/project-rates/{id}",
            ProjectRate(false),
            Body::None,
            BILL_READ,
        ),
        (
            "patch",
            "/api/v1/project-rates/{id}",
            ProjectRate(false),
            Body::Empty,
            BILL_CHANGE,
        ),
    ]);
    rows.extend(plain!(
        "/api/v1/cost-rates",
        CostRate,
        Body::CostRate,
        COST_READ,
        RATE_CREATE,
        COST_READ,
        COST_CHANGE
    ));
    rows.extend(plain!(
        "/api/v1/fx-rates",
        Fx,
        Body::Fx,
        STAFF_200,
        RATE_CREATE,
        STAFF_200,
        FX_CHANGE
    ));
    let draft = Request(Stage::Draft);
    rows.extend(plain!(
        "/api/v1/sku-requests",
        draft,
        Body::Request,
        STAFF_200,
        KEEPERS_CREATE,
        DRAFT_READ,
        DRAFT_CHANGE
    ));
    rows.extend([
        (
            "get",
            "/api/v1/sku-requests/{id}",
            Request(Stage::AtFinance),
            Body::None,
            REVIEW_READ,
        ),
        (
            "get",
            "/api/v1/sku-requests/{id}/steps",
            Request(Stage::AtFinance),
            Body::None,
            REVIEW_READ,
        ),
        (
            "post",
            "/api/v1/sku-requests/{id}/submit",
            draft,
            Body::None,
            DRAFT_CHANGE,
        ),
        // Only the waiting step's approver decides: finance first, then the engagement
        // manager; an administrator or the drafter may not.
        (
            "post",
            "/api/v1/sku-requests/{id}/decide",
            Request(Stage::AtFinance),
            Body::Approve,
            "403 404 200 403 403 404 404 404 404 403",
        ),
        (
            "post",
            "/api/v1/sku-requests/{id}/decide",
            Request(Stage::AtEngagement),
            Body::Approve,
            "403 404 403 403 200 404 404 404 404 403",
        ),
        (
            "post",
            "/api/v1/sku-requests/{id}/revise",
            Request(Stage::Rejected),
            Body::None,
            "200 404 403 200 403 404 404 404 404 403",
        ),
    ]);
    rows
}

async fn target(app: &TestApp, org: &Org, t: Target, role: usize) -> String {
    let s = app.store.as_ref();
    let id = match t {
        None => return String::new(),
        Type => cf::offering_type(s).await,
        Offering => cf::offering(s).await,
        Sku => cf::sku(s).await,
        Price => cf::price(s, cf::sku(s).await).await,
        Bundle => cf::bundle(s).await,
        Rate(kind) => cf::role_rate(s, kind).await,
        ProjectRate(own) => cf::project_rate(s, if own { org.own_project(role) } else { org.pb }).await,
        CostRate => cf::cost_rate(s, org.b_person).await,
        Fx => cf::fx(s).await,
        Request(stage) => cf::request(s, org, stage).await,
    };
    id.to_string()
}

async fn body(app: &TestApp, b: Body, org: &Org, role: usize) -> Option<Value> {
    let s = app.store.as_ref();
    let value = |v: &dyn erased::Json| v.to_json();
    Some(match b {
        Body::None => return Option::None,
        Body::Empty => json!({}),
        Body::Type => json!({"category": "Education", "name": format!("Type {}", next())}),
        Body::Offering => json!({"type_id": cf::offering_type(s).await, "name": "New", "maturity": "planned"}),
        Body::Sku => json!({"offering_id": cf::offering(s).await, "code": format!("NEW-{}", next()), "name": "New",
            "unit": "hourly", "currency": "USD", "channel": "web_direct", "status": "active"}),
        Body::Price => json!({"sku_id": cf::sku(s).await, "effective_from": "2031-01-01",
            "price": {"amount_minor": 50_000, "currency": "USD"}}),
        Body::Bundle => json!({"name": format!("Bundle {}", next()), "offering_ids": [cf::offering(s).await]}),
        Body::Rate(kind) => value(&cf::role_rate_fields(kind)),
        Body::ProjectRate => value(&cf::project_rate_fields(org.own_project(role))),
        Body::CostRate => value(&cf::cost_rate_fields(org.b_person)),
        Body::Fx => value(&cf::fx_fields()),
        Body::Request => value(&cf::request_fields(s).await),
        Body::Approve => json!({"decision": "approve"}),
    })
}

/// Fixture fields as the JSON a client sends.
mod erased {
    pub trait Json {
        fn to_json(&self) -> serde_json::Value;
    }
    impl<T: serde::Serialize> Json for T {
        fn to_json(&self) -> serde_json::Value {
            serde_json::to_value(self).unwrap_or_default()
        }
    }
}

async fn every_catalog_route_for_every_role(app: TestApp) {
    let org = Org::build(app.store.as_ref()).await;
    cf::chain(app.store.as_ref(), &org).await;
    let mut failures = Vec::new();
    for (method, path, t, b, expected) in rows() {
        let expected = crate::matrix_fixture::statuses(method, path, expected);
        for (role, want) in expected.iter().enumerate() {
            let url = path.replace("{id}", &target(&app, &org, t, role).await);
            let body = body(&app, b, &org, role).await;
            let r = crate::matrix_fixture::call(&app, &org, role, method, &url, body.as_ref()).await;
            crate::matrix_fixture::differs(&mut failures, (method, path), t, role, *want, &r);
        }
    }
    crate::matrix_fixture::assert_cells(&failures);
}

api_tests!(every_catalog_route_for_every_role);
