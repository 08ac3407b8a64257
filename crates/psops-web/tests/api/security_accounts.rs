//! The accounts that run psops (issue 10, findings 4 and 6): the last active
//! administrator cannot be demoted or disabled through the API or the pages, and a token's
//! expiry lies ahead and within ten years through the API and the pages alike (the CLI
//! has always capped it at 3,650 days).

use axum::http::Method;
use psops_core::auth::Role;
use serde_json::json;
use time::{Duration, OffsetDateTime};

use crate::support::{TestApp, api_tests};
use crate::ui_browser::{Browser, web_user};

async fn the_last_administrator_cannot_be_demoted_or_disabled(app: TestApp) {
    let me = app.get("/api/v1/me").await.expect(200).body["user"]["id"]
        .as_i64()
        .unwrap_or(-1);
    let path = format!("/api/v1/users/{me}");
    app.patch(&path, &json!({"roles": ["consultant"]}), "*")
        .await
        .problem(409, "roles", "last_admin");
    app.patch(&path, &json!({"disabled": true}), "*")
        .await
        .problem(409, "disabled", "last_admin");
    let still = app.get(&path).await.expect(200);
    assert_eq!(still.body["roles"], json!(["admin"]));
    assert!(still.body["disabled_at"].is_null());

    // Through the page: the only other administrator signs in and tries it on themselves
    // once the API's administrator is gone.
    let web = web_user(app.store.as_ref(), "root@org.example", vec![Role::Admin], None).await;
    app.patch(&path, &json!({"roles": ["ops"]}), "*").await.expect(200);
    let b = Browser::sign_in(&app, "root@org.example").await;
    let page = b
        .post(&app, &format!("/admin/users/{web}"), &[("roles", "consultant")])
        .await;
    assert_eq!(page.status, 422, "{}", page.text);
    assert!(page.text.contains("last active administrator"), "{}", page.text);
    let user = app.store.user(psops_core::Id::new(web)).await.expect("user");
    assert_eq!(user.roles, [Role::Admin], "the page changed nothing");
    assert!(user.disabled_at.is_none());
}

async fn token_expiry_lies_ahead_and_within_ten_years(app: TestApp) {
    let stamp = |t: OffsetDateTime| {
        t.format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default()
    };
    let now = OffsetDateTime::now_utc();
    for (expires, rule) in [
        ("1970-01-01T00:00:00Z".to_string(), "future"),
        (stamp(now - Duration::hours(1)), "future"),
        (stamp(now + Duration::days(3660)), "at_most_3650_days"),
        ("9999-12-31T00:00:00Z".to_string(), "date_bounds"),
    ] {
        app.post("/api/v1/tokens", &json!({"name": "t", "expires_at": expires}))
            .await
            .problem(422, "expires_at", rule);
    }
    let ok = json!({"name": "year", "expires_at": stamp(now + Duration::days(365))});
    app.post("/api/v1/tokens", &ok).await.expect(201);

    web_user(app.store.as_ref(), "ada@org.example", vec![Role::Consultant], None).await;
    let b = Browser::sign_in(&app, "ada@org.example").await;
    let far = (now + Duration::days(3700)).date().to_string();
    let page = b.post(&app, "/tokens", &[("name", "forever"), ("expires", &far)]).await;
    assert_eq!(page.status, 422, "{}", page.text);
    assert!(page.text.contains("3650 days"), "{}", page.text);
    let past = b
        .post(&app, "/tokens", &[("name", "gone"), ("expires", "1970-01-01")])
        .await;
    assert_eq!(past.status, 422, "{}", past.text);
    let listed = app.call(Method::GET, "/api/v1/tokens", None, &[]).await.expect(200);
    assert_eq!(
        listed.body.as_array().map(Vec::len),
        Some(3),
        "the test's two and the year's"
    );
}

api_tests!(
    the_last_administrator_cannot_be_demoted_or_disabled,
    token_expiry_lies_ahead_and_within_ten_years,
);
