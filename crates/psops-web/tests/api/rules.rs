//! The time-entry rules through the API: each broken rule is a 422 problem naming the
//! field and the rule, and nothing is written.

use serde_json::{Value, json};

use crate::support::{Seed, TestApp, api_tests};

fn entry(seed: &Seed, date: &str, minutes: i64) -> Value {
    json!({"person_id": seed.person, "project_id": seed.project, "date": date,
        "minutes": minutes})
}

async fn entries_logged(app: &TestApp) -> usize {
    let (items, _) = app.list_all("/api/v1/time-entries", 500).await;
    items.len()
}

async fn rejects(app: &TestApp, body: Value, field: &str, rule: &str) {
    app.post("/api/v1/time-entries", &body).await.problem(422, field, rule);
}

async fn time_entry_rules(app: TestApp) {
    let seed = app.seed().await;

    let mut silent = entry(&seed, "2026-03-02", 60);
    silent["billable"] = json!(false);
    rejects(&app, silent.clone(), "note", "note_required_non_billable").await;
    silent["note"] = json!("tools enablement");
    let ok = app.create("/api/v1/time-entries", silent).await;
    assert_eq!(ok["billable"], false);

    rejects(&app, entry(&seed, "2026-03-02", 20), "minutes", "rounding_step").await;
    rejects(&app, entry(&seed, "2026-03-02", 0), "minutes", "positive").await;

    app.create("/api/v1/time-entries", entry(&seed, "2026-03-03", 23 * 60))
        .await;
    rejects(&app, entry(&seed, "2026-03-03", 120), "minutes", "day_limit").await;

    let before_employment = json!({"person_id": seed.person, "category": "admin",
        "date": "2024-12-31", "minutes": 60});
    rejects(&app, before_employment, "date", "employment").await;
    rejects(&app, entry(&seed, "2026-07-01", 60), "date", "project_dates").await;

    let mut unknown = entry(&seed, "2026-03-02", 60);
    unknown["project_id"] = json!(999_999);
    rejects(&app, unknown, "project_id", "exists").await;

    let closed = app
        .create(
            "/api/v1/projects",
            json!({"name": "Closed engagement", "account_id": seed.account,
                "project_type": "consulting", "billing_type": "time_and_materials"}),
        )
        .await;
    app.post(&format!("/api/v1/projects/{}/archive", closed["id"]), &json!({}))
        .await
        .expect(200);
    let mut archived = entry(&seed, "2026-03-02", 60);
    archived["project_id"] = closed["id"].clone();
    rejects(&app, archived, "project_id", "archived").await;

    // Only the two valid entries were written.
    assert_eq!(entries_logged(&app).await, 2);
}

async fn updates_obey_the_same_rules(app: TestApp) {
    let seed = app.seed().await;
    let e = app.create("/api/v1/time-entries", entry(&seed, "2026-03-02", 60)).await;
    let url = format!("/api/v1/time-entries/{}", e["id"]);
    app.patch(&url, &json!({"minutes": 25}), "*")
        .await
        .problem(422, "minutes", "rounding_step");
    app.patch(&url, &json!({"billable": false}), "*")
        .await
        .problem(422, "note", "note_required_non_billable");
    app.patch(&url, &json!({"billable": false, "note": "internal tooling"}), "*")
        .await
        .expect(200);
}

async fn the_rounding_step_follows_settings(app: TestApp) {
    let seed = app.seed().await;
    rejects(&app, entry(&seed, "2026-03-02", 20), "minutes", "rounding_step").await;
    let r = app
        .patch("/api/v1/settings", &json!({"rounding_step_minutes": 10}), "*")
        .await
        .expect(200);
    assert_eq!(r.body["rounding_step_minutes"], 10);
    assert_eq!(app.get("/api/v1/settings").await.body["rounding_step_minutes"], 10);
    app.create("/api/v1/time-entries", entry(&seed, "2026-03-02", 20)).await;
    rejects(&app, entry(&seed, "2026-03-02", 15), "minutes", "rounding_step").await;
}

async fn references_must_exist(app: TestApp) {
    let seed = app.seed().await;
    let mut e = entry(&seed, "2026-03-02", 60);
    e["person_id"] = json!(999_999);
    rejects(&app, e, "person_id", "exists").await;
    app.post(
        "/api/v1/projects",
        &json!({"name": "Orphan", "account_id": 999_999, "project_type": "consulting",
            "billing_type": "fixed_fee"}),
    )
    .await
    .problem(422, "account_id", "exists");
}

api_tests!(
    time_entry_rules,
    updates_obey_the_same_rules,
    the_rounding_step_follows_settings,
    references_must_exist
);
