//! The server time of the web pages people wait on: signed in through the form as a person
//! does (GET /sign-in for the double-submit cookie, POST /sign-in), then every page a
//! person opens — home, week, approvals, reports, lists sorted and paged, a person and a
//! project — each timed over keep-alive on loopback.

use std::time::Duration;

use anyhow::{Context as _, Result, bail};

use crate::args::{Args, Paths};
use crate::backend::Backend;
use crate::http::{Client, form_encode};
use crate::report::{Report, Verdict};
use crate::server::Server;
use crate::session::{self, Credentials, FORM_COOKIE, SESSION_COOKIE};
use crate::stats::{Samples, ms};
use crate::utilization::{self, Quarter};

/// The size of `psops demo` without options: what a newcomer first sees.
const DEMO_PEOPLE: u32 = 60;
const DEMO_YEARS: u32 = 1;

const WARM_UP: u32 = 2;

/// Signs in with the e-mail and password through the sign-in form.
pub fn sign_in(addr: &str, who: &Credentials) -> Result<Client> {
    let mut client = Client::new(addr);
    let form = client.get("/sign-in")?;
    if form.status != 200 {
        bail!("GET /sign-in answered {}", form.status);
    }
    // The form's token is signed for the pre-session in the cookie the client keeps.
    if client.cookie(FORM_COOKIE).is_none() {
        bail!("GET /sign-in set no {FORM_COOKIE} cookie");
    }
    let page = form.text();
    let csrf = page
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .with_context(|| "the sign-in form has no csrf field")?
        .to_string();
    let body = format!(
        "csrf={}&email={}&password={}",
        form_encode(&csrf),
        form_encode(&who.email),
        form_encode(&who.password)
    );
    let res = client.post("/sign-in", "application/x-www-form-urlencoded", body.as_bytes())?;
    if !(200..400).contains(&res.status) || client.cookie(SESSION_COOKIE).is_none() {
        bail!(
            "signing in through the form failed: {} {}",
            res.status,
            first_line(&res.text())
        );
    }
    Ok(client)
}

/// Whose pages are timed: the bench's user is the demo project manager's person, with
/// the admin, project manager and consultant roles, so its home shows every section.
pub struct Subjects {
    pub person: i64,
    /// One of that project manager's projects.
    pub project: Option<i64>,
    /// The first opportunity, estimate and SOW the demo holds.
    pub opportunity: Option<i64>,
    pub estimate: Option<i64>,
    pub sow: Option<i64>,
    /// The first partner, prime SOW and partner invoice the demo holds.
    pub partner: Option<i64>,
    pub prime_sow: Option<i64>,
    pub partner_invoice: Option<i64>,
    /// The most urgent open, unstaffed resource request (its page ranks suggestions).
    pub request: Option<i64>,
}

/// The pages to time, with the path that shows each at the loaded size.
pub fn paths(quarter: &Quarter, who: &Subjects) -> Vec<(&'static str, String)> {
    let q = quarter.page_code();
    let mut all = vec![
        ("Home", "/".to_string()),
        ("Week view", "/week".to_string()),
        ("Approvals", "/approvals".to_string()),
        (
            "Utilization report page",
            format!("/reports/utilization?quarter={q}&group=person"),
        ),
        (
            "Utilization report page, sorted by attainment, page 2",
            format!("/reports/utilization?quarter={q}&group=person&sort=attainment&dir=desc&page=2"),
        ),
        (
            "Utilization by function",
            format!("/reports/utilization?quarter={q}&group=function"),
        ),
        ("My utilization", "/me/utilization".to_string()),
        ("Compliance, last week", "/reports/compliance".to_string()),
        ("People list", "/people".to_string()),
        (
            "People list, by employer, page 3",
            "/people?sort=employer&dir=desc&page=3".to_string(),
        ),
        ("Projects list", "/projects".to_string()),
        ("Projects list, by PM, page 2", "/projects?sort=pm&page=2".to_string()),
        ("Person page", format!("/people/{}", who.person)),
        ("Catalog", "/catalog".to_string()),
        ("SKU requests", "/catalog/requests".to_string()),
        ("Rate card", "/rates".to_string()),
        (
            "Cost rates, by rate, page 3",
            "/rates/cost?sort=rate&dir=desc&page=3".to_string(),
        ),
        ("FX rates", "/rates/fx".to_string()),
        ("Scoping board", "/scoping".to_string()),
        (
            "Scoping list, by state, page 2",
            "/scoping/list?sort=state&page=2".to_string(),
        ),
        ("Scoping inbox", "/scoping/inbox".to_string()),
        ("Win rates and service levels", "/scoping/report".to_string()),
        ("Portfolio", "/portfolio".to_string()),
        ("CSAT by project manager", "/reports/csat?by=pm".to_string()),
        ("Escalations", "/escalations".to_string()),
        ("Outbox", "/admin/outbox".to_string()),
        ("Finance dashboard", "/finance".to_string()),
        ("Margin by project", "/finance/margin?by=project".to_string()),
        (
            "Margin by offering type, by margin %",
            "/finance/margin?by=offering_type&sort=margin_pct".to_string(),
        ),
        ("Forecast", "/finance/forecast".to_string()),
        ("Periods", "/finance/periods".to_string()),
        ("Invoices", "/invoices".to_string()),
        ("Partners list", "/partners".to_string()),
        ("Partner funds", "/partner-funds".to_string()),
        ("Partner report", "/partners/report".to_string()),
        ("Partner invoices", "/partner-invoices".to_string()),
        ("Education report", "/education/report".to_string()),
        ("Training partners", "/partners/training".to_string()),
        ("Classes", "/classes".to_string()),
        ("Courses", "/courses".to_string()),
        ("Learners", "/learners".to_string()),
        ("Certifications", "/certifications".to_string()),
        ("Staffing map", "/staffing".to_string()),
        (
            "Staffing map, engineers, page 2",
            "/staffing?function=engineer&offset=50".to_string(),
        ),
        ("Resource requests", "/staffing/requests".to_string()),
        (
            "Resource requests, filled, by project, page 2",
            "/staffing/requests?view=filled&sort=project&dir=desc&page=2".to_string(),
        ),
        ("Forecast utilization", "/staffing/forecast".to_string()),
        (
            "Forecast utilization by person, page 3",
            "/staffing/forecast?group=person&offset=100".to_string(),
        ),
        ("Person's bookings", format!("/people/{}/bookings", who.person)),
    ];
    if let Some(id) = who.project {
        all.push(("Project page", format!("/projects/{id}")));
        all.push(("Project milestones", format!("/projects/{id}/milestones")));
        all.push(("Project health", format!("/projects/{id}/health")));
        all.push(("Project RAID log", format!("/projects/{id}/raid")));
        all.push(("Project escalations", format!("/projects/{id}/escalations")));
        all.push(("Project closure", format!("/projects/{id}/closure")));
        all.push(("Project money", format!("/projects/{id}/money")));
    }
    if let Some(id) = who.opportunity {
        all.push(("Opportunity page", format!("/scoping/opportunities/{id}")));
    }
    if let Some(id) = who.estimate {
        all.push(("Estimate page", format!("/scoping/estimates/{id}")));
    }
    if let Some(id) = who.sow {
        all.push(("SOW page", format!("/scoping/sows/{id}")));
    }
    if let Some(id) = who.partner {
        all.push(("Partner page", format!("/partners/{id}")));
    }
    if let Some(id) = who.prime_sow {
        all.push(("Prime SOW page", format!("/partner-funds/{id}")));
    }
    if let Some(id) = who.partner_invoice {
        all.push(("Partner invoice page", format!("/partner-invoices/{id}")));
    }
    if let Some(id) = who.request {
        all.push(("Resource request's suggestions", format!("/staffing/requests/{id}")));
    }
    all
}

/// The bench user's person and one of the projects that person manages.
fn subjects(addr: &str, who: &Credentials) -> Result<Subjects> {
    let mut api = Client::with_bearer(addr, &who.token);
    let path = format!("/api/v1/projects?project_manager_id={}&limit=1", who.person_id);
    let res = api.get(&path)?;
    if res.status != 200 {
        bail!("GET {path} answered {}", res.status);
    }
    let project = res.json()?["items"][0]["id"].as_i64();
    let mut first = |path: &str| -> Result<Option<i64>> {
        let res = api.get(path)?;
        if res.status != 200 {
            bail!("GET {path} answered {}", res.status);
        }
        Ok(res.json()?["items"][0]["id"].as_i64())
    };
    Ok(Subjects {
        person: who.person_id,
        project,
        opportunity: first("/api/v1/opportunities?limit=1")?,
        estimate: first("/api/v1/estimates?limit=1")?,
        sow: first("/api/v1/sows?status=signed&limit=1")?,
        partner: first("/api/v1/partners?limit=1")?,
        prime_sow: first("/api/v1/prime-sows?limit=1")?,
        partner_invoice: first("/api/v1/partner-invoices?limit=1")?,
        request: {
            let path = "/api/v1/staffing/requests?view=open&limit=1";
            let res = api.get(path)?;
            if res.status != 200 {
                bail!("GET {path} answered {}", res.status);
            }
            res.json()?["rows"][0]["request"]["id"].as_i64()
        },
    })
}

/// What is written before each timed GET, if anything.
pub enum Touch<'a> {
    None,
    /// A new account: a commit that changes nothing a report reads.
    Account(&'a mut Client),
    /// An hour of this person's time in the quarter: the worked minutes change.
    Time(&'a mut Client, i64, &'a Quarter),
}

/// `n` timed GETs of a page after a warm-up; every answer must be a 200 page. With a
/// touch, a write through that client before each GET.
pub fn time_page(client: &mut Client, path: &str, n: u32, mut touch: Touch<'_>) -> Result<Samples> {
    let mut times = Vec::with_capacity(n as usize);
    for i in 0..WARM_UP + n {
        match &mut touch {
            Touch::None => {}
            Touch::Account(api) => utilization::touch(api, i)?,
            Touch::Time(api, person, quarter) => utilization::log_time(api, *person, quarter)?,
        }
        let (res, took) = client.timed_get(path)?;
        if res.status != 200 {
            bail!("GET {path} answered {}: {}", res.status, first_line(&res.text()));
        }
        if i >= WARM_UP {
            times.push(took);
        }
    }
    Ok(Samples::new(times))
}

/// A page's goal for its p50 server time: 10 ms, except the finance dashboard, which
/// adds up the organisation's whole ledger over the fiscal year (50 ms).
fn goal_ms(page: &str) -> u64 {
    if page == "/finance" { 50 } else { 10 }
}

/// Times every page at the loaded size and adds the figures (goal: p50 ≤ 10 ms; see
/// [`goal_ms`]).
pub fn measure(report: &mut Report, addr: &str, who: &Credentials, n: u32, backend: &str, size: &str) -> Result<()> {
    let subjects = subjects(addr, who)?;
    let mut browser = sign_in(addr, who)?;
    let mut api = Client::with_bearer(addr, &who.token);
    // This quarter: the one people log time into, and the one home shows.
    let now = utilization::this_quarter(&mut api)?;
    for (name, path) in paths(&now, &subjects) {
        // Opened again with nothing changed, heavy pages are served from what the store
        // kept; after a write they are computed from what the write changed: after a new
        // account, reports of worked minutes are still kept; after a time entry in the
        // quarter they show, they are brought up to date.
        let again = time_page(&mut browser, &path, n, Touch::None)?;
        let fresh = time_page(&mut browser, &path, n, Touch::Account(&mut api))?;
        let timed = time_page(&mut browser, &path, n, Touch::Time(&mut api, who.person_id, &now))?;
        let page = path.split('?').next().unwrap_or(&path);
        for (how, s) in [
            ("read again", again),
            ("after a new account", fresh),
            ("after a time entry", timed),
        ] {
            let m = format!("{name} (`{page}`) at {size}, {how}, p50 over {}", s.len());
            let goal = goal_ms(page);
            let met = Verdict::of(s.p50() <= Duration::from_millis(goal));
            report.figure("Pages", &m, backend, ms(s.p50()), &format!("≤ {goal} ms"), met);
        }
    }
    Ok(())
}

/// The pages at the demo's own size too (issue 5 asks for both), on SQLite, when the run
/// is of another size: a default demo in a database of its own, served for this alone.
pub fn demo_size(args: &Args, paths: &Paths, report: &mut Report) -> Result<()> {
    if (args.people, args.years) == (DEMO_PEOPLE, DEMO_YEARS) {
        return Ok(());
    }
    let b = Backend::Sqlite {
        path: paths.work.join("psops-demo-size.db"),
    };
    b.drop_database()?;
    let url = b.url();
    session::load_demo(&paths.psops, &url, DEMO_PEOPLE, DEMO_YEARS, args.seed)?;
    let who = session::sign_up(&paths.psops, &url)?;
    let server = Server::start(&paths.psops, &url, &paths.work.join("serve-demo-size.log"))?;
    let size = format!("demo size ({DEMO_PEOPLE} people, {DEMO_YEARS} year)");
    measure(report, &server.addr, &who, args.page_requests, b.label(), &size)?;
    server.stop()?;
    b.drop_database()
}

fn first_line(text: &str) -> String {
    text.lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default()
        .chars()
        .take(200)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_report_page_is_asked_for_the_same_quarter() {
        let q = Quarter {
            name: "FY2027-Q1".into(),
            start: "2026-02-01".into(),
            end: "2026-04-30".into(),
        };
        let who = Subjects {
            person: 7,
            project: Some(9),
            opportunity: Some(11),
            estimate: None,
            sow: Some(13),
            partner: Some(3),
            prime_sow: Some(5),
            partner_invoice: Some(8),
            request: Some(21),
        };
        let p = paths(&q, &who);
        let find = |name: &str| p.iter().find(|(n, _)| *n == name).map(|(_, path)| path.as_str());
        assert_eq!(
            find("Utilization report page"),
            Some("/reports/utilization?quarter=2027-Q1&group=person")
        );
        assert_eq!(find("Person page"), Some("/people/7"));
        assert_eq!(find("Project page"), Some("/projects/9"));
        assert_eq!(find("Opportunity page"), Some("/scoping/opportunities/11"));
        assert_eq!(find("SOW page"), Some("/scoping/sows/13"));
        assert_eq!(find("Estimate page"), None);
        assert_eq!(find("Partner page"), Some("/partners/3"));
        assert_eq!(find("Prime SOW page"), Some("/partner-funds/5"));
        assert_eq!(find("Partner report"), Some("/partners/report"));
        assert_eq!(find("Partner invoices"), Some("/partner-invoices"));
        assert_eq!(find("Education report"), Some("/education/report"));
        assert_eq!(find("Partner invoice page"), Some("/partner-invoices/8"));
        assert_eq!(find("Staffing map"), Some("/staffing"));
        assert_eq!(find("Person's bookings"), Some("/people/7/bookings"));
        assert_eq!(find("Resource request's suggestions"), Some("/staffing/requests/21"));
        let without = paths(
            &q,
            &Subjects {
                person: 7,
                project: None,
                opportunity: None,
                estimate: None,
                sow: None,
                partner: None,
                prime_sow: None,
                partner_invoice: None,
                request: None,
            },
        );
        // The project's overview and its six tabs, the opportunity, the SOW, the partner
        // the prime SOW, the partner invoice and the request.
        assert_eq!(without.len(), p.len() - 13);
    }
}
