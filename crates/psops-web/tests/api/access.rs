//! Probes of access control: partners cannot reach another organisation's records by
//! guessing ids or through lists, revoked tokens stop at once, forms need their CSRF
//! token, sign-in never keeps a session id planted before it, failed sign-ins are
//! throttled, the first-run setup link works once, and API changes are audited.

use axum::body::Body as HttpBody;
use axum::http::{Method, Request, header};
use psops_core::auth::{NewUser, Role};
use psops_core::credentials::hash_password;
use psops_core::store::WriteCtx;
use serde_json::{Value, json};

use crate::matrix_fixture::{self as fx, Org};
use crate::support::{Resp, TestApp, api_tests};

const PMGR: usize = 7;
const PCONS: usize = 8;

fn ids(page: &Value) -> Vec<i64> {
    let mut v: Vec<i64> = page["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i["id"].as_i64())
        .collect();
    v.sort();
    v
}

async fn partners_see_only_their_organisation(app: TestApp) {
    let org = Org::build(app.store.as_ref()).await;
    let b_entry = fx::entry(app.store.as_ref(), org.b_person, org.pb).await;
    let a_entry = fx::entry(app.store.as_ref(), org.people[PCONS], org.pa).await;
    for role in [PMGR, PCONS] {
        let t = &org.tokens[role];
        let app = &app;
        let get = |path: String| async move { app.call_as(t, Method::GET, &path, None, &[]).await };
        assert_eq!(ids(&get("/api/v1/projects".into()).await.body), vec![org.pa]);
        assert_eq!(ids(&get("/api/v1/partners".into()).await.body), vec![org.partner_a]);
        assert_eq!(ids(&get("/api/v1/accounts".into()).await.body), vec![org.account_y]);
        let people = ids(&get("/api/v1/people".into()).await.body);
        assert_eq!(people, vec![org.people[PMGR], org.people[PCONS]]);
        let entries = ids(&get("/api/v1/time-entries".into()).await.body);
        assert!(!entries.contains(&b_entry), "partner B's time is not listed");
        assert_eq!(entries.contains(&a_entry), role == PMGR || role == PCONS);
        // Guessing ids gets nothing either.
        for path in [
            format!("/api/v1/projects/{}", org.pb),
            format!("/api/v1/people/{}", org.b_person),
            format!("/api/v1/time-entries/{b_entry}"),
            format!("/api/v1/partners/{}", org.partner_b),
            format!("/api/v1/accounts/{}/contacts", org.account_z),
        ] {
            get(path).await.problem(404, "", "");
        }
        let change = app
            .call_as(
                t,
                Method::PATCH,
                &format!("/api/v1/time-entries/{b_entry}"),
                Some(&json!({"minutes": 120})),
                &[],
            )
            .await;
        change.problem(404, "", "");
        // Logging time on partner B's project is refused exactly as on a project that
        // does not exist, so the answer reveals no project ids.
        let body = json!({"person_id": org.people[role], "project_id": org.pb, "date": "2026-05-05", "minutes": 60});
        let hidden = app
            .call_as(t, Method::POST, "/api/v1/time-entries", Some(&body), &[])
            .await
            .problem(422, "project_id", "exists");
        let nobody = json!({"person_id": org.people[role], "project_id": 999_999, "date": "2026-05-05", "minutes": 60});
        let missing = app
            .call_as(t, Method::POST, "/api/v1/time-entries", Some(&nobody), &[])
            .await
            .problem(422, "project_id", "exists");
        assert_eq!(
            hidden.body["errors"][0]["message"]
                .as_str()
                .map(|m| m.replace(&org.pb.to_string(), "N")),
            missing.body["errors"][0]["message"]
                .as_str()
                .map(|m| m.replace("999999", "N")),
        );
    }
    // The partner consultant sees their own time only; the manager their organisation's.
    let mine = fx::entry(app.store.as_ref(), org.people[PMGR], org.pa).await;
    let seen = ids(&app
        .call_as(&org.tokens[PCONS], Method::GET, "/api/v1/time-entries", None, &[])
        .await
        .body);
    assert!(!seen.contains(&mine));
}

async fn revoked_tokens_fail_at_once(app: TestApp) {
    let org = Org::build(app.store.as_ref()).await;
    let consultant = &org.tokens[6];
    let made = app
        .call_as(
            consultant,
            Method::POST,
            "/api/v1/tokens",
            Some(&json!({"name": "laptop"})),
            &[],
        )
        .await;
    let made = made.expect(201);
    let secret = made.body["secret"].as_str().unwrap_or_default().to_string();
    let id = made.body["token"]["id"].as_i64().unwrap_or_default();
    app.call_as(&secret, Method::GET, "/api/v1/me", None, &[])
        .await
        .expect(200);
    let listed = app
        .call_as(consultant, Method::GET, "/api/v1/tokens", None, &[])
        .await
        .expect(200);
    assert!(
        listed.text.contains("laptop") && !listed.text.contains(&secret),
        "listed, never with the secret"
    );
    let path = format!("/api/v1/tokens/{id}/revoke");
    app.call_as(consultant, Method::POST, &path, None, &[])
        .await
        .expect(200);
    app.call_as(&secret, Method::GET, "/api/v1/me", None, &[])
        .await
        .problem(401, "", "");
    // A disabled user's tokens stop too.
    let admin = &org.tokens[0];
    let user = format!("/api/v1/users/{}", org.users[6]);
    app.call_as(admin, Method::PATCH, &user, Some(&json!({"disabled": true})), &[])
        .await
        .expect(200);
    app.call_as(consultant, Method::GET, "/api/v1/me", None, &[])
        .await
        .problem(401, "", "");
    app.call_as(admin, Method::PATCH, &user, Some(&json!({"disabled": false})), &[])
        .await
        .expect(200);
    app.call_as(consultant, Method::GET, "/api/v1/me", None, &[])
        .await
        .expect(200);
}

/// Two `psops serve` nodes on one database: a token revoked and a user's roles changed
/// through one stop counting on the other within a second, though the other remembers
/// who its tokens are.
async fn another_nodes_revocation_counts_within_a_second(app: TestApp) {
    let org = Org::build(app.store.as_ref()).await;
    let other = TestApp::with_store(app.store.clone()).await;
    let consultant = &org.tokens[6];
    let made = app
        .call_as(
            consultant,
            Method::POST,
            "/api/v1/tokens",
            Some(&json!({"name": "phone"})),
            &[],
        )
        .await
        .expect(201);
    let secret = made.body["secret"].as_str().unwrap_or_default().to_string();
    let id = made.body["token"]["id"].as_i64().unwrap_or_default();
    app.call_as(&secret, Method::GET, "/api/v1/me", None, &[])
        .await
        .expect(200);
    let revoked_at = std::time::Instant::now();
    other
        .call_as(
            consultant,
            Method::POST,
            &format!("/api/v1/tokens/{id}/revoke"),
            None,
            &[],
        )
        .await
        .expect(200);
    loop {
        let status = app.call_as(&secret, Method::GET, "/api/v1/me", None, &[]).await.status;
        if status == 401 {
            break;
        }
        assert_eq!(status, 200);
        assert!(
            revoked_at.elapsed() < std::time::Duration::from_millis(1500),
            "a token revoked on another node still worked after {:?}",
            revoked_at.elapsed()
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    // A user disabled through the other node stops within a second here too.
    let admin = &org.tokens[0];
    let user = format!("/api/v1/users/{}", org.users[6]);
    app.call_as(consultant, Method::GET, "/api/v1/me", None, &[])
        .await
        .expect(200);
    let changed_at = std::time::Instant::now();
    other
        .call_as(admin, Method::PATCH, &user, Some(&json!({"disabled": true})), &[])
        .await
        .expect(200);
    while app
        .call_as(consultant, Method::GET, "/api/v1/me", None, &[])
        .await
        .status
        != 401
    {
        assert!(
            changed_at.elapsed() < std::time::Duration::from_millis(1500),
            "a user disabled elsewhere still worked"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

async fn api_changes_are_audited(app: TestApp) {
    let rid = [("x-request-id", "audit-probe-1")];
    let person = app
        .call(
            Method::POST,
            "/api/v1/people",
            Some(
                &json!({"name": "Audited", "email": "audited@example.com", "function": "trainer",
                "region": "AMER", "employment_start": "2025-01-01"}),
            ),
            &rid,
        )
        .await
        .expect(201);
    let id = person.id();
    app.patch(&format!("/api/v1/people/{id}"), &json!({"region": "APAC"}), "\"1\"")
        .await
        .expect(200);
    app.post(&format!("/api/v1/people/{id}/archive"), &json!({}))
        .await
        .expect(200);
    app.post(
        "/api/v1/users",
        &json!({"email": "new@example.com", "name": "New", "roles": ["ops"]}),
    )
    .await
    .expect(201);
    app.post("/api/v1/tokens", &json!({"name": "script", "scope": "read"}))
        .await
        .expect(201);
    let log = app
        .get(&format!("/api/v1/audit?entity=person&entity_id={id}"))
        .await
        .expect(200)
        .body;
    let items = log["items"].as_array().cloned().unwrap_or_default();
    let actions: Vec<_> = items.iter().map(|e| e["action"].as_str().unwrap_or("")).collect();
    assert_eq!(actions, ["create", "update", "archive"]);
    assert_eq!(items[0]["request_id"], "audit-probe-1");
    assert!(items[0]["user_id"].is_i64());
    assert_eq!(items[1]["before"]["region"], "AMER");
    assert_eq!(items[1]["after"]["region"], "APAC");
    for entity in ["user", "api_token"] {
        let log = app
            .get(&format!("/api/v1/audit?entity={entity}"))
            .await
            .expect(200)
            .body;
        assert!(
            !log["items"].as_array().cloned().unwrap_or_default().is_empty(),
            "{entity} changes are audited"
        );
    }
    let tokens = app.get("/api/v1/audit?entity=api_token").await.expect(200);
    assert!(!tokens.text.contains("token_hash"), "no secret reaches the log");
}

// ---- the web sign-in ----

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

fn hidden_csrf(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    html.split(marker)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
        .to_string()
}

async fn page(app: &TestApp, method: Method, path: &str, cookies: &str, form: &str) -> Resp {
    let mut req = Request::builder().method(method.clone()).uri(path);
    if !cookies.is_empty() {
        req = req.header(header::COOKIE, cookies);
    }
    if method == Method::POST {
        req = req.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    }
    app.send(req.body(HttpBody::from(form.to_string())).unwrap_or_default())
        .await
}

async fn user_with_password(app: &TestApp, email: &str) {
    let new = NewUser {
        email: email.into(),
        name: "Web User".into(),
        roles: vec![Role::Consultant],
        person_id: None,
        password_hash: Some(hash_password("correct horse battery").unwrap_or_default()),
    };
    app.store.create_user(&WriteCtx::trusted(), new).await.expect("user");
}

/// Signs in through the form; returns the session cookie's value.
async fn sign_in(app: &TestApp, email: &str, password: &str, extra_cookie: &str) -> Resp {
    let form = page(app, Method::GET, "/sign-in", "", "").await.expect(200);
    let token = cookie_value(&form, "psops_form").unwrap_or_default();
    let csrf = hidden_csrf(&form.text);
    assert!(
        !token.is_empty() && !csrf.is_empty(),
        "a pre-session cookie and its token"
    );
    assert_ne!(token, csrf, "the form's token is not the cookie: it is signed for it");
    let cookies = format!("psops_form={token}{extra_cookie}");
    let body = format!(
        "csrf={csrf}&email={}&password={}",
        email.replace('@', "%40"),
        password.replace(' ', "+")
    );
    page(app, Method::POST, "/sign-in", &cookies, &body).await
}

async fn sign_in_needs_csrf_and_renews_the_session(app: TestApp) {
    user_with_password(&app, "web@example.com").await;
    // Without the form's token: refused.
    let r = page(
        &app,
        Method::POST,
        "/sign-in",
        "",
        "email=web%40example.com&password=correct+horse+battery",
    )
    .await;
    assert_eq!(r.status, 403);
    // A session id planted before sign-in is not the one used after it.
    let ok = sign_in(
        &app,
        "web@example.com",
        "correct horse battery",
        "; psops_session=planted",
    )
    .await;
    assert_eq!(ok.status, 303, "{}", ok.text);
    let session = cookie_value(&ok, "psops_session").unwrap_or_default();
    assert!(!session.is_empty() && session != "planted");
    let set_cookie = ok
        .headers
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(
        set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"),
        "{set_cookie}"
    );
    let home = page(&app, Method::GET, "/", &format!("psops_session={session}"), "")
        .await
        .expect(200);
    assert!(home.text.contains("Web User"));
    let csrf = hidden_csrf(&home.text);
    // Signing in again from a browser that holds a live session ends that session.
    let again = sign_in(
        &app,
        "web@example.com",
        "correct horse battery",
        &format!("; psops_session={session}"),
    )
    .await;
    let second = cookie_value(&again, "psops_session").unwrap_or_default();
    assert_ne!(second, session);
    assert_eq!(
        page(&app, Method::GET, "/", &format!("psops_session={session}"), "")
            .await
            .status,
        303
    );
    // Signing out needs the session's CSRF token.
    let cookie = format!("psops_session={second}");
    let home = page(&app, Method::GET, "/", &cookie, "").await.expect(200);
    let csrf2 = hidden_csrf(&home.text);
    assert_ne!(csrf, csrf2);
    assert_eq!(
        page(&app, Method::POST, "/sign-out", &cookie, "csrf=wrong")
            .await
            .status,
        403
    );
    assert_eq!(page(&app, Method::POST, "/sign-out", &cookie, "").await.status, 403);
    assert_eq!(
        page(&app, Method::GET, "/", &cookie, "").await.status,
        200,
        "still signed in"
    );
    assert_eq!(
        page(&app, Method::POST, "/sign-out", &cookie, &format!("csrf={csrf2}"))
            .await
            .status,
        303
    );
    assert_eq!(
        page(&app, Method::GET, "/", &cookie, "").await.status,
        303,
        "signed out"
    );
}

async fn failed_sign_ins_are_throttled(app: TestApp) {
    user_with_password(&app, "slow@example.com").await;
    for _ in 0..5 {
        let r = sign_in(&app, "slow@example.com", "wrong password here", "").await;
        assert_eq!(r.status, 401);
        assert!(r.text.contains("wrong"));
    }
    let r = sign_in(&app, "slow@example.com", "correct horse battery", "").await;
    assert_eq!(r.status, 429, "even the right password waits once throttled");
    assert!(r.text.contains("Too many failed sign-ins"));
}

async fn setup_link_creates_the_first_admin_once(app: TestApp) {
    // The TestApp already has a user; a fresh store has none.
    let db = psops_store::testing::TestDatabase::sqlite();
    let store: std::sync::Arc<dyn psops_core::store::Store> = std::sync::Arc::new(db.open().await);
    let state = psops_web::AppState::new(store.clone());
    let path = psops_web::setup_link(&state)
        .await
        .expect("link")
        .expect("no users yet");
    let fresh = TestApp::with_store(store.clone()).await;
    drop(app);
    let form = page(&fresh, Method::GET, &path, "", "").await.expect(200);
    let csrf = hidden_csrf(&form.text);
    let cookies = format!("psops_form={}", cookie_value(&form, "psops_form").unwrap_or_default());
    let bad = format!("csrf={csrf}&name=Root&email=root%40example.com&password=short&confirm=short");
    assert_eq!(page(&fresh, Method::POST, &path, &cookies, &bad).await.status, 422);
    let no_region = format!(
        "csrf={csrf}&name=Root&email=root%40example.com&password=a+long+passphrase&confirm=a+long+passphrase&function=ops"
    );
    let refused = page(&fresh, Method::POST, &path, &cookies, &no_region).await;
    assert_eq!(refused.status, 422);
    assert!(
        refused.text.contains("region"),
        "the missing region is named: {}",
        refused.text
    );
    let good = format!(
        "csrf={csrf}&name=Root&email=root%40example.com&password=a+long+passphrase&confirm=a+long+passphrase&function=ops&region=EMEA"
    );
    let done = page(&fresh, Method::POST, &path, &cookies, &good).await;
    assert_eq!(done.status, 303, "{}", done.text);
    let session = cookie_value(&done, "psops_session").unwrap_or_default();
    let home = page(&fresh, Method::GET, "/", &format!("psops_session={session}"), "")
        .await
        .expect(200);
    assert!(home.text.contains("Root") && home.text.contains("admin"));
    // The first administrator is a person too, so their own pages work at once.
    let cookie = format!("psops_session={session}");
    let week = page(&fresh, Method::GET, "/week", &cookie, "").await.expect(200);
    assert!(week.text.contains("Root"), "{}", week.text);
    page(&fresh, Method::GET, "/me/utilization", &cookie, "")
        .await
        .expect(200);
    let again = page(&fresh, Method::POST, &path, &cookies, &good).await;
    assert_eq!(again.status, 404, "the link works once");
    assert!(
        psops_web::setup_link(&state).await.expect("link").is_none(),
        "no new link once a user exists"
    );
    drop(fresh);
    db.destroy().await;
}

api_tests!(
    partners_see_only_their_organisation,
    revoked_tokens_fail_at_once,
    another_nodes_revocation_counts_within_a_second,
    api_changes_are_audited,
    sign_in_needs_csrf_and_renews_the_session,
    failed_sign_ins_are_throttled,
    setup_link_creates_the_first_admin_once,
);
