//! The portfolio page: leadership reads every project's part with its charts and lists,
//! each line linking to its record; a project manager reads their own projects'; a
//! consultant and a partner get no portfolio (404) and no link to one.

use psops_core::auth::Role;

use crate::support::{TestApp, api_tests};
use crate::ui_browser::{Browser, SmallOrg, web_user};

async fn leadership_reads_the_portfolio_and_consultants_do_not(app: TestApp) {
    let org = SmallOrg::build(app.store.as_ref()).await;
    let store = app.store.as_ref();
    web_user(store, "lead@org.example", vec![Role::Leadership], None).await;
    let lead = Browser::sign_in(&app, "lead@org.example").await;
    let home = lead.get(&app, "/").await.expect(200).text.replace("&#x2f;", "/");
    assert!(home.contains("href=\"/portfolio\""), "in the navigation");
    let page = lead.get(&app, "/portfolio").await.expect(200);
    for part in [
        "id=\"chart-rag\"",
        "id=\"chart-escalations\"",
        "id=\"chart-csat\"",
        "Projects to watch",
        "Overdue health reports",
        "Escalated RAID items",
        "Milestones awaiting acceptance",
        "id=\"csat-this\"",
    ] {
        assert!(page.text.contains(part), "the portfolio shows {part}");
    }
    // Both of the small organisation's active projects, with no report this week yet.
    assert!(page.text.contains("2 active projects"), "{}", page.text);
    let health = format!("/projects/{}/health", org.project).replace('/', "&#x2f;");
    assert!(
        page.text.contains(&health),
        "an overdue report links to the project's health"
    );

    // Its CSAT figures link to the CSAT report, grouped as asked.
    assert!(page.text.contains("&#x2f;reports&#x2f;csat") || page.text.contains("/reports/csat"));
    let csat = lead.get(&app, "/reports/csat?by=pm").await.expect(200);
    assert!(
        csat.text.contains("aria-current=\"page\">Project manager"),
        "grouped by PM"
    );
    assert!(csat.text.contains("No survey has been sent yet."));

    web_user(store, "pat@org.example", vec![Role::ProjectManager], Some(org.pm)).await;
    let pm = Browser::sign_in(&app, "pat@org.example").await;
    let mine = pm.get(&app, "/portfolio").await.expect(200);
    assert!(mine.text.contains("active project"));

    web_user(store, "ada@org.example", vec![Role::Consultant], Some(org.ada)).await;
    let ada = Browser::sign_in(&app, "ada@org.example").await;
    ada.get(&app, "/portfolio").await.expect(404);
    ada.get(&app, "/reports/csat").await.expect(404);
    let home = ada.get(&app, "/").await.expect(200).text.replace("&#x2f;", "/");
    assert!(!home.contains("href=\"/portfolio\""));
}

api_tests!(leadership_reads_the_portfolio_and_consultants_do_not);
