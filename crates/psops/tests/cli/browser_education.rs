//! Education services in headless Chromium: operations schedules a private class from the
//! course's page and is refused an uncertified trainer on the form, then schedules it
//! with the certified one; registers twelve learners, is refused a thirteenth while the
//! class is full, adds an add-on seat on the class's form and registers them. The
//! trainer, signed in as themselves, ticks attendance in the grid and submits the roster;
//! finance recognises revenue and the project's Money tab shows the class's fee; the
//! survey mails reach the learners who attended (through a local SMTP sink) and a link
//! opens the training survey. Runs when `PSOPS_TEST_BROWSER=1`, on SQLite and (when
//! `PSOPS_TEST_POSTGRES_URL` is set) PostgreSQL; a failure saves a screenshot.

use serde_json::{Value, json};

use crate::browser::{PASSWORD, no_csp_violations, sign_in, sign_out, text, user};
use crate::browser_invoices::post;
use crate::classes::{certify, git_course};
use crate::smtp_sink::{Answer, Sink};
use crate::support::{Server, TestDb, run};
use crate::webdriver::Browser;

/// The class's twelve included seats and the add-on that makes room for one more.
const LEARNERS: usize = 13;
/// The learner who misses the class: no survey goes to them.
const ABSENT: &str = "Learner 07";

fn id(v: &Value) -> i64 {
    v["id"].as_i64().unwrap_or_else(|| panic!("no id in {v}"))
}

/// Sets an input's value as a person would by typing it in full, replacing what was there.
fn fill(b: &Browser, css: &str, value: &str) {
    b.eval(&format!("document.querySelector({css:?}).value = '';"));
    b.type_into(css, value);
}

/// Sets a date input's value: a date picker takes no typing the same way in every locale.
fn date(b: &Browser, css: &str, value: &str) {
    b.eval(&format!("document.querySelector({css:?}).value = {value:?};"));
}

fn save(b: &Browser) {
    b.click("form.record-form button[type=submit]");
}

/// Who and what the story needs, made through the API: the course, Tess (certified to
/// teach it) and Uma (not), Contoso's project the private class is delivered under, the
/// thirteen learners, and users for operations, Tess and finance. Returns (course,
/// project, learners' ids in order).
fn world(db: &TestDb, server: &Server, admin: &str) -> (i64, i64, Vec<i64>) {
    let course = git_course(server, admin);
    let person = |name: &str, email: &str| {
        id(&post(
            server,
            admin,
            "/api/v1/people",
            json!({"name": name, "email": email, "function": "engineer", "region": "EMEA",
                   "employment_start": "2020-01-01"}),
        ))
    };
    let tess = person("Tess Trainer", "tess@example.com");
    person("Uma Uncertified", "uma@example.com");
    let grader = person("Gail Grader", "gail@example.com");
    certify(db, tess, course, grader);
    let account = id(&post(
        server,
        admin,
        "/api/v1/accounts",
        json!({"name": "Contoso Retail", "code": "CRT"}),
    ));
    let project = id(&post(
        server,
        admin,
        "/api/v1/projects",
        json!({"name": "Contoso Git enablement", "account_id": account, "project_type": "consulting",
               "billing_type": "time_and_materials", "status": "active", "start_date": "2026-01-05"}),
    ));
    let learners = (1..=LEARNERS)
        .map(|i| {
            id(&post(
                server,
                admin,
                "/api/v1/learners",
                json!({"name": format!("Learner {i:02}"), "email": format!("learner{i:02}@contoso.example"),
                       "organisation": "customer_contact", "account_id": account}),
            ))
        })
        .collect();
    user(db, "tess@example.com", "consultant", tess);
    for (email, role) in [("olive@example.com", "ops"), ("fiona@example.com", "finance")] {
        let args = ["user", "create", "--email", email, "--name", email, "--role", role];
        run(db, &args, Some(&format!("{PASSWORD}\n"))).assert_ok();
    }
    (course, project, learners)
}

/// The id in the page's address `/classes/12…`.
fn class_in_url(b: &Browser) -> i64 {
    let url = b.url();
    let after = url.split("/classes/").nth(1).unwrap_or_default();
    after
        .split(['?', '/'])
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no class id in {url}"))
}

/// Operations schedules the private class from the course's page: Uma is refused by name,
/// Tess is taken. Returns the class's id.
fn schedule(b: &Browser, base: &str, course: i64) -> i64 {
    b.goto(&format!("{base}/courses/{course}"));
    b.click(&format!("a[href=\"/classes/new?course={course}\"]"));
    b.wait_until("the class form", |b| b.exists("#f-trainer_id"));
    assert!(
        b.value("#f-course_id").contains("Git fundamentals"),
        "the course is filled in"
    );
    fill(b, "#f-trainer_id", "Uma Uncertified");
    date(b, "#f-start_date", "2026-03-02");
    date(b, "#f-end_date", "2026-03-03");
    b.click("#f-audience option[value=private]");
    fill(b, "#f-account_id", "Contoso Retail");
    fill(b, "#f-project_id", "Contoso Git enablement");
    fill(b, "#f-fee", "2400.00");
    save(b);
    b.wait_until("the certification gate", |b| b.exists("#e-trainer_id"));
    let refusal = text(b, "#e-trainer_id");
    assert!(
        refusal.contains("Uma Uncertified") && refusal.contains("no certification to teach Git fundamentals"),
        "{refusal}"
    );
    assert_eq!(b.value("#f-fee"), "2400.00", "what was typed stays");
    no_csp_violations(b, "the class form");
    fill(b, "#f-trainer_id", "Tess Trainer");
    save(b);
    b.wait_until("the class page", |b| b.url().contains("saved=1"));
    assert!(
        text(b, "main h1").starts_with("Git fundamentals"),
        "{}",
        text(b, "main h1")
    );
    assert!(text(b, "dl.facts").contains("Tess Trainer"), "{}", text(b, "dl.facts"));
    assert_eq!(text(b, "#seats"), "0 of 12 taken (12 included + 0 add-on)");
    class_in_url(b)
}

/// Registers one learner through the class's "Register a learner" form; the form again
/// (refused) or the class page.
fn register(b: &Browser, class: i64, learner: i64) {
    b.click(&format!("a[href=\"/enrolments/new?class={class}\"]"));
    b.wait_until("the registration form", |b| b.exists("#f-learner_id"));
    fill(b, "#f-learner_id", &learner.to_string());
    save(b);
    b.wait_until("the registration saved or refused", |b| {
        b.url().contains("saved=1") || b.exists("p.error")
    });
}

/// Twelve register; the thirteenth is refused until an add-on seat is added to the class.
fn fill_the_class(b: &Browser, base: &str, class: i64, learners: &[i64]) {
    let (included, last) = learners.split_at(LEARNERS - 1);
    for (n, learner) in included.iter().enumerate() {
        register(b, class, *learner);
        assert!(
            b.url().contains("saved=1"),
            "registration {} refused: {}",
            n + 1,
            text(b, "p.error")
        );
    }
    assert_eq!(text(b, "#seats"), "12 of 12 taken (12 included + 0 add-on)");
    register(b, class, last[0]);
    // The seat gate names the class's field, beside it.
    b.wait_until("the full class's refusal", |b| b.exists("#e-class_id"));
    let full = text(b, "#e-class_id");
    assert!(
        full.contains("12 seats (12 included + 0 add-on) are all taken") && full.contains("add-on seat"),
        "{full}"
    );
    no_csp_violations(b, "the refused registration");

    b.goto(&format!("{base}/classes/{class}"));
    b.click(&format!("a[href=\"/classes/{class}/edit\"]"));
    b.wait_until("the class's form", |b| b.exists("#f-addon_seats"));
    fill(b, "#f-addon_seats", "1");
    save(b);
    b.wait_until("the class with its add-on seat", |b| b.url().contains("saved=1"));
    assert_eq!(text(b, "#seats"), "12 of 13 taken (12 included + 1 add-on)");
    register(b, class, last[0]);
    assert!(
        b.url().contains("saved=1"),
        "the 13th is refused: {}",
        text(b, "p.error")
    );
    assert_eq!(text(b, "#seats"), "13 of 13 taken (12 included + 1 add-on)");
    let roster = text(b, "#roster-table tbody");
    assert!(roster.contains("Learner 13"), "{roster}");
}

/// Tess finds her class in the calendar, ticks both days for everyone but the absent
/// learner, saves, and submits the roster.
fn the_trainer_closes_the_class(b: &Browser, base: &str, class: i64) {
    b.goto(&format!("{base}/classes"));
    b.wait_until("the class calendar", |b| b.exists("#classes-table"));
    b.click(&format!("#classes-table a[href=\"/classes/{class}\"]"));
    b.wait_until("her class", |b| b.exists("#attendance-form"));
    no_csp_violations(b, "the trainer's class page");
    let rows = b.eval(
        "return Array.from(document.querySelectorAll('#roster-table tbody tr'))\
           .map(r => [r.id, r.querySelector('th').textContent.trim()]);",
    );
    let rows = rows.as_array().cloned().unwrap_or_default();
    assert_eq!(rows.len(), LEARNERS, "{rows:?}");
    for row in &rows {
        let (row_id, name) = (row[0].as_str().unwrap_or_default(), row[1].as_str().unwrap_or_default());
        if name == ABSENT {
            continue;
        }
        for day in ["2026-03-02", "2026-03-03"] {
            b.click(&format!("#{row_id} input[name=attended][value$=\":{day}\"]"));
        }
    }
    b.click("#save-attendance");
    b.wait_until("the saved attendance", |b| b.url().contains("done=attendance"));
    assert_eq!(text(b, "p.notice"), "Attendance saved.");
    let ticked = b.eval("return document.querySelectorAll('#roster-table input[name=attended]:checked').length;");
    assert_eq!(ticked.as_u64(), Some(2 * (LEARNERS as u64 - 1)), "the ticks stay");
    b.click("#submit-roster");
    b.wait_until("the completed class", |b| b.url().contains("done=roster"));
    assert_eq!(text(b, "p.notice"), "Roster submitted: the class is complete.");
    assert_eq!(text(b, "h1 .pill"), "Completed");
    assert!(!b.exists("#roster-form"), "a completed class takes no roster");
    let absent = b.eval(&format!(
        "const r = Array.from(document.querySelectorAll('#roster-table tbody tr'))\
           .find(r => r.querySelector('th').textContent.trim() === '{ABSENT}');\
         return r ? Array.from(r.querySelectorAll('td')).slice(-2).map(c => c.textContent.trim()) : [];"
    ));
    assert_eq!(absent, json!(["—", "—"]), "the absent learner's days");
    no_csp_violations(b, "the completed class");
}

/// Finance recognises revenue; the project's Money tab shows the class's fee.
fn finance_sees_the_fee(b: &Browser, base: &str, project: i64) {
    b.goto(&format!("{base}/projects/{project}/money"));
    b.wait_until("the Money tab", |b| b.exists("#burn"));
    assert_eq!(recognised(b), "$0.00", "nothing before recognition");
    b.goto(&format!("{base}/finance/periods"));
    b.click("form[action=\"/finance/periods/recognise\"] button[type=submit]");
    b.wait_until("the recognised months", |b| b.exists("#periods-table"));
    no_csp_violations(b, "the periods");
    b.goto(&format!("{base}/projects/{project}/money"));
    b.wait_until("the Money tab", |b| b.exists("#months-table"));
    assert_eq!(recognised(b), "$2,400.00");
    let months = text(b, "#months-table tbody");
    assert!(months.contains("$2,400.00"), "{months}");
    no_csp_violations(b, "the Money tab");
}

/// The "Revenue recognised" figure of the Money tab's facts.
fn recognised(b: &Browser) -> String {
    let v = b.eval(
        "const t = Array.from(document.querySelectorAll('#burn dt')).find(d => d.textContent === 'Revenue recognised');\
         return t ? t.nextElementSibling.textContent.trim() : '';",
    );
    v.as_str().unwrap_or_default().to_string()
}

/// The SMTP settings that mail to the sink, for the server's own delivery job and for
/// `psops notifications send` alike: whichever claims a survey first mails it there.
fn smtp_env(port: &str) -> [(&'static str, String); 4] {
    [
        ("PSOPS_SMTP_HOST", "127.0.0.1".to_string()),
        ("PSOPS_SMTP_PORT", port.to_string()),
        ("PSOPS_SMTP_TLS", "none".to_string()),
        ("PSOPS_SMTP_FROM", "psops <psops@example.com>".to_string()),
    ]
}

/// Mails the outbox through the local SMTP sink: one survey for each learner who
/// attended. The server's delivery job (every 15 s) may have mailed some already; both
/// mail to the sink, so the test waits until every expected survey is there. Returns
/// one of the links.
fn the_surveys_go_out(db: &TestDb, base: &str, sink: &Sink) -> String {
    let port = sink.port().to_string();
    let args = [
        "notifications",
        "send",
        "--smtp-host",
        "127.0.0.1",
        "--smtp-port",
        port.as_str(),
        "--smtp-tls",
        "none",
        "--smtp-from",
        "psops <psops@example.com>",
    ];
    let sent = run(db, &args, None);
    sent.assert_ok();
    let waited = std::time::Instant::now();
    while sink.messages().len() < LEARNERS - 1 && waited.elapsed() < std::time::Duration::from_secs(30) {
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    let mail = sink.messages();
    let mut to: Vec<String> = mail.iter().flat_map(|m| m.to.clone()).collect();
    to.sort();
    let expected: Vec<String> = (1..=LEARNERS)
        .filter(|i| format!("Learner {i:02}") != ABSENT)
        .map(|i| format!("learner{i:02}@contoso.example"))
        .collect();
    assert_eq!(to, expected, "a survey to each learner who attended, and only them");
    let first = &mail[0];
    let body = first.body().replace("=\n", "");
    let at = body
        .find(&format!("{base}/training-survey/"))
        .unwrap_or_else(|| panic!("no link to {base} in {body}"));
    body[at..].split_whitespace().next().unwrap_or_default().to_string()
}

/// A learner, in a browser of their own, opens the survey about the course.
fn a_learner_opens_the_survey(link: &str) {
    let Some(c) = Browser::start("education-learner") else {
        return;
    };
    c.goto(link);
    c.wait_until("the training survey", |b| b.exists("#score-5"));
    let heading = text(&c, "main h1");
    assert!(heading.contains("Git fundamentals"), "{heading}");
    no_csp_violations(&c, "the training survey");
}

fn education_in_a_browser(db: &TestDb, name: &str) {
    let Some(b) = Browser::start(name) else { return };
    let started = std::time::Instant::now();
    crate::browser::admin_on(db);
    let token = crate::create_token(db, "admin@example.com", "education");
    let sink = Sink::start(Answer::Accept);
    let smtp = smtp_env(&sink.port().to_string());
    let env: Vec<(&str, &str)> = smtp.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let server = Server::start(db, &env);
    let base = format!("http://{}", server.addr);
    let (course, project, learners) = world(db, &server, &token);

    sign_in(&b, &base, "olive@example.com");
    let class = schedule(&b, &base, course);
    fill_the_class(&b, &base, class, &learners);
    sign_out(&b);

    sign_in(&b, &base, "tess@example.com");
    the_trainer_closes_the_class(&b, &base, class);
    sign_out(&b);

    sign_in(&b, &base, "fiona@example.com");
    finance_sees_the_fee(&b, &base, project);
    sign_out(&b);

    let link = the_surveys_go_out(db, &base, &sink);
    a_learner_opens_the_survey(&link);
    eprintln!(
        "{name}: the education flow took {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

#[test]
fn a_class_is_scheduled_filled_rostered_recognised_and_surveyed_in_a_browser() {
    education_in_a_browser(&TestDb::sqlite(), "education");
}

#[test]
fn the_education_flow_in_a_browser_on_postgres() {
    crate::browser::on_postgres(|db| education_in_a_browser(db, "education-postgres"));
}
