//! The Milestones tab of a project, signed in through the real sign-in: the project
//! manager sends the acceptance request to a contact of the account and sees the
//! passive-acceptance date, a refused sign-off is told on the page (nothing written), a
//! sign-off with a file is recorded and the file downloads; an assigned consultant reads
//! it without forms; a partner finds nothing; a form without the CSRF token is refused.

use psops_core::auth::Role;
use psops_core::delivery::acceptance::base64;

use crate::matrix_acceptance_fixture as af;
use crate::matrix_fixture::Org;
use crate::matrix_scoping_fixture::CONSULTANT;
use crate::support::{TestApp, api_tests};
use crate::ui_browser::{Browser, web_user};

const PM: usize = 5;
const PARTNER: usize = 7;

async fn the_pm_requests_and_records_acceptance_on_the_milestones_tab(app: TestApp) {
    let store = app.store.as_ref();
    let org = Org::build(store).await;
    let contact = af::contact(store, &org).await;
    let m = af::milestone(store, &org).await;
    web_user(
        store,
        "pam@org.example",
        vec![Role::ProjectManager],
        Some(org.people[PM]),
    )
    .await;
    web_user(
        store,
        "cory@org.example",
        vec![Role::Consultant],
        Some(org.people[CONSULTANT]),
    )
    .await;
    web_user(
        store,
        "pat@org.example",
        vec![Role::PartnerManager],
        Some(org.people[PARTNER]),
    )
    .await;
    let pm = Browser::sign_in(&app, "pam@org.example").await;
    let page_url = format!("/projects/{}/milestones", org.p1);

    let page = pm.get(&app, &page_url).await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(
        page.text.contains("aria-current=\"page\">Milestones</a>"),
        "the tab is current"
    );
    assert!(page.text.contains(&format!("id=\"milestone-{m}\"")));
    assert!(page.text.contains("Not requested"));
    assert!(
        page.text.contains(&format!("<option value=\"{contact}\">")),
        "the account's contacts"
    );

    let act = |what: &str| format!("/projects/{}/milestones/{m}/{what}", org.p1);
    let sent = pm
        .post(&app, &act("request"), &[("contact_id", &contact.to_string())])
        .await;
    assert_eq!(sent.status, 303, "{}", sent.text);
    let page = pm.get(&app, &page_url).await;
    assert!(page.text.contains("Awaiting acceptance"), "{}", page.text);
    assert!(page.text.contains("Request sent to"));
    assert!(
        page.text.contains("class=\"passive-date\""),
        "the passive-acceptance date is shown"
    );

    // A sign-off without a name is refused on the page; nothing is written.
    let refused = pm
        .post(&app, &act("accept"), &[("accepted_by", ""), ("method", "signature")])
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert!(refused.text.contains("role=\"alert\""));
    assert!(refused.text.contains("Awaiting acceptance"));

    // Without the CSRF token: refused.
    let bare = pm
        .post_bare(
            &app,
            &act("accept"),
            &[("accepted_by", "Casey"), ("method", "signature")],
        )
        .await;
    assert!(bare.status.is_client_error(), "{}", bare.status);

    let pdf = b"%PDF-1.4 signed by Casey".to_vec();
    let encoded = base64::encode(&pdf);
    let done = pm
        .post(
            &app,
            &act("accept"),
            &[
                ("accepted_by", "Casey Customer"),
                ("method", "signature"),
                ("accepted_on", ""),
                ("file_content", &encoded),
                ("file_name", "signed.pdf"),
                ("file_type", "application/pdf"),
            ],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.text);
    let page = pm.get(&app, &page_url).await;
    assert!(page.text.contains("Signature by Casey Customer"), "{}", page.text);
    assert!(
        !page.text.contains("Record the customer"),
        "an accepted milestone has no sign-off form"
    );
    let link = page
        .text
        .replace("&#x2f;", "/")
        .split(&format!("/projects/{}/milestones/{m}/evidence/", org.p1))
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
        .to_string();
    let file = pm
        .get(&app, &format!("/projects/{}/milestones/{m}/evidence/{link}", org.p1))
        .await;
    assert_eq!(file.status, 200);
    assert_eq!(file.text.as_bytes(), &pdf[..]);
    assert_eq!(file.header("content-type"), Some("application/pdf"));

    // The assigned consultant reads it, without forms; a partner finds nothing.
    let consultant = Browser::sign_in(&app, "cory@org.example").await;
    let read = consultant.get(&app, &page_url).await;
    assert_eq!(read.status, 200, "{}", read.text);
    assert!(read.text.contains("Signature by Casey Customer"));
    assert!(!read.text.contains("Keep evidence"));
    let denied = consultant
        .post(&app, &act("evidence"), &[("evidence_url", "https://x.example")])
        .await;
    assert_eq!(denied.status, 403, "{}", denied.text);
    let partner = Browser::sign_in(&app, "pat@org.example").await;
    assert_eq!(partner.get(&app, &page_url).await.status, 404);
}

api_tests!(the_pm_requests_and_records_acceptance_on_the_milestones_tab);
