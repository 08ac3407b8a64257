//! The invoice pages, signed in through the real sign-in: finance drafts an invoice of a
//! project through a day from the list's form, reviews it, drops nothing, issues it (its
//! number shows), prints it and credits it with a reason; nothing to bill is told on the
//! page; the project's manager reads the invoice without any action; a consultant finds
//! no invoices at all.

use psops_core::auth::Role;

use crate::matrix_fixture::Org;
use crate::matrix_invoices::billable_project;
use crate::support::{TestApp, api_tests};
use crate::ui_browser::html;
use crate::ui_browser::{Browser, web_user};

fn location(r: &crate::support::Resp) -> String {
    r.header("location").unwrap_or_default().to_string()
}

async fn finance_drafts_issues_and_credits_an_invoice_on_the_pages(app: TestApp) {
    let store = app.store.as_ref();
    let org = Org::build(store).await;
    web_user(store, "fin@org.example", vec![Role::Finance], Some(org.people[2])).await;
    web_user(
        store,
        "pam@org.example",
        vec![Role::ProjectManager],
        Some(org.people[5]),
    )
    .await;
    web_user(store, "con@org.example", vec![Role::Consultant], Some(org.people[6])).await;
    let fin = Browser::sign_in(&app, "fin@org.example").await;
    let pm = Browser::sign_in(&app, "pam@org.example").await;
    let con = Browser::sign_in(&app, "con@org.example").await;
    let project = billable_project(store, &org).await.to_string();
    let today = time::OffsetDateTime::now_utc().date().to_string();

    let list = fin.get(&app, "/invoices").await.expect(200);
    assert!(html(&list).contains("id=\"draft-invoice\""), "{}", list.text);
    assert!(html(&list).contains("href=\"/invoices\""), "the nav links the list");
    assert!(
        html(&list).contains(&format!("value=\"{project}\"")),
        "the project is offered"
    );

    let r = fin
        .post(
            &app,
            "/invoices",
            &[("project_id", project.as_str()), ("through", today.as_str())],
        )
        .await
        .expect(303);
    let at = location(&r);
    assert!(at.starts_with("/invoices/"), "{at}");
    let page = fin.get(&app, &at).await.expect(200);
    let text = html(&page);
    assert!(text.contains("Draft invoice"), "{text}");
    assert!(text.contains("Milestone: Design"), "{text}");
    assert!(text.contains("10000.00 USD"), "{text}");
    assert!(text.contains("id=\"invoice-issue\""));

    let r = fin.post(&app, &format!("{at}/issue"), &[]).await.expect(303);
    let issued = fin.get(&app, &location(&r)).await.expect(200);
    let text = html(&issued);
    assert!(text.contains("INV-0000"), "{text}");
    assert!(!text.contains("id=\"invoice-issue\""), "issued: no more issue");
    assert!(text.contains("id=\"invoice-credit\""));
    let print = fin.get(&app, &format!("{at}/print")).await.expect(200);
    assert!(html(&print).contains("Milestone: Design"));
    let pdf = fin.get(&app, &format!("{at}/pdf")).await.expect(200);
    assert!(pdf.text.starts_with("%PDF-"));

    // Nothing more to bill: told on the list page, nothing written.
    let r = fin
        .post(
            &app,
            "/invoices",
            &[("project_id", project.as_str()), ("through", today.as_str())],
        )
        .await
        .expect(409);
    assert!(html(&r).contains("nothing to bill"), "{}", r.text);

    // The project's manager reads it, with no action; a consultant sees no invoices.
    let seen = pm.get(&app, &at).await.expect(200);
    assert!(html(&seen).contains("INV-0000"));
    assert!(!html(&seen).contains("id=\"invoice-credit\""));
    con.get(&app, "/invoices").await.expect(404);
    con.get(&app, &at).await.expect(404);

    // A credit needs a reason; with one, the credit note opens.
    fin.post(&app, &format!("{at}/credit"), &[("reason", "")])
        .await
        .expect(422);
    let r = fin
        .post(
            &app,
            &format!("{at}/credit"),
            &[("reason", "Billed to the wrong entity")],
        )
        .await
        .expect(303);
    let cn = fin.get(&app, &location(&r)).await.expect(200);
    let text = html(&cn);
    assert!(text.contains("Credit note"), "{text}");
    assert!(text.contains("CN-0000"), "{text}");
    assert!(text.contains("-10000.00 USD"), "{text}");
}

api_tests!(finance_drafts_issues_and_credits_an_invoice_on_the_pages);
