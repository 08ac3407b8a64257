//! The web app in headless Chromium against the real binary: a consultant fills a week
//! with the keyboard, meets the note rule on non-billable time and fixes it, submits; the
//! project manager approves on /approvals; the consultant's utilization shows the hours;
//! a partner consultant opens their own organisation's project but gets the 404 page for
//! another organisation's; an administrator's pages work too. All of it under psops's
//! Content-Security-Policy, which refuses nothing on the way. Runs when
//! `PSOPS_TEST_BROWSER=1`; a failure saves a screenshot.

use serde_json::{Value, json};

use crate::support::{Server, TestDb, http_json, run};
use crate::webdriver::{Browser, Key, clear};

pub(crate) const PASSWORD: &str = "correct horse battery staple";

/// One JSON request to the API with the admin's token; the parsed body of a 2xx answer.
fn api(server: &Server, token: &str, path: &str, body: &Value) -> Value {
    let res = http_json(&server.addr, "POST", path, token, body, &[]);
    assert!(
        (200..300).contains(&res.status),
        "POST {path} {body}: {}\n{}",
        res.head,
        res.body
    );
    serde_json::from_str(&res.body).unwrap_or_else(|e| panic!("POST {path}: not JSON ({e}): {}", res.body))
}

/// A JSON PATCH with the admin's token, as `*` (whatever is stored).
fn patch(server: &Server, token: &str, path: &str, body: &Value) {
    let res = http_json(&server.addr, "PATCH", path, token, body, &[("If-Match", "*")]);
    assert!(
        (200..300).contains(&res.status),
        "PATCH {path}: {}\n{}",
        res.head,
        res.body
    );
}

/// A fresh SQLite database with one administrator, admin@example.com, who signs in with
/// [`PASSWORD`].
pub(crate) fn with_admin() -> TestDb {
    let db = TestDb::sqlite();
    admin_on(&db);
    db
}

/// Migrates the database and creates its administrator, `admin@example.com`.
pub(crate) fn admin_on(db: &TestDb) {
    run(db, &["migrate"], None).assert_ok();
    let admin = [
        "user",
        "create",
        "--email",
        "admin@example.com",
        "--name",
        "Admin",
        "--role",
        "admin",
    ];
    run(db, &admin, Some(&format!("{PASSWORD}\n"))).assert_ok();
}

/// Runs a browser flow on PostgreSQL when the browser suite is on and a database is
/// configured; says why it skipped otherwise.
pub(crate) fn on_postgres(flow: impl FnOnce(&TestDb)) {
    if std::env::var("PSOPS_TEST_BROWSER").ok().as_deref() != Some("1") {
        return;
    }
    let Some(db) = TestDb::postgres() else {
        eprintln!("PSOPS_TEST_POSTGRES_URL is not set: skipping the PostgreSQL run");
        return;
    };
    flow(&db);
}

/// Fails when the browser refused anything under the Content-Security-Policy.
pub(crate) fn no_csp_violations(b: &Browser, at: &str) {
    let refused = b.csp_violations();
    assert!(refused.is_empty(), "the CSP refused something on {at}: {refused:#?}");
}

fn id(v: &Value) -> i64 {
    v["id"].as_i64().unwrap_or_else(|| panic!("no id in {v}"))
}

pub(crate) fn user(db: &TestDb, email: &str, role: &str, person: i64) {
    let person = person.to_string();
    let args = [
        "user",
        "create",
        "--email",
        email,
        "--name",
        email,
        "--role",
        role,
        "--person-id",
        &person,
    ];
    run(db, &args, Some(&format!("{PASSWORD}\n"))).assert_ok();
}

/// The organisation: returns (project the consultant works on, the other partner's
/// project, the partner consultant's own organisation's project).
fn organisation(db: &TestDb, server: &Server, token: &str) -> (i64, i64, i64) {
    let post = |path: &str, body: Value| id(&api(server, token, path, &body));
    let person = |name: &str, email: &str, function: &str, partner: Option<i64>| {
        post(
            "/api/v1/people",
            json!({"name": name, "email": email, "function": function, "region": "EMEA",
                   "employment_start": "2020-01-01", "partner_id": partner}),
        )
    };
    let account = post("/api/v1/accounts", json!({"name": "Globex", "code": "GLX"}));
    let consultant = person("Casey Consultant", "casey@example.com", "engineer", None);
    let pm = person("Pat Manager", "pat@example.com", "project_manager", None);
    let ours = post("/api/v1/partners", json!({"name": "Initech", "partner_type": "direct"}));
    let theirs = post(
        "/api/v1/partners",
        json!({"name": "Umbrella", "partner_type": "direct"}),
    );
    let partner_consultant = person("Quinn Partner", "quinn@example.com", "partner_consultant", Some(ours));
    let project = |name: &str, partner: Option<i64>, pm: Option<i64>| {
        post(
            "/api/v1/projects",
            json!({"name": name, "account_id": account, "project_type": "consulting",
                   "billing_type": "time_and_materials", "status": "active", "start_date": "2020-01-01",
                   "project_manager_id": pm, "partner_delivered": partner.is_some(), "partner_id": partner}),
        )
    };
    let migration = project("Globex migration", None, Some(pm));
    let budget = json!({"budget_minutes": 6000});
    patch(server, token, &format!("/api/v1/projects/{migration}"), &budget);
    let other = project("Umbrella rollout", Some(theirs), None);
    let own = project("Initech delivery", Some(ours), None);
    post(
        "/api/v1/assignments",
        json!({"person_id": consultant, "project_id": migration, "role": "engineer",
               "start_date": "2020-01-01", "minutes_per_week": 2400}),
    );
    user(db, "casey@example.com", "consultant", consultant);
    user(db, "pat@example.com", "project_manager", pm);
    user(db, "quinn@example.com", "partner_consultant", partner_consultant);
    (migration, other, own)
}

/// An element's text read in one script step, so an htmx swap between finding the element
/// and reading it cannot leave a stale reference; "" when it is not there.
pub(crate) fn text(b: &Browser, css: &str) -> String {
    let script = format!("const e = document.querySelector({css:?}); return e ? e.textContent.trim() : '';");
    b.eval(&script).as_str().unwrap_or_default().to_string()
}

/// The id of the element with the keyboard focus.
fn focused(b: &Browser) -> String {
    b.eval("return document.activeElement ? document.activeElement.id : '';")
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// The people list sorts by a header and pages: with 55 more people, clicking "Name"
/// sorts descending, and "Next" shows the rest with the sort kept.
fn sorted_and_paged_people(b: &Browser, base: &str, server: &Server, token: &str) {
    for i in 0..55 {
        api(
            server,
            token,
            "/api/v1/people",
            &json!({"name": format!("Zed Person {i:02}"), "email": format!("zed{i}@example.com"),
                    "function": "engineer", "region": "EMEA", "employment_start": "2020-01-01"}),
        );
    }
    b.goto(&format!("{base}/people"));
    assert_eq!(text(b, "th[aria-sort] a"), "Name ▲", "sorted by name at first");
    b.click("th[aria-sort] a");
    b.wait_until("the list sorted by name, descending", |b| b.url().contains("dir=desc"));
    assert_eq!(text(b, "#people-table tbody tr td a"), "Zed Person 54");
    assert!(text(b, ".pager").contains("1–50 of"), "{}", text(b, ".pager"));
    b.click(".pager a[rel=next]");
    b.wait_until("the second page", |b| b.url().contains("page=2"));
    assert!(b.url().contains("dir=desc"), "the sort is kept: {}", b.url());
    assert!(text(b, ".pager").starts_with("51–"), "{}", text(b, ".pager"));
    let header = b.eval("return getComputedStyle(document.querySelector('#people-table th')).position;");
    assert_eq!(header.as_str(), Some("sticky"), "the header stays in view");
}

/// The home page's sections: those `shown` are there, those `hidden` are not.
fn home_shows(b: &Browser, shown: &[&str], hidden: &[&str]) {
    for id in shown {
        assert!(b.exists(&format!("#{id}")), "the home shows #{id}");
    }
    for id in hidden {
        assert!(!b.exists(&format!("#{id}")), "the home hides #{id}");
    }
}

pub(crate) fn sign_in(b: &Browser, base: &str, email: &str) {
    b.goto(&format!("{base}/sign-in"));
    b.type_into("#email", email);
    b.type_into("#password", PASSWORD);
    b.click("main form button[type=submit]");
    b.wait_until("the home page", |b| b.exists("header.top nav"));
    assert!(b.url().ends_with('/'), "signed in, on the home page: {}", b.url());
}

pub(crate) fn sign_out(b: &Browser) {
    b.click("header.top form button[type=submit]");
    b.wait_until("the sign-in page", |b| b.exists("#password"));
}

fn billable_hours(b: &Browser, base: &str) -> f64 {
    b.goto(&format!("{base}/me/utilization"));
    let text = b.text("#fig-billable");
    text.trim_end_matches(" h")
        .parse()
        .unwrap_or_else(|e| panic!("billable hours {text:?}: {e}"))
}

/// Adds a row for the project through the "Add a row" form.
fn add_row(b: &Browser, project: i64, billable: bool) {
    b.click(&format!("select#add option[value=\"p{project}\"]"));
    // Billable follows the project; the box says this time is not.
    let checked = b.eval("return document.querySelector('input[name=nonbillable]').checked;");
    if checked.as_bool() != Some(!billable) {
        b.click("input[name=nonbillable]");
    }
    b.click("#add-row");
    let flag = if billable { "b" } else { "n" };
    b.wait_until("the new row", |b| b.exists(&format!("#m-p{project}-{flag}-0")));
}

#[test]
fn a_week_from_keyboard_to_approval_in_a_browser() {
    let Some(b) = Browser::start("week") else { return };
    let db = with_admin();
    let token = run(&db, &["token", "create", "--email", "admin@example.com"], None);
    token.assert_ok();
    let server = Server::start(&db, &[]);
    let (project, other, own) = organisation(&db, &server, token.stdout.trim());
    let base = format!("http://{}", server.addr);

    no_csp_violations(&b, "the sign-in page");
    sign_in(&b, &base, "casey@example.com");
    home_shows(&b, &["mine-h"], &["approver-h", "ops-h"]);
    let before = billable_hours(&b, &base);
    b.goto(&format!("{base}/week"));
    add_row(&b, project, true);

    // Monday to Friday from the keyboard: arrows between days, and Tab through a note.
    b.click(&format!("#m-p{project}-b-0"));
    b.keys("8");
    for hours in ["8", "8", "8"] {
        b.keys(&Key::Right);
        b.keys(hours);
    }
    // Tab goes to the next day: notes are out of the Tab order (Alt+N reaches them).
    b.keys(&Key::Tab);
    assert_eq!(focused(&b), format!("m-p{project}-b-4"), "Tab moves day to day");
    b.keys("7:30");
    b.keys(&Key::Tab);
    b.wait_until("the week total", |b| text(b, "#week-total") == "39:30");
    assert_eq!(b.value(&format!("#m-p{project}-b-4")), "7:30");
    let days: Vec<String> = (1..=5)
        .map(|d| text(&b, &format!("tfoot td[data-day=\"{}\"]", d - 1)))
        .collect();
    assert_eq!(days, ["8:00", "8:00", "8:00", "8:00", "7:30"]);

    // Left from Friday is Thursday; a cleared and retyped day saves, and so does Backspace.
    b.click(&format!("#m-p{project}-b-4"));
    b.keys(&Key::Left);
    assert_eq!(focused(&b), format!("m-p{project}-b-3"));
    b.keys(&clear());
    b.keys("6");
    b.keys(&Key::Tab);
    b.wait_until("Thursday at 6", |b| text(b, "#week-total") == "37:30");
    b.click(&format!("#m-p{project}-b-3"));
    b.keys(&Key::Backspace);
    b.keys("8");
    b.keys(&Key::Tab);
    b.wait_until("Thursday at 8 again", |b| text(b, "#week-total") == "39:30");

    // Non-billable time on the customer project without a note: the rule, in words.
    add_row(&b, project, false);
    // Up and down (and Enter) move between the rows of one day.
    b.click(&format!("#m-p{project}-b-1"));
    b.keys(&Key::Down);
    assert_eq!(focused(&b), format!("m-p{project}-n-1"));
    b.keys(&Key::Up);
    assert_eq!(focused(&b), format!("m-p{project}-b-1"));
    b.keys(&Key::Enter);
    assert_eq!(focused(&b), format!("m-p{project}-n-1"));
    b.click(&format!("#m-p{project}-n-0"));
    b.keys("1");
    b.keys(&Key::Tab);
    let error = format!("#e-p{project}-n-0");
    b.wait_until("the note rule", |b| b.exists(&error));
    assert!(text(&b, &error).contains("non-billable time on a customer project needs a note"));
    assert_eq!(text(&b, "#week-total"), "39:30", "nothing saved");
    b.click(&format!("#n-p{project}-n-0"));
    b.keys("Enablement of the customer's team");
    b.keys(&Key::Tab);
    b.wait_until("the fixed cell", |b| {
        !b.exists(&error) && text(b, "#week-total") == "40:30"
    });
    assert_eq!(text(&b, "tfoot td[data-day=\"0\"]"), "9:00");
    b.click("#week-total");
    let shot = b.screenshot("week-view");
    // The README's screenshot is refreshed on request only, so a test run leaves the
    // work tree as it was.
    if std::env::var("PSOPS_UPDATE_SCREENSHOT").ok().as_deref() == Some("1") {
        let docs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs");
        std::fs::create_dir_all(&docs).expect("docs directory");
        std::fs::copy(&shot, docs.join("week-view.png")).expect("copy the screenshot to docs/");
    }

    no_csp_violations(&b, "the week grid");
    // On a phone the whole week is in view: no sideways scrolling, Sunday on screen.
    b.resize(390, 900);
    b.goto(&format!("{base}/week"));
    let fits = b.eval(&format!(
        "const w = document.documentElement.clientWidth; \
         return document.documentElement.scrollWidth <= w \
           && document.querySelector('.week-scroll').scrollWidth <= document.querySelector('.week-scroll').clientWidth \
           && document.getElementById('m-p{project}-b-6').getBoundingClientRect().right <= w;"
    ));
    assert_eq!(fits, Value::Bool(true), "the week fits a phone");
    b.resize(1280, 900);
    b.goto(&format!("{base}/week"));
    b.click("#submit-week");
    b.wait_until("the submitted week", |b| b.page_source().contains("Submitted on"));
    assert!(!b.exists(&format!("#m-p{project}-b-0")), "submitted time is read-only");
    sign_out(&b);

    sign_in(&b, &base, "pat@example.com");
    home_shows(&b, &["mine-h", "approver-h"], &["ops-h"]);
    assert!(
        text(&b, "#home-waiting").starts_with("1 person-week"),
        "{}",
        text(&b, "#home-waiting")
    );
    b.click("#home-waiting");
    b.wait_until("the approvals page from the home", |b| b.url().ends_with("/approvals"));
    b.goto(&format!("{base}/approvals"));
    assert!(b.text("main table").contains("Casey Consultant"));
    assert!(b.text("main table").contains("40:30"));
    // The week opens to its days and projects, the non-billable note beside its hours.
    b.click("#approvals-table td a[aria-label^=\"Open\"]");
    b.wait_until("the week's detail", |b| b.exists("#review-table"));
    assert!(text(&b, "#review-table").contains("Enablement of the customer's team"));
    b.type_into("input[name=reason]", "Move Monday's hour to the workshop project");
    b.click("button[name=reject_one]");
    b.wait_until("the rejection", |b| b.url().contains("rejected=1"));
    assert!(
        text(&b, "ul.history").contains("Move Monday's hour"),
        "the history keeps it"
    );
    no_csp_violations(&b, "a week's detail");
    sign_out(&b);

    // Casey sees the reason in the week's one banner, and submits again.
    sign_in(&b, &base, "casey@example.com");
    b.goto(&format!("{base}/week"));
    assert!(text(&b, "#week-state").contains("Move Monday's hour to the workshop project"));
    b.click("#submit-week");
    b.wait_until("submitted again", |b| {
        text(b, "#week-state").contains("waiting for approval")
    });
    sign_out(&b);

    sign_in(&b, &base, "pat@example.com");
    b.goto(&format!("{base}/approvals"));
    b.click("button[name=approve_one]");
    b.wait_until("the approval", |b| b.page_source().contains("Approved 1 line."));
    assert!(b.page_source().contains("Nothing is waiting"));
    no_csp_violations(&b, "the approvals page");
    sign_out(&b);

    sign_in(&b, &base, "casey@example.com");
    let after = billable_hours(&b, &base);
    assert!(after > before && after > 0.0, "billable hours {before} → {after}");
    // The chart names itself through its <title> and its series in the legend.
    let chart = b.eval("const s = document.querySelector('svg.chart'); return s ? s.textContent : '';");
    let chart = chart.as_str().unwrap_or_default();
    assert!(
        chart.contains("Cumulative hours") && chart.contains("Billable"),
        "{chart}"
    );
    b.goto(&format!("{base}/week"));
    assert!(b.text("#week-state").contains("Approved"), "one banner says the state");
    assert!(!b.page_source().contains("approved — read-only"), "no cell repeats it");
    assert!(
        !b.exists("#submit-week") && !b.exists("#add-row"),
        "an approved week offers nothing to do"
    );
    sign_out(&b);

    sign_in(&b, &base, "quinn@example.com");
    b.goto(&format!("{base}/projects/{own}"));
    assert!(
        b.text("h1").contains("Initech delivery"),
        "a partner sees its own project"
    );
    b.goto(&format!("{base}/projects/{other}"));
    assert_eq!(
        b.text("h1"),
        "Not found",
        "another organisation's project is the 404 page"
    );
    assert!(!b.page_source().contains("Umbrella rollout"));
    no_csp_violations(&b, "the partner's pages");
    b.goto(&format!("{base}/"));
    sign_out(&b);

    // An administrator's pages, with the behaviours that once were inline script.
    let calendar = id(&api(
        &server,
        token.stdout.trim(),
        "/api/v1/calendars",
        &json!({"name": "EMEA holidays", "region": "EMEA"}),
    ));
    sign_in(&b, &base, "admin@example.com");
    home_shows(&b, &["ops-h"], &["mine-h"]);
    assert!(
        text(&b, "#home-compliance").contains("on time"),
        "last week's compliance"
    );
    b.goto(&format!("{base}/projects/{project}"));
    let bar =
        b.eval("const r = document.querySelector('svg.bar rect'); return r ? r.getBoundingClientRect().width : 0;");
    assert!(bar.as_f64().unwrap_or_default() > 0.0, "the budget bar is drawn: {bar}");
    for page in [
        "/projects",
        "/people",
        "/reports/utilization",
        "/reports/compliance",
        "/admin/users",
        "/admin/capacity",
    ] {
        b.goto(&format!("{base}{page}"));
        b.wait_until(page, |b| b.exists("main h1"));
    }
    // The projects filter updates in place through htmx.
    b.goto(&format!("{base}/projects"));
    b.type_into("#q", "Globex");
    b.wait_until("the filtered list", |b| b.url().contains("q=Globex"));
    no_csp_violations(&b, "the admin's lists and reports");
    sorted_and_paged_people(&b, &base, &server, token.stdout.trim());
    b.goto(&format!("{base}/tokens"));
    b.click("select#user option:last-child");
    b.wait_until("the other user's tokens", |b| b.url().contains("user="));
    b.goto(&format!("{base}/admin/calendars/{calendar}"));
    let file = crate::support::scratch("holidays.csv", "2026-12-25,Christmas Day\n");
    b.type_into("#file", &file.display().to_string());
    b.wait_until("the file read into the form", |b| {
        b.value("#content").contains("Christmas")
    });
    assert_eq!(b.value("#format"), "csv");
    b.click("form.card:last-of-type button[type=submit]");
    b.wait_until("the imported holiday", |b| b.page_source().contains("Christmas Day"));
    no_csp_violations(&b, "the tokens and calendar pages");
}
