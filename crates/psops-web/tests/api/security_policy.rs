//! What roles may do, made to agree (issue 10, findings 10, 11 and 12): ops read and
//! approve everyone's time but change only their own, as the README says; a partner
//! knows, of the company's staff on a project it delivers, nothing the people routes
//! would not tell it — on every route; and a write's permissions are checked before its
//! body, so a caller without the right hears 403, not the list of valid fields.

use axum::http::Method;
use psops_core::auth::Role;
use serde_json::{Value, json};

use crate::matrix_fixture::{self as fx, Org};
use crate::support::{TestApp, api_tests};
use crate::ui_browser::{Browser, web_user};

const OPS: usize = 1;
const CONSULTANT: usize = 6;
const PMGR: usize = 7;

fn ids(body: &Value) -> Vec<i64> {
    body["items"]
        .as_array()
        .map(|a| a.iter().filter_map(|i| i["id"].as_i64()).collect())
        .unwrap_or_default()
}

async fn ops_read_and_approve_time_but_change_only_their_own(app: TestApp) {
    let org = Org::build(app.store.as_ref()).await;
    let ops = &org.tokens[OPS];
    let theirs = fx::entry(app.store.as_ref(), org.people[CONSULTANT], org.p1).await;
    let path = format!("/api/v1/time-entries/{theirs}");
    app.call_as(ops, Method::GET, &path, None, &[]).await.expect(200);
    let change = json!({"minutes": 120});
    app.call_as(ops, Method::PATCH, &path, Some(&change), &[])
        .await
        .problem(403, "", "");
    app.call_as(ops, Method::DELETE, &path, None, &[])
        .await
        .problem(403, "", "");
    let entry = json!({"person_id": org.people[CONSULTANT], "project_id": org.p1, "date": "2026-05-05", "minutes": 60});
    app.call_as(ops, Method::POST, "/api/v1/time-entries", Some(&entry), &[])
        .await
        .problem(403, "", "");
    // The entry is unchanged; the owner and an administrator can still change it.
    let owner = &org.tokens[CONSULTANT];
    app.call_as(owner, Method::PATCH, &path, Some(&change), &[])
        .await
        .expect(200);
    app.patch(&path, &json!({"minutes": 90}), "*").await.expect(200);
}

async fn partners_know_no_more_of_internal_staff_on_any_route(app: TestApp) {
    let org = Org::build(app.store.as_ref()).await;
    let s = app.store.as_ref();
    // The company's consultant works on the project partner A delivers, and logs time.
    let internal = org.people[CONSULTANT];
    let assignment = fx::assignment(s, internal, org.pa).await;
    let time = fx::entry(s, internal, org.pa).await;
    let own = fx::entry(s, org.people[8], org.pa).await;
    let t = org.tokens[PMGR].clone();
    let app = &app;
    let get = |path: String| {
        let t = t.clone();
        async move { app.call_as(&t, Method::GET, &path, None, &[]).await }
    };
    for path in [
        format!("/api/v1/people/{internal}"),
        format!("/api/v1/assignments/{assignment}"),
        format!("/api/v1/time-entries/{time}"),
        format!("/api/v1/people/{internal}/capacity?quarter=FY2026-Q2"),
    ] {
        get(path).await.problem(404, "", "");
    }
    let listed = get("/api/v1/assignments".into()).await.expect(200);
    assert!(!ids(&listed.body).contains(&assignment), "{}", listed.text);
    assert!(
        listed.body["items"]
            .as_array()
            .is_some_and(|a| a.iter().all(|x| x["person_id"] != internal)),
        "{}",
        listed.text
    );
    let on_project = get(format!("/api/v1/assignments?project_id={}", org.pa))
        .await
        .expect(200);
    assert!(!ids(&on_project.body).contains(&assignment));
    let entries = get("/api/v1/time-entries".into()).await.expect(200);
    assert!(!ids(&entries.body).contains(&time) && ids(&entries.body).contains(&own));
    let people = get("/api/v1/people".into()).await.expect(200);
    assert!(!ids(&people.body).contains(&internal));
    let report = get("/api/v1/reports/utilization?quarter=FY2026-Q2".into())
        .await
        .expect(200);
    assert!(
        !report.text.contains(&format!("\"person_id\":{internal},")),
        "{}",
        report.text
    );

    // The project's page lists the partner's own people on its team, not the company's.
    let name = app
        .store
        .get(psops_core::Id::<psops_core::people::Person>::new(internal))
        .await
        .expect("person")
        .fields
        .name;
    web_user(
        s,
        "pm@partner-a.example",
        vec![Role::PartnerManager],
        Some(org.people[PMGR]),
    )
    .await;
    let b = Browser::sign_in(app, "pm@partner-a.example").await;
    let page = b.get(app, &format!("/projects/{}", org.pa)).await.expect(200);
    assert!(!page.text.contains(&name), "{name} is not shown to the partner");
}

async fn permissions_come_before_the_body(app: TestApp) {
    let org = Org::build(app.store.as_ref()).await;
    let consultant = &org.tokens[CONSULTANT];
    let wrong = json!({"rounding_step": 15});
    // Once a 422 listing the valid fields.
    let r = app
        .call_as(consultant, Method::PATCH, "/api/v1/settings", Some(&wrong), &[])
        .await
        .problem(403, "", "");
    assert!(!r.text.contains("rounding_step_minutes"), "{}", r.text);
    for (method, path, body) in [
        (Method::POST, "/api/v1/people".to_string(), json!({"name": 1})),
        (Method::POST, "/api/v1/partners".to_string(), json!({})),
        (
            Method::PUT,
            "/api/v1/capacity/policy".to_string(),
            json!({"day_minutes": "x"}),
        ),
        (Method::POST, "/api/v1/locked-periods".to_string(), json!({"start": 3})),
        (Method::POST, "/api/v1/calendars".to_string(), json!({"nmae": "x"})),
        (Method::POST, "/api/v1/users".to_string(), json!({"email": []})),
    ] {
        app.call_as(consultant, method.clone(), &path, Some(&body), &[])
            .await
            .problem(403, "", "");
    }
    // A read-only token may write nothing: 403 whatever the body.
    app.call_as(&app.read_token, Method::PATCH, "/api/v1/settings", Some(&wrong), &[])
        .await
        .problem(403, "", "");
    // Where the caller may not even see users, a bad body answers as a good one: 404.
    app.call_as(
        consultant,
        Method::PATCH,
        "/api/v1/users/1",
        Some(&json!({"x": 1})),
        &[],
    )
    .await
    .problem(404, "", "");
    // Those with the right still hear what is wrong with their body.
    app.patch("/api/v1/settings", &wrong, "*")
        .await
        .problem(422, "rounding_step", "unknown_field");
    let mine = json!({"person_id": org.people[CONSULTANT], "minutes": "lots"});
    app.call_as(consultant, Method::POST, "/api/v1/time-entries", Some(&mine), &[])
        .await
        .problem(422, "", "");
}

api_tests!(
    ops_read_and_approve_time_but_change_only_their_own,
    partners_know_no_more_of_internal_staff_on_any_route,
    permissions_come_before_the_body,
);
