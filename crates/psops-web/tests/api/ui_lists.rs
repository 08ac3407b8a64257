//! Lists at size: the people, projects, utilization and compliance tables sort by their
//! columns on the server, either way, in pages of 50 with a total, keep their filters
//! through sorting and paging, and name a bad `sort`, `dir` or `page` inline.

use psops_core::auth::Role;
use psops_core::people::Function;

use crate::support::{TestApp, api_tests};
use crate::ui_browser::{Browser, SmallOrg, person, table_rows, web_user};

/// Names in the first column of a table's body rows (the header row dropped).
fn first_column(html: &str, table: &str) -> Vec<String> {
    table_rows(html, table)
        .into_iter()
        .skip(1)
        .filter_map(|r| r.first().cloned())
        .collect()
}

/// minijinja escapes `/` in HTML; browsers read it back.
fn links(html: &str) -> String {
    html.replace("&#x2f;", "/")
}

async fn lists_sort_and_page_on_the_server(app: TestApp) {
    let store = app.store.as_ref();
    let org = SmallOrg::build(store).await;
    // 120 more people: "Person 000" … "Person 119", every third one a manager.
    for i in 0..120 {
        let function = if i % 3 == 0 {
            Function::ProjectManager
        } else {
            Function::Engineer
        };
        person(store, &format!("Person {i:03}"), function, None, None).await;
    }
    web_user(store, "root@org.example", vec![Role::Admin], None).await;
    let b = Browser::sign_in(&app, "root@org.example").await;

    // By name, 50 a page: 124 live people make three pages.
    let first = b.get(&app, "/people").await.expect(200);
    let names = first_column(&first.text, "people-table");
    assert_eq!(names.len(), 50);
    assert_eq!(names[..3], ["Ada Lovelace", "Alan Alpha", "Bea Beta"]);
    assert!(first.text.contains("1–50 of 124"), "the pager counts every row");
    assert!(first.text.contains("aria-sort=\"ascending\""));
    let last = b.get(&app, "/people?page=3").await.expect(200);
    let names = first_column(&last.text, "people-table");
    assert_eq!(names.len(), 24);
    assert_eq!(names.last().map(String::as_str), Some("Person 119"));
    assert!(last.text.contains("101–124 of 124") && !last.text.contains("rel=\"next\""));

    // The other way, filtered: the filter survives the header's link and the pager's.
    let down = b
        .get(&app, "/people?function=project_manager&sort=name&dir=desc")
        .await
        .expect(200);
    let names = first_column(&down.text, "people-table");
    assert_eq!(names[..2], ["Person 117", "Person 114"]);
    assert!(down.text.contains("1–41 of 41"), "40 numbered managers and Pat");
    assert!(
        links(&down.text).contains("href=\"/people?function=project_manager&amp;sort=name&amp;dir=asc\""),
        "the sorted column's header flips the direction and keeps the filter"
    );
    let paged = b.get(&app, "/people?sort=email&dir=desc").await.expect(200);
    assert!(links(&paged.text).contains("href=\"/people?sort=email&amp;dir=desc&amp;page=2\""));

    // Employer: the company's own people first, then partners by name.
    let by_employer = b.get(&app, "/people?sort=employer&dir=desc").await.expect(200);
    let names = first_column(&by_employer.text, "people-table");
    assert_eq!(names[..2], ["Bea Beta", "Alan Alpha"]);

    let bad = b.get(&app, "/people?sort=salary&dir=sideways&page=0").await.expect(200);
    for field in ["Sort", "Dir", "Page"] {
        assert!(bad.text.contains(&format!("<strong>{field}</strong>")), "{field} named");
    }
    assert!(bad.text.contains("Sort must be one of: name, email"));
    assert_eq!(first_column(&bad.text, "people-table")[0], "Ada Lovelace");

    // Projects by PM, descending: Pat's project before the one without a PM.
    let projects = b.get(&app, "/projects?sort=pm&dir=desc").await.expect(200);
    assert_eq!(
        first_column(&projects.text, "projects-table"),
        ["Migration", "Beta Rollout"]
    );

    // The utilization report sorts and pages rows computed whole; the total stays whole.
    let report = b
        .get(
            &app,
            "/reports/utilization?from=2026-03-02&to=2026-03-15&sort=worked&dir=desc",
        )
        .await
        .expect(200);
    let rows = table_rows(&report.text, "utilization-table");
    assert_eq!(rows[1][0], "Ada Lovelace", "the only one who worked sorts first");
    assert_eq!(rows[1][3], "18.00");
    assert!(report.text.contains("1–50 of 124"));
    let total = rows.last().expect("total row");
    assert_eq!((total[0].as_str(), total[3].as_str()), ("Total", "18.00"));
    let page3 = b
        .get(
            &app,
            "/reports/utilization?from=2026-03-02&to=2026-03-15&sort=worked&dir=desc&page=3",
        )
        .await
        .expect(200);
    assert_eq!(table_rows(&page3.text, "utilization-table").len(), 1 + 24 + 1);

    // Compliance: cut to one status, sorted by person.
    let compliance = b
        .get(
            &app,
            "/reports/compliance?week=2026-W10&status=not_submitted&sort=person",
        )
        .await
        .expect(200);
    let names = first_column(&compliance.text, "compliance-table");
    assert_eq!(names[0], "Ada Lovelace");
    assert!(compliance.text.contains("aria-current=\"true\""));
    assert!(compliance.text.contains("of 124"), "everyone employed is late here");
    let _ = org;
}

api_tests!(lists_sort_and_page_on_the_server);
