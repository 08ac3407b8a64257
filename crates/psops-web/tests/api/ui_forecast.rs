//! The forecast page: finance reads the months, the chart, accuracy per quarter against
//! its target and the snapshots, and keeps a snapshot with the button (the CSRF token
//! asked); leadership reads it without the button; a consultant and a partner get no
//! page (404) and no link to one.

use psops_core::auth::Role;

use crate::support::{TestApp, api_tests};
use crate::ui_browser::{Browser, web_user};

async fn finance_reads_the_forecast_and_keeps_a_snapshot(app: TestApp) {
    let store = app.store.as_ref();
    web_user(store, "fin@org.example", vec![Role::Finance], None).await;
    let fin = Browser::sign_in(&app, "fin@org.example").await;
    let home = fin.get(&app, "/").await.expect(200).text.replace("&#x2f;", "/");
    assert!(home.contains("href=\"/finance\""), "Finance in the navigation");
    let dashboard = fin.get(&app, "/finance").await.expect(200).text.replace("&#x2f;", "/");
    assert!(
        dashboard.contains("href=\"/finance/forecast\""),
        "a tab of the finance pages"
    );
    let page = fin
        .get(&app, "/finance/forecast?from=2026-07&months=3")
        .await
        .expect(200);
    for part in [
        "Nothing is booked in these months yet.",
        "id=\"forecast-months\"",
        "2026-09",
        "id=\"forecast-accuracy\"",
        "± 5.0 %",
        "± 10.0 %",
        "id=\"keep-snapshot\"",
        "No snapshot kept yet",
    ] {
        assert!(page.text.contains(part), "the page shows {part}: {}", page.text);
    }
    fin.get(&app, "/finance/forecast?months=30").await.expect(422);

    let kept = fin.post(&app, "/finance/forecast/snapshot", &[]).await.expect(303);
    let to = kept.header("location").unwrap_or_default().to_string();
    assert!(to.starts_with("/finance/forecast?kept="), "{to}");
    let after = fin.get(&app, &to).await.expect(200);
    assert!(after.text.contains("id=\"forecast-snapshots\""), "{}", after.text);
    assert!(after.text.contains("id=\"kept\""));
    fin.post_bare(&app, "/finance/forecast/snapshot", &[]).await.expect(403);

    web_user(store, "lead@org.example", vec![Role::Leadership], None).await;
    let lead = Browser::sign_in(&app, "lead@org.example").await;
    let read = lead.get(&app, "/finance/forecast").await.expect(200);
    assert!(
        !read.text.contains("id=\"keep-snapshot\""),
        "leadership reads, keeps nothing"
    );
    lead.post(&app, "/finance/forecast/snapshot", &[]).await.expect(403);

    web_user(store, "ada@org.example", vec![Role::Consultant], None).await;
    let ada = Browser::sign_in(&app, "ada@org.example").await;
    ada.get(&app, "/finance/forecast").await.expect(404);
    let home = ada.get(&app, "/").await.expect(200).text.replace("&#x2f;", "/");
    assert!(!home.contains("href=\"/finance/forecast\""));
}

api_tests!(finance_reads_the_forecast_and_keeps_a_snapshot);
