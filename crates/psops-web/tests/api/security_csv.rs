//! Spreadsheet formula injection (issue 10, finding 3): names and notes that begin with
//! `=`, `+`, `-` or `@` come back in every CSV psops writes — the time export in each of
//! its three shapes, the utilization and compliance reports through the API and the
//! page — as text a spreadsheet will not run: with a leading `'`.

use axum::body::Body;
use axum::http::{Request, header};
use psops_core::auth::Role;
use serde_json::json;

use crate::support::{TestApp, api_tests};
use crate::ui_browser::{Browser, web_user};

const FORMULAS: [&str; 4] = [
    "=cmd|' /C calc'!A0",
    "@SUM(A1:A9)",
    "+1+1",
    "-2+3+HYPERLINK(\"http://evil.example\",\"x\")",
];

/// Every cell of a CSV document.
fn cells(csv: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(csv.as_bytes());
    for rec in r.records() {
        out.extend(rec.expect("a CSV record").iter().map(str::to_string));
    }
    out
}

/// No cell may begin with a formula character, except a plain number such as `-5`.
fn assert_safe(what: &str, csv: &str) {
    let all = cells(csv);
    assert!(!all.is_empty(), "{what} is empty");
    for cell in &all {
        let starts = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
        let number = cell.trim_start_matches(['-', '+']).parse::<f64>().is_ok();
        assert!(!starts || number, "{what}: unsafe cell {cell:?}");
    }
    for formula in FORMULAS {
        if csv.contains(&formula.replace('"', "\"\"")) {
            assert!(
                all.iter().any(|c| *c == format!("'{formula}")),
                "{what} neutralises {formula}"
            );
        }
    }
}

async fn every_csv_neutralises_formulas(app: TestApp) {
    let s = app.seed().await;
    app.patch(
        &format!("/api/v1/people/{}", s.person),
        &json!({"name": FORMULAS[0]}),
        "*",
    )
    .await
    .expect(200);
    app.patch(
        &format!("/api/v1/projects/{}", s.project),
        &json!({"name": FORMULAS[1], "code": FORMULAS[2]}),
        "*",
    )
    .await
    .expect(200);
    app.patch(
        &format!("/api/v1/accounts/{}", s.account),
        &json!({"name": FORMULAS[2]}),
        "*",
    )
    .await
    .expect(200);
    for (day, note) in [("2026-03-02", FORMULAS[3]), ("2026-03-03", FORMULAS[0])] {
        let e = json!({"person_id": s.person, "project_id": s.project, "date": day,
            "minutes": 60, "billable": false, "note": note});
        app.post("/api/v1/time-entries", &e).await.expect(201);
    }
    for format in ["psops", "kimai", "harvest"] {
        let r = app
            .get(&format!(
                "/api/v1/exports/time?format={format}&from=2026-01-01&to=2026-12-31"
            ))
            .await
            .expect(200);
        assert!(r.text.contains("'="), "{format}: {}", r.text);
        assert_safe(&format!("the {format} export"), &r.text);
    }
    for path in [
        "/api/v1/reports/utilization?from=2026-01-01&to=2026-12-31&format=csv",
        "/api/v1/reports/utilization?from=2026-01-01&to=2026-12-31&group_by=function&format=csv",
        "/api/v1/reports/compliance?week=2026-W10&format=csv",
    ] {
        let r = app.get(path).await.expect(200);
        assert_safe(path, &r.text);
    }
    let accept = Request::get("/api/v1/reports/utilization?quarter=FY2026-Q1")
        .header(header::AUTHORIZATION, format!("Bearer {}", app.token))
        .header(header::ACCEPT, "text/csv")
        .body(Body::empty())
        .expect("request");
    let r = app.send(accept).await.expect(200);
    assert!(r.text.contains("'=cmd"), "{}", r.text);
    assert_safe("utilization by Accept", &r.text);

    web_user(app.store.as_ref(), "root@org.example", vec![Role::Admin], None).await;
    let b = Browser::sign_in(&app, "root@org.example").await;
    let page = b
        .get(&app, "/reports/utilization.csv?from=2026-01-01&to=2026-12-31")
        .await
        .expect(200);
    assert!(page.text.contains("'=cmd"), "{}", page.text);
    assert_safe("the utilization page's CSV", &page.text);
}

api_tests!(every_csv_neutralises_formulas);
