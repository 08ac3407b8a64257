//! A new SKU from request to catalog in headless Chromium: a practice manager drafts a
//! SKU request from an offering's page and submits it; each approver of a two-step chain
//! signs in, finds it from the navigation and approves it in turn; the SKU is then
//! active with its number, on its offering's page and counted in the catalog browser.
//! A consultant finds no rates anywhere — no navigation, the 404 page for the cost
//! rates, and 404 from the API. The catalog's pages fit a 390-px phone without
//! scrolling sideways. Runs when `PSOPS_TEST_BROWSER=1`; a failure saves a screenshot.

use serde_json::{Value, json};

use crate::browser::{PASSWORD, no_csp_violations, sign_in, sign_out, text, user, with_admin};
use crate::support::{Server, TestDb, http_get, http_json, run};
use crate::webdriver::Browser;

fn api(server: &Server, token: &str, method: &str, path: &str, body: &Value, extra: &[(&str, &str)]) -> Value {
    let res = http_json(&server.addr, method, path, token, body, extra);
    assert!(
        (200..300).contains(&res.status),
        "{method} {path} {body}: {}\n{}",
        res.head,
        res.body
    );
    serde_json::from_str(&res.body).unwrap_or_else(|e| panic!("{method} {path}: not JSON ({e}): {}", res.body))
}

/// A user without a person of their own (they log no time).
fn staff(db: &TestDb, email: &str, role: &str) {
    let args = ["user", "create", "--email", email, "--name", email, "--role", role];
    run(db, &args, Some(&format!("{PASSWORD}\n"))).assert_ok();
}

fn user_id(server: &Server, token: &str, email: &str) -> i64 {
    let res = http_get(&server.addr, "/api/v1/users?limit=100", Some(token));
    let users: Value = serde_json::from_str(&res.body).unwrap_or_else(|e| panic!("users ({e}): {}", res.body));
    users["items"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|u| u["email"] == email)
        .and_then(|u| u["id"].as_i64())
        .unwrap_or_else(|| panic!("no user {email}: {}", res.body))
}

/// Sets an input's value as a person would by typing it in full.
fn fill(b: &Browser, css: &str, value: &str) {
    b.eval(&format!("document.querySelector({css:?}).value = '';"));
    b.type_into(css, value);
}

/// Whether the page is no wider than the window: nothing to scroll sideways.
fn fits(b: &Browser) -> bool {
    b.eval("return document.documentElement.scrollWidth <= window.innerWidth;")
        .as_bool()
        .unwrap_or(false)
}

/// Approves the waiting step as the signed-in approver, found from the navigation.
fn approve_from_the_catalog(b: &Browser, base: &str, request: &str) {
    b.goto(&format!("{base}/"));
    b.click("header.top nav a[href=\"/catalog\"]");
    b.wait_until("the catalog", |b| b.exists("#offerings-table"));
    assert!(
        text(b, "p.notice").contains("1 SKU request waits for your decision"),
        "{}",
        text(b, "p.notice")
    );
    b.click("p.notice a");
    b.wait_until("the inbox", |b| b.url().contains("waiting=me"));
    b.click(&format!("#requests-table a[href=\"{request}\"]"));
    b.wait_until("the request", |b| b.exists("#approve"));
    b.click("#approve");
    b.wait_until("the decision", |b| b.url().contains("done=approved"));
}

#[test]
fn a_sku_request_is_approved_in_turn_and_its_sku_joins_the_catalog() {
    let Some(b) = Browser::start("catalog") else { return };
    let db = with_admin();
    let admin = crate::create_token(&db, "admin@example.com", "catalog");
    staff(&db, "prue@example.com", "practice_manager");
    staff(&db, "fran@example.com", "finance");
    staff(&db, "lee@example.com", "leadership");
    let server = Server::start(&db, &[]);
    let base = format!("http://{}", server.addr);
    let post = |path: &str, body: Value| api(&server, &admin, "POST", path, &body, &[]);
    let casey = post(
        "/api/v1/people",
        json!({"name": "Casey Consultant", "email": "casey@example.com", "function": "engineer",
               "region": "EMEA", "employment_start": "2020-01-01"}),
    );
    user(
        &db,
        "casey@example.com",
        "consultant",
        casey["id"].as_i64().unwrap_or(-1),
    );
    let chain = json!({"sku_approval_chain": [
        {"name": "Finance review", "approver": user_id(&server, &admin, "fran@example.com")},
        {"name": "CFO", "approver": user_id(&server, &admin, "lee@example.com")},
    ]});
    api(
        &server,
        &admin,
        "PATCH",
        "/api/v1/settings",
        &chain,
        &[("If-Match", "*")],
    );
    let ty = post(
        "/api/v1/offering-types",
        json!({"category": "Consulting", "name": "Acceptance"}),
    );
    let offering = post(
        "/api/v1/offerings",
        json!({"type_id": ty["id"], "name": "Acceptance+", "maturity": "viable",
               "checklist": ["Kick-off", "Dry run"], "effort": [{"role": "engineer", "minutes": 2400}]}),
    );
    let offering = offering["id"].as_i64().unwrap_or(-1);
    post(
        "/api/v1/cost-rates",
        json!({"person_id": casey["id"], "rate": {"amount_minor": 9550, "currency": "USD"}, "effective_from": "2020-01-01"}),
    );

    // The practice manager drafts the request from the offering's page and submits it.
    sign_in(&b, &base, "prue@example.com");
    b.click("header.top nav a[href=\"/catalog\"]");
    b.wait_until("the catalog", |b| b.exists("#offerings-table"));
    b.click(&format!("#offerings-table a[href=\"/catalog/offerings/{offering}\"]"));
    b.wait_until("the offering", |b| b.exists("#maturity"));
    b.click(&format!("a[href=\"/catalog/requests/new?offering={offering}\"]"));
    b.wait_until("the request form", |b| b.exists("#f-name"));
    assert!(
        b.value("#f-offering_id").contains("Acceptance+"),
        "the offering is filled in"
    );
    fill(&b, "#f-name", "Migration assessment");
    b.click("#f-unit option[value=\"fixed_package\"]");
    fill(&b, "#f-list_price", "8000");
    fill(&b, "#f-minutes", "40");
    fill(&b, "#f-hourly_cost", "95.50");
    fill(&b, "#f-te_assumption", "None: delivered remotely");
    fill(
        &b,
        "#f-specimen_sow",
        "The consultant assesses the customer's instance…",
    );
    b.click("form.record-form button[type=submit]");
    b.wait_until("the request's page", |b| b.url().contains("saved=1"));
    let request = b.url();
    let request = request
        .trim_start_matches(&base)
        .split('?')
        .next()
        .unwrap_or_default()
        .to_string();
    assert!(
        text(&b, "#delivery-cost").starts_with("3,820.00 USD"),
        "{}",
        text(&b, "#delivery-cost")
    );
    assert!(!b.exists("#approve"), "the drafter does not decide");
    b.click("#submit-request");
    b.wait_until("submitted", |b| b.url().contains("done=submitted"));
    assert!(text(&b, "#request-status").contains("In review"));
    no_csp_violations(&b, "the SKU request");

    // On a phone the catalog's pages fit the width.
    b.resize(390, 844);
    for path in [
        "/catalog".to_string(),
        format!("/catalog/offerings/{offering}"),
        request.clone(),
        "/catalog/requests".into(),
    ] {
        b.goto(&format!("{base}{path}"));
        b.wait_until("the page", |b| b.exists("main h1"));
        assert!(fits(&b), "{path} scrolls sideways at 390 px");
    }
    b.resize(1280, 900);
    sign_out(&b);

    // Each approver signs in and approves in turn.
    sign_in(&b, &base, "fran@example.com");
    approve_from_the_catalog(&b, &base, &request);
    assert!(text(&b, "#steps-table").contains("Approved"));
    sign_out(&b);
    sign_in(&b, &base, "lee@example.com");
    approve_from_the_catalog(&b, &base, &request);
    assert!(text(&b, "#request-status").contains("Approved"));
    assert!(
        text(&b, "#made-sku").starts_with("PS-0001"),
        "{}",
        text(&b, "#made-sku")
    );
    b.click("#made-sku");
    b.wait_until("the SKU on its offering", |b| b.exists("#skus-table"));
    let skus = text(&b, "#skus-table");
    assert!(skus.contains("PS-0001") && skus.contains("Active"), "{skus}");
    assert!(skus.contains("8,000.00 USD"), "priced from today: {skus}");
    // The handbook's catalog a new organisation starts with holds its own Migration+;
    // this offering is the test's own.
    b.goto(&format!("{base}/catalog?q=Acceptance"));
    let row = text(&b, "#offerings-table tbody tr");
    assert!(
        row.contains("Acceptance+") && row.trim_end().ends_with('1'),
        "counted: {row}"
    );
    no_csp_violations(&b, "the approvals");
    // Leadership sees the rate card and the cost rates.
    b.goto(&format!("{base}/rates/cost"));
    assert!(text(&b, "#cost-table").contains("95.50 USD"));
    sign_out(&b);

    // A consultant: no Rates, the 404 page for the cost rates, 404 from the API.
    sign_in(&b, &base, "casey@example.com");
    assert!(!b.exists("header.top nav a[href=\"/rates\"]"), "no Rates navigation");
    assert!(
        b.exists("header.top nav a[href=\"/catalog\"]"),
        "the catalog is everyone's"
    );
    for path in ["/rates", "/rates/cost", "/rates/fx"] {
        b.goto(&format!("{base}{path}"));
        assert_eq!(text(&b, "main h1"), "Not found", "{path}");
        assert!(!b.page_source().contains("95.50"), "{path}");
    }
    let token = crate::create_token(&db, "casey@example.com", "laptop");
    assert_eq!(http_get(&server.addr, "/api/v1/cost-rates", Some(&token)).status, 404);
    assert_eq!(http_get(&server.addr, "/api/v1/cost-rates", Some(&admin)).status, 200);
}
