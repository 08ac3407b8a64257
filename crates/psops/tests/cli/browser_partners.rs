//! Partner invoices in headless Chromium: a partner's manager signs in, sees only their
//! organisation's invoices, and uploads their monthly invoice as CSV with one line
//! billing an hour more than was approved; the partner-collaboration team (an ops user)
//! sees that line flagged `over` with its difference, is refused the approval without a
//! reason, and approves it with one. Runs when `PSOPS_TEST_BROWSER=1`, on SQLite and
//! (when `PSOPS_TEST_POSTGRES_URL` is set) PostgreSQL; a failure saves a screenshot.

use serde_json::{Value, json};

use crate::browser::{PASSWORD, no_csp_violations, sign_in, sign_out, text, user};
use crate::browser_invoices::post;
use crate::support::{Server, TestDb, http_json, run};
use crate::webdriver::Browser;

fn id(v: &Value) -> i64 {
    v["id"].as_i64().unwrap_or_else(|| panic!("no id in {v}"))
}

fn usd(minor: i64) -> Value {
    json!({"amount_minor": minor, "currency": "USD"})
}

/// A prime SOW of the partner and a work authorization on `project` for 2026, paying
/// $100.00 an hour for a partner consultant.
fn authorize(server: &Server, admin: &str, name: &str, partner: i64, project: i64) {
    let rates = json!([{"role": "partner_consultant", "rate": usd(11_000)}]);
    let sow = id(&post(
        server,
        admin,
        "/api/v1/prime-sows",
        json!({"partner_id": partner, "name": format!("PSOW {name}"), "funds": usd(100_000_000),
               "rates": rates, "start_date": "2026-01-01", "end_date": "2026-12-31", "status": "active"}),
    ));
    post(
        server,
        admin,
        "/api/v1/work-authorizations",
        json!({"prime_sow_id": sow, "project_id": project, "name": format!("WA {name}"), "scope": "Delivery",
               "rates": [{"role": "partner_consultant", "rate": usd(10_000)}],
               "start_date": "2026-01-01", "end_date": "2026-12-31", "committed": usd(10_000_000)}),
    );
}

/// A partner consultant with a user, whose `minutes` on `project` on Monday 2 March 2026
/// are submitted and approved. Returns the person.
fn approved(db: &TestDb, server: &Server, admin: &str, email: &str, partner: i64, project: i64, minutes: i64) -> i64 {
    let person = id(&post(
        server,
        admin,
        "/api/v1/people",
        json!({"name": email.split('@').next().unwrap_or(email), "email": email, "function": "partner_consultant",
               "region": "EMEA", "employment_start": "2020-01-01", "partner_id": partner}),
    ));
    user(db, email, "partner_consultant", person);
    let token = crate::create_token(db, email, "time");
    post(
        server,
        &token,
        "/api/v1/time-entries",
        json!({"person_id": person, "project_id": project, "date": "2026-03-02", "minutes": minutes}),
    );
    post(
        server,
        &token,
        &format!("/api/v1/timesheets/{person}/2026-W10/submit"),
        json!({}),
    );
    post(
        server,
        admin,
        &format!("/api/v1/timesheets/{person}/2026-W10/approve"),
        json!({"project_id": project}),
    );
    person
}

/// Meridian Cloud and Cascade DevOps, each delivering a project of its own under a work
/// authorization at $100.00 an hour: Mia's and Max's 8 h at Meridian (code `CR-1`) and
/// Cy's 4 h at Cascade approved on 2 March 2026; Cascade's March invoice received; Morgan
/// Lead, Meridian's manager, with a user. Returns Meridian's id.
pub(crate) fn world(db: &TestDb, server: &Server, admin: &str) -> i64 {
    // Partner consultants log time without an assignment here, so they need no vetting.
    let res = http_json(
        &server.addr,
        "PATCH",
        "/api/v1/settings",
        admin,
        &json!({"time_without_assignment": true}),
        &[("If-Match", "*")],
    );
    assert_eq!(res.status, 200, "{}", res.body);
    let account = id(&post(server, admin, "/api/v1/accounts", json!({"name": "Contoso"})));
    let partner = |name: &str| {
        id(&post(
            server,
            admin,
            "/api/v1/partners",
            json!({"name": name, "partner_type": "staff_augmentation"}),
        ))
    };
    let meridian = partner("Meridian Cloud");
    let cascade = partner("Cascade DevOps");
    // Each partner delivers a project of its own (its consultants log time only there).
    let project = |name: &str, code: &str, partner: i64| {
        id(&post(
            server,
            admin,
            "/api/v1/projects",
            json!({"name": name, "code": code, "account_id": account, "project_type": "consulting",
                   "billing_type": "time_and_materials", "status": "active", "start_date": "2026-01-05",
                   "partner_delivered": true, "partner_id": partner}),
        ))
    };
    let rollout = project("Contoso rollout", "CR-1", meridian);
    let upgrade = project("Contoso upgrade", "CU-1", cascade);
    authorize(server, admin, "Meridian Cloud", meridian, rollout);
    authorize(server, admin, "Cascade DevOps", cascade, upgrade);
    approved(db, server, admin, "mia@meridian.example", meridian, rollout, 480);
    approved(db, server, admin, "max@meridian.example", meridian, rollout, 480);
    let cy = approved(db, server, admin, "cy@cascade.example", cascade, upgrade, 240);
    // Cascade's own invoice, which Meridian's manager must never see.
    post(
        server,
        admin,
        "/api/v1/partner-invoices",
        json!({"partner_id": cascade, "number": "CAS-0326", "month": "2026-03", "received_on": "2026-04-02",
               "currency": "USD", "lines": [{"po": "WA Cascade DevOps", "from_date": "2026-03-01",
               "to_date": "2026-03-31", "person_id": cy, "project_id": upgrade, "minutes": 240,
               "rate": usd(10_000), "total": usd(40_000)}]}),
    );
    let morgan = id(&post(
        server,
        admin,
        "/api/v1/people",
        json!({"name": "Morgan Lead", "email": "morgan@meridian.example", "function": "partner_consultant",
               "region": "EMEA", "employment_start": "2020-01-01", "partner_id": meridian}),
    ));
    user(db, "morgan@meridian.example", "partner_manager", morgan);
    meridian
}

fn partner_invoices_in_a_browser(db: &TestDb, name: &str) {
    let Some(b) = Browser::start(name) else { return };
    run(db, &["migrate"], None).assert_ok();
    for (email, role) in [("admin@example.com", "admin"), ("olive@example.com", "ops")] {
        let args = ["user", "create", "--email", email, "--name", email, "--role", role];
        run(db, &args, Some(&format!("{PASSWORD}\n"))).assert_ok();
    }
    let admin = crate::create_token(db, "admin@example.com", "partners");
    let server = Server::start(db, &[]);
    let base = format!("http://{}", server.addr);
    world(db, &server, &admin);

    // Meridian's manager: only Meridian, and the upload form for Meridian only.
    sign_in(&b, &base, "morgan@meridian.example");
    b.goto(&format!("{base}/partner-invoices"));
    b.wait_until("the partner invoices", |b| b.exists("#upload-form"));
    no_csp_violations(&b, "the partner invoices");
    let page = b.page_source();
    assert!(
        !page.contains("CAS-0326") && !page.contains("Cascade"),
        "another partner shows"
    );
    let options = text(&b, "#u-partner");
    assert_eq!(options, "Meridian Cloud");
    b.type_into("#u-number", "MER-2026-03");
    b.type_into("#u-month", "2026-03");
    b.eval("document.querySelector('#u-received').value = '2026-04-03';");
    let upload = "partner,po,from,to,consultant,project,hours,rate,total\\n\
                  Meridian Cloud,WA Meridian Cloud,2026-03-01,2026-03-31,mia@meridian.example,CR-1,8,100.00,800.00\\n\
                  Meridian Cloud,WA Meridian Cloud,2026-03-01,2026-03-31,max@meridian.example,CR-1,9,100.00,900.00\\n";
    b.eval(&format!("document.querySelector('#u-csv').value = \"{upload}\";"));
    b.click("#upload-submit");
    b.wait_until("the uploaded invoice", |b| b.exists("#reconciliation"));
    assert_eq!(text(&b, "#invoice-number"), "MER-2026-03");
    assert!(!b.exists("#approve-form"), "a partner never approves its own invoice");
    let at = b.url();
    sign_out(&b);

    // The partner-collaboration team sees the over-billed line and its difference.
    sign_in(&b, &base, "olive@example.com");
    b.goto(&at);
    b.wait_until("the reconciliation", |b| b.exists("#approve-form"));
    no_csp_violations(&b, "the reconciliation");
    assert_eq!(text(&b, "#line-1 .outcome"), "matched");
    assert_eq!(text(&b, "#line-2 .outcome"), "over");
    assert_eq!(text(&b, "#line-2 .difference"), "+$100.00");
    assert_eq!(text(&b, "#invoice-variance"), "+$100.00");
    // Not without a reason.
    b.click("#approve-submit");
    b.wait_until("the refusal", |b| b.exists(".problem"));
    let problem = text(&b, ".problem").to_lowercase();
    assert!(
        problem.contains("line 2 (over) does not match") && problem.contains("+$100.00"),
        "{problem}"
    );
    assert_eq!(text(&b, "#invoice-status"), "Received");
    b.type_into("#approve-reason", "Max's extra hour was agreed with the delivery lead");
    b.click("#approve-submit");
    b.wait_until("the approved invoice", |b| text(b, "#invoice-status") == "Approved");
    assert_eq!(text(&b, "#accepted-variance"), "+$100.00");
    assert!(text(&b, "#decision-reason").contains("agreed with the delivery lead"));
    assert!(!b.exists("#approve-form"), "an approved invoice is not decided again");
    no_csp_violations(&b, "the approved invoice");
}

#[test]
fn a_partner_uploads_an_invoice_and_ops_approves_its_variance_in_a_browser() {
    partner_invoices_in_a_browser(&TestDb::sqlite(), "partner-invoices");
}

#[test]
fn partner_invoices_in_a_browser_on_postgres() {
    crate::browser::on_postgres(|db| partner_invoices_in_a_browser(db, "partner-invoices-postgres"));
}
