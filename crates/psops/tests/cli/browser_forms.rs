//! Running the organisation from the web app in headless Chromium: an administrator adds
//! a person and a project through their forms (a refused form names its field and keeps
//! what was typed), staffs the person from the project page by typing their name, and
//! the person, signed in, finds the project in their week; a fresh setup's administrator
//! has a week of their own; time off is asked for and decided. Runs when
//! `PSOPS_TEST_BROWSER=1`; a failure saves a screenshot.

use crate::browser::{PASSWORD, no_csp_violations, sign_in, sign_out, text, user, with_admin};
use crate::support::{Server, TestDb};
use crate::webdriver::Browser;

/// Sets an input's value as a person would by typing it in full, replacing what was there.
fn fill(b: &Browser, css: &str, value: &str) {
    b.eval(&format!("document.querySelector({css:?}).value = '';"));
    b.type_into(css, value);
}

/// The id in the page's address `/kind/12…`.
fn id_in_url(b: &Browser, kind: &str) -> i64 {
    let url = b.url();
    let after = url.split(&format!("/{kind}/")).nth(1).unwrap_or_default();
    after
        .split(['?', '/'])
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no {kind} id in {url}"))
}

#[test]
fn an_administrator_adds_a_person_and_a_project_and_staffs_it() {
    let Some(b) = Browser::start("forms") else { return };
    let db = with_admin();
    let server = Server::start(&db, &[]);
    let base = format!("http://{}", server.addr);
    sign_in(&b, &base, "admin@example.com");

    // A person: a refused form names the field and keeps what was typed.
    b.goto(&format!("{base}/people"));
    b.click("a[href=\"/people/new\"]");
    b.wait_until("the person form", |b| b.exists("#f-name"));
    fill(&b, "#f-name", "Grace Hopper");
    fill(&b, "#f-email", "grace.example.com");
    fill(&b, "#f-region", "EMEA");
    b.click("form.record-form button[type=submit]");
    b.wait_until("the refusal", |b| b.exists("#e-email"));
    assert!(
        text(&b, "#e-email").contains("e-mail address"),
        "{}",
        text(&b, "#e-email")
    );
    assert_eq!(b.value("#f-name"), "Grace Hopper", "what was typed stays");
    fill(&b, "#f-email", "grace@example.com");
    b.click("form.record-form button[type=submit]");
    b.wait_until("her page", |b| b.url().contains("saved=1"));
    let grace = id_in_url(&b, "people");
    assert_eq!(text(&b, "h1"), "Grace Hopper");
    no_csp_violations(&b, "the person form");

    // An account, a project for it, then Grace staffed on it from its page, each chosen
    // by typing a name.
    b.goto(&format!("{base}/accounts"));
    b.click("a[href=\"/accounts/new\"]");
    b.wait_until("the account form", |b| b.exists("#f-name"));
    fill(&b, "#f-name", "Harbour Board");
    b.click("form.record-form button[type=submit]");
    b.wait_until("the account page", |b| b.url().contains("saved=1"));
    let account = id_in_url(&b, "accounts");
    b.click(&format!("a[href=\"/projects/new?account={account}\"]"));
    b.wait_until("the project form", |b| b.exists("#f-name"));
    assert!(
        b.value("#f-account_id").contains("Harbour Board"),
        "the account is filled in"
    );
    fill(&b, "#f-name", "Harbour analytics");
    b.click("#f-project_type option[value=\"consulting\"]");
    b.click("#f-billing_type option[value=\"time_and_materials\"]");
    b.click("#f-status option[value=\"active\"]");
    fill(&b, "#f-budget_minutes", "400");
    b.click("form.record-form button[type=submit]");
    b.wait_until("the project page", |b| b.url().contains("saved=1"));
    let project = id_in_url(&b, "projects");
    b.click(&format!("a[href=\"/assignments/new?project={project}\"]"));
    b.wait_until("the assignment form", |b| b.exists("#f-person_id"));
    assert!(
        b.value("#f-project_id").contains("Harbour analytics"),
        "the project is filled in"
    );
    b.click("#f-person_id");
    b.keys("Grace");
    b.wait_until("a suggestion", |b| {
        b.eval("return document.querySelectorAll('#pick-person_id option').length;")
            .as_i64()
            == Some(1)
    });
    fill(&b, "#f-minutes_per_week", "32");
    b.click("form.record-form button[type=submit]");
    b.wait_until("the project page again", |b| {
        b.url().contains(&format!("/projects/{project}"))
    });
    assert!(
        text(&b, "#team-table").contains("Grace Hopper"),
        "{}",
        text(&b, "#team-table")
    );
    no_csp_violations(&b, "the project and assignment forms");
    sign_out(&b);

    // Grace, signed in, has the project in her week.
    user(&db, "grace@example.com", "consultant", grace);
    sign_in(&b, &base, "grace@example.com");
    b.goto(&format!("{base}/week"));
    let choices = text(&b, "select#add");
    assert!(choices.contains("Harbour analytics"), "{choices}");
    assert!(text(&b, "#week-state").contains("Nothing logged yet"));
}

/// A fresh psops: the setup link's first administrator names their function and region,
/// and *My week* works for them at once. Then a consultant asks for time off and their
/// manager approves it.
#[test]
fn the_first_administrator_has_a_week_and_time_off_is_decided_in_the_browser() {
    let Some(b) = Browser::start("setup") else { return };
    let db = TestDb::sqlite();
    let server = Server::start(&db, &[]);
    let line = server.wait_for_stdout("set up psops: ");
    let link = line.trim_start_matches("set up psops: ").to_string();
    b.goto(&link);
    b.wait_until("the setup form", |b| b.exists("#region"));
    fill(&b, "#name", "Robin Root");
    fill(&b, "#email", "robin@example.com");
    fill(&b, "#region", "EMEA");
    fill(&b, "#password", PASSWORD);
    fill(&b, "#confirm", PASSWORD);
    b.click("main form button[type=submit]");
    b.wait_until("signed in", |b| b.exists("header.top nav"));
    let base = format!("http://{}", server.addr);
    b.goto(&format!("{base}/week"));
    assert!(text(&b, "h1").starts_with("My week"), "{}", text(&b, "h1"));
    assert!(text(&b, "#week-state").contains("Nothing logged yet"));

    // Robin adds a consultant who reports to Robin, and gives them a sign-in.
    b.goto(&format!("{base}/people/new"));
    fill(&b, "#f-name", "Casey Consultant");
    fill(&b, "#f-email", "casey@example.com");
    fill(&b, "#f-region", "EMEA");
    fill(&b, "#f-manager_id", "Robin Root");
    b.click("form.record-form button[type=submit]");
    b.wait_until("Casey's page", |b| b.url().contains("saved=1"));
    let casey = id_in_url(&b, "people");
    sign_out(&b);
    user(&db, "casey@example.com", "consultant", casey);

    sign_in(&b, &base, "casey@example.com");
    b.goto(&format!("{base}/me/time-off"));
    b.eval(
        "document.querySelector('#from').value = '2027-03-01'; document.querySelector('#until').value = '2027-03-05';",
    );
    fill(&b, "#note", "spring break");
    b.click("#request-time-off");
    b.wait_until("the request", |b| b.url().contains("done=requested"));
    assert_eq!(
        b.eval("return document.querySelectorAll('#time-off-table tbody tr').length;")
            .as_i64(),
        Some(1),
        "one run"
    );
    assert_eq!(
        b.eval("return document.querySelector('#time-off-table tbody td.num').textContent;")
            .as_str(),
        Some("5"),
        "of Monday to Friday"
    );
    no_csp_violations(&b, "my time off");
    sign_out(&b);

    sign_in(&b, &base, "robin@example.com");
    b.goto(&format!("{base}/me/time-off"));
    b.click("a[href=\"/admin/time-off\"]");
    b.wait_until("the requests to decide", |b| b.page_source().contains("spring break"));
    b.click("button[name=action][value=approve]");
    b.wait_until("the decision", |b| b.url().contains("done=1"));
    sign_out(&b);
    sign_in(&b, &base, "casey@example.com");
    b.goto(&format!("{base}/me/time-off"));
    let source = b.page_source();
    assert!(source.contains("status-approved"), "Casey sees it approved");
    assert!(!source.contains("status-requested"), "all five days, decided at once");
}
