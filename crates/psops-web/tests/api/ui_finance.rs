//! The finance pages: finance reads the dashboard (totals, charts, months, categories,
//! losses) and the margin report by any grouping with its CSV; a project's Money tab
//! shows its burn and estimate at completion to its manager without cost or margin, and
//! with them to finance; a consultant gets no Finance link, a 404 for the dashboard, and
//! no project money.

use psops_core::auth::Role;

use crate::support::{TestApp, api_tests};
use crate::ui_browser::{Browser, SmallOrg, log, web_user};

async fn finance_reads_the_dashboard_and_a_project_manager_only_their_burn(app: TestApp) {
    let org = SmallOrg::build(app.store.as_ref()).await;
    let store = app.store.as_ref();
    // 6 hours on the PM's project: no rate on record, so the hours count, unpriced.
    log(store, org.ada, org.project, time::macros::date!(2026 - 03 - 02), 6).await;
    web_user(store, "cfo@org.example", vec![Role::Finance], None).await;
    web_user(store, "pm@org.example", vec![Role::ProjectManager], Some(org.pm)).await;
    web_user(store, "ada@org.example", vec![Role::Consultant], Some(org.ada)).await;

    let cfo = Browser::sign_in(&app, "cfo@org.example").await;
    let home = cfo.get(&app, "/").await.expect(200).text.replace("&#x2f;", "/");
    assert!(
        home.contains("href=\"/finance\""),
        "finance has Finance in the navigation"
    );
    let page = cfo.get(&app, "/finance?from=2026-01&to=2026-06").await.expect(200);
    for part in [
        "id=\"total-revenue\"",
        "id=\"total-margin-pct\"",
        "Revenue and cost by month",
        "Gross margin by quarter against the target",
        "id=\"chart-types\"",
        "id=\"months-table\"",
        "Loss-making projects",
        "2026-06",
    ] {
        assert!(page.text.contains(part), "the dashboard shows {part}");
    }
    // A span that does not parse is named, not a 500.
    let bad = cfo.get(&app, "/finance?from=2026-13").await.expect(200);
    assert!(bad.text.contains("YYYY-MM"), "{}", bad.text);
    let backwards = cfo.get(&app, "/finance?from=2026-05&to=2026-01").await.expect(200);
    assert!(backwards.text.contains("same month as from or after it"));
    let margin = cfo
        .get(&app, "/finance/margin?by=account&from=2026-01&to=2026-06")
        .await
        .expect(200);
    assert!(margin.text.contains("Margin by account") || margin.text.contains("margin by account"));
    assert!(margin.text.contains("id=\"margin-csv\""));
    let unknown = cfo.get(&app, "/finance/margin?by=planet").await.expect(200);
    assert!(
        unknown.text.contains("must be one of the groupings offered"),
        "{}",
        unknown.text
    );
    let money = cfo
        .get(&app, &format!("/projects/{}/money", org.project))
        .await
        .expect(200);
    for part in [
        "Budget burn",
        "Estimate at completion",
        "id=\"margin\"",
        "Hours without a bill rate",
        "6.00",
    ] {
        assert!(money.text.contains(part), "finance sees {part} on the Money tab");
    }

    let pm = Browser::sign_in(&app, "pm@org.example").await;
    let money = pm
        .get(&app, &format!("/projects/{}/money", org.project))
        .await
        .expect(200);
    assert!(money.text.contains("Budget burn"));
    assert!(
        !money.text.contains("id=\"margin\""),
        "a project manager does not see cost or margin"
    );
    pm.get(&app, "/finance").await.expect(404);
    pm.get(&app, &format!("/projects/{}/money", org.b_project))
        .await
        .expect(404);

    let ada = Browser::sign_in(&app, "ada@org.example").await;
    let home = ada.get(&app, "/").await.expect(200).text.replace("&#x2f;", "/");
    assert!(!home.contains("href=\"/finance\""));
    ada.get(&app, "/finance").await.expect(404);
    ada.get(&app, &format!("/projects/{}/money", org.project))
        .await
        .expect(404);
}

/// Finance sets how a fixed fee is recognised on the Money tab; a stale version is named,
/// not a 500; the project manager sees no form and a post of theirs is refused.
async fn finance_sets_the_revenue_method_on_the_money_tab(app: TestApp) {
    use psops_core::finance::ledger::RevenueMethod;
    use psops_core::projects::{BillingType, Project, ProjectPatch};
    use psops_core::store::{RecordStore, WriteCtx};

    let org = SmallOrg::build(app.store.as_ref()).await;
    let store = app.store.as_ref();
    let id = psops_core::Id::new(org.project);
    let p: Project = RecordStore::get(store, id).await.unwrap();
    let patch = ProjectPatch {
        billing_type: Some(BillingType::FixedFee),
        ..Default::default()
    };
    let _: Project = store
        .update(&WriteCtx::trusted(), id, Some(p.meta.version), patch)
        .await
        .unwrap();
    web_user(store, "cfo@org.example", vec![Role::Finance], None).await;
    web_user(store, "pm@org.example", vec![Role::ProjectManager], Some(org.pm)).await;
    let path = format!("/projects/{}/money", org.project);
    let action = format!("{path}/method");

    let cfo = Browser::sign_in(&app, "cfo@org.example").await;
    let page = cfo.get(&app, &path).await.expect(200);
    assert!(page.text.contains("id=\"revenue-method\""), "finance gets the form");
    let saved = cfo
        .post(
            &app,
            &action,
            &[("version", "0"), ("revenue_method", "percent_complete")],
        )
        .await
        .expect(303);
    assert_eq!(saved.header("location"), Some(format!("{path}?done=method").as_str()));
    assert_eq!(
        store.project_finance(id).await.unwrap().revenue_method,
        RevenueMethod::PercentComplete
    );
    let page = cfo.get(&app, &format!("{path}?done=method")).await.expect(200);
    assert!(page.text.contains("Revenue method saved."));
    assert!(page.text.contains("recognised by percent complete"), "{}", page.text);
    // The version read before the change is stale now; an unknown method is named.
    let stale = cfo
        .post(&app, &action, &[("version", "0"), ("revenue_method", "milestones")])
        .await
        .expect(409);
    assert!(
        stale.text.contains("changed the revenue method meanwhile"),
        "{}",
        stale.text
    );
    let unknown = cfo
        .post(&app, &action, &[("version", "1"), ("revenue_method", "by_magic")])
        .await
        .expect(422);
    assert!(
        unknown.text.contains("revenue_method must be one of"),
        "{}",
        unknown.text
    );
    assert_eq!(
        store.project_finance(id).await.unwrap().revenue_method,
        RevenueMethod::PercentComplete,
        "refused changes write nothing"
    );

    let pm = Browser::sign_in(&app, "pm@org.example").await;
    let page = pm.get(&app, &path).await.expect(200);
    assert!(
        !page.text.contains("id=\"revenue-method\""),
        "a project manager gets no form"
    );
    pm.post(&app, &action, &[("version", "1"), ("revenue_method", "milestones")])
        .await
        .expect(403);
}

api_tests!(
    finance_reads_the_dashboard_and_a_project_manager_only_their_burn,
    finance_sets_the_revenue_method_on_the_money_tab
);
