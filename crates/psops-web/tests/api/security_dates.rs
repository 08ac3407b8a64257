//! Dates at the ends of the calendar (issue 10, findings 1 and 5): every date psops takes
//! lies between 1900-01-01 and 2200-12-31, checked where it comes in, so requests that
//! once never answered (the policy view walked quarters forever from 9999-12-31) are a
//! 422 at once, the widest accepted range answers within a second, and no page panics.

use psops_core::auth::Role;
use serde_json::json;

use crate::support::{TestApp, api_tests};
use crate::ui_browser::{Browser, web_user};

async fn dates_outside_the_bounds_are_refused_at_once(app: TestApp) {
    let s = app.seed().await;
    let t = app.read_token.clone();
    // Employed with no end date: the policy view once walked quarters from 9999-12-31
    // forever for such a person.
    let person = app
        .create(
            "/api/v1/people",
            json!({"name": "Open Ended", "email": "open@example.com", "function": "engineer",
                "region": "EMEA", "employment_start": "2020-01-01"}),
        )
        .await["id"]
        .as_i64()
        .unwrap_or(-1);
    for (path, field) in [
        (
            format!("/api/v1/people/{person}/capacity?from=9999-12-31&to=9999-12-31&view=policy"),
            "from",
        ),
        (
            format!("/api/v1/people/{person}/capacity?from=2026-01-01&to=9999-12-30&view=policy"),
            "to",
        ),
        (format!("/api/v1/people/{person}/capacity?quarter=FY9999-Q4"), "quarter"),
        (
            "/api/v1/reports/utilization?from=9999-12-31&to=9999-12-31".into(),
            "from",
        ),
        (
            "/api/v1/reports/utilization?from=1899-12-31&to=2026-01-01".into(),
            "from",
        ),
        ("/api/v1/fiscal/quarter?date=9999-12-31".into(), "date"),
        ("/api/v1/reports/compliance?week=9999-W52".into(), "week"),
        ("/api/v1/time-entries?from=0001-01-01".into(), "from"),
    ] {
        app.get_within_a_second(&t, &path)
            .await
            .problem(422, field, "date_bounds");
    }
    // The widest range psops accepts answers, within a second, in both views.
    for path in [
        format!("/api/v1/people/{person}/capacity?from=1900-01-01&to=2200-12-31"),
        format!("/api/v1/people/{person}/capacity?quarter=FY2200-Q4&view=policy"),
        "/api/v1/reports/utilization?from=1900-01-01&to=2200-12-31".into(),
        "/api/v1/reports/utilization?from=1900-01-01&to=2200-12-31&format=csv".into(),
        "/api/v1/reports/compliance?week=2200-W52".into(),
        "/api/v1/exports/time?from=1900-01-01&to=2200-12-31".into(),
    ] {
        app.get_within_a_second(&t, &path).await.expect(200);
    }
    let q = app
        .get_within_a_second(&t, "/api/v1/fiscal/quarter?date=2200-12-31")
        .await;
    assert_eq!(
        (q.body["name"].as_str(), q.body["end"].as_str()),
        (Some("FY2200-Q4"), Some("2200-12-31"))
    );

    // Bodies: a time entry dated 9999-12-31 (once accepted), a locked period past 2200.
    let e = json!({"person_id": person, "project_id": s.project, "date": "9999-12-31", "minutes": 60});
    app.post("/api/v1/time-entries", &e)
        .await
        .problem(422, "date", "date_bounds");
    let lock = json!({"start": "2026-01-01", "end": "2201-01-01"});
    app.post("/api/v1/locked-periods", &lock)
        .await
        .problem(422, "end", "date_bounds");
    let token = json!({"name": "forever", "expires_at": "9999-12-31T00:00:00Z"});
    app.post("/api/v1/tokens", &token)
        .await
        .problem(422, "expires_at", "date_bounds");
    let (entries, _) = app.list_all("/api/v1/time-entries", 500).await;
    assert!(entries.is_empty(), "nothing was written");
}

async fn pages_at_the_end_of_the_calendar_answer_with_an_error(app: TestApp) {
    let s = app.seed().await;
    web_user(
        app.store.as_ref(),
        "ada@org.example",
        vec![Role::Consultant],
        Some(s.person),
    )
    .await;
    let b = Browser::sign_in(&app, "ada@org.example").await;
    // `/week?week=9999-W52` once panicked adding a day past 9999-12-31.
    let page = b.get(&app, "/week?week=9999-W52").await;
    assert_eq!(page.status, 422, "{}", page.text);
    assert!(page.text.contains("1900 to 2200"), "the page says why");
    b.get(&app, "/week?week=2200-W52").await.expect(200);
    b.get(&app, "/week?week=1900-W01").await.expect(200);
    let page = b.get(&app, "/me/utilization?quarter=FY9999-Q4").await;
    assert_eq!(page.status, 422, "{}", page.text);
    b.get(&app, "/me/utilization?quarter=FY2200-Q4").await.expect(200);
}

api_tests!(
    dates_outside_the_bounds_are_refused_at_once,
    pages_at_the_end_of_the_calendar_answer_with_an_error,
);
