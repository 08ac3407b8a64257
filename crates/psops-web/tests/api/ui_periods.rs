//! The periods page, signed in through the real sign-in: finance closes a month that has
//! ended (its status and who closed it shown), is told on the page when reopening without
//! a reason, reopens with one; a consultant finds no such page and no nav link.

use psops_core::auth::Role;

use crate::matrix_fixture::Org;
use crate::support::{TestApp, api_tests};
use crate::ui_browser::html;
use crate::ui_browser::{Browser, web_user};

async fn finance_closes_and_reopens_a_month_on_the_page(app: TestApp) {
    let store = app.store.as_ref();
    let org = Org::build(store).await;
    web_user(store, "fin@org.example", vec![Role::Finance], None).await;
    web_user(store, "con@org.example", vec![Role::Consultant], Some(org.people[6])).await;
    let fin = Browser::sign_in(&app, "fin@org.example").await;
    let con = Browser::sign_in(&app, "con@org.example").await;

    let page = fin.get(&app, "/finance/periods").await.expect(200);
    assert!(
        html(&page).contains("href=\"/finance/periods\""),
        "the nav links the page"
    );
    assert!(html(&page).contains("Recognise now"));
    let r = fin.post(&app, "/finance/periods/recognise", &[]).await;
    assert_eq!(r.status.as_u16(), 303, "{}", r.text);

    let r = fin.post(&app, "/finance/periods/2020-03/close", &[]).await;
    assert_eq!(r.status.as_u16(), 303, "{}", r.text);
    let page = html(&fin.get(&app, "/finance/periods").await.expect(200));
    assert!(page.contains("id=\"period-2020-03\""), "{page}");
    assert!(page.contains("Closed"), "{page}");
    assert!(page.contains("by fin"), "who closed it: {page}");

    let r = fin
        .post(&app, "/finance/periods/2020-03/reopen", &[("reason", " ")])
        .await;
    assert!(html(&r).contains("reason: reason is required"), "{}", r.text);
    let r = fin
        .post(&app, "/finance/periods/2020-03/reopen", &[("reason", "Late timesheet")])
        .await;
    assert_eq!(r.status.as_u16(), 303, "{}", r.text);
    let page = html(&fin.get(&app, "/finance/periods").await.expect(200));
    assert!(page.contains("Reopened") && page.contains("Late timesheet"), "{page}");

    let home = html(&con.get(&app, "/").await.expect(200));
    assert!(!home.contains("href=\"/finance/periods\""));
    con.get(&app, "/finance/periods").await.expect(404);
}

api_tests!(finance_closes_and_reopens_a_month_on_the_page);
