//! Capacity, time off, timesheets and reports through the API: the handbook numbers, a
//! changed policy, a week from submission to reopening, locked periods, time off and the
//! calendar view, and report totals that are the sum of their rows.

use axum::http::Method;
use serde_json::{Value, json};

use crate::matrix_fixture::{token, user};
use crate::support::{Seed, TestApp, api_tests};
use psops_core::auth::Role;

fn hours(table: &Value) -> Vec<String> {
    table
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| r["hours"].as_str().unwrap_or("").to_string())
        .collect()
}

async fn the_handbook_table_and_a_changed_policy(app: TestApp) {
    let table = app.get("/api/v1/capacity/handbook").await.expect(200).body;
    assert_eq!(
        hours(&table),
        [
            "88", "256", "40", "384", "2080", "1696", "424", "296.8", "233.2", "233.2"
        ]
    );
    let changed = app
        .call(
            Method::PUT,
            "/api/v1/capacity/policy",
            Some(&json!({"pto_days": 20})),
            &[],
        )
        .await
        .expect(200);
    assert_eq!(changed.body["pto_days"], 20);
    let table = app.get("/api/v1/capacity/handbook").await.expect(200).body;
    // (20 + 4) × 8 = 192; 88 + 192 + 40 = 320; 2080 − 320 = 1760; ÷ 4 = 440; × 0.7, × 0.55.
    assert_eq!(
        hours(&table),
        ["88", "192", "40", "320", "2080", "1760", "440", "308", "242", "242"]
    );
    let csv = app
        .call(Method::GET, "/api/v1/reports/capacity", None, &[("accept", "text/csv")])
        .await
        .expect(200);
    assert!(csv.text.starts_with("item,formula,hours,key\r\n"), "{}", csv.text);
    assert!(
        csv.text
            .contains("available hours,total weekday − non-working,1760.00,available\r\n"),
        "{}",
        csv.text
    );
    app.call(
        Method::PUT,
        "/api/v1/capacity/policy",
        Some(&json!({"pto_days": 400})),
        &[],
    )
    .await
    .problem(422, "", "");
}

struct Team {
    seed: Seed,
    ada: String,
    pm: String,
    pm_person: i64,
}

async fn team(app: &TestApp) -> Team {
    let seed = app.seed().await;
    let pm_person = app
        .create(
            "/api/v1/people",
            json!({"name": "Grace", "email": "grace@example.com", "function": "project_manager",
                "region": "EMEA", "employment_start": "2025-01-01"}),
        )
        .await["id"]
        .as_i64()
        .unwrap_or(-1);
    let path = format!("/api/v1/projects/{}", seed.project);
    app.patch(&path, &json!({"project_manager_id": pm_person}), "*")
        .await
        .expect(200);
    app.patch(
        &format!("/api/v1/people/{}", seed.person),
        &json!({"manager_id": pm_person}),
        "*",
    )
    .await
    .expect(200);
    let s = app.store.as_ref();
    let ada_user = user(s, "ada", Role::Consultant, Some(seed.person)).await;
    let pm_user = user(s, "grace", Role::ProjectManager, Some(pm_person)).await;
    Team {
        ada: token(s, ada_user).await.1,
        pm: token(s, pm_user).await.1,
        pm_person,
        seed,
    }
}

async fn a_week_is_submitted_approved_reopened_and_locked(app: TestApp) {
    let t = team(&app).await;
    let entry = json!({"person_id": t.seed.person, "project_id": t.seed.project, "date": "2026-03-02", "minutes": 120});
    let e = app
        .call_as(&t.ada, Method::POST, "/api/v1/time-entries", Some(&entry), &[])
        .await
        .expect(201);
    let week = format!("/api/v1/timesheets/{}/2026-W10", t.seed.person);
    let submitted = app
        .call_as(&t.ada, Method::POST, &format!("{week}/submit"), None, &[])
        .await
        .expect(200);
    assert_eq!(submitted.body["submitted_minutes"], 120);
    assert!(submitted.body["submitted_at"].is_string());
    assert_eq!(submitted.body["days"][0]["minutes"], 120);
    let decide = |reason: &str| json!({"project_id": t.seed.project, "reason": reason});
    app.call_as(&t.pm, Method::POST, &format!("{week}/reject"), Some(&decide(" ")), &[])
        .await
        .problem(422, "reason", "required");
    app.call_as(&t.ada, Method::POST, &format!("{week}/approve"), Some(&decide("")), &[])
        .await
        .problem(403, "", "");
    let approved = app
        .call_as(&t.pm, Method::POST, &format!("{week}/approve"), Some(&decide("")), &[])
        .await
        .expect(200);
    assert_eq!(approved.body["approved_minutes"], 120);
    let id = e.body["id"].as_i64().unwrap_or(-1);
    let edit = format!("/api/v1/time-entries/{id}");
    app.call_as(&t.ada, Method::PATCH, &edit, Some(&json!({"minutes": 60})), &[])
        .await
        .problem(409, "status", "not_draft");
    let reopened = app
        .call_as(
            &t.pm,
            Method::POST,
            "/api/v1/time-entries/reopen",
            Some(&json!({"entry_ids": [id]})),
            &[],
        )
        .await
        .expect(200);
    assert_eq!(reopened.body[0]["status"], "draft");
    app.call_as(&t.ada, Method::POST, &format!("{week}/submit"), None, &[])
        .await
        .expect(200);
    let rejected = app
        .call_as(
            &t.pm,
            Method::POST,
            &format!("{week}/reject"),
            Some(&decide("split by task")),
            &[],
        )
        .await
        .expect(200);
    assert_eq!(rejected.body["draft_minutes"], 120);
    assert_eq!(rejected.body["rejections"][0]["reason"], "split by task");
    let lock = json!({"start": "2026-03-01", "end": "2026-03-31"});
    app.call_as(&t.pm, Method::POST, "/api/v1/locked-periods", Some(&lock), &[])
        .await
        .problem(403, "", "");
    app.post("/api/v1/locked-periods", &lock).await.expect(201);
    assert_eq!(
        app.get("/api/v1/locked-periods").await.expect(200).body[0]["range"]["start"],
        "2026-03-01"
    );
    app.call_as(&t.ada, Method::PATCH, &edit, Some(&json!({"minutes": 60})), &[])
        .await
        .problem(409, "date", "period_locked");
    app.call_as(&t.ada, Method::POST, &format!("{week}/submit"), None, &[])
        .await
        .problem(409, "date", "period_locked");
    let _ = t.pm_person;
}

async fn time_off_is_decided_and_lowers_calendar_capacity(app: TestApp) {
    let t = team(&app).await;
    let capacity = format!(
        "/api/v1/people/{}/capacity?from=2026-03-02&to=2026-03-06&view=calendar",
        t.seed.person
    );
    let before = app.get(&capacity).await.expect(200).body;
    assert_eq!(before["calendar"]["available_minutes"], 2400);
    assert!(before.get("policy").is_none());
    let ask = |date: &str| json!({"person_id": t.seed.person, "date": date, "minutes": 480, "kind": "pto"});
    let off = app
        .call_as(&t.ada, Method::POST, "/api/v1/time-off", Some(&ask("2026-03-03")), &[])
        .await
        .expect(201);
    let id = off.body["id"].as_i64().unwrap_or(-1);
    app.call_as(
        &t.ada,
        Method::POST,
        &format!("/api/v1/time-off/{id}/approve"),
        None,
        &[],
    )
    .await
    .problem(403, "", "");
    assert_eq!(
        app.get(&capacity).await.body["calendar"]["available_minutes"],
        2400,
        "requests do not count"
    );
    let approved = app
        .call_as(
            &t.pm,
            Method::POST,
            &format!("/api/v1/time-off/{id}/approve"),
            None,
            &[("if-match", &off.etag())],
        )
        .await
        .expect(200);
    assert_eq!(approved.body["status"], "approved");
    assert_eq!(app.get(&capacity).await.body["calendar"]["available_minutes"], 1920);
    app.call_as(&t.ada, Method::DELETE, &format!("/api/v1/time-off/{id}"), None, &[])
        .await
        .problem(403, "", "");
    let other = app
        .call_as(&t.ada, Method::POST, "/api/v1/time-off", Some(&ask("2026-03-04")), &[])
        .await
        .expect(201);
    let reject = format!("/api/v1/time-off/{}/reject", other.id());
    app.call_as(&t.pm, Method::POST, &reject, Some(&json!({})), &[])
        .await
        .problem(422, "reason", "required");
    app.call_as(&t.pm, Method::POST, &reject, Some(&json!({"reason": ""})), &[])
        .await
        .problem(422, "reason", "required");
    let rejected = app
        .call_as(
            &t.pm,
            Method::POST,
            &reject,
            Some(&json!({"reason": "release week"})),
            &[],
        )
        .await
        .expect(200);
    assert_eq!(rejected.body["reason"], "release week");
    assert_eq!(app.get(&capacity).await.body["calendar"]["available_minutes"], 1920);
    let (mine, _) = app.list_all("/api/v1/time-off", 1).await;
    assert_eq!(mine.len(), 2);
    let theirs = app
        .call_as(&t.ada, Method::GET, "/api/v1/time-off?status=rejected", None, &[])
        .await
        .expect(200);
    assert_eq!(theirs.body["items"].as_array().map(Vec::len), Some(1));
}

async fn holidays_import_and_the_report_totals_add_up(app: TestApp) {
    let t = team(&app).await;
    let cal = app
        .create("/api/v1/calendars", json!({"name": "EMEA", "region": "EMEA"}))
        .await;
    let import = format!("/api/v1/calendars/{}/holidays/import", cal["id"]);
    let req = axum::http::Request::builder()
        .method(Method::POST)
        .uri(&import)
        .header("authorization", format!("Bearer {}", app.token))
        .header("content-type", "text/csv")
        .body(axum::body::Body::from(
            "date,name\n2026-03-05,Founders Day\nnot-a-date,Oops\n",
        ))
        .expect("request");
    app.send(req).await.problem(422, "", "");
    let req = axum::http::Request::builder()
        .method(Method::POST)
        .uri(&import)
        .header("authorization", format!("Bearer {}", app.token))
        .header("content-type", "text/csv")
        .body(axum::body::Body::from("date,name\n2026-03-05,Founders Day\n"))
        .expect("request");
    assert_eq!(app.send(req).await.expect(201).body.as_array().map(Vec::len), Some(1));
    let cap = format!(
        "/api/v1/people/{}/capacity?from=2026-03-02&to=2026-03-06",
        t.seed.person
    );
    assert_eq!(app.get(&cap).await.body["calendar"]["available_minutes"], 1920);
    for (date, minutes) in [("2026-03-02", 300), ("2026-03-03", 180)] {
        let e = json!({"person_id": t.seed.person, "project_id": t.seed.project, "date": date, "minutes": minutes});
        app.call_as(&t.ada, Method::POST, "/api/v1/time-entries", Some(&e), &[])
            .await
            .expect(201);
    }
    let e = json!({"person_id": t.pm_person, "category": "admin", "date": "2026-03-02", "minutes": 60});
    app.post("/api/v1/time-entries", &e).await.expect(201);
    let report = app
        .get("/api/v1/reports/utilization?from=2026-03-02&to=2026-03-06&group_by=person")
        .await
        .expect(200)
        .body;
    let rows = report["rows"].as_array().cloned().unwrap_or_default();
    assert_eq!(rows.len(), 2);
    let sum = |field: &str| rows.iter().map(|r| r[field].as_i64().unwrap_or(0)).sum::<i64>();
    for field in [
        "worked_minutes",
        "billable_minutes",
        "available_policy_minutes",
        "available_calendar_minutes",
        "target_minutes",
    ] {
        assert_eq!(report["total"][field].as_i64(), Some(sum(field)), "{field}");
    }
    assert_eq!(report["total"]["worked_minutes"], 540);
    let ada = rows
        .iter()
        .find(|r| r["key"].as_str() == Some(t.seed.person.to_string().as_str()))
        .cloned()
        .unwrap_or_default();
    assert_eq!(ada["name"], "Ada Lovelace");
    assert_eq!(ada["available_calendar_minutes"], 1920);
    assert_eq!(ada["percent"]["billable_mix"], "100.0%");
    // The PM sees their report and themselves; Ada only herself.
    let as_pm = app
        .call_as(
            &t.pm,
            Method::GET,
            "/api/v1/reports/utilization?from=2026-03-02&to=2026-03-06",
            None,
            &[],
        )
        .await;
    assert_eq!(as_pm.expect(200).body["rows"].as_array().map(Vec::len), Some(2));
    let as_ada = app
        .call_as(
            &t.ada,
            Method::GET,
            "/api/v1/reports/utilization?from=2026-03-02&to=2026-03-06&format=csv",
            None,
            &[],
        )
        .await;
    let text = as_ada.expect(200).text;
    assert_eq!(text.lines().count(), 3, "header, Ada, total: {text}");
    assert!(text.contains(",Ada Lovelace,"), "{text}");
    app.get("/api/v1/reports/utilization?from=2026-03-06&to=2026-03-02")
        .await
        .problem(422, "to", "after_start");
    app.get("/api/v1/reports/utilization?quarter=2026")
        .await
        .problem(422, "quarter", "fiscal_quarter");
    let compliance = app
        .get("/api/v1/reports/compliance?week=2026-W10&as_of=2026-03-20")
        .await
        .expect(200)
        .body;
    assert_eq!(compliance["due"], "2026-03-06");
    assert!(compliance["rows"].as_array().is_some_and(|r| r.len() >= 2));
    app.call_as(&t.ada, Method::GET, "/api/v1/reports/compliance", None, &[])
        .await
        .problem(404, "", "");
}

/// Reminders through the API: compliance readers remind whoever misses a week (of the
/// people they may read), all at once; everyone reads the outbox of the people they see.
async fn reminders_are_sent_and_read_through_the_api(app: TestApp) {
    let t = team(&app).await;
    let week = json!({"week": "2026-W10"});
    // Grace manages Ada: she reminds Ada (and herself, missing too), no one else.
    let sent = app
        .call_as(&t.pm, Method::POST, "/api/v1/reminders", Some(&week), &[])
        .await
        .expect(201);
    let people: Vec<i64> = sent.body.as_array().map_or(Vec::new(), |a| {
        a.iter().filter_map(|r| r["person_id"].as_i64()).collect()
    });
    assert!(
        people.contains(&t.seed.person) && people.iter().all(|p| [t.seed.person, t.pm_person].contains(p)),
        "{people:?}"
    );
    assert!(
        sent.body[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("Monday 2 March 2026"))
    );
    assert_eq!(sent.body[0]["mailed"], false);
    // Ada reads her own; an unknown field, a bad week, a bad limit are named.
    let hers = app
        .call_as(&t.ada, Method::GET, "/api/v1/reminders", None, &[])
        .await
        .expect(200);
    assert!(
        hers.body
            .as_array()
            .is_some_and(|a| !a.is_empty() && a.iter().all(|r| r["person_id"] == t.seed.person))
    );
    app.call_as(&t.ada, Method::POST, "/api/v1/reminders", Some(&week), &[])
        .await
        .problem(404, "", "");
    app.post("/api/v1/reminders", &json!({"week": "2026-W99"}))
        .await
        .problem(422, "week", "invalid_value");
    app.post("/api/v1/reminders", &json!({"week": "2026-W10", "to": []}))
        .await
        .expect(422);
    app.get("/api/v1/reminders?limit=0")
        .await
        .problem(422, "limit", "range");
    let nobody = json!({"week": "2026-W10", "person_ids": [999_999]});
    app.post("/api/v1/reminders", &nobody)
        .await
        .problem(422, "person_ids", "empty");
    let read_only = app
        .call_as(&app.read_token, Method::POST, "/api/v1/reminders", Some(&week), &[])
        .await;
    read_only.problem(403, "", "");
    // Admin sees every reminder, newest first, and one person's on asking.
    let all = app.get("/api/v1/reminders?limit=500").await.expect(200);
    let ids: Vec<i64> = all
        .body
        .as_array()
        .map_or(Vec::new(), |a| a.iter().filter_map(|r| r["id"].as_i64()).collect());
    assert!(
        ids.windows(2).all(|w| w[0] > w[1]) && ids.len() == people.len(),
        "{ids:?}"
    );
    let one = app
        .get(&format!("/api/v1/reminders?person_id={}", t.seed.person))
        .await
        .expect(200);
    assert_eq!(one.body.as_array().map(Vec::len), Some(1));
}

api_tests!(
    reminders_are_sent_and_read_through_the_api,
    the_handbook_table_and_a_changed_policy,
    a_week_is_submitted_approved_reopened_and_locked,
    time_off_is_decided_and_lowers_calendar_capacity,
    holidays_import_and_the_report_totals_add_up,
);
