//! The utilization report's charts at the sizes people see: a bar per person for a small
//! team, a histogram and the top and bottom by attainment for a larger one, and a line
//! per function week by week — each with its title, summary and data, and words instead
//! of empty axes when there is nothing to draw.

use psops_core::Minutes;
use psops_core::accounts::AccountFields;
use psops_core::assignments::AssignmentFields;
use psops_core::auth::Role;
use psops_core::people::{Fte, Function, PersonFields};
use psops_core::projects::{BillingType, ProjectFields, ProjectStatus, ProjectType};
use psops_core::store::Records as _;
use psops_core::store::{Created, Store, WriteCtx};
use time::macros::date;

use crate::support::{TestApp, api_tests};
use crate::ui_browser::{Browser, SmallOrg, log, web_user};

async fn admin(app: &TestApp) -> Browser {
    web_user(app.store.as_ref(), "root@org.example", vec![Role::Admin], None).await;
    Browser::sign_in(app, "root@org.example").await
}

fn id<T>(c: Created<T>) -> T {
    match c {
        Created::New(v) => v,
        Created::Replayed(_) => panic!("fixture replayed"),
    }
}

/// `n` engineers on one project, each logging a different number of billable hours in
/// the first weeks of March 2026; one has a name that needs escaping.
async fn team(store: &dyn Store, n: usize) {
    let ctx = WriteCtx::trusted();
    let account = AccountFields {
        name: "Initech".into(),
        code: None,
        region: None,
        industry: None,
        currency: None,
    };
    let account = id(store.create(&ctx, account).await.expect("account")).id;
    let project = ProjectFields {
        name: "Rollout".into(),
        code: Some("ROLL".into()),
        account_id: Some(account),
        project_type: ProjectType::Consulting,
        billing_type: BillingType::TimeAndMaterials,
        status: ProjectStatus::Active,
        phase: None,
        start_date: Some(date!(2026 - 01 - 01)),
        end_date: Some(date!(2026 - 12 - 31)),
        project_manager_id: None,
        budget_minutes: None,
        budget: None,
        partner_delivered: false,
        partner_id: None,
    };
    let project = id(store.create(&ctx, project).await.expect("project")).id;
    for i in 0..n {
        let name = if i == 0 {
            "Zoë <b>Bold</b> & Sons-Hohenzollern-Sigmaringen".to_string()
        } else {
            format!("Engineer {i:02}")
        };
        let person = PersonFields {
            name,
            email: format!("e{i}@org.example"),
            function: Function::Engineer,
            region: "AMER".into(),
            time_zone: "UTC".into(),
            fte: Fte::FULL,
            employment_start: date!(2025 - 01 - 01),
            employment_end: None,
            manager_id: None,
            partner_id: None,
        };
        let person = id(store.create(&ctx, person).await.expect("person")).id;
        let assignment = AssignmentFields {
            person_id: person,
            project_id: project,
            role: Function::Engineer,
            start_date: date!(2026 - 01 - 05),
            end_date: Some(date!(2026 - 12 - 31)),
            minutes_per_week: Minutes(40 * 60),
        };
        store.create(&ctx, assignment).await.expect("assignment");
        for day in [date!(2026 - 03 - 02), date!(2026 - 03 - 09)] {
            log(store, person.get(), project.get(), day, 1 + (i as i64 % 8)).await;
        }
    }
}

/// The chart block with this id, up to the end of its data table.
fn block<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("class=\"chart-block\" id=\"{id}\""))
        .unwrap_or_else(|| panic!("no {id}"));
    let rest = &html[start..];
    &rest[..rest.find("</details>").unwrap_or(rest.len())]
}

async fn a_small_team_gets_a_bar_each(app: TestApp) {
    SmallOrg::build(app.store.as_ref()).await;
    let b = admin(&app).await;
    let page = b
        .get(&app, "/reports/utilization?group=person&quarter=2026-Q1")
        .await
        .expect(200);
    let chart = block(&page.text, "chart-people");
    assert!(
        chart.contains("role=\"img\"")
            && chart.contains("<title id=\"chart-people-title\">Billable utilization by person</title>")
    );
    assert!(chart.contains("Ada Lovelace") && chart.contains("class=\"target\""));
    assert!(
        chart.contains(
            "0 of 2 people with a billable target are within the target band (90–110 % of their target); 2 below, 0 above. 2 without a target are not counted."
        ),
        "{chart}"
    );
    assert!(!page.text.contains("chart-histogram"), "no histogram for four people");
}

async fn a_large_team_gets_a_histogram_and_rankings(app: TestApp) {
    team(app.store.as_ref(), 30).await;
    let b = admin(&app).await;
    let page = b
        .get(&app, "/reports/utilization?group=person&quarter=2026-Q1")
        .await
        .expect(200);
    let histogram = block(&page.text, "chart-histogram");
    assert!(histogram.contains("class=\"band\"") && histogram.contains("Target 70 %"));
    let counts: usize = histogram
        .split("data-count=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next()?.parse::<usize>().ok())
        .sum();
    assert_eq!(counts, 30, "everyone with a target is counted once");
    assert!(histogram.contains("of 30 people with a billable target"));
    for (id, title) in [
        ("chart-top", "Top 10 by attainment"),
        ("chart-bottom", "Bottom 10 by attainment"),
    ] {
        let ranking = block(&page.text, id);
        assert!(ranking.contains(&format!("<title id=\"{id}-title\">{title}</title>")));
        assert_eq!(ranking.matches("<a href=\"/people/").count(), 10, "{id}: ten people");
        assert!(ranking.contains("<details class=\"chart-data\">"));
    }
    // The long, awkward name: cut on the chart, whole and escaped in its title and table.
    assert!(!page.text.contains("<b>Bold</b>"));
    assert!(
        page.text
            .contains("Zoë &lt;b&gt;Bold&lt;/b&gt; &amp; Sons-Hohenzollern-Sigmaringen")
    );
    assert!(
        page.text.contains("…</text>"),
        "a name too long for its column ends in an ellipsis"
    );
    // The table keeps every row.
    let rows = crate::ui_browser::table_rows(&page.text, "utilization-table");
    assert!(rows.len() >= 31, "the table is not cut by the charts: {}", rows.len());
}

async fn a_function_report_draws_lines_by_week(app: TestApp) {
    SmallOrg::build(app.store.as_ref()).await;
    let b = admin(&app).await;
    let page = b
        .get(&app, "/reports/utilization?group=function&quarter=2026-Q1")
        .await
        .expect(200);
    let chart = block(&page.text, "chart-weeks");
    assert!(chart.contains("<title id=\"chart-weeks-title\">Billable utilization by function, week by week</title>"));
    assert!(chart.contains("<polyline"), "a line");
    assert!(chart.contains(">Engineer</text>"), "named in the legend");
    assert!(chart.contains("class=\"target\"") && chart.contains("Target (Engineer"));
    assert!(chart.contains(">W10</text>") && chart.contains(">W01</text>"));
    assert!(!chart.contains("class=\"future\""), "a past quarter has no weeks ahead");
    assert!(chart.contains("<th scope=\"row\">W10</th>"));
    let region = b
        .get(&app, "/reports/utilization?group=region&quarter=2026-Q1")
        .await
        .expect(200);
    assert!(block(&region.text, "chart-weeks").contains("Target (blended)"));
    // A quarter that has not begun says so instead of drawing empty axes.
    let ahead = b
        .get(&app, "/reports/utilization?group=function&quarter=2099-Q1")
        .await
        .expect(200);
    assert!(ahead.text.contains("chart-empty") && ahead.text.contains("This period has not started yet"));
    assert!(!ahead.text.contains("<svg class=\"chart\""));
    // A quarter with people but no time says that.
    let quiet = b
        .get(&app, "/reports/utilization?group=person&quarter=2025-Q3")
        .await
        .expect(200);
    assert!(quiet.text.contains("No time recorded in this period yet"));
}

api_tests!(
    a_small_team_gets_a_bar_each,
    a_large_team_gets_a_histogram_and_rankings,
    a_function_report_draws_lines_by_week,
);
