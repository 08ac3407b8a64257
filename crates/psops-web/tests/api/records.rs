//! Every record type through the API: create, read with ETag, list with a filter and
//! cursor paging, patch with If-Match (matching and stale), archive and unarchive (or
//! delete, for time entries).

use std::collections::BTreeSet;

use axum::http::Method;
use serde_json::{Value, json};

use crate::support::{TestApp, api_tests};

/// One record type's walk through the API.
struct Crud<'a> {
    /// Where creates are posted and lists read.
    collection: String,
    /// The base of each object's own URL.
    item: &'a str,
    /// At least three new objects.
    bodies: Vec<Value>,
    /// A filter query and the indexes of the bodies it must return, exactly.
    filter: String,
    matches: &'a [usize],
    /// A patch and the field it changes, with the value to expect.
    patch: Value,
    field: &'a str,
    /// Archive/unarchive, or delete.
    archives: bool,
}

fn ids(items: &[Value]) -> BTreeSet<i64> {
    items.iter().filter_map(|i| i["id"].as_i64()).collect()
}

async fn exercise(app: &TestApp, spec: Crud<'_>) {
    assert!(spec.bodies.len() >= 3);
    let mut created = Vec::new();
    for body in &spec.bodies {
        let r = app.post(&spec.collection, body).await.expect(201);
        let id = r.id();
        assert_eq!(r.header("location"), Some(format!("{}/{id}", spec.item).as_str()));
        assert_eq!(r.etag(), format!("\"{}\"", r.body["version"]));
        created.push(r.body);
    }

    for obj in &created {
        let r = app.get(&format!("{}/{}", spec.item, obj["id"])).await.expect(200);
        assert_eq!(&r.body, obj);
        assert_eq!(r.etag(), format!("\"{}\"", obj["version"]));
    }

    let (all, pages) = app.list_all(&spec.collection, 2).await;
    assert!(pages >= 2, "{} items in {pages} page(s)", all.len());
    assert!(ids(&all).is_superset(&ids(&created)));
    assert_eq!(ids(&all).len(), all.len(), "paging repeats an item");

    let sep = if spec.collection.contains('?') { '&' } else { '?' };
    let (found, _) = app
        .list_all(&format!("{}{sep}{}", spec.collection, spec.filter), 50)
        .await;
    let want: BTreeSet<i64> = spec.matches.iter().filter_map(|i| created[*i]["id"].as_i64()).collect();
    assert_eq!(ids(&found), want, "filter {}", spec.filter);

    let url = format!("{}/{}", spec.item, created[0]["id"]);
    let first_etag = format!("\"{}\"", created[0]["version"]);
    let r = app.patch(&url, &spec.patch, &first_etag).await.expect(200);
    assert_eq!(r.body[spec.field], spec.patch[spec.field]);
    assert_eq!(r.body["version"], created[0]["version"].as_i64().unwrap_or(0) + 1);
    let etag = r.etag();
    assert_ne!(etag, first_etag);
    app.patch(&url, &spec.patch, &first_etag).await.problem(412, "", "");
    assert_eq!(app.get(&url).await.etag(), etag);

    if spec.archives {
        let stale = [("if-match", first_etag.as_str())];
        app.call(Method::POST, &format!("{url}/archive"), None, &stale)
            .await
            .problem(412, "", "");
        let current = [("if-match", etag.as_str())];
        let r = app
            .call(Method::POST, &format!("{url}/archive"), None, &current)
            .await
            .expect(200);
        assert!(r.body["archived_at"].is_string(), "{}", r.text);
        let (archived, _) = app
            .list_all(&format!("{}{sep}archived=true", spec.collection), 50)
            .await;
        assert!(ids(&archived).contains(&r.id()));
        let r = app
            .call(Method::POST, &format!("{url}/unarchive"), None, &[])
            .await
            .expect(200);
        assert!(r.body["archived_at"].is_null(), "{}", r.text);
    } else {
        let stale = [("if-match", first_etag.as_str())];
        app.call(Method::DELETE, &url, None, &stale).await.problem(412, "", "");
        let current = [("if-match", etag.as_str())];
        app.call(Method::DELETE, &url, None, &current).await.expect(204);
        app.get(&url).await.problem(404, "", "");
    }
}

fn person(name: &str, function: &str) -> Value {
    let email = format!("{}@example.com", name.to_lowercase().replace(' ', "."));
    json!({"name": name, "email": email, "function": function, "region": "EMEA",
        "employment_start": "2025-01-01"})
}

async fn people(app: TestApp) {
    let spec = Crud {
        collection: "/api/v1/people".into(),
        item: "/api/v1/people",
        bodies: vec![
            person("Grace Hopper", "engineer"),
            person("Alan Turing", "engineer"),
            person("Mary Somerville", "trainer"),
        ],
        filter: "function=trainer".into(),
        matches: &[2],
        patch: json!({"region": "AMER"}),
        field: "region",
        archives: true,
    };
    exercise(&app, spec).await;
}

async fn partners(app: TestApp) {
    let spec = Crud {
        collection: "/api/v1/partners".into(),
        item: "/api/v1/partners",
        bodies: vec![
            json!({"name": "Alpha Partners", "partner_type": "direct"}),
            json!({"name": "Beta Consulting", "partner_type": "staff_augmentation"}),
            json!({"name": "Gamma Partners", "partner_type": "project_based_subcontract"}),
        ],
        filter: "q=consult".into(),
        matches: &[1],
        patch: json!({"notes": "vetted in 2026"}),
        field: "notes",
        archives: true,
    };
    exercise(&app, spec).await;
}

async fn accounts(app: TestApp) {
    let spec = Crud {
        collection: "/api/v1/accounts".into(),
        item: "/api/v1/accounts",
        bodies: vec![
            json!({"name": "Globex", "industry": "Energy"}),
            json!({"name": "Initech", "code": "INI"}),
            json!({"name": "Umbrella Corporation", "region": "EMEA"}),
        ],
        filter: "q=umbrella".into(),
        matches: &[2],
        patch: json!({"industry": "Retail"}),
        field: "industry",
        archives: true,
    };
    exercise(&app, spec).await;
}

async fn contacts(app: TestApp) {
    let account = app.create("/api/v1/accounts", json!({"name": "Globex"})).await;
    let other = app.create("/api/v1/accounts", json!({"name": "Initech"})).await;
    app.create(
        &format!("/api/v1/accounts/{}/contacts", other["id"]),
        json!({"name": "Bill Lumbergh"}),
    )
    .await;
    let spec = Crud {
        collection: format!("/api/v1/accounts/{}/contacts", account["id"]),
        item: "/api/v1/contacts",
        bodies: vec![
            json!({"name": "Hank Scorpio", "email": "hank@globex.example"}),
            json!({"name": "Frank Grimes", "title": "Engineer"}),
            json!({"name": "Lenny Leonard", "phone": "+1 555 0100"}),
        ],
        filter: "archived=false".into(),
        matches: &[0, 1, 2],
        patch: json!({"title": "CTO"}),
        field: "title",
        archives: true,
    };
    exercise(&app, spec).await;
    app.get("/api/v1/accounts/999999/contacts").await.problem(404, "", "");
}

async fn projects(app: TestApp) {
    let seed = app.seed().await;
    let project = |name: &str, status: &str| {
        json!({"name": name, "account_id": seed.account, "project_type": "consulting",
            "billing_type": "fixed_fee", "status": status, "start_date": "2026-02-01"})
    };
    let mut partner_project = project("Paused work", "on_hold");
    partner_project["partner_delivered"] = json!(true);
    partner_project["partner_id"] = json!(seed.partner);
    let spec = Crud {
        collection: "/api/v1/projects".into(),
        item: "/api/v1/projects",
        bodies: vec![
            project("Rollout", "active"),
            project("Training plan", "active"),
            partner_project,
        ],
        filter: format!(
            "status=on_hold&account_id={}&partner_id={}&from=2026-03-01",
            seed.account, seed.partner
        ),
        matches: &[2],
        patch: json!({"name": "Rollout, phase 2"}),
        field: "name",
        archives: true,
    };
    exercise(&app, spec).await;
}

async fn assignments(app: TestApp) {
    let seed = app.seed().await;
    let other = app
        .create("/api/v1/people", person("Ken Thompson", "technical_architect"))
        .await;
    let assignment = |person: &Value, start: &str| {
        json!({"person_id": person, "project_id": seed.project, "role": "engineer",
            "start_date": start, "end_date": "2026-06-30", "minutes_per_week": 1200})
    };
    let spec = Crud {
        collection: "/api/v1/assignments".into(),
        item: "/api/v1/assignments",
        bodies: vec![
            assignment(&json!(seed.person), "2026-01-05"),
            assignment(&json!(seed.person), "2026-03-02"),
            assignment(&other["id"], "2026-02-02"),
        ],
        filter: format!("person_id={}", other["id"]),
        matches: &[2],
        patch: json!({"minutes_per_week": 600}),
        field: "minutes_per_week",
        archives: true,
    };
    exercise(&app, spec).await;
}

async fn time_entries(app: TestApp) {
    let seed = app.seed().await;
    let entry = |date: &str, minutes: i64| {
        json!({"person_id": seed.person, "project_id": seed.project, "date": date,
            "minutes": minutes, "note": "migration runbook"})
    };
    let spec = Crud {
        collection: "/api/v1/time-entries".into(),
        item: "/api/v1/time-entries",
        bodies: vec![
            entry("2026-03-02", 60),
            entry("2026-03-03", 120),
            entry("2026-03-04", 480),
        ],
        filter: format!(
            "person_id={}&project_id={}&from=2026-03-03&to=2026-03-04&billable=true&status=draft",
            seed.person, seed.project
        ),
        matches: &[1, 2],
        patch: json!({"minutes": 90}),
        field: "minutes",
        archives: false,
    };
    exercise(&app, spec).await;
    let by_account = app
        .get(&format!("/api/v1/time-entries?account_id={}", seed.account))
        .await
        .expect(200);
    assert_eq!(by_account.body["items"].as_array().map(Vec::len), Some(2));
}

async fn settings(app: TestApp) {
    let r = app.get("/api/v1/settings").await.expect(200);
    assert_eq!(r.body["rounding_step_minutes"], 15);
    let r = app
        .patch("/api/v1/settings", &json!({"timesheet_due_weekday": "Thursday"}), "*")
        .await
        .expect(200);
    assert_eq!(r.body["timesheet_due_weekday"], "thursday");
    app.patch("/api/v1/settings", &json!({"rounding_step_minutes": 7}), "*")
        .await
        .problem(422, "rounding_step_minutes", "divides_hour");
}

api_tests!(
    people,
    partners,
    accounts,
    contacts,
    projects,
    assignments,
    time_entries,
    settings
);
