//! The escalation pages, signed in through the real sign-in: a project's Escalations tab
//! lists its escalations and raises one (its manager the DRI by default; a refusal is told
//! on the page and nothing is written); the escalation page adds updates, moves the status
//! and closes only with the customer's agreement; the list filters by status; a partner
//! outside the project finds nothing; forms without the CSRF token are refused.

use psops_core::auth::Role;

use crate::matrix_fixture::Org;
use crate::support::{TestApp, api_tests};
use crate::ui_browser::html;
use crate::ui_browser::{Browser, table_rows, web_user};

fn location(r: &crate::support::Resp) -> String {
    r.header("location").unwrap_or_default().to_string()
}

async fn an_escalation_is_raised_updated_and_closed_on_the_pages(app: TestApp) {
    let store = app.store.as_ref();
    let org = Org::build(store).await;
    web_user(
        store,
        "pam@org.example",
        vec![Role::ProjectManager],
        Some(org.people[5]),
    )
    .await;
    web_user(
        store,
        "pia@org.example",
        vec![Role::PartnerConsultant],
        Some(org.b_person),
    )
    .await;
    let pm = Browser::sign_in(&app, "pam@org.example").await;
    let partner = Browser::sign_in(&app, "pia@org.example").await;
    let tab = format!("/projects/{}/escalations", org.p1);

    let page = pm.get(&app, &tab).await.expect(200);
    assert!(html(&page).contains("id=\"raise-escalation\""), "{}", page.text);
    assert!(
        html(&page).contains("aria-current=\"page\">Escalations"),
        "the tab is current"
    );
    assert!(html(&page).contains("id=\"no-escalations\""));
    assert!(html(&page).contains("href=\"/escalations\""), "the nav links the list");

    // Refused: no exit criteria. Told on the page, nothing written.
    let r = pm
        .post(
            &app,
            &tab,
            &[("title", "Outage"), ("severity", "critical"), ("exit_criteria", "")],
        )
        .await
        .expect(422);
    assert!(
        html(&r).contains("exit criteria is required") || html(&r).contains("exit_criteria"),
        "{}",
        r.text
    );
    assert!(html(&r).contains("value=\"Outage\""), "the form keeps what was typed");
    let again = pm.get(&app, &tab).await.expect(200);
    assert!(html(&again).contains("id=\"no-escalations\""));

    // Raised: the project's manager is the DRI.
    let r = pm
        .post(
            &app,
            &tab,
            &[
                ("title", "Production outage"),
                ("severity", "critical"),
                ("exit_criteria", "A week without an outage"),
                ("dri_id", ""),
            ],
        )
        .await
        .expect(303);
    let at = location(&r);
    assert!(at.starts_with("/escalations/"), "{at}");
    let item = at.split('?').next().unwrap_or_default().to_string();
    let page = pm.get(&app, &at).await.expect(200);
    assert!(html(&page).contains("Production outage"));
    assert!(
        html(&page).contains("Role 5"),
        "the DRI is the project's manager: {}",
        page.text
    );
    assert!(html(&page).contains("id=\"escalation-timeline\""));
    let rows = table_rows(&pm.get(&app, &tab).await.expect(200).text, "project-escalations");
    assert_eq!(rows.len(), 2, "a header and the escalation: {rows:?}");

    // Without the CSRF token nothing happens.
    let r = pm.post_bare(&app, &format!("{item}/update"), &[("text", "x")]).await;
    assert!(r.status.is_client_error(), "{}", r.status);

    // An update, a move, then the close gate.
    let r = pm
        .post(&app, &format!("{item}/update"), &[("text", "Spoke to the CIO")])
        .await
        .expect(303);
    let page = pm.get(&app, &location(&r)).await.expect(200);
    assert!(html(&page).contains("Spoke to the CIO"));
    pm.post(
        &app,
        &format!("{item}/move"),
        &[("to", "resolved"), ("text", "Patched")],
    )
    .await
    .expect(303);
    let page = pm.get(&app, &item).await.expect(200);
    assert!(
        html(&page).contains("id=\"escalation-close\""),
        "a resolved escalation offers the close"
    );
    let r = pm
        .post(&app, &format!("{item}/close"), &[("agreed_by", "Pat Customer")])
        .await
        .expect(422);
    assert!(html(&r).contains("written agreement"), "{}", r.text);
    let today = time::OffsetDateTime::now_utc().date().to_string();
    let r = pm
        .post(
            &app,
            &format!("{item}/close"),
            &[
                ("agreed_by", "Pat Customer, CTO"),
                ("agreed_on", &today),
                ("agreement", "E-mail of today"),
                ("outcome", "Patched in 4.2"),
                ("sentiment", "engaged"),
            ],
        )
        .await
        .expect(303);
    let page = pm.get(&app, &location(&r)).await.expect(200);
    assert!(html(&page).contains("id=\"escalation-closure\""));
    assert!(html(&page).contains("status-closed"));

    // The list: open ones by default, closed ones by status.
    let open = pm.get(&app, "/escalations").await.expect(200);
    assert!(
        !html(&open).contains("Production outage"),
        "closed is not listed as open"
    );
    let closed = pm
        .get(&app, "/escalations?status=closed&sort=severity")
        .await
        .expect(200);
    let rows = table_rows(&closed.text, "escalations-table");
    assert!(
        rows.iter().any(|r| r.iter().any(|c| c.contains("Production outage"))),
        "{rows:?}"
    );

    // A partner outside the project finds neither the escalation nor the tab.
    partner.get(&app, &item).await.expect(404);
    partner.get(&app, &tab).await.expect(404);
}

api_tests!(an_escalation_is_raised_updated_and_closed_on_the_pages);
