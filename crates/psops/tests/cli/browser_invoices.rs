//! Invoicing in headless Chromium: a consultant's week on a T&M project is submitted and
//! approved; finance drafts an invoice of the project through the month from /invoices,
//! reviews its line (7:00 h at 150.00 = 1,050.00 USD), issues it and sees its number; the
//! entry is then refused an edit and a reopen naming the invoice; finance credits the
//! invoice with a reason and the credit note shows the reversal. The CSV export of the
//! month carries both documents. Runs when `PSOPS_TEST_BROWSER=1`, on SQLite and (when
//! `PSOPS_TEST_POSTGRES_URL` is set) PostgreSQL; a failure saves a screenshot.

use serde_json::{Value, json};

use crate::browser::{PASSWORD, no_csp_violations, sign_in, text, user};
use crate::support::{Server, TestDb, http_get, http_json, run};
use crate::webdriver::Browser;

fn call(server: &Server, token: &str, method: &str, path: &str, body: Value) -> (u16, Value) {
    let res = http_json(&server.addr, method, path, token, &body, &[]);
    let v = serde_json::from_str(&res.body).unwrap_or(Value::Null);
    (res.status, v)
}

pub(crate) fn post(server: &Server, token: &str, path: &str, body: Value) -> Value {
    let (status, v) = call(server, token, "POST", path, body.clone());
    assert!((200..300).contains(&status), "POST {path} {body}: {status} {v}");
    v
}

/// A T&M project with an engineer's approved 7 hours on Tuesday 17 November 2026, billed
/// at 150.00 an hour. Returns (project, entry, consultant's token).
pub(crate) fn approved_time(db: &TestDb, server: &Server, admin: &str) -> (i64, i64, String) {
    post(
        server,
        admin,
        "/api/v1/role-rates",
        json!({"kind": "bill", "role": "engineer", "region": "AMER",
               "rate": {"amount_minor": 15_000, "currency": "USD"}, "effective_from": "2026-01-01"}),
    );
    let account = post(
        server,
        admin,
        "/api/v1/accounts",
        json!({"name": "Fabrikam", "region": "AMER"}),
    )["id"]
        .as_i64()
        .unwrap_or_default();
    let casey = post(
        server,
        admin,
        "/api/v1/people",
        json!({"name": "Casey Engineer", "email": "casey@example.com", "function": "engineer",
               "region": "AMER", "employment_start": "2020-01-01"}),
    )["id"]
        .as_i64()
        .unwrap_or_default();
    let project = post(
        server,
        admin,
        "/api/v1/projects",
        json!({"name": "Fabrikam data platform", "account_id": account, "project_type": "consulting",
               "billing_type": "time_and_materials", "status": "active", "start_date": "2026-01-05",
               "budget": {"amount_minor": 10_000_000, "currency": "USD"}}),
    )["id"]
        .as_i64()
        .unwrap_or_default();
    post(
        server,
        admin,
        "/api/v1/assignments",
        json!({"person_id": casey, "project_id": project, "role": "engineer", "start_date": "2026-01-05",
               "minutes_per_week": 2400}),
    );
    user(db, "casey@example.com", "consultant", casey);
    let token = crate::create_token(db, "casey@example.com", "casey");
    let entry = post(
        server,
        &token,
        "/api/v1/time-entries",
        json!({"person_id": casey, "project_id": project, "date": "2026-11-17", "minutes": 420, "billable": true}),
    )["id"]
        .as_i64()
        .unwrap_or_default();
    post(
        server,
        &token,
        &format!("/api/v1/timesheets/{casey}/2026-W47/submit"),
        json!({}),
    );
    post(
        server,
        admin,
        &format!("/api/v1/timesheets/{casey}/2026-W47/approve"),
        json!({"project_id": project}),
    );
    (project, entry, token)
}

fn invoices_in_a_browser(db: &TestDb, name: &str) {
    let Some(b) = Browser::start(name) else { return };
    crate::browser::admin_on(db);
    let fin = [
        "user",
        "create",
        "--email",
        "fin@example.com",
        "--name",
        "Fran Finance",
        "--role",
        "finance",
    ];
    run(db, &fin, Some(&format!("{PASSWORD}\n"))).assert_ok();
    let admin_token = crate::create_token(db, "admin@example.com", "invoices");
    let server = Server::start(db, &[]);
    let base = format!("http://{}", server.addr);
    let (project, entry, casey) = approved_time(db, &server, &admin_token);

    // Finance drafts the invoice of the project's time through the end of November.
    sign_in(&b, &base, "fin@example.com");
    b.goto(&format!("{base}/invoices"));
    b.wait_until("the invoices", |b| b.exists("#draft-invoice"));
    no_csp_violations(&b, "the invoices");
    b.click(&format!("#draft-project option[value=\"{project}\"]"));
    b.eval("document.querySelector('#draft-through').value = '2026-11-30';");
    b.click("#draft-submit");
    b.wait_until("the draft", |b| b.exists("#invoice-issue"));
    let lines = text(&b, "#invoice-lines tbody");
    assert!(lines.contains("Casey Engineer") && lines.contains("7:00 h"), "{lines}");
    assert!(lines.contains("150.00") && lines.contains("1050.00"), "{lines}");
    assert_eq!(text(&b, "#invoice-total"), "1050.00 USD");
    no_csp_violations(&b, "the draft");

    // Issued: it has its number.
    b.click("#issue");
    b.wait_until("the issued invoice", |b| b.url().contains("done=issued"));
    assert_eq!(text(&b, "#invoice-number"), "INV-000001");
    assert!(!b.exists("#invoice-issue"), "an issued invoice is not issued again");
    let at = b.url();

    // The invoiced entry refuses an edit and a reopen, naming the invoice.
    let (status, problem) = call(
        &server,
        &casey,
        "PATCH",
        &format!("/api/v1/time-entries/{entry}"),
        json!({"minutes": 60}),
    );
    assert_eq!(status, 409, "{problem}");
    assert_eq!(problem["errors"][0]["rule"], "invoiced", "{problem}");
    assert!(problem.to_string().contains("INV-000001"), "{problem}");
    let (status, problem) = call(
        &server,
        &admin_token,
        "POST",
        "/api/v1/time-entries/reopen",
        json!({"entry_ids": [entry]}),
    );
    assert_eq!(status, 409, "{problem}");
    assert!(problem.to_string().contains("INV-000001"), "{problem}");

    // Credited with a reason: the credit note reverses it.
    b.goto(&at);
    b.wait_until("the invoice", |b| b.exists("#invoice-credit"));
    b.type_into("#reason", "Hours billed to the wrong purchase order");
    b.click("#credit");
    b.wait_until("the credit note", |b| b.url().contains("done=credited"));
    assert_eq!(text(&b, "#invoice-number"), "CN-000001");
    assert_eq!(text(&b, "#invoice-total"), "-1050.00 USD");
    no_csp_violations(&b, "the credit note");

    // The month's export carries the invoice and the credit note, a row each.
    let csv = http_get(
        &server.addr,
        "/api/v1/invoices/export.csv?from=2026-01-01&to=2200-12-31",
        Some(&admin_token),
    );
    assert_eq!(csv.status, 200, "{}", csv.body);
    assert!(
        csv.body.contains("INV-000001") && csv.body.contains("CN-000001"),
        "{}",
        csv.body
    );
    assert!(csv.body.contains(",-1050.00,"), "{}", csv.body);
}

#[test]
fn finance_drafts_issues_and_credits_an_invoice_in_a_browser() {
    invoices_in_a_browser(&TestDb::sqlite(), "invoices");
}

#[test]
fn the_invoice_flow_in_a_browser_on_postgres() {
    crate::browser::on_postgres(|db| invoices_in_a_browser(db, "invoices-postgres"));
}
