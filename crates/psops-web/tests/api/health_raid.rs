//! Weekly health reports and the RAID log through the REST API: the project manager files
//! a report, a second filing for the week is a 409 naming the rule, the week's report is
//! revised under If-Match and the revision is in the audit log; an off-track dimension
//! without why is a 422; the consultant on the project reads, a partner does not; the
//! overdue list answers per manager for the day asked; RAID items filter by kind, status
//! and escalated, and the escalated list spans projects.

use axum::http::Method;
use serde_json::json;

use crate::matrix_fixture::Org;
use crate::matrix_health_fixture as hf;
use crate::support::{TestApp, api_tests};

async fn reports_rules_and_access(app: TestApp) {
    let org = Org::build(app.store.as_ref()).await;
    let (pm, consultant, partner) = (&org.tokens[5], &org.tokens[6], &org.tokens[7]);
    let mut body = json!({
        "project_id": org.p1, "week": "2026-W10", "overall": "yellow",
        "summary": "Migration slipped.\nRecovery plan agreed.",
        "schedule_on_track": false, "scope_on_track": true, "budget_on_track": true,
        "sentiment": "engaged", "filed_by": org.people[5],
    });
    let r = app
        .call_as(pm, Method::POST, "/api/v1/health-reports", Some(&body), &[])
        .await;
    r.problem(422, "schedule_why", "why_required");
    body["schedule_why"] = json!("Source extracts late");
    let r = app
        .call_as(pm, Method::POST, "/api/v1/health-reports", Some(&body), &[])
        .await
        .expect(201);
    let id = r.id();
    let etag = r.etag();
    app.call_as(pm, Method::POST, "/api/v1/health-reports", Some(&body), &[])
        .await
        .problem(409, "week", "one_report_per_week");
    // Revised under If-Match, and audited.
    let revised = app
        .call_as(
            pm,
            Method::PATCH,
            &format!("/api/v1/health-reports/{id}"),
            Some(&json!({"overall": "red", "budget_on_track": false, "budget_why": "Burn ahead"})),
            &[("if-match", &etag)],
        )
        .await
        .expect(200);
    assert_eq!(revised.body["overall"], "red");
    assert_eq!(revised.body["version"], 2);
    let audit = app
        .get(&format!("/api/v1/audit?entity=health_report&entity_id={id}"))
        .await
        .expect(200);
    assert_eq!(audit.body["items"].as_array().map(Vec::len), Some(2), "{}", audit.text);
    // Read with the project.
    let list = format!("/api/v1/health-reports?project_id={}", org.p1);
    let seen = app.call_as(consultant, Method::GET, &list, None, &[]).await.expect(200);
    assert_eq!(seen.body["items"][0]["id"], id);
    app.call_as(partner, Method::GET, &list, None, &[]).await.expect(404);
    app.call_as(partner, Method::GET, &format!("/api/v1/health-reports/{id}"), None, &[])
        .await
        .expect(404);
    // The consultant reads but does not change it.
    app.call_as(
        consultant,
        Method::PATCH,
        &format!("/api/v1/health-reports/{id}"),
        Some(&json!({"overall": "green"})),
        &[],
    )
    .await
    .expect(403);
    app.get("/api/v1/health-reports?project_id=1&from=2026-13")
        .await
        .problem(422, "from", "iso_week");
}

async fn overdue_and_latest(app: TestApp) {
    let org = Org::build(app.store.as_ref()).await;
    let pm = &org.tokens[5];
    // P1 starts 2026-01-01; on Friday 16 January, weeks 1 to 3 are missing (W03 was due
    // on Thursday the 15th).
    let r = app
        .call_as(
            pm,
            Method::GET,
            "/api/v1/health-reports/overdue?on=2026-01-16",
            None,
            &[],
        )
        .await
        .expect(200);
    let rows = r.body.as_array().cloned().unwrap_or_default();
    assert_eq!(rows.len(), 1, "the manager sees their own project: {}", r.text);
    assert_eq!(rows[0]["project_id"], org.p1);
    assert_eq!(rows[0]["weeks"], json!(["2026-W01", "2026-W02", "2026-W03"]));
    // Ops see every active project's.
    let all = app
        .get("/api/v1/health-reports/overdue?on=2026-01-16")
        .await
        .expect(200);
    assert_eq!(all.body.as_array().map(Vec::len), Some(3));
    app.get("/api/v1/health-reports/overdue?on=someday")
        .await
        .problem(422, "on", "date");
    hf::report(app.store.as_ref(), org.p1, org.people[5]).await;
    let latest = app
        .call_as(pm, Method::GET, "/api/v1/health-reports/latest", None, &[])
        .await
        .expect(200);
    assert_eq!(latest.body[0]["project_id"], org.p1);
    assert_eq!(latest.body[0]["overall"], "yellow");
}

async fn raid_filters_and_escalated(app: TestApp) {
    let org = Org::build(app.store.as_ref()).await;
    let pm = &org.tokens[5];
    let s = app.store.as_ref();
    let escalated = hf::raid(s, org.p1).await;
    let mut issue = serde_json::to_value(hf::raid_fields(org.p1)).unwrap_or_default();
    issue["kind"] = json!("issue");
    issue["escalated"] = json!(false);
    issue["impacts"] = json!(["scope", "quality", "scope"]);
    let made = app
        .call_as(pm, Method::POST, "/api/v1/raid-items", Some(&issue), &[])
        .await
        .expect(201);
    assert_eq!(made.body["impacts"], json!(["scope", "quality"]));
    issue["impacts"] = json!(["weather"]);
    app.call_as(pm, Method::POST, "/api/v1/raid-items", Some(&issue), &[])
        .await
        .expect(422);
    let base = format!("/api/v1/raid-items?project_id={}", org.p1);
    let only = app.get(&format!("{base}&escalated=true")).await.expect(200);
    let ids: Vec<i64> = only.body["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i["id"].as_i64())
        .collect();
    assert_eq!(ids, vec![escalated]);
    let issues = app.get(&format!("{base}&kind=issue&status=open")).await.expect(200);
    assert_eq!(issues.body["items"].as_array().map(Vec::len), Some(1));
    app.get(&format!("{base}&kind=rumour"))
        .await
        .problem(422, "kind", "one_of");
    let across = app.get("/api/v1/raid-items/escalated").await.expect(200);
    assert_eq!(across.body[0]["item"]["id"], escalated);
    assert_eq!(across.body[0]["project_name"], "P1");
    // A partner sees none of P1's.
    let theirs = app
        .call_as(&org.tokens[7], Method::GET, "/api/v1/raid-items/escalated", None, &[])
        .await
        .expect(200);
    assert_eq!(theirs.body.as_array().map(Vec::len), Some(0));
}

api_tests!(reports_rules_and_access, overdue_and_latest, raid_filters_and_escalated);
