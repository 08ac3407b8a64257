//! Delivery's main flow in headless Chromium: a project manager files a red weekly health
//! report (schedule slipping, the client frustrated) from the project's Health tab and
//! adds a high-priority risk escalated to the portfolio from its RAID tab; PS leadership's
//! portfolio shows the project among those to watch and the risk among the escalated
//! items. The PM sends the CSAT survey from the Closure tab, which shows the link once;
//! the customer contact, in a browser of their own with no account, answers 5 with a
//! comment and is thanked, and the link refuses a second answer with a page that says so.
//! The project's CSAT and this quarter's in the portfolio are then 100 %. Every delivery
//! page fits a 390-px phone and the Content-Security-Policy refuses nothing. Runs when
//! `PSOPS_TEST_BROWSER=1`, on SQLite and (when `PSOPS_TEST_POSTGRES_URL` is set)
//! PostgreSQL; a failure saves a screenshot.

use serde_json::{Value, json};

use crate::browser::{PASSWORD, no_csp_violations, sign_in, sign_out, text, user};
use crate::support::{Server, TestDb, http_json, run};
use crate::webdriver::Browser;

fn post(server: &Server, token: &str, path: &str, body: Value) -> i64 {
    let res = http_json(&server.addr, "POST", path, token, &body, &[]);
    assert!(
        (200..300).contains(&res.status),
        "POST {path} {body}: {}\n{}",
        res.head,
        res.body
    );
    let v: Value =
        serde_json::from_str(&res.body).unwrap_or_else(|e| panic!("POST {path}: not JSON ({e}): {}", res.body));
    v["id"].as_i64().unwrap_or_else(|| panic!("no id in {v}"))
}

/// Sets an input's value as a person would by typing it in full.
fn fill(b: &Browser, css: &str, value: &str) {
    b.eval(&format!("document.querySelector({css:?}).value = '';"));
    b.type_into(css, value);
}

/// Whether the page fits the window: the page is no wider than it (nothing to scroll
/// sideways), nothing in `main` scrolls sideways in a box of its own — but a chart, which
/// keeps a readable size on a phone and scrolls in its box by design, under a "Scroll for
/// more" cue — and nothing in it reaches past the window's right edge outside a box that
/// clips it. The site's navigation bar scrolls sideways by itself on a phone,
/// by design, so it is not looked at.
fn fits(b: &Browser) -> bool {
    too_wide(b).is_empty()
}

/// What keeps the page from fitting the window: the page's width, the boxes of `main`
/// that scroll sideways and its elements past the window's right edge (tag, id, classes,
/// sizes); "" when it fits.
fn too_wide(b: &Browser) -> String {
    let found = b.eval(
        "const w = window.innerWidth; const out = [];
         const page = document.documentElement.scrollWidth;
         if (page > w) { out.push('the page is ' + page + ' px wide'); }
         const boxed = (e) => {
           for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
             if (getComputedStyle(p).overflowX !== 'visible') { return true; }
           }
           return false;
         };
         const named = (e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
           (typeof e.className === 'string' && e.className.trim() ? '.' + e.className.trim().split(/\\s+/).join('.') : '');
         for (const e of document.querySelectorAll('main *')) {
           const x = getComputedStyle(e).overflowX;
           const chart = e.classList.contains('chart-block');
           if ((x === 'auto' || x === 'scroll') && !chart && e.scrollWidth > e.clientWidth + 1 && out.length < 8) {
             out.push(named(e) + ' scrolls sideways: ' + e.scrollWidth + ' px in ' + e.clientWidth);
           }
           const r = e.getBoundingClientRect();
           if (r.right > w + 0.5 && !boxed(e) && out.length < 8) {
             out.push(named(e) + ' ends at ' + Math.round(r.right));
           }
         }
         return out.join('\\n');",
    );
    found.as_str().unwrap_or_default().to_string()
}

/// Opens each page and checks it fits the (phone-sized) window.
fn all_fit(b: &Browser, base: &str, pages: &[String]) {
    for page in pages {
        b.goto(&format!("{base}{page}"));
        b.wait_until(page, |b| b.exists("main h1"));
        assert!(fits(b), "{page} scrolls sideways at 390 px:\n{}", too_wide(b));
        no_csp_violations(b, page);
    }
}

/// The account, its contact, the active T&M project and its manager, and PS leadership.
/// Returns the ids of the project and of its open escalation.
fn organisation(db: &TestDb, server: &Server, token: &str) -> (i64, i64) {
    let account = post(
        server,
        token,
        "/api/v1/accounts",
        json!({"name": "Contoso Retail", "code": "CRT"}),
    );
    post(
        server,
        token,
        &format!("/api/v1/accounts/{account}/contacts"),
        json!({"name": "Carla Customer", "email": "carla@contoso.example"}),
    );
    let pm = post(
        server,
        token,
        "/api/v1/people",
        json!({"name": "Pat Manager", "email": "pat@example.com", "function": "project_manager",
               "region": "EMEA", "employment_start": "2020-01-01"}),
    );
    let project = post(
        server,
        token,
        "/api/v1/projects",
        json!({"name": "Contoso store rollout", "account_id": account, "project_type": "consulting",
               "billing_type": "time_and_materials", "status": "active", "start_date": "2026-01-05",
               "project_manager_id": pm, "budget_minutes": 24000}),
    );
    // A milestone and an open escalation, so their tabs and lists have a line to show.
    post(
        server,
        token,
        "/api/v1/milestones",
        json!({"project_id": project, "name": "Wave 1 stores live", "due_date": "2026-12-18",
               "amount": {"amount_minor": 4_500_000, "currency": "USD"}, "status": "open"}),
    );
    let escalation = post(
        server,
        token,
        "/api/v1/escalations",
        json!({"project_id": project, "severity": "high",
               "title": "Store cut-over blocked by the customer's firewall change",
               "exit_criteria": "The firewall change is made and wave 1's stores are live"}),
    );
    user(db, "pat@example.com", "project_manager", pm);
    let lead = [
        "user",
        "create",
        "--email",
        "lee@example.com",
        "--name",
        "Lee Leader",
        "--role",
        "leadership",
    ];
    run(db, &lead, Some(&format!("{PASSWORD}\n"))).assert_ok();
    (project, escalation)
}

/// The PM files this week's report: red, schedule slipping, the client frustrated.
fn file_a_red_report(b: &Browser, base: &str, project: i64) {
    b.goto(&format!("{base}/projects/{project}"));
    b.click(&format!(".tabs a[href=\"/projects/{project}/health\"]"));
    b.wait_until("the Health tab", |b| b.exists("#file"));
    b.click("input[name=overall][value=red]");
    fill(
        b,
        "#summary",
        "Cut-over slipped a week: the customer's firewall change is late.\nStores 4 to 9 move to the next wave.",
    );
    b.click("input[name=schedule][value=no]");
    fill(b, "#schedule_why", "Waiting on the customer's firewall change");
    b.click("input[name=scope][value=yes]");
    b.click("input[name=budget][value=yes]");
    b.click("#sentiment option[value=frustrated]");
    b.click("#file-report");
    b.wait_until("the filed report", |b| b.url().contains("done=filed"));
    let history = text(b, "#health-history tbody");
    assert!(history.contains("Red"), "{history}");
    assert!(history.contains("Frustrated"), "{history}");
    assert!(b.exists("#rag-timeline svg"), "the RAG timeline is drawn");
    no_csp_violations(b, "the Health tab");
}

/// The PM adds a high-priority risk to the RAID log, escalated to the portfolio.
fn escalate_a_risk(b: &Browser, project: i64) {
    b.click(&format!(".tabs a[href=\"/projects/{project}/raid\"]"));
    b.wait_until("the RAID tab", |b| b.exists("#raid-table"));
    b.click(&format!("a[href=\"/raid-items/new?project={project}\"]"));
    b.wait_until("the RAID item form", |b| b.exists("#f-title"));
    b.click("#f-kind option[value=risk]");
    fill(b, "#f-title", "Firewall change may slip past the freeze");
    fill(
        b,
        "#f-description",
        "The customer's network team has not scheduled the change.",
    );
    b.click("#f-priority option[value=high]");
    fill(b, "#f-impacts", "timeline");
    fill(b, "#f-mitigation", "Ask the customer's CIO to schedule it this week");
    b.click("#f-escalated");
    b.click("form.record-form button[type=submit]");
    b.wait_until("the RAID log", |b| {
        b.url().contains(&format!("/projects/{project}/raid")) && b.url().contains("saved=1")
    });
    let log = text(b, "#raid-table tbody");
    assert!(
        log.contains("Firewall change may slip past the freeze") && log.contains("Escalated"),
        "{log}"
    );
    assert!(log.contains("High"), "{log}");
    no_csp_violations(b, "the RAID tab");
}

/// The portfolio shows the red project to watch and the escalated risk.
fn portfolio_shows_the_trouble(b: &Browser, base: &str) {
    b.goto(&format!("{base}/portfolio"));
    b.wait_until("the portfolio", |b| b.exists("#watch"));
    let watch = text(b, "#watch-table tbody");
    assert!(watch.contains("Contoso store rollout"), "{watch}");
    assert!(watch.contains("Red"), "{watch}");
    assert!(watch.contains("Frustrated"), "{watch}");
    assert!(b.exists("#watch-table tr.mark-red"), "the row is marked red");
    let raid = text(b, "#raid-table tbody");
    assert!(
        raid.contains("Contoso store rollout") && raid.contains("Firewall change may slip past the freeze"),
        "{raid}"
    );
    assert!(raid.contains("High"), "{raid}");
    no_csp_violations(b, "the portfolio");
}

/// The PM sends the survey from the Closure tab; the link, shown once.
fn send_the_survey(b: &Browser, base: &str, project: i64) -> String {
    b.goto(&format!("{base}/projects/{project}"));
    b.click(&format!(".tabs a[href=\"/projects/{project}/closure\"]"));
    b.wait_until("the Closure tab", |b| b.exists("#send-survey"));
    assert_eq!(text(b, "#project-csat"), "—", "no answer yet");
    let to = text(b, "#contact_id");
    assert!(to.contains("Carla Customer"), "{to}");
    // Sent on a phone: the long link breaks rather than widen the page.
    b.resize(390, 844);
    b.click("#send-survey button[type=submit]");
    b.wait_until("the link", |b| b.exists("#survey-link a"));
    assert!(
        fits(b),
        "the Closure tab with the link scrolls sideways at 390 px:\n{}",
        too_wide(b)
    );
    b.resize(1280, 900);
    let link = b.eval("return document.querySelector('#survey-link a').getAttribute('href');");
    let link = link.as_str().unwrap_or_default().to_string();
    assert!(link.starts_with(&format!("{base}/survey/")), "{link}");
    let sent = text(b, "#closure-surveys table tbody");
    assert!(sent.contains("Carla Customer"), "{sent}");
    no_csp_violations(b, "the Closure tab");
    // Shown once: the tab opened again does not show it.
    b.goto(&format!("{base}/projects/{project}/closure"));
    assert!(!b.exists("#survey-link"), "the link is shown only once");
    assert!(!b.page_source().contains(&link), "psops keeps no copy of the link");
    link
}

/// The contact, in a browser of their own without an account, on a phone: answers 5
/// with a comment, is thanked, and the link refuses a second answer.
fn the_customer_answers(link: &str) {
    let Some(c) = Browser::start("delivery-customer") else {
        return;
    };
    c.resize(390, 844);
    c.goto(link);
    c.wait_until("the survey", |b| b.exists("#score-5"));
    assert!(
        text(&c, "main h1").contains("Contoso store rollout"),
        "{}",
        text(&c, "main h1")
    );
    assert!(fits(&c), "the survey scrolls sideways at 390 px:\n{}", too_wide(&c));
    no_csp_violations(&c, "the survey");
    c.click("label[for=score-5]");
    c.type_into("#comment", "Pat kept us informed through the delay. Thank you!");
    c.click("#send-answer");
    c.wait_until("the thank-you page", |b| b.exists("#survey-thanks"));
    assert_eq!(text(&c, "main h1"), "Thank you");
    assert!(
        fits(&c),
        "the thank-you page scrolls sideways at 390 px:\n{}",
        too_wide(&c)
    );
    no_csp_violations(&c, "the thank-you page");
    c.goto(link);
    c.wait_until("the used link's page", |b| b.exists("main h1"));
    assert!(
        c.exists("#survey-used"),
        "a second visit is refused: {}",
        text(&c, "main")
    );
    assert_eq!(text(&c, "main h1"), "This survey is already answered");
    assert!(!c.exists("#score-5"), "no form to answer again");
    assert!(
        fits(&c),
        "the used link's page scrolls sideways at 390 px:\n{}",
        too_wide(&c)
    );
    no_csp_violations(&c, "the used link's page");
}

fn delivery_in_a_browser(db: &TestDb, name: &str) {
    let Some(b) = Browser::start(name) else { return };
    crate::browser::admin_on(db);
    let token = crate::create_token(db, "admin@example.com", "delivery");
    let server = Server::start(db, &[]);
    let base = format!("http://{}", server.addr);
    let (project, escalation) = organisation(db, &server, &token);

    sign_in(&b, &base, "pat@example.com");
    file_a_red_report(&b, &base, project);
    escalate_a_risk(&b, project);
    sign_out(&b);

    sign_in(&b, &base, "lee@example.com");
    portfolio_shows_the_trouble(&b, &base);
    sign_out(&b);

    sign_in(&b, &base, "pat@example.com");
    let link = send_the_survey(&b, &base, project);
    the_customer_answers(&link);

    // Back as the PM: the project's CSAT, and this quarter's in the portfolio.
    b.goto(&format!("{base}/projects/{project}/closure"));
    b.wait_until("the Closure tab", |b| b.exists("#project-csat"));
    assert_eq!(text(&b, "#project-csat"), "100.0 %");
    let answered = text(&b, "#closure-surveys table tbody");
    assert!(
        answered.contains("Pat kept us informed through the delay"),
        "{answered}"
    );
    b.goto(&format!("{base}/portfolio"));
    b.wait_until("the portfolio", |b| b.exists("#csat-this"));
    assert_eq!(text(&b, "#csat-this"), "100.0 %");

    // On a phone every delivery page fits the width.
    b.resize(390, 844);
    let pages: Vec<String> = ["", "/milestones", "/health", "/raid", "/escalations", "/closure"]
        .iter()
        .map(|tab| format!("/projects/{project}{tab}"))
        .chain([
            format!("/raid-items/new?project={project}"),
            "/portfolio".to_string(),
            "/escalations".to_string(),
            format!("/escalations/{escalation}"),
        ])
        .collect();
    all_fit(&b, &base, &pages);
    sign_out(&b);
    sign_in(&b, &base, "lee@example.com");
    all_fit(&b, &base, &["/portfolio".to_string()]);
    b.resize(1280, 900);
}

#[test]
fn a_red_report_and_an_escalated_risk_reach_the_portfolio_and_the_survey_is_answered_once() {
    delivery_in_a_browser(&TestDb::sqlite(), "delivery");
}

#[test]
fn the_delivery_flow_in_a_browser_on_postgres() {
    crate::browser::on_postgres(|db| delivery_in_a_browser(db, "delivery-postgres"));
}
