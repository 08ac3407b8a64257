//! The project's Health and RAID tabs, signed in through the real sign-in: the project
//! manager sees the weeks overdue, files a report (an off-track dimension without why is
//! refused on the page, nothing written), sees it in the history and the RAG timeline,
//! and revises it; the consultant reads without a form; a partner finds neither tab. The
//! RAID tab filters by kind, status and escalated, sorts, and the manager adds an item
//! through its form. Forms without the session's CSRF token are refused.

use psops_core::auth::Role;
use psops_core::delivery::health::{HealthReport, HealthReportFilter};
use psops_core::page::PageRequest;
use psops_core::store::Records as _;
use psops_core::timesheet::IsoWeek;
use time::OffsetDateTime;

use crate::matrix_fixture::Org;
use crate::matrix_health_fixture as hf;
use crate::support::{TestApp, api_tests};
use crate::ui_browser::html;
use crate::ui_browser::{Browser, table_rows, web_user};

async fn reports(app: &TestApp, project: i64) -> Vec<HealthReport> {
    let filter = HealthReportFilter {
        project_id: Some(psops_core::Id::new(project)),
        ..Default::default()
    };
    app.store
        .list(
            &filter,
            PageRequest {
                after: None,
                limit: 100,
            },
        )
        .await
        .expect("reports")
        .items
}

async fn health_tab_files_and_revises(app: TestApp) {
    let store = app.store.as_ref();
    let org = Org::build(store).await;
    web_user(
        store,
        "pam@org.example",
        vec![Role::ProjectManager],
        Some(org.people[5]),
    )
    .await;
    web_user(store, "cody@org.example", vec![Role::Consultant], Some(org.people[6])).await;
    web_user(
        store,
        "pat@org.example",
        vec![Role::PartnerManager],
        Some(org.people[7]),
    )
    .await;
    let pm = Browser::sign_in(&app, "pam@org.example").await;
    let path = format!("/projects/{}/health", org.p1);
    let page = pm.get(&app, &path).await.expect(200);
    let text = html(&page);
    assert!(
        text.contains("aria-current=\"page\">Health</a>"),
        "the Health tab is current"
    );
    assert!(
        text.contains("id=\"health-overdue\""),
        "P1 started in January: weeks are missing"
    );
    assert!(text.contains("File the weekly report"));
    assert!(text.contains("id=\"rag-timeline\"") && text.contains("data-rag=\"missing\""));
    let this_week = IsoWeek::of(OffsetDateTime::now_utc().date()).to_string();

    // Off track without why: refused on the page, nothing written.
    let refused = pm
        .post(
            &app,
            &path,
            &[
                ("week", &this_week),
                ("overall", "yellow"),
                ("summary", "UAT slipped a week.\nCustomer agreed the new date."),
                ("schedule", "no"),
                ("schedule_why", ""),
                ("scope", "yes"),
                ("budget", "yes"),
                ("sentiment", "engaged"),
            ],
        )
        .await
        .expect(422);
    assert!(html(&refused).contains("schedule_why") || html(&refused).contains("Schedule why"));
    assert!(reports(&app, org.p1).await.is_empty());
    // Without the CSRF token: refused.
    let bare = pm.post_bare(&app, &path, &[("week", &this_week)]).await;
    assert!(bare.status.is_client_error(), "{}", bare.status);

    let filed = pm
        .post(
            &app,
            &path,
            &[
                ("week", &this_week),
                ("overall", "yellow"),
                ("summary", "UAT slipped a week.\nCustomer agreed the new date."),
                ("schedule", "no"),
                ("schedule_why", "Test data arrived late"),
                ("scope", "yes"),
                ("budget", "yes"),
                ("sentiment", "engaged"),
            ],
        )
        .await
        .expect(303);
    assert_eq!(filed.header("location"), Some(format!("{path}?done=filed").as_str()));
    let after = pm.get(&app, &format!("{path}?done=filed")).await.expect(200);
    let text = html(&after);
    assert!(text.contains("Report filed."));
    let rows = table_rows(&text, "health-history");
    assert_eq!(rows.len(), 2, "a header and the report: {rows:?}");
    assert_eq!(rows[1][0], this_week);
    assert_eq!(rows[1][1], "Yellow");
    assert!(rows[1][2].contains("Test data arrived late"));
    assert!(text.contains(&format!("data-week=\"{this_week}\" data-rag=\"yellow\"")));
    // This week has a report: the form revises it.
    assert!(text.contains("Revise the report of"));
    let stored = reports(&app, org.p1).await;
    let report = stored[0].id.get().to_string();
    let revised = pm
        .post(
            &app,
            &path,
            &[
                ("week", &this_week),
                ("report", &report),
                ("version", "1"),
                ("overall", "red"),
                ("summary", "UAT slipped two weeks."),
                ("schedule", "no"),
                ("schedule_why", "Test data still missing"),
                ("scope", "yes"),
                ("budget", "no"),
                ("budget_why", "Rework burns hours"),
                ("sentiment", "frustrated"),
            ],
        )
        .await
        .expect(303);
    assert_eq!(
        revised.header("location"),
        Some(format!("{path}?done=revised").as_str())
    );
    let stored = reports(&app, org.p1).await;
    assert_eq!(stored.len(), 1, "revised, not a second report");
    assert_eq!(stored[0].meta.version, 2);
    // A stale version: nothing saved, told on the page.
    let stale = pm
        .post(
            &app,
            &path,
            &[
                ("week", &this_week),
                ("report", &report),
                ("version", "1"),
                ("overall", "green"),
                ("summary", "All good."),
                ("schedule", "yes"),
                ("scope", "yes"),
                ("budget", "yes"),
                ("sentiment", "happy"),
            ],
        )
        .await
        .expect(409);
    assert!(html(&stale).contains("Someone else changed this report"));

    // The consultant on the project reads, without the form; a partner finds nothing.
    let cody = Browser::sign_in(&app, "cody@org.example").await;
    let seen = cody.get(&app, &path).await.expect(200);
    assert!(!seen.text.contains("id=\"file-report\""));
    assert_eq!(table_rows(&seen.text, "health-history").len(), 2);
    let pat = Browser::sign_in(&app, "pat@org.example").await;
    pat.get(&app, &path).await.expect(404);
    pat.get(&app, &format!("/projects/{}/raid", org.p1)).await.expect(404);
}

async fn raid_tab_filters_sorts_and_adds(app: TestApp) {
    let store = app.store.as_ref();
    let org = Org::build(store).await;
    web_user(
        store,
        "pam@org.example",
        vec![Role::ProjectManager],
        Some(org.people[5]),
    )
    .await;
    web_user(store, "cody@org.example", vec![Role::Consultant], Some(org.people[6])).await;
    hf::raid(store, org.p1).await; // an escalated high risk
    let mut issue = hf::raid_fields(org.p1);
    issue.kind = psops_core::delivery::raid::RaidKind::Issue;
    issue.title = "Firewall change pending".into();
    issue.priority = psops_core::delivery::raid::RaidPriority::Low;
    issue.escalated = false;
    let _: psops_core::delivery::raid::RaidItem = match store
        .create(&psops_core::store::WriteCtx::trusted(), issue)
        .await
        .expect("issue")
    {
        psops_core::store::Created::New(r) => r,
        psops_core::store::Created::Replayed(_) => panic!("replayed"),
    };
    let pm = Browser::sign_in(&app, "pam@org.example").await;
    let path = format!("/projects/{}/raid", org.p1);
    let page = pm.get(&app, &path).await.expect(200);
    let text = html(&page);
    assert!(text.contains("aria-current=\"page\">RAID</a>"));
    assert!(text.contains(&format!("/raid-items/new?project={}", org.p1)));
    assert_eq!(table_rows(&text, "raid-table").len(), 3);
    let only = pm.get(&app, &format!("{path}?escalated=yes")).await.expect(200);
    let rows = table_rows(&only.text, "raid-table");
    assert_eq!(rows.len(), 2);
    assert!(rows[1][0].starts_with("Risk "), "{rows:?}");
    let issues = pm.get(&app, &format!("{path}?kind=issue")).await.expect(200);
    let rows = table_rows(&html(&issues), "raid-table");
    assert_eq!(rows[1][0], "Firewall change pending");
    let by_priority = pm
        .get(&app, &format!("{path}?sort=priority&dir=desc"))
        .await
        .expect(200);
    let rows = table_rows(&html(&by_priority), "raid-table");
    assert_eq!(
        rows[1][0], "Firewall change pending",
        "low priority first when descending"
    );
    pm.get(&app, &format!("{path}?kind=rumour")).await.expect(200);
    // Adding through the form.
    let form = pm
        .get(&app, &format!("/raid-items/new?project={}", org.p1))
        .await
        .expect(200);
    assert!(form.text.contains("name=\"title\""));
    let saved = pm
        .post(
            &app,
            "/raid-items/new",
            &[
                ("project", &org.p1.to_string()),
                ("project_id", &org.p1.to_string()),
                ("kind", "decision"),
                ("title", "Go live on the 14th"),
                ("priority", "medium"),
                ("impacts", "timeline\nscope"),
                ("status", "open"),
            ],
        )
        .await;
    assert_eq!(saved.status.as_u16(), 303, "{}", saved.text);
    assert_eq!(
        saved.header("location"),
        Some(format!("/projects/{}/raid?saved=1", org.p1).as_str())
    );
    let told = pm.get(&app, &format!("{path}?saved=1")).await.expect(200);
    assert!(told.text.contains("Saved."));
    let now = pm.get(&app, &format!("{path}?kind=decision")).await.expect(200);
    let rows = table_rows(&html(&now), "raid-table");
    assert_eq!(rows[1][0], "Go live on the 14th");
    assert_eq!(rows[1][3], "Timeline, Scope");
    // The consultant reads the log without the add button or edit links.
    let cody = Browser::sign_in(&app, "cody@org.example").await;
    let seen = cody.get(&app, &path).await.expect(200);
    assert!(!seen.text.contains("/raid-items/new"));
    assert!(!seen.text.contains("/edit\""));
    assert_eq!(table_rows(&seen.text, "raid-table").len(), 4);
}

api_tests!(health_tab_files_and_revises, raid_tab_filters_sorts_and_adds);
