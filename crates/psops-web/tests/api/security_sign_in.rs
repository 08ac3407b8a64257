//! Signing in (issue 10, findings 7 and 9): the sign-in form's token is bound to a
//! pre-session and the address it was shown to, so whoever plants a cookie cannot sign a
//! victim into their own account; and failed sign-ins block an account only from the
//! address that failed them — from elsewhere its owner still signs in, after at most a
//! short backoff.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, header};
use psops_core::auth::Role;

use crate::support::{Resp, TestApp, api_tests};
use crate::ui_browser::{PASSWORD, form, hidden_csrf, web_user};

const ATTACKER: &str = "203.0.113.7:40000";
const VICTIM: &str = "198.51.100.20:50000";

fn cookie_value(r: &Resp, name: &str) -> String {
    r.headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
        .unwrap_or_default()
}

/// A request as if from `addr`, with cookies and, for a POST, a form body.
async fn from(app: &TestApp, addr: &str, method: Method, cookies: &str, body: String, extra: &[(&str, &str)]) -> Resp {
    let mut req = Request::builder().method(method.clone()).uri("/sign-in");
    if !cookies.is_empty() {
        req = req.header(header::COOKIE, cookies);
    }
    if method == Method::POST {
        req = req.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    }
    for (k, v) in extra {
        req = req.header(*k, *v);
    }
    let mut req = req.body(Body::from(body)).expect("request");
    let addr: SocketAddr = addr.parse().expect("an address");
    req.extensions_mut().insert(ConnectInfo(addr));
    app.send(req).await
}

/// The sign-in form as shown to `addr`: its pre-session cookie and its token.
async fn shown_to(app: &TestApp, addr: &str) -> (String, String) {
    let page = from(app, addr, Method::GET, "", String::new(), &[]).await.expect(200);
    (cookie_value(&page, "psops_form"), hidden_csrf(&page.text))
}

async fn sign_in_from(app: &TestApp, addr: &str, email: &str, password: &str) -> Resp {
    let (pre, csrf) = shown_to(app, addr).await;
    let body = form(&[("csrf", &csrf), ("email", email), ("password", password)]);
    from(app, addr, Method::POST, &format!("psops_form={pre}"), body, &[]).await
}

async fn a_planted_cookie_cannot_sign_a_victim_in(app: TestApp) {
    web_user(app.store.as_ref(), "mallory@org.example", vec![Role::Consultant], None).await;
    let creds = |csrf: &str| form(&[("csrf", csrf), ("email", "mallory@org.example"), ("password", PASSWORD)]);
    // Once enough: a cookie the attacker chose, echoed in the field.
    let forged = from(&app, VICTIM, Method::POST, "psops_form=chosen", creds("chosen"), &[]).await;
    assert_eq!(forged.status, 403, "{}", forged.text);
    // A real pre-session, fetched by the attacker and planted in the victim's browser:
    // its token names the attacker's address.
    let (pre, csrf) = shown_to(&app, ATTACKER).await;
    let planted = from(
        &app,
        VICTIM,
        Method::POST,
        &format!("psops_form={pre}"),
        creds(&csrf),
        &[],
    )
    .await;
    assert_eq!(planted.status, 403, "{}", planted.text);
    assert!(
        cookie_value(&planted, "psops_session").is_empty(),
        "no session was started"
    );
    // Another pre-session's token does not fit this one's cookie.
    let (other_pre, _) = shown_to(&app, VICTIM).await;
    let (_, victim_csrf) = shown_to(&app, VICTIM).await;
    let mixed = from(
        &app,
        VICTIM,
        Method::POST,
        &format!("psops_form={other_pre}"),
        creds(&victim_csrf),
        &[],
    )
    .await;
    assert_eq!(mixed.status, 403);
    // A post the browser marks as coming from another site is refused outright.
    let (pre, csrf) = shown_to(&app, VICTIM).await;
    let cross = from(
        &app,
        VICTIM,
        Method::POST,
        &format!("psops_form={pre}"),
        creds(&csrf),
        &[("sec-fetch-site", "cross-site")],
    )
    .await;
    assert_eq!(cross.status, 403, "{}", cross.text);
    // The form as shown, sent back from where it was shown: signed in.
    let ok = from(
        &app,
        VICTIM,
        Method::POST,
        &format!("psops_form={pre}"),
        creds(&csrf),
        &[("sec-fetch-site", "same-origin")],
    )
    .await;
    assert_eq!(ok.status, 303, "{}", ok.text);
    assert!(!cookie_value(&ok, "psops_session").is_empty());
}

async fn nobody_locks_someone_else_out_from_another_address(app: TestApp) {
    web_user(app.store.as_ref(), "boss@org.example", vec![Role::Admin], None).await;
    for _ in 0..5 {
        let r = sign_in_from(&app, ATTACKER, "boss@org.example", "a wrong guess").await;
        assert_eq!(r.status, 401, "{}", r.text);
    }
    // The attacker's address is blocked for this account, even with the right password…
    let blocked = sign_in_from(&app, ATTACKER, "boss@org.example", PASSWORD).await;
    assert_eq!(blocked.status, 429);
    // …while the account's owner, elsewhere, waits out a short backoff and signs in.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let owner = sign_in_from(&app, VICTIM, "boss@org.example", PASSWORD).await;
    assert_eq!(owner.status, 303, "{}", owner.text);
    assert!(
        blocked.text.contains("Too many failed sign-ins from here"),
        "{}",
        blocked.text
    );

    // Failures spread over many addresses slow the account down; they never lock it.
    web_user(app.store.as_ref(), "ada@org.example", vec![Role::Consultant], None).await;
    for i in 0..5 {
        let addr = format!("192.0.2.{}:1000", 10 + i);
        sign_in_from(&app, &addr, "ada@org.example", "guess").await.expect(401);
    }
    let slowed = sign_in_from(&app, VICTIM, "ada@org.example", PASSWORD).await;
    assert_eq!(slowed.status, 429, "a try right after a failure waits");
    assert!(slowed.text.contains("seconds"), "{}", slowed.text);
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    sign_in_from(&app, VICTIM, "ada@org.example", PASSWORD)
        .await
        .expect(303);

    // One address trying many accounts is blocked whatever it tries next.
    let sprayer = "192.0.2.99:1000";
    for i in 0..20 {
        let email = format!("nobody{i}@org.example");
        sign_in_from(&app, sprayer, &email, "guess").await.expect(401);
    }
    let r = sign_in_from(&app, sprayer, "ada@org.example", PASSWORD).await;
    assert_eq!(r.status, 429);
}

api_tests!(
    a_planted_cookie_cannot_sign_a_victim_in,
    nobody_locks_someone_else_out_from_another_address,
);
