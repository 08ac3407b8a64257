//! The first-run setup page offers the demo organisation: ticking it creates the
//! administrator, loads the demo in the request and shows each demo user's sign-in
//! once, signed in — on SQLite, and on PostgreSQL when configured.

use psops_core::store::Records as _;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Method, Request, header};
use psops_core::page::PageRequest;
use psops_core::store::Store;
use psops_store::testing::TestDatabase;

use crate::support::{Resp, TestApp};

async fn page(app: &TestApp, method: Method, path: &str, cookies: &str, form: &str) -> Resp {
    let mut req = Request::builder().method(method.clone()).uri(path);
    if !cookies.is_empty() {
        req = req.header(header::COOKIE, cookies);
    }
    if method == Method::POST {
        req = req.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    }
    app.send(req.body(Body::from(form.to_string())).expect("request")).await
}

fn hidden_csrf(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker).map(|i| i + marker.len()).expect("a csrf field");
    html[start..].split('"').next().unwrap_or_default().to_string()
}

async fn setup_offers_and_loads_the_demo(db: TestDatabase) {
    let store: Arc<dyn Store> = Arc::new(db.open().await);
    let state = psops_web::AppState::new(store.clone());
    let path = psops_web::setup_link(&state)
        .await
        .expect("link")
        .expect("no users yet");
    let app = TestApp::with_store(store.clone()).await;
    let form = page(&app, Method::GET, &path, "", "").await.expect(200);
    assert!(form.text.contains("Load the demo organisation"), "{}", form.text);
    let csrf = hidden_csrf(&form.text);
    let pre_session = form
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.split(';').next()?.strip_prefix("psops_form="))
        .unwrap_or_default()
        .to_string();
    let cookies = format!("psops_form={pre_session}");
    let body = format!(
        "csrf={csrf}&name=Root&email=root%40example.com&password=a+long+passphrase&confirm=a+long+passphrase&demo=yes&function=ops&region=EMEA"
    );
    let done = page(&app, Method::POST, &path, &cookies, &body).await.expect(200);
    assert!(done.text.contains("demo organisation is ready"), "{}", done.text);
    let session = done
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("psops_session=") && !c.starts_with("psops_session=;"))
        .map(|c| c.split(';').next().unwrap_or_default().to_string())
        .expect("signed in");
    let users = store
        .list_users(PageRequest { after: None, limit: 50 })
        .await
        .expect("users")
        .items;
    assert_eq!(
        users.len(),
        1 + psops_demo::DEMO_ROLES.len(),
        "the administrator and one user per role"
    );
    let root = users.iter().find(|u| u.email == "root@example.com").expect("root");
    assert!(
        root.person_id.is_some(),
        "the administrator has a person beside the demo's"
    );
    for u in users.iter().filter(|u| u.email != "root@example.com") {
        assert!(done.text.contains(&u.email), "{} is shown", u.email);
        assert!(u.person_id.is_some());
    }
    for role in ["admin", "ops", "finance", "practice_manager", "partner_consultant"] {
        assert!(done.text.contains(&format!("<td>{role}</td>")), "{role}");
    }
    assert_eq!(
        done.text.matches("<code>").count(),
        psops_demo::DEMO_ROLES.len(),
        "a password per role, shown once"
    );
    let people = store
        .list(
            &psops_core::people::PersonFilter::default(),
            PageRequest {
                after: None,
                limit: 100,
            },
        )
        .await
        .expect("people");
    assert_eq!(
        people.items.len() as i64,
        61 + psops_demo::partners::PEOPLE_ADDED,
        "the demo's 60, its partners' candidates and the administrator"
    );
    assert!(store.verify_rollups().await.expect("verify").is_empty());
    let home = page(&app, Method::GET, "/", &session, "").await.expect(200);
    assert!(home.text.contains("Root"));
    let again = page(&app, Method::GET, &path, "", "").await;
    assert_eq!(again.status, 404, "the link works once");
    drop(app);
    drop(state);
    db.destroy().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_setup_offers_and_loads_the_demo() {
    setup_offers_and_loads_the_demo(TestDatabase::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_setup_offers_and_loads_the_demo() {
    match TestDatabase::postgres().await {
        Some(db) => setup_offers_and_loads_the_demo(db).await,
        None => eprintln!("skipped: set PSOPS_TEST_POSTGRES_URL to run on PostgreSQL"),
    }
}
