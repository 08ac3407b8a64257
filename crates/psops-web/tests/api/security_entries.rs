//! Time only on projects a person is assigned to (issue 10, finding 2): a consultant
//! cannot book time on a project they cannot see — the answer is exactly the one for a
//! project that does not exist, so it reveals no ids — and a project they can see but
//! are not assigned to is refused by the rule, through the API and the week page alike.

use axum::http::Method;
use psops_core::auth::Role;
use serde_json::{Value, json};

use crate::matrix_fixture::Org;
use crate::support::{TestApp, api_tests};
use crate::ui_browser::{Browser, web_user};

const CONSULTANT: usize = 6;
const PM: usize = 5;

fn entry(person: i64, project: i64) -> Value {
    json!({"person_id": person, "project_id": project, "date": "2026-12-03", "minutes": 60, "billable": true})
}

/// The problem without what names this request: its request id and the project id.
fn shape(p: &Value, project: i64) -> String {
    let mut p = p.clone();
    p["request_id"] = Value::Null;
    p.to_string().replace(&project.to_string(), "N")
}

async fn time_goes_only_on_projects_one_is_assigned_to(app: TestApp) {
    let org = Org::build(app.store.as_ref()).await;
    let me = org.people[CONSULTANT];
    let t = &org.tokens[CONSULTANT];
    let post = |token: &str, body: Value| {
        let token = token.to_string();
        let app = &app;
        async move {
            app.call_as(&token, Method::POST, "/api/v1/time-entries", Some(&body), &[])
                .await
        }
    };
    // Partner B's project: the consultant cannot read it…
    app.call_as(t, Method::GET, &format!("/api/v1/projects/{}", org.pb), None, &[])
        .await
        .problem(404, "", "");
    // …and booking time on it answers exactly as on a project that does not exist.
    let hidden = post(t, entry(me, org.pb)).await.problem(422, "project_id", "exists");
    let missing = post(t, entry(me, 987_654)).await.problem(422, "project_id", "exists");
    assert_eq!(shape(&hidden.body, org.pb), shape(&missing.body, 987_654));
    // The project the consultant is assigned to takes their time.
    post(t, entry(me, org.p1)).await.expect(201);

    // A project manager sees the project they manage, but is not assigned to it: the
    // rule answers, naming itself.
    let pm = org.people[PM];
    post(&org.tokens[PM], entry(pm, org.p1))
        .await
        .problem(422, "project_id", "not_assigned");

    // Moving one's entry onto a hidden project is refused the same way.
    let mine = app
        .call_as(t, Method::GET, "/api/v1/time-entries", None, &[])
        .await
        .body["items"][0]["id"]
        .as_i64()
        .unwrap_or(-1);
    app.call_as(
        t,
        Method::PATCH,
        &format!("/api/v1/time-entries/{mine}"),
        Some(&json!({"project_id": org.pb})),
        &[],
    )
    .await
    .problem(422, "project_id", "exists");

    // The organisation may allow time without an assignment (admin), and then the
    // project manager's entry goes in; a hidden project stays unknown to the consultant.
    app.patch("/api/v1/settings", &json!({"time_without_assignment": true}), "*")
        .await
        .expect(200);
    post(&org.tokens[PM], entry(pm, org.p1)).await.expect(201);
    post(t, entry(me, org.pb)).await.problem(422, "project_id", "exists");
}

async fn the_week_page_obeys_the_same_rule(app: TestApp) {
    let org = Org::build(app.store.as_ref()).await;
    let pm = org.people[PM];
    web_user(
        app.store.as_ref(),
        "pm-web@org.example",
        vec![Role::ProjectManager],
        Some(pm),
    )
    .await;
    let b = Browser::sign_in(&app, "pm-web@org.example").await;
    let cell = format!("p{}-b.3", org.p1);
    let field = format!("m.{cell}");
    let saved = b
        .post(
            &app,
            "/week/cell",
            &[("week", "2026-W49"), ("cell", &cell), (&field, "1")],
        )
        .await;
    assert!(
        saved.text.contains("not assigned to this project"),
        "the cell answers with the rule: {}",
        saved.text
    );
    let (entries, _) = app.list_all("/api/v1/time-entries", 500).await;
    assert!(entries.iter().all(|e| e["person_id"] != pm), "nothing was saved");
}

api_tests!(
    time_goes_only_on_projects_one_is_assigned_to,
    the_week_page_obeys_the_same_rule,
);
