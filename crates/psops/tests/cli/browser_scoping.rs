//! Scoping's main flow in headless Chromium: an engagement manager opens an opportunity
//! from the board, moves it to strawman WIP and builds a $60,000 estimate from a SKU line
//! and a T&M line, shares it and marks it agreed; the move to SOW WIP is stopped by the TA
//! gate, so they engage a technical architect and ask for the review, which the TA
//! approves from their scoping inbox. Now at SOW WIP, the EM drafts a fixed-fee SOW with
//! two milestones and submits it; each of the six approvers signs in and approves it from
//! their inbox; the EM downloads the PDF (a PDF holding the SOW number and the total),
//! records the customer's signature, and the project is in set-up with the SOW's budget,
//! milestones and the offering's checklist. The scoping pages fit a 390-px phone. Runs
//! when `PSOPS_TEST_BROWSER=1`; a failure saves a screenshot.

use serde_json::{Value, json};
use time::{Duration, OffsetDateTime, Weekday};

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

fn get(server: &Server, token: &str, path: &str) -> Value {
    let res = http_get(&server.addr, path, Some(token));
    assert_eq!(res.status, 200, "GET {path}: {}", res.body);
    serde_json::from_str(&res.body).unwrap_or_else(|e| panic!("GET {path}: not JSON ({e}): {}", res.body))
}

/// A user without a person of their own (approvers log no time).
fn staff(db: &TestDb, email: &str, role: &str) {
    let args = ["user", "create", "--email", email, "--name", email, "--role", role];
    run(db, &args, Some(&format!("{PASSWORD}\n"))).assert_ok();
}

fn user_id(server: &Server, token: &str, email: &str) -> i64 {
    let users = get(server, token, "/api/v1/users?limit=100");
    users["items"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|u| u["email"] == email)
        .and_then(|u| u["id"].as_i64())
        .unwrap_or_else(|| panic!("no user {email}: {users}"))
}

fn id(v: &Value) -> i64 {
    v["id"].as_i64().unwrap_or_else(|| panic!("no id in {v}"))
}

/// Sets an input's value as a person would by typing it in full.
fn fill(b: &Browser, css: &str, value: &str) {
    b.eval(&format!("document.querySelector({css:?}).value = '';"));
    b.type_into(css, value);
}

/// A date input takes its value as the date picker would set it: typing into one
/// depends on the browser's locale, so the value is set directly.
fn pick_date(b: &Browser, css: &str, day: &str) {
    b.eval(&format!(
        "const e = document.querySelector({css:?}); e.value = {day:?}; e.dispatchEvent(new Event('change', {{bubbles: true}}));"
    ));
}

/// Whether the page is no wider than the window: nothing to scroll sideways.
fn fits(b: &Browser) -> bool {
    b.eval("return document.documentElement.scrollWidth <= window.innerWidth;")
        .as_bool()
        .unwrap_or(false)
}

/// The path of the current page, without the query.
fn path(b: &Browser, base: &str) -> String {
    b.url()
        .trim_start_matches(base)
        .split('?')
        .next()
        .unwrap_or_default()
        .to_string()
}

/// A weekday about a week ahead: well past the TA's one business day of notice.
fn a_week_ahead() -> String {
    let mut day = OffsetDateTime::now_utc().date() + Duration::days(7);
    while matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday) {
        day += Duration::days(1);
    }
    day.to_string()
}

/// Clicks a move button of the opportunity's page and waits for the page that answers
/// it, moved or refused. The page before is marked, so a URL the two share (`done=moved`
/// after the previous move) is not taken for the answer.
fn move_to(b: &Browser, state: &str) {
    b.eval("document.body.dataset.before = 'yes';");
    b.click(&format!("#move-{state}"));
    b.wait_until(&format!("the move to {state}"), |b| {
        b.eval("return document.readyState === 'complete' && document.body !== null && document.body.dataset.before !== 'yes';")
            .as_bool()
            .unwrap_or(false)
    });
}

/// The bytes of a URL fetched by the page itself, with its session: a synchronous
/// request whose body is read as bytes (`x-user-defined` keeps each byte as one char).
fn fetch_bytes(b: &Browser, url: &str) -> (u16, String, Vec<u8>) {
    let script = format!(
        "const x = new XMLHttpRequest(); x.open('GET', {url:?}, false);
         x.overrideMimeType('text/plain; charset=x-user-defined'); x.send();
         const s = x.responseText; const bytes = new Array(s.length);
         for (let i = 0; i < s.length; i++) {{ bytes[i] = s.charCodeAt(i) & 0xff; }}
         return {{status: x.status, type: x.getResponseHeader('content-type') || '', bytes: bytes}};"
    );
    let res = b.eval(&script);
    let bytes = res["bytes"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|v| v.as_u64().and_then(|n| u8::try_from(n).ok()).unwrap_or(0))
        .collect();
    (
        res["status"].as_u64().and_then(|s| u16::try_from(s).ok()).unwrap_or(0),
        res["type"].as_str().unwrap_or_default().to_string(),
        bytes,
    )
}

/// The text a PDF shows: each `Tj` string of its (uncompressed) content streams, literal
/// `(…)` or hex `<…>`, one a line.
fn pdf_text(pdf: &[u8]) -> String {
    let mut out = Vec::new();
    for chunk in pdf.split(|&b| b == b'\n') {
        let Some(op) = chunk.strip_suffix(b" Tj") else { continue };
        if let Some(hex) = op.strip_prefix(b"<").and_then(|o| o.strip_suffix(b">")) {
            let hex = String::from_utf8_lossy(hex);
            let bytes: Vec<u8> = (0..hex.len() / 2)
                .filter_map(|i| u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok())
                .collect();
            out.push(String::from_utf8_lossy(&bytes).into_owned());
        } else if let Some(literal) = op.strip_prefix(b"(").and_then(|o| o.strip_suffix(b")")) {
            let mut line = Vec::new();
            let mut escaped = false;
            for &b in literal {
                if b == b'\\' && !escaped {
                    escaped = true;
                    continue;
                }
                escaped = false;
                line.push(b);
            }
            out.push(String::from_utf8_lossy(&line).into_owned());
        }
    }
    out.join("\n")
}

/// The approver signs in, finds the SOW from the scoping board's inbox, sees their step
/// and approves it.
fn approve_from_the_inbox(b: &Browser, base: &str, email: &str, sow: &str, step: &str) {
    sign_in(b, base, email);
    b.click("header.top nav a[href=\"/scoping\"]");
    b.wait_until("the board", |b| b.exists(".board"));
    b.click("main a[href=\"/scoping/inbox\"]");
    b.wait_until("the inbox", |b| b.exists("#inbox-sows"));
    let row = text(b, "#inbox-sows tbody tr");
    assert!(row.contains(step), "{email} decides the {step} step: {row}");
    b.click(&format!("#inbox-sows a[href=\"{sow}\"]"));
    b.wait_until("the SOW", |b| b.exists("#decide-form"));
    assert!(text(b, "#decide-form").contains(step), "{}", text(b, "#decide-form"));
    b.click("#approve");
    b.wait_until("the decision", |b| b.url().contains("done=approved"));
    sign_out(b);
}

#[test]
fn an_estimate_passes_the_ta_gate_and_its_sow_is_approved_signed_and_set_up() {
    let Some(b) = Browser::start("scoping") else { return };
    let db = with_admin();
    let admin = crate::create_token(&db, "admin@example.com", "scoping");
    // One approver a step, each with a role that reads scoping: leadership for the RDM,
    // PS director and signatory, finance for revenue and finance, the administrator for
    // legal.
    let approvers = [
        ("regional_delivery_manager", "rdm@example.com", "leadership"),
        ("revenue", "revenue@example.com", "finance"),
        ("finance", "finance@example.com", "finance"),
        ("ps_director", "director@example.com", "leadership"),
        ("legal", "admin@example.com", "admin"),
        ("signatory", "signatory@example.com", "leadership"),
    ];
    for (_, email, role) in approvers.iter().filter(|a| a.1 != "admin@example.com") {
        staff(&db, email, role);
    }
    let server = Server::start(&db, &[]);
    let base = format!("http://{}", server.addr);
    let post = |path: &str, body: Value| api(&server, &admin, "POST", path, &body, &[]);
    let person = |name: &str, email: &str, function: &str| {
        id(&post(
            "/api/v1/people",
            json!({"name": name, "email": email, "function": function, "region": "EMEA",
                   "employment_start": "2020-01-01"}),
        ))
    };
    let emma = person("Emma Manager", "emma@example.com", "engagement_manager");
    let tara = person("Tara Architect", "tara@example.com", "technical_architect");
    user(&db, "emma@example.com", "engagement_manager", emma);
    user(&db, "tara@example.com", "consultant", tara);
    let steps: Vec<Value> = approvers
        .iter()
        .map(|(role, email, _)| json!({"role": role, "approver": user_id(&server, &admin, email)}))
        .collect();
    // The TA threshold stays at its 50,000.00 USD default, under the estimate's price.
    api(
        &server,
        &admin,
        "PATCH",
        "/api/v1/settings",
        &json!({"scoping": {"sow_approvers": steps}}),
        &[("If-Match", "*")],
    );
    // Engineers bill 200.00 and cost 150.00 an hour in EMEA: with the SKU's 100 hours a
    // unit, the margin is 25 %, under the 30 % target, which brings finance into the chain.
    for (kind, minor) in [("bill", 20_000), ("standard_cost", 15_000)] {
        post(
            "/api/v1/role-rates",
            json!({"kind": kind, "role": "engineer", "region": "EMEA",
                   "rate": {"amount_minor": minor, "currency": "USD"}, "effective_from": "2020-01-01"}),
        );
    }
    let ty = post(
        "/api/v1/offering-types",
        json!({"category": "Consulting", "name": "Platform work"}),
    );
    let offering = post(
        "/api/v1/offerings",
        json!({"type_id": ty["id"], "name": "Platform migration", "maturity": "complete",
               "checklist": ["Kick-off deck", "Access checklist"],
               "effort": [{"role": "engineer", "minutes": 6000}]}),
    );
    let sku = id(&post(
        "/api/v1/skus",
        json!({"offering_id": offering["id"], "code": "PS-PLAT", "name": "Platform migration package",
               "unit": "fixed_package", "currency": "USD", "channel": "sales_assisted", "status": "active",
               "standard_sow": true}),
    ));
    post(
        "/api/v1/sku-prices",
        json!({"sku_id": sku, "effective_from": "2020-01-01", "price": {"amount_minor": 2_000_000, "currency": "USD"}}),
    );
    let account = id(&post(
        "/api/v1/accounts",
        json!({"name": "Northwind Traders", "code": "NWT"}),
    ));

    // The engagement manager opens the opportunity from the board.
    sign_in(&b, &base, "emma@example.com");
    b.click("header.top nav a[href=\"/scoping\"]");
    b.wait_until("the board", |b| b.exists(".board"));
    b.click("a[href=\"/scoping/opportunities/new\"]");
    b.wait_until("the opportunity form", |b| b.exists("#f-name"));
    fill(&b, "#f-name", "Northwind platform migration");
    fill(&b, "#f-account_id", &format!("Northwind Traders (#{account})"));
    b.click("#f-segment option[value=\"ent_emea\"]");
    fill(&b, "#f-engagement_manager_id", &format!("Emma Manager (#{emma})"));
    fill(&b, "#f-ps_value", "60000");
    fill(&b, "#f-pain_points", "Releases take a week");
    fill(&b, "#f-constraints", "Must stay on-premises");
    b.click("form.record-form button[type=submit]");
    b.wait_until("the opportunity's page", |b| b.exists("#opportunity-state"));
    let opportunity = path(&b, &base);
    assert!(opportunity.starts_with("/scoping/opportunities/"), "{opportunity}");
    assert_eq!(text(&b, "#opportunity-state"), "Open");
    move_to(&b, "awaiting_discovery");
    move_to(&b, "strawman_wip");
    assert_eq!(text(&b, "#opportunity-state"), "Strawman WIP");

    // The estimate: 2 × 20,000.00 of the SKU and 100 engineer hours at 200.00, priced
    // live as it is typed.
    b.click("#new-estimate");
    b.wait_until("the estimate editor", |b| b.exists("#estimate-form"));
    fill(&b, "#e-title", "Phase 1");
    fill(&b, "#e-region", "EMEA");
    b.click(&format!("#item-0 option[value=\"sku:{sku}\"]"));
    fill(&b, "input[name=\"qty.0\"]", "2");
    b.click("#item-1 option[value=\"tm:engineer\"]");
    fill(&b, "input[name=\"qty.1\"]", "100");
    fill(&b, "input[name=\"desc.1\"]", "Cut-over support");
    b.wait_until("the live totals", |b| text(b, "#t-price") == "60,000.00 USD");
    // COGS: (200 h + 100 h) × 150.00.
    assert_eq!(text(&b, "#t-cogs"), "45,000.00 USD");
    assert_eq!(text(&b, "#t-margin-pct"), "25.0 %");
    assert!(b.exists("#ta-flag"), "over the 50,000.00 TA threshold");
    no_csp_violations(&b, "the estimate editor");
    b.click("#save-estimate");
    b.wait_until("the estimate's page", |b| b.url().contains("done=saved"));
    let estimate = path(&b, &base);
    let totals = text(&b, "#estimate-totals");
    assert!(totals.contains("60,000.00 USD"), "{totals}");
    assert_eq!(text(&b, "#ta-review"), "Needs review");
    assert!(text(&b, "#priced-lines").contains("PS-PLAT"));

    // Shared, on to estimate feedback, agreed: the TA gate stops the move to SOW WIP.
    b.click("#to-shared");
    b.wait_until("shared", |b| b.url().contains("done=shared"));
    b.goto(&format!("{base}{opportunity}"));
    move_to(&b, "estimate_feedback");
    assert_eq!(text(&b, "#opportunity-state"), "Estimate feedback");
    b.goto(&format!("{base}{estimate}"));
    b.click("#to-agreed");
    b.wait_until("agreed", |b| b.url().contains("done=agreed"));
    assert_eq!(text(&b, "#estimate-status"), "Agreed");
    b.goto(&format!("{base}{opportunity}"));
    move_to(&b, "sow_wip");
    let refused = text(&b, "div.problem");
    assert!(
        refused.contains("over the TA threshold") && refused.contains("technical architect's approval"),
        "the gate's message: {refused}"
    );
    assert_eq!(text(&b, "#opportunity-state"), "Estimate feedback", "nothing moved");

    // The TA is engaged (pain points and constraints are recorded), then asked to review.
    b.goto(&format!("{base}{opportunity}"));
    fill(&b, "#ta-who", &format!("Tara Architect (#{tara})"));
    pick_date(&b, "#ta-by", &a_week_ahead());
    b.click("#ta-form button[type=submit]");
    b.wait_until("the TA requested", |b| b.url().contains("done=ta"));
    assert!(
        text(&b, "#ta-status").contains("Tara Architect"),
        "{}",
        text(&b, "#ta-status")
    );
    b.click(&format!("#estimates-table a[href=\"{estimate}\"]"));
    b.wait_until("the estimate", |b| b.exists("#request-review"));
    b.click("#request-review");
    b.wait_until("sent for review", |b| b.url().contains("done=review"));
    assert_eq!(text(&b, "#ta-review"), "Waiting");
    sign_out(&b);

    // The TA approves it from their scoping inbox.
    sign_in(&b, &base, "tara@example.com");
    b.click("header.top nav a[href=\"/scoping/inbox\"]");
    b.wait_until("the TA's inbox", |b| b.exists("#inbox-estimates"));
    let waiting = text(&b, "#inbox-estimates tbody tr");
    assert!(
        waiting.contains("Estimate v1") && waiting.contains("Northwind platform migration"),
        "{waiting}"
    );
    b.click(&format!("#inbox-estimates a[href=\"{estimate}\"]"));
    b.wait_until("the review form", |b| b.exists("#ta-decide"));
    b.click("#approve");
    b.wait_until("approved", |b| b.url().contains("done=approved"));
    assert_eq!(text(&b, "#ta-review"), "Approved");
    sign_out(&b);

    // Now the move to SOW WIP passes, and the EM drafts the SOW and submits it.
    sign_in(&b, &base, "emma@example.com");
    b.goto(&format!("{base}{opportunity}"));
    move_to(&b, "sow_wip");
    assert!(b.url().contains("done=moved"), "{}", text(&b, "div.problem"));
    assert_eq!(text(&b, "#opportunity-state"), "SOW WIP");
    b.click("#new-sow");
    b.wait_until("the SOW form", |b| b.exists("#f-scope"));
    let today = OffsetDateTime::now_utc().date();
    fill(&b, "#f-title", "Northwind platform migration");
    fill(
        &b,
        "#f-scope",
        "Migrate the platform to the new release, then support the cut-over.",
    );
    b.click("#f-billing_terms option[value=\"per_milestone\"]");
    fill(
        &b,
        "#f-milestones",
        &format!(
            "Design signed off | {} | 30000.00 USD\nCut-over | {} | 30000.00 USD",
            today + Duration::days(35),
            today + Duration::days(63)
        ),
    );
    b.click("form.record-form button[type=submit]");
    b.wait_until("the SOW's page", |b| b.url().contains("done=drafted"));
    let sow = path(&b, &base);
    assert_eq!(text(&b, "#sow-status"), "Draft");
    let number = text(&b, "main h1");
    assert!(number.starts_with("SOW-0001 revision 1"), "{number}");
    b.click("#submit-sow");
    b.wait_until("submitted", |b| b.url().contains("done=submitted"));
    assert_eq!(text(&b, "#sow-status"), "In review");
    // Submitted, the chain is the SOW's own: finance is in it because of the 25 % margin.
    let chain = text(&b, "#steps-table tbody");
    let steps = b.eval("return document.querySelectorAll('#steps-table tbody tr').length;");
    assert_eq!(steps.as_u64(), Some(6), "{chain}");
    assert!(chain.contains("3. Finance"), "{chain}");
    sign_out(&b);

    // Each approver, in the chain's order, approves from their inbox.
    for (step, email) in [
        ("Regional delivery manager", "rdm@example.com"),
        ("Revenue", "revenue@example.com"),
        ("Finance", "finance@example.com"),
        ("PS director", "director@example.com"),
        ("Legal", "admin@example.com"),
        ("Company signatory", "signatory@example.com"),
    ] {
        approve_from_the_inbox(&b, &base, email, &sow, step);
    }

    // The EM downloads the PDF and records the signature.
    sign_in(&b, &base, "emma@example.com");
    b.goto(&format!("{base}{opportunity}"));
    assert_eq!(text(&b, "#opportunity-state"), "Approved");
    b.click(&format!("#sows-table a[href=\"{sow}\"]"));
    b.wait_until("the SOW", |b| b.exists("#sign-form"));
    assert_eq!(text(&b, "#sow-status"), "Approved");
    let link = b.eval("return document.querySelector('#pdf-link').getAttribute('href');");
    let pdf_path = link.as_str().unwrap_or_default().to_string();
    assert_eq!(pdf_path, format!("{sow}/pdf"));
    let (status, kind, pdf) = fetch_bytes(&b, &pdf_path);
    assert_eq!((status, kind.as_str()), (200, "application/pdf"));
    assert!(pdf.starts_with(b"%PDF-"), "a PDF: {:?}", &pdf[..pdf.len().min(16)]);
    assert!(pdf.trim_ascii_end().ends_with(b"%%EOF"), "a whole PDF");
    let shown = pdf_text(&pdf);
    assert!(shown.contains("SOW-0001"), "the SOW number: {shown}");
    assert!(shown.contains("60,000.00"), "the total: {shown}");
    fill(&b, "#signed-by", "Pat Customer");
    b.click("#sign-sow");
    b.wait_until("signed", |b| b.url().contains("done=signed"));
    assert_eq!(text(&b, "#sow-status"), "Signed");
    assert!(text(&b, "#signed").contains("Signed by Pat Customer"));

    // The project is in set-up with the SOW's budget, its milestones and the checklist.
    b.click("#signed a");
    b.wait_until("the project", |b| b.url().contains("/projects/"));
    let project: i64 = path(&b, &base)
        .trim_start_matches("/projects/")
        .parse()
        .unwrap_or_else(|e| panic!("a project id in {} ({e})", b.url()));
    let facts = text(&b, "main section.card dl.facts");
    assert!(facts.contains("In set up"), "{facts}");
    let page = text(&b, "main");
    assert!(page.contains("SOW-0001"), "the project's code");
    assert!(page.contains("Budget: 60,000.00 USD"), "{page}");
    assert!(
        page.contains("of a 300.00 h budget"),
        "the estimate's delivery hours: {page}"
    );
    // The plan on the project's page: the milestones, the role to staff and the kit.
    let plan = text(&b, "#milestones-table");
    assert!(
        plan.contains("Design signed off") && plan.contains("30,000.00"),
        "{plan}"
    );
    assert!(text(&b, "#requests-table").contains("Engineer"));
    let kit = text(&b, "#checklist");
    assert!(
        kit.contains("Kick-off deck") && kit.contains("Access checklist"),
        "{kit}"
    );
    let p = get(&server, &admin, &format!("/api/v1/projects/{project}"));
    assert_eq!(p["status"], "in_set_up", "{p}");
    assert_eq!(p["budget"]["amount_minor"], 6_000_000, "{p}");
    let milestones = get(&server, &admin, &format!("/api/v1/milestones?project_id={project}"));
    let named: Vec<(String, i64)> = milestones["items"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|m| {
            (
                m["name"].as_str().unwrap_or_default().to_string(),
                m["amount"]["amount_minor"].as_i64().unwrap_or(-1),
            )
        })
        .collect();
    assert_eq!(
        named,
        [
            ("Design signed off".to_string(), 3_000_000),
            ("Cut-over".to_string(), 3_000_000)
        ],
        "{milestones}"
    );
    let items = get(
        &server,
        &admin,
        &format!("/api/v1/checklist-items?project_id={project}"),
    );
    let listed: Vec<&str> = items["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i["item"].as_str())
        .collect();
    assert_eq!(listed, ["Kick-off deck", "Access checklist"], "{items}");
    b.goto(&format!("{base}{opportunity}"));
    assert_eq!(text(&b, "#opportunity-state"), "Closed won");

    // On a phone the scoping pages fit the width.
    b.resize(390, 844);
    for page in [
        "/scoping".to_string(),
        opportunity.clone(),
        estimate.clone(),
        sow.clone(),
        format!("/projects/{project}/milestones"),
    ] {
        b.goto(&format!("{base}{page}"));
        b.wait_until("the page", |b| b.exists("main h1"));
        assert!(fits(&b), "{page} scrolls sideways at 390 px");
    }
    b.resize(1280, 900);
    no_csp_violations(&b, "the scoping pages");
}
