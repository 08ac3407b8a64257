//! Two `psops serve` processes on one PostgreSQL database, as a deployment with several
//! nodes runs: a time entry written through one is in the other's next utilization
//! report and next week read, so no node answers from a stale copy of the data.

use serde_json::{Value, json};

use crate::create_token;
use crate::support::{Server, TestDb, http_json};

fn get_json(server: &Server, path: &str, token: &str) -> Value {
    let res = server.get(path, Some(token));
    assert_eq!(res.status, 200, "GET {path}: {}", res.body);
    serde_json::from_str(&res.body).unwrap_or_else(|e| panic!("GET {path}: not JSON ({e}): {}", res.body))
}

fn worked(report: &Value) -> i64 {
    report["total"]["worked_minutes"]
        .as_i64()
        .unwrap_or_else(|| panic!("no total worked_minutes in {report}"))
}

#[test]
fn a_write_on_one_node_is_in_the_others_next_read() {
    let Some(db) = TestDb::postgres() else {
        eprintln!("skipped: set PSOPS_TEST_POSTGRES_URL to run on PostgreSQL");
        return;
    };
    // One engineer with 600 billable minutes on Monday 2026-01-05, assigned to a project.
    let person = crate::reports::seed(&db);
    crate::users::create_user(&db, "ops@example.com", &["admin"]);
    let token = create_token(&db, "ops@example.com", "nodes");
    let (a, b) = (Server::start(&db, &[]), Server::start(&db, &[]));

    let report = "/api/v1/reports/utilization?quarter=FY2026-Q1&group_by=person";
    let week = format!("/api/v1/timesheets/{person}/2026-W02");
    assert_eq!(worked(&get_json(&b, report, &token)), 600);
    let before = get_json(&b, &week, &token).to_string();

    let project = get_json(&a, "/api/v1/projects", &token)["items"][0]["id"].clone();
    let entry = json!({"person_id": person, "project_id": project, "date": "2026-01-06",
                       "minutes": 120, "billable": true});
    let created = http_json(&a.addr, "POST", "/api/v1/time-entries", &token, &entry, &[]);
    assert_eq!(created.status, 201, "{}", created.body);
    let id = serde_json::from_str::<Value>(&created.body).expect("JSON")["id"].clone();

    assert_eq!(worked(&get_json(&b, report, &token)), 720, "node B's next report");
    let after = get_json(&b, &week, &token).to_string();
    assert!(!before.contains(&format!("\"id\":{id},")), "{before}");
    assert!(
        after.contains(&format!("\"id\":{id},")),
        "node B's next week read: {after}"
    );
    for server in [a, b] {
        let (code, stderr) = server.terminate();
        assert_eq!(code, Some(0), "{stderr}");
    }
}
