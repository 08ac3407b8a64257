//! Imports, exports and calendar feeds through HTTP: an upload checked, imported and
//! re-imported; bad rows answered with 422 and nothing written; an export imported into
//! an empty database with the same totals; feeds behind a secret that a reset replaces.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Method, Request, header};
use psops_core::auth::{NewApiToken, NewUser, Role, TokenScope};
use psops_core::credentials;
use psops_core::store::Store;
use psops_store::testing::TestDatabase;
use serde_json::json;

use crate::support::{Resp, TestApp, api_tests};

/// POSTs a file as the body of an import.
async fn upload(app: &TestApp, token: &str, query: &str, csv: &str) -> Resp {
    let req = Request::builder()
        .method(Method::POST)
        .uri(format!("/api/v1/imports/time{query}"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "text/csv")
        .body(Body::from(csv.to_string()))
        .expect("request");
    app.send(req).await
}

const FILE: &str = "date,person_email,project,category,minutes,billable,note\n\
    2026-03-02,ada@example.com,GitLab migration,,90,true,\"Cut-over plan, phase 1\"\n\
    2026-03-02,ada@example.com,,admin,30,false,Expenses\n\
    2026-03-03,ada@example.com,GitLab migration,,60,false,\"Tools enablement:\nCI runners\"\n";

/// Minutes per (person e-mail, project or category) in a psops export.
fn totals(csv: &str) -> BTreeMap<(String, String), i64> {
    let mut out = BTreeMap::new();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    for r in reader.records() {
        let r = r.expect("a record");
        let what = format!("{}{}", &r[4], &r[6]);
        *out.entry((r[1].to_string(), what)).or_insert(0) += r[7].parse::<i64>().expect("minutes");
    }
    out
}

async fn an_upload_is_checked_imported_and_not_repeated(app: TestApp) {
    app.seed().await;
    let dry = upload(&app, &app.token, "?dry_run=true", FILE).await.expect(200);
    assert_eq!(dry.body["imported"], 3, "{}", dry.text);
    assert_eq!(dry.body["written"], false);
    assert_eq!(dry.body["format"], "psops", "recognised from the header");
    assert_eq!(app.get("/api/v1/time-entries").await.body["items"], json!([]));

    let real = upload(&app, &app.token, "?format=psops", FILE).await.expect(200);
    assert_eq!(
        (real.body["imported"].as_i64(), real.body["written"].as_bool()),
        (Some(3), Some(true))
    );
    let again = upload(&app, &app.token, "", FILE).await.expect(200);
    assert_eq!(
        (again.body["imported"].as_i64(), again.body["skipped"].as_i64()),
        (Some(0), Some(3))
    );
    assert_eq!(
        app.get("/api/v1/time-entries").await.body["items"]
            .as_array()
            .map(Vec::len),
        Some(3)
    );

    let read_only = upload(&app, &app.read_token, "", FILE).await;
    read_only.problem(403, "", "");
    let unknown = upload(&app, &app.token, "?format=excel", FILE).await;
    unknown.problem(422, "format", "one_of");
}

async fn bad_rows_are_a_422_with_the_report_and_nothing_is_written(app: TestApp) {
    app.seed().await;
    let bad = "date,person_email,project,minutes,billable,note\n\
               2026-03-02,ada@example.com,GitLab migration,20,true,odd minutes\n\
               2026-03-02,nobody@example.com,GitLab migration,60,true,\n\
               2026-03-03,ada@example.com,GitLab migration,60,false,\n";
    let r = upload(&app, &app.token, "", bad)
        .await
        .problem(422, "minutes", "rounding_step");
    let report = &r.body["report"];
    assert_eq!(report["rows_failed"], 3, "{}", r.text);
    let rules: Vec<(i64, String)> = report["row_errors"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            (
                e["line"].as_i64().unwrap_or(0),
                e["rule"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(
        rules,
        [
            (2, "rounding_step".to_string()),
            (3, "unmatched_person".to_string()),
            (4, "note_required_non_billable".to_string())
        ]
    );
    assert_eq!(app.get("/api/v1/time-entries").await.body["items"], json!([]));
    let garbage = upload(&app, &app.token, "", "a,b\n1,2\n").await.problem(422, "", "");
    assert_eq!(garbage.body["report"]["row_errors"][0]["rule"], "unknown_format");
}

/// A second, empty database of the same kind with an admin token.
async fn empty_app() -> (TestApp, String, TestDatabase) {
    let db = TestDatabase::sqlite();
    let store: Arc<dyn Store> = Arc::new(db.open().await);
    let user = NewUser {
        email: "admin@empty.example".into(),
        name: "Admin".into(),
        roles: vec![Role::Admin],
        person_id: None,
        password_hash: None,
    };
    let user = store
        .create_user(&psops_core::store::WriteCtx::trusted(), user)
        .await
        .expect("user");
    let (secret, token_hash) = credentials::new_api_token().expect("token");
    let t = NewApiToken {
        user_id: user.id,
        name: "empty".into(),
        scope: TokenScope::ReadWrite,
        token_hash,
        expires_at: None,
    };
    store
        .create_api_token(&psops_core::store::WriteCtx::trusted(), t)
        .await
        .expect("token");
    (TestApp::with_store(store).await, secret, db)
}

async fn an_export_imported_into_an_empty_database_has_the_same_totals(app: TestApp) {
    app.seed().await;
    upload(&app, &app.token, "", FILE).await.expect(200);
    let export = app
        .get("/api/v1/exports/time?format=psops&from=2026-03-01&to=2026-03-31")
        .await
        .expect(200);
    assert_eq!(export.header("content-type"), Some("text/csv; charset=utf-8"));
    assert!(
        export
            .header("content-disposition")
            .unwrap_or("")
            .contains("attachment"),
        "{:?}",
        export.headers
    );
    let expected = totals(&export.text);
    assert_eq!(expected.values().sum::<i64>(), 180);
    let kimai = app.get("/api/v1/exports/time?format=kimai").await.expect(200);
    assert!(kimai.text.starts_with("Date,From,To,Duration"), "{}", kimai.text);
    app.get("/api/v1/exports/time?format=toggl")
        .await
        .problem(422, "format", "one_of");

    let (empty, token, db) = empty_app().await;
    let r = upload(&empty, &token, "?create_missing=true", &export.text)
        .await
        .expect(200);
    assert_eq!(
        (r.body["imported"].as_i64(), r.body["created_people"].as_i64()),
        (Some(3), Some(1)),
        "{}",
        r.text
    );
    let back = empty
        .call_as(&token, Method::GET, "/api/v1/exports/time", None, &[])
        .await
        .expect(200);
    assert_eq!(totals(&back.text), expected);
    drop(empty);
    db.destroy().await;
}

async fn feeds_live_behind_a_secret_that_a_reset_replaces(app: TestApp) {
    let seed = app.seed().await;
    app.create(
        "/api/v1/assignments",
        json!({"person_id": seed.person, "project_id": seed.project, "role": "engineer",
               "start_date": "2026-02-02", "end_date": "2026-03-27", "minutes_per_week": 1200}),
    )
    .await;
    let cal = app
        .store
        .create_calendar(
            &psops_core::store::WriteCtx::trusted(),
            psops_core::calendars::CalendarFields {
                name: "EMEA".into(),
                region: "EMEA".into(),
            },
        )
        .await
        .expect("calendar");
    let day = psops_core::capacity::Holiday {
        date: ::time::macros::date!(2026 - 12 - 25),
        minutes: None,
        name: "Christmas Day, observed".into(),
    };
    app.store
        .add_holidays(&psops_core::store::WriteCtx::trusted(), cal.id, vec![day])
        .await
        .expect("holiday");

    let path = format!("/api/v1/people/{}/feed-token", seed.person);
    let urls = app
        .call(Method::POST, &path, None, &[("host", "psops.example")])
        .await
        .expect(200);
    let person_url = urls.body["person_url"].as_str().unwrap_or_default().to_string();
    assert!(
        person_url.starts_with("http://psops.example/feeds/person/"),
        "{person_url}"
    );
    let person_path = person_url.trim_start_matches("http://psops.example");
    let region_path = urls.body["region_url"]
        .as_str()
        .unwrap_or_default()
        .trim_start_matches("http://psops.example");

    let feed = app
        .send(Request::get(person_path).body(Body::empty()).expect("request"))
        .await;
    assert_eq!(feed.status.as_u16(), 200, "{}", feed.text);
    assert_eq!(feed.header("content-type"), Some("text/calendar; charset=utf-8"));
    assert!(feed.text.starts_with("BEGIN:VCALENDAR\r\n") && feed.text.ends_with("END:VCALENDAR\r\n"));
    assert!(
        feed.text.lines().all(|l| l.len() <= 76),
        "lines are folded at 75 octets"
    );
    assert!(feed.text.contains("SUMMARY:GitLab migration\r\n"), "{}", feed.text);
    assert!(
        feed.text
            .contains("DTSTART;VALUE=DATE:20260202\r\nDTEND;VALUE=DATE:20260328\r\n"),
        "{}",
        feed.text
    );
    let region = app
        .send(Request::get(region_path).body(Body::empty()).expect("request"))
        .await;
    assert!(
        region.text.contains("SUMMARY:Christmas Day\\, observed\r\n"),
        "{}",
        region.text
    );

    app.call(Method::POST, &path, None, &[]).await.expect(200);
    let old = app
        .send(Request::get(person_path).body(Body::empty()).expect("request"))
        .await;
    assert_eq!(old.status.as_u16(), 404, "a reset ends the old URL");
    let guess = app
        .send(
            Request::get("/feeds/person/nope.ics")
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(guess.status.as_u16(), 404);
}

api_tests!(
    an_upload_is_checked_imported_and_not_repeated,
    bad_rows_are_a_422_with_the_report_and_nothing_is_written,
    an_export_imported_into_an_empty_database_has_the_same_totals,
    feeds_live_behind_a_secret_that_a_reset_replaces,
);
