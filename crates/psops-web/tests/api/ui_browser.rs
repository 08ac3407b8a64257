//! A browser for the page tests: signs in through `/sign-in` like a person, keeps the
//! session cookie and the session's CSRF token, and sends GETs (optionally as htmx) and
//! form POSTs. Also the small organisation the page tests read their numbers from.

use axum::body::Body;
use axum::http::{Method, Request, header};
use psops_core::Id;
use psops_core::Minutes;
use psops_core::accounts::AccountFields;
use psops_core::assignments::AssignmentFields;
use psops_core::auth::{NewUser, Role};
use psops_core::credentials::hash_password;
use psops_core::money::{Currency, Money};
use psops_core::partners::{PartnerFields, PartnerType};
use psops_core::people::{Function, PersonFields};
use psops_core::projects::{BillingType, ProjectFields, ProjectStatus, ProjectType};
use psops_core::store::Records as _;
use psops_core::store::{Created, Store, WriteCtx};
use psops_core::time_entries::NewTimeEntry;
use time::Date;
use time::macros::date;

use crate::support::{Resp, TestApp};

pub const PASSWORD: &str = "correct horse battery";

fn cookie_value(r: &Resp, name: &str) -> Option<String> {
    r.headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// The value of the first hidden `csrf` field of a page.
pub fn hidden_csrf(html: &str) -> String {
    html.split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
        .to_string()
}

/// A request of someone who never signed in.
pub async fn stranger(app: &TestApp, method: Method, path: &str, cookie: &str, body: String) -> Resp {
    let mut req = Request::builder().method(method.clone()).uri(path);
    if !cookie.is_empty() {
        req = req.header(header::COOKIE, cookie);
    }
    if method == Method::POST {
        req = req.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    }
    app.send(req.body(Body::from(body)).expect("request")).await
}

/// The pre-session cookie a public form's page sets, as a `Cookie` header's pair.
pub fn form_cookie(r: &Resp) -> String {
    format!("psops_form={}", cookie_value(r, "psops_form").unwrap_or_default())
}

/// A page's HTML with minijinja's escaped characters read back.
pub fn html(r: &Resp) -> String {
    r.text
        .replace("&#x2f;", "/")
        .replace("&amp;", "&")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
}

/// A URL-encoded form body.
pub fn form(pairs: &[(&str, &str)]) -> String {
    serde_urlencoded::to_string(pairs).unwrap_or_default()
}

async fn request(app: &TestApp, method: Method, path: &str, cookie: &str, body: String, htmx: bool) -> Resp {
    let mut req = Request::builder().method(method.clone()).uri(path);
    if !cookie.is_empty() {
        req = req.header(header::COOKIE, cookie);
    }
    if htmx {
        req = req.header("hx-request", "true");
    }
    if method == Method::POST {
        req = req.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    }
    app.send(req.body(Body::from(body)).expect("request")).await
}

pub struct Browser {
    pub cookie: String,
    pub csrf: String,
}

impl Browser {
    pub async fn sign_in(app: &TestApp, email: &str) -> Browser {
        let page = request(app, Method::GET, "/sign-in", "", String::new(), false)
            .await
            .expect(200);
        let token = cookie_value(&page, "psops_form").unwrap_or_default();
        let body = form(&[
            ("csrf", &hidden_csrf(&page.text)),
            ("email", email),
            ("password", PASSWORD),
        ]);
        let signed = request(
            app,
            Method::POST,
            "/sign-in",
            &format!("psops_form={token}"),
            body,
            false,
        )
        .await;
        assert_eq!(signed.status, 303, "{email} signs in: {}", signed.text);
        let session = cookie_value(&signed, "psops_session").unwrap_or_default();
        let cookie = format!("psops_session={session}");
        let home = request(app, Method::GET, "/", &cookie, String::new(), false)
            .await
            .expect(200);
        let csrf = hidden_csrf(&home.text);
        assert!(!csrf.is_empty(), "the home page carries the session's CSRF token");
        Browser { cookie, csrf }
    }

    pub async fn get(&self, app: &TestApp, path: &str) -> Resp {
        request(app, Method::GET, path, &self.cookie, String::new(), false).await
    }

    /// A page as a browser whose first language is `language` asks for it.
    pub async fn get_in(&self, app: &TestApp, path: &str, language: &str) -> Resp {
        let req = Request::builder()
            .uri(path)
            .header(header::COOKIE, &self.cookie)
            .header(header::ACCEPT_LANGUAGE, language)
            .body(Body::empty())
            .expect("request");
        app.send(req).await
    }

    pub async fn htmx(&self, app: &TestApp, path: &str) -> Resp {
        request(app, Method::GET, path, &self.cookie, String::new(), true).await
    }

    /// Posts a form with the session's CSRF token added.
    pub async fn post(&self, app: &TestApp, path: &str, pairs: &[(&str, &str)]) -> Resp {
        let mut all = vec![("csrf", self.csrf.as_str())];
        all.extend_from_slice(pairs);
        request(app, Method::POST, path, &self.cookie, form(&all), false).await
    }

    /// Posts a form as it is, without the CSRF token.
    pub async fn post_bare(&self, app: &TestApp, path: &str, pairs: &[(&str, &str)]) -> Resp {
        request(app, Method::POST, path, &self.cookie, form(pairs), false).await
    }
}

/// A user who can sign in with [`PASSWORD`].
pub async fn web_user(store: &dyn Store, email: &str, roles: Vec<Role>, person: Option<i64>) -> i64 {
    let new = NewUser {
        email: email.into(),
        name: email.split('@').next().unwrap_or(email).into(),
        roles,
        person_id: person.map(Id::new),
        password_hash: Some(hash_password(PASSWORD).expect("hash")),
    };
    store
        .create_user(&WriteCtx::trusted(), new)
        .await
        .expect("user")
        .id
        .get()
}

fn created<T>(c: Created<T>) -> T {
    match c {
        Created::New(v) => v,
        Created::Replayed(_) => panic!("fixture replayed"),
    }
}

/// A small organisation with known numbers: Ada (engineer) logs 12 h in 2026-W10 and
/// 6 h in 2026-W11 on "Migration" (100 h budget, 10,000.00 USD), managed by Pat; each
/// partner has a consultant and partner B a project of its own.
pub struct SmallOrg {
    pub pm: i64,
    pub ada: i64,
    pub partner_a: i64,
    pub a_consultant: i64,
    pub b_consultant: i64,
    pub project: i64,
    pub b_project: i64,
}

pub async fn person(
    store: &dyn Store,
    name: &str,
    function: Function,
    manager: Option<i64>,
    partner: Option<i64>,
) -> i64 {
    let fields = PersonFields {
        name: name.into(),
        email: format!("{}@org.example", name.to_lowercase().replace(' ', ".")),
        function,
        region: "EMEA".into(),
        time_zone: "UTC".into(),
        fte: psops_core::people::Fte::FULL,
        employment_start: date!(2025 - 01 - 01),
        employment_end: None,
        manager_id: manager.map(Id::new),
        partner_id: partner.map(Id::new),
    };
    created(store.create(&WriteCtx::trusted(), fields).await.expect("person"))
        .id
        .get()
}

pub async fn project(store: &dyn Store, name: &str, account: i64, pm: Option<i64>, partner: Option<i64>) -> i64 {
    let fields = ProjectFields {
        name: name.into(),
        code: Some(name.to_uppercase().chars().take(4).collect()),
        account_id: Some(Id::new(account)),
        project_type: ProjectType::Consulting,
        billing_type: BillingType::TimeAndMaterials,
        status: ProjectStatus::Active,
        phase: None,
        start_date: Some(date!(2026 - 01 - 01)),
        end_date: Some(date!(2026 - 12 - 31)),
        project_manager_id: pm.map(Id::new),
        budget_minutes: Some(Minutes(100 * 60)),
        budget: "USD".parse::<Currency>().ok().map(|usd| Money::new(1_000_000, usd)),
        partner_delivered: partner.is_some(),
        partner_id: partner.map(Id::new),
    };
    created(store.create(&WriteCtx::trusted(), fields).await.expect("project"))
        .id
        .get()
}

pub async fn log(store: &dyn Store, person: i64, project: i64, day: Date, hours: i64) {
    let e = NewTimeEntry {
        person_id: Id::new(person),
        project_id: Some(Id::new(project)),
        category: None,
        date: day,
        minutes: Minutes(hours * 60),
        billable: Some(true),
        note: None,
    };
    store.create_time_entry(&WriteCtx::trusted(), e).await.expect("entry");
}

impl SmallOrg {
    pub async fn build(store: &dyn Store) -> SmallOrg {
        let ctx = WriteCtx::trusted();
        let partner = |name: &str, training_since| PartnerFields {
            name: name.into(),
            partner_type: PartnerType::Direct,
            region: None,
            notes: None,
            training_since,
        };
        // Alpha also delivers training, so the training partners' answers hold a line.
        let alpha = partner("Alpha Partners", Some(date!(2026 - 01 - 05)));
        let partner_a = created(store.create(&ctx, alpha).await.expect("partner"));
        let partner_b = created(
            store
                .create(&ctx, partner("Beta Partners", None))
                .await
                .expect("partner"),
        );
        let account = AccountFields {
            name: "Globex".into(),
            code: None,
            region: None,
            industry: None,
            currency: None,
        };
        let account = created(store.create(&ctx, account).await.expect("account")).id.get();
        let pm = person(store, "Pat Manager", Function::ProjectManager, None, None).await;
        let ada = person(store, "Ada Lovelace", Function::Engineer, Some(pm), None).await;
        let (a, b) = (partner_a.id.get(), partner_b.id.get());
        let a_consultant = person(store, "Alan Alpha", Function::PartnerConsultant, None, Some(a)).await;
        let b_consultant = person(store, "Bea Beta", Function::PartnerConsultant, None, Some(b)).await;
        let project_id = project(store, "Migration", account, Some(pm), None).await;
        let b_project = project(store, "Beta Rollout", account, None, Some(b)).await;
        let assignment = AssignmentFields {
            person_id: Id::new(ada),
            project_id: Id::new(project_id),
            role: Function::Engineer,
            start_date: date!(2026 - 01 - 05),
            end_date: Some(date!(2026 - 12 - 31)),
            minutes_per_week: Minutes(20 * 60),
        };
        store.create(&ctx, assignment).await.expect("assignment");
        log(store, ada, project_id, date!(2026 - 03 - 02), 8).await;
        log(store, ada, project_id, date!(2026 - 03 - 03), 4).await;
        log(store, ada, project_id, date!(2026 - 03 - 09), 6).await;
        SmallOrg {
            pm,
            ada,
            partner_a: a,
            a_consultant,
            b_consultant,
            project: project_id,
            b_project,
        }
    }
}

/// The text of each `<tr>` of the table with this id: its cells, tags removed.
pub fn table_rows(html: &str, id: &str) -> Vec<Vec<String>> {
    let Some(start) = html.find(&format!("id=\"{id}\"")) else {
        return Vec::new();
    };
    let table = &html[start..];
    let table = &table[..table.find("</table>").unwrap_or(table.len())];
    table
        .split("<tr")
        .skip(1)
        .map(|row| {
            row.split("<t")
                .skip(1)
                .filter(|c| c.starts_with('d') || c.starts_with('h'))
                .map(|c| {
                    let inner = c.split_once('>').map(|x| x.1).unwrap_or_default();
                    let inner = inner.split("</t").next().unwrap_or_default();
                    strip_tags(inner).trim().to_string()
                })
                .collect()
        })
        .collect()
}

fn strip_tags(s: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}
