//! The authorization matrix of prime partner SOWs and work authorizations: every role
//! against fresh records of partner A (whose manager and consultant the matrix has) and
//! of partner B (probes: ids a partner's people guess of another partner). Ops, finance
//! and administrators keep them; leadership reads them; partner A's manager reads only
//! partner A's; nobody else reads any. `matrix.rs` counts these rows when it checks every
//! documented route has one.

use serde_json::{Value, json};

use crate::matrix_fixture::Org;
use crate::matrix_partner_funds_fixture as pf;
use crate::support::{TestApp, api_tests};

#[derive(Clone, Copy, Debug)]
pub enum Target {
    None,
    /// A fresh prime SOW (`wa: false`) or work authorization of partner A (`a`) or B,
    /// archived when the route restores one.
    Fresh {
        wa: bool,
        a: bool,
        archived: bool,
    },
    /// Partner A (`true`) or B, both enrolled as training service partners.
    Partner(bool),
}

#[derive(Clone, Copy, Debug)]
pub enum Body {
    None,
    Empty,
    /// A new prime SOW of partner A (`true`) or B.
    Sow(bool),
    /// A new work authorization on a fresh prime SOW of partner A (`true`) or B.
    Wa(bool),
}

/// (method, path, target, body, statuses: admin ops finance practice engagement pm
/// consultant partner-manager partner-consultant leadership)
type Row = (&'static str, &'static str, Target, Body, &'static str);

/// Lists: the company's keepers and leadership, and partner A's manager (their own).
const LIST: &str = "200 200 200 404 404 404 404 200 404 200";
const CREATE: &str = "201 201 201 403 403 403 403 403 403 403";
const A_READ: &str = "200 200 200 404 404 404 404 200 404 200";
const B_READ: &str = "200 200 200 404 404 404 404 404 404 200";
const A_KEEP: &str = "200 200 200 404 404 404 404 403 404 403";
const B_KEEP: &str = "200 200 200 404 404 404 404 404 404 403";

pub fn rows() -> Vec<Row> {
    let t = |wa, a, archived| Target::Fresh { wa, a, archived };
    let mut rows = vec![
        // The partner report: partner A's manager reads their own line.
        ("get", "/api/v1/reports/partners", Target::None, Body::None, LIST),
        // Training service partners' compliance, read as the partner report is.
        ("get", "/api/v1/training-partners", Target::None, Body::None, LIST),
        (
            "get",
            "/api/v1/training-partners/{id}",
            Target::Partner(true),
            Body::None,
            A_READ,
        ),
        (
            "get",
            "/api/v1/training-partners/{id}",
            Target::Partner(false),
            Body::None,
            B_READ,
        ),
        ("get", "/api/v1/prime-sows", Target::None, Body::None, LIST),
        ("post", "/api/v1/prime-sows", Target::None, Body::Sow(true), CREATE),
        ("post", "/api/v1/prime-sows", Target::None, Body::Sow(false), CREATE),
        ("get", "/api/v1/work-authorizations", Target::None, Body::None, LIST),
        (
            "post",
            "/api/v1/work-authorizations",
            Target::None,
            Body::Wa(true),
            CREATE,
        ),
        (
            "post",
            "/api/v1/work-authorizations",
            Target::None,
            Body::Wa(false),
            CREATE,
        ),
        (
            "get",
            "/api/v1/prime-sows/{id}/funds",
            t(false, true, false),
            Body::None,
            A_READ,
        ),
        (
            "get",
            "/api/v1/prime-sows/{id}/funds",
            t(false, false, false),
            Body::None,
            B_READ,
        ),
    ];
    for (wa, base) in [(false, "/api/v1/prime-sows"), (true, "/api/v1/work-authorizations")] {
        let (item, archive, unarchive) = match wa {
            false => (
                "/api/v1/prime-sows/{id}",
                "/api/v1/prime-sows/{id}/archive",
                "/api/v1/prime-sows/{id}/unarchive",
            ),
            true => (
                "/api/v1/work-authorizations/{id}",
                "/api/v1/work-authorizations/{id}/archive",
                "/api/v1/work-authorizations/{id}/unarchive",
            ),
        };
        let _ = base;
        for (a, read, keep) in [(true, A_READ, A_KEEP), (false, B_READ, B_KEEP)] {
            rows.push(("get", item, t(wa, a, false), Body::None, read));
            rows.push(("patch", item, t(wa, a, false), Body::Empty, keep));
            rows.push(("post", archive, t(wa, a, false), Body::None, keep));
            rows.push(("post", unarchive, t(wa, a, true), Body::None, keep));
        }
    }
    rows
}

async fn body(app: &TestApp, b: Body, org: &Org) -> Option<Value> {
    let store = app.store.as_ref();
    Some(match b {
        Body::None => return None,
        Body::Empty => json!({}),
        Body::Sow(a) => {
            let partner = if a { org.partner_a } else { org.partner_b };
            serde_json::to_value(pf::sow_fields(partner)).unwrap_or_default()
        }
        Body::Wa(a) => {
            let (partner, project) = if a {
                (org.partner_a, org.pa)
            } else {
                (org.partner_b, org.pb)
            };
            let sow = pf::sow(store, partner).await;
            serde_json::to_value(pf::wa_fields(sow, project)).unwrap_or_default()
        }
    })
}

async fn every_partner_funds_route_for_every_role(app: TestApp) {
    let org = Org::build(app.store.as_ref()).await;
    crate::tsp::enrol(app.store.as_ref(), org.partner_a).await;
    crate::tsp::enrol(app.store.as_ref(), org.partner_b).await;
    let mut failures = Vec::new();
    for (method, path, t, b, expected) in rows() {
        let expected = crate::matrix_fixture::statuses(method, path, expected);
        for (role, want) in expected.iter().enumerate() {
            let id = match t {
                Target::None => String::new(),
                Target::Fresh { wa, a, archived } => {
                    pf::target(app.store.as_ref(), &org, wa, a, archived).await.to_string()
                }
                Target::Partner(a) => if a { org.partner_a } else { org.partner_b }.to_string(),
            };
            let url = path.replace("{id}", &id);
            let body = body(&app, b, &org).await;
            let r = crate::matrix_fixture::call(&app, &org, role, method, &url, body.as_ref()).await;
            crate::matrix_fixture::differs(&mut failures, (method, path), t, role, *want, &r);
        }
    }
    crate::matrix_fixture::assert_cells(&failures);
}

/// A partner's manager lists only their own organisation's records, whatever partner
/// they ask for, and reads no other partner's funds.
async fn a_partner_manager_sees_only_their_own_partners_funds(app: TestApp) {
    let org = Org::build(app.store.as_ref()).await;
    let manager = 7;
    let b_sow = pf::target(app.store.as_ref(), &org, false, false, false).await;
    for url in [
        "/api/v1/prime-sows".to_string(),
        "/api/v1/work-authorizations".to_string(),
        format!("/api/v1/prime-sows?partner_id={}", org.partner_b),
        format!("/api/v1/work-authorizations?partner_id={}", org.partner_b),
        format!("/api/v1/work-authorizations?prime_sow_id={b_sow}"),
    ] {
        let r = crate::matrix_fixture::call(&app, &org, manager, "get", &url, None).await;
        assert_eq!(r.status.as_u16(), 200, "{url}: {}", r.text);
        for item in r.body["items"].as_array().into_iter().flatten() {
            let partner = item["partner_id"].as_i64();
            let sow = item["prime_sow_id"].as_i64();
            assert!(partner.is_none_or(|p| p == org.partner_a), "{url}: {item}");
            assert!(sow != Some(b_sow), "{url}: {item}");
        }
    }
    let r = crate::matrix_fixture::call(&app, &org, manager, "get", "/api/v1/prime-sows", None).await;
    let n = r.body["items"].as_array().map(Vec::len).unwrap_or(0);
    assert_eq!(n, 1, "partner A's own prime SOW: {}", r.text);
    // No company rate shows in what a partner's manager reads.
    for key in ["bill_rate", "cost_rate", "cost"] {
        assert!(!r.text.contains(&format!("\"{key}\"")), "{key} in {}", r.text);
    }
}

/// A partner's manager reads their own organisation's line of the partner report, with
/// no revenue, margin or share of the company's figures; the company's keepers read
/// every partner's.
async fn a_partner_manager_reads_only_their_own_report_line(app: TestApp) {
    let org = Org::build(app.store.as_ref()).await;
    let url = "/api/v1/reports/partners?from=2026-01&to=2026-03";
    let r = crate::matrix_fixture::call(&app, &org, 7, "get", url, None).await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    let rows = r.body["rows"].as_array().cloned().unwrap_or_default();
    assert_eq!(rows.len(), 1, "{}", r.text);
    assert_eq!(rows[0]["partner_id"].as_i64(), Some(org.partner_a));
    for key in [
        "revenue_minor",
        "margin_minor",
        "margin_bp",
        "hours_share_bp",
        "revenue_share_bp",
    ] {
        assert!(rows[0][key].is_null(), "{key}: {}", r.text);
        assert!(r.body["total"][key].is_null(), "total {key}: {}", r.text);
    }
    assert!(r.body["all_revenue_minor"].is_null());
    let admin = crate::matrix_fixture::call(&app, &org, 0, "get", url, None).await;
    let ids: Vec<i64> = admin.body["rows"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|x| x["partner_id"].as_i64())
        .collect();
    assert!(
        ids.contains(&org.partner_a) && ids.contains(&org.partner_b),
        "{}",
        admin.text
    );
    assert!(admin.body["all_revenue_minor"].is_i64(), "{}", admin.text);
    // A bad month is refused, naming the field.
    let bad = crate::matrix_fixture::call(&app, &org, 0, "get", "/api/v1/reports/partners?from=2026-13", None).await;
    assert_eq!(bad.status.as_u16(), 422, "{}", bad.text);
    assert!(bad.text.contains("from"), "{}", bad.text);
}

api_tests!(
    every_partner_funds_route_for_every_role,
    a_partner_manager_sees_only_their_own_partners_funds,
    a_partner_manager_reads_only_their_own_report_line
);
