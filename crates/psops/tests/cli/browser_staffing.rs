//! Staffing in headless Chromium: ops opens an open request from the master planning
//! page, sees the ranked candidates with their reasons (the parts of the score, the
//! utilization effect), books the first one hard; then plans the backlog and accepts the
//! plan, landing on the map with the count; the weeks of the people booked change band,
//! the forecast utilization of the person booked rises, and their bookings page lists them.
//! The Content-Security-Policy refuses nothing. Runs when `PSOPS_TEST_BROWSER=1`, on
//! SQLite and (when `PSOPS_TEST_POSTGRES_URL` is set) PostgreSQL; a failure saves a
//! screenshot.

use serde_json::{Value, json};
use time::{Date, Duration, OffsetDateTime};

use crate::browser::{no_csp_violations, sign_in, text, user};
use crate::support::{Server, TestDb, http_json};
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

/// The requests' first Monday: two weeks from this one, inside the plan's default
/// window and the map's default 26 weeks.
fn start() -> Date {
    let today = OffsetDateTime::now_utc().date();
    today - Duration::days(i64::from(today.weekday().number_days_from_monday())) + Duration::weeks(2)
}

struct Org {
    ada: i64,
    bo: i64,
    /// Hard, Kubernetes 3+: Ada fits, Bo does not.
    kube: i64,
}

/// Two engineers (Ada knows Kubernetes well, Bo a little), ops, a project and three
/// open requests over four weeks: the Kubernetes one and a backlog of two.
fn organisation(db: &TestDb, server: &Server, token: &str) -> Org {
    let person = |name: &str, email: &str, function: &str| {
        post(
            server,
            token,
            "/api/v1/people",
            json!({"name": name, "email": email, "function": function, "region": "EMEA",
                   "employment_start": "2020-01-01"}),
        )
    };
    let ada = person("Ada Lovelace", "ada@example.com", "engineer");
    let bo = person("Bo Builder", "bo@example.com", "engineer");
    let olive = person("Olive Ops", "olive@example.com", "ops");
    for (who, level) in [(ada, 4), (bo, 2)] {
        post(
            server,
            token,
            &format!("/api/v1/people/{who}/skills"),
            json!({"skill": "Kubernetes", "level": level, "growth": false}),
        );
    }
    let account = post(
        server,
        token,
        "/api/v1/accounts",
        json!({"name": "Contoso", "code": "CTS"}),
    );
    let project = post(
        server,
        token,
        "/api/v1/projects",
        json!({"name": "Contoso rollout", "account_id": account, "project_type": "consulting",
               "billing_type": "time_and_materials", "status": "active", "start_date": "2020-01-01"}),
    );
    let (from, to) = (start(), start() + Duration::days(25));
    let request = |booking: &str, priority: i64, skills: Value| {
        post(
            server,
            token,
            "/api/v1/resource-requests",
            json!({"project_id": project, "role": "engineer", "minutes": 4800, "minutes_per_week": 1200,
                   "start_date": from.to_string(), "end_date": to.to_string(), "booking": booking,
                   "status": "open", "priority": priority, "required_skills": skills}),
        )
    };
    let kube = request("hard", 1, json!([{"skill": "Kubernetes", "min_level": 3}]));
    request("soft", 3, json!([]));
    request("hard", 2, json!([]));
    user(db, "olive@example.com", "ops", olive);
    Org { ada, bo, kube }
}

/// The band class of a person's cell in the requests' first week (the map's third).
fn band(b: &Browser, person: i64) -> String {
    let script = format!(
        "const c = document.querySelector('#heatmap tr[data-person=\"{person}\"] td:nth-of-type(3)'); return c ? c.className : '';"
    );
    b.eval(&script).as_str().unwrap_or_default().to_string()
}

/// A person's weighted forecast utilization (whole percent) in the requests' first week
/// (the forecast's third; after the name, target and weeks-below cells).
fn forecast(b: &Browser, person: i64) -> String {
    b.wait_until("the forecast", |b| b.exists("#forecast-table"));
    let script = format!(
        "const c = document.querySelector('#forecast-table tr[data-group=\"{person}\"] td:nth-of-type(5)'); return c ? c.textContent : '';"
    );
    b.eval(&script).as_str().unwrap_or_default().to_string()
}

fn staffing_in_a_browser(db: &TestDb, name: &str) {
    let Some(b) = Browser::start(name) else { return };
    crate::browser::admin_on(db);
    let token = crate::create_token(db, "admin@example.com", "staffing");
    let server = Server::start(db, &[]);
    let base = format!("http://{}", server.addr);
    let o = organisation(db, &server, &token);

    sign_in(&b, &base, "olive@example.com");
    b.click("header.top nav a[href=\"/staffing\"]");
    b.wait_until("the master planning map", |b| b.exists("#heatmap"));
    assert_eq!((band(&b, o.ada), band(&b, o.bo)), ("b0".to_string(), "b0".to_string()));
    no_csp_violations(&b, "the map");

    // The forecast by person: nothing booked yet, so no one's billable week is forecast.
    b.click("#forecast-link");
    b.wait_until("the forecast by function", |b| b.exists("#forecast-chart"));
    b.click("#forecast-tabs a[href$=\"group=person\"]");
    b.wait_until("the forecast by person", |b| b.url().contains("group=person"));
    assert_eq!(forecast(&b, o.ada), "0", "{}", text(&b, "#forecast-table"));
    no_csp_violations(&b, "the forecast");
    b.goto(&format!("{base}/staffing"));

    // The Kubernetes request: Ada first, with her reasons; Bo ruled out by skill.
    b.click(&format!("#open-table a[href=\"/staffing/requests/{}\"]", o.kube));
    b.wait_until("the request's suggestions", |b| b.exists("#suggestions-internal"));
    let first = text(&b, "#suggestions-internal tbody tr:first-child");
    assert!(first.contains("Ada Lovelace"), "{first}");
    assert!(first.contains("Kubernetes 4"), "the skill part says her level: {first}");
    assert!(first.contains("vs 70 % target"), "the utilization effect: {first}");
    assert!(
        text(&b, "#excluded").contains("1 by skill"),
        "{}",
        text(&b, "#excluded")
    );
    no_csp_violations(&b, "the request's page");
    b.click("#suggestions-internal tbody tr:first-child button[value=hard]");
    b.wait_until("the booking made", |b| b.url().contains("done=hard"));
    assert!(
        text(&b, "#done").contains("Booked hard to Ada Lovelace"),
        "{}",
        text(&b, "#done")
    );
    assert!(text(&b, "#holder").contains("Ada Lovelace"));

    // The plan fills the backlog; accepting it books both lines.
    b.goto(&format!("{base}/staffing"));
    b.click("#plan-link");
    b.wait_until("the plan", |b| b.exists("#plan-figures"));
    let lines = b.eval("return document.querySelectorAll('#plan-lines input[name=pick]:checked').length;");
    assert_eq!(lines.as_i64(), Some(2), "{}", text(&b, "main"));
    assert!(
        text(&b, "#fig-hard").starts_with("100.0 %"),
        "{}",
        text(&b, "#fig-hard")
    );
    no_csp_violations(&b, "the plan");
    b.click("#accept-plan");
    b.wait_until("the map with the bookings", |b| b.url().contains("made=2"));
    assert_eq!(text(&b, "#made"), "2 bookings made.");
    assert!(b.exists("#no-open"), "no request is left open: {}", text(&b, "main"));

    // Ada's week is booked now, and so is Bo's: Ada had room for one backlog line at most.
    let (ada, bo) = (band(&b, o.ada), band(&b, o.bo));
    assert!(
        ada != "b0" && bo != "b0",
        "the bookings are on the map: Ada {ada}, Bo {bo}"
    );
    let script = format!(
        "return document.querySelector('#heatmap tr[data-person=\"{}\"] td:nth-of-type(3)').title;",
        o.ada
    );
    let title = b.eval(&script).as_str().unwrap_or_default().to_string();
    assert!(title.contains("hard 20 h") || title.contains("hard 40 h"), "{title}");
    no_csp_violations(&b, "the map after the plan");

    // The forecast moves with the bookings: Ada's week is half or wholly billable now.
    b.goto(&format!("{base}/staffing/forecast?group=person"));
    let ada = forecast(&b, o.ada);
    assert!(
        ada.parse::<i64>().is_ok_and(|n| n >= 40),
        "Ada's forecast after her bookings: {ada}"
    );

    // Her bookings page lists them.
    b.goto(&format!("{base}/people/{}/bookings", o.ada));
    b.wait_until("Ada's bookings", |b| b.exists("#bookings-table"));
    assert!(text(&b, "#bookings-table").contains("Contoso rollout"));
    no_csp_violations(&b, "a person's bookings");
}

#[test]
fn ops_books_a_suggestion_and_accepts_the_plan_in_a_browser() {
    staffing_in_a_browser(&TestDb::sqlite(), "staffing");
}

#[test]
fn staffing_in_a_browser_on_postgres() {
    crate::browser::on_postgres(|db| staffing_in_a_browser(db, "staffing-postgres"));
}
